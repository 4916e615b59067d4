import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { AuditEntry } from './audit-entry.entity.js';

export interface AuditRecord {
  actorId: string | null;
  action: string;
  subjectType: 'reservation' | 'block' | 'training' | 'waitlist';
  subjectId: string;
  siteId: string | null;
  details?: Record<string, unknown>;
}

@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEntry) private readonly entries: Repository<AuditEntry>,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Written in the caller's transaction, so the log never disagrees with what happened. */
  async record(manager: EntityManager, record: AuditRecord): Promise<void> {
    await manager.getRepository(AuditEntry).save({
      id: randomUUID(),
      at: this.clock.now(),
      ...record,
      details: record.details ?? null,
    });
  }

  forSite(siteId: string, limit: number): Promise<AuditEntry[]> {
    return this.entries.find({ where: { siteId }, order: { at: 'DESC' }, take: limit });
  }

  forSubject(subjectType: string, subjectId: string): Promise<AuditEntry[]> {
    return this.entries.find({ where: { subjectType, subjectId }, order: { at: 'ASC' } });
  }
}

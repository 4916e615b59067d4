import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { AccountErasureService } from '../users/account-erasure.service.js';
import type { ErasureParticipant, Underway } from '../users/erasure-participant.js';
import { UNDERWAY_STATES } from './job-state.rules.js';
import { Job } from './job.entity.js';

/**
 * Jobs' part in erasing an account: a job still underway must be cancelled first (it holds or
 * waits for a machine); the others stay for the statistics, without their names, which are the
 * uploaded file names and often carry the maker's own.
 */
@Injectable()
export class JobsErasure implements ErasureParticipant, OnModuleInit {
  readonly entities = [Job];

  constructor(@Inject(AccountErasureService) private readonly erasure: AccountErasureService) {}

  onModuleInit(): void {
    this.erasure.register(this);
  }

  async underway(manager: EntityManager, userId: string): Promise<Underway> {
    const jobs = await manager
      .getRepository(Job)
      .find({ select: { id: true }, where: { ownerId: userId, state: In([...UNDERWAY_STATES]) } });
    return { what: 'job(s) underway', key: 'jobIds', ids: jobs.map((job) => job.id) };
  }

  async erase(manager: EntityManager, userId: string): Promise<void> {
    await manager.getRepository(Job).update({ ownerId: userId }, { name: 'erased' });
  }
}

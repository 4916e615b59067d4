import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { mergeDeclared } from '../common/declared.rules.js';
import { NotFoundError } from '../common/domain-error.js';
import type { SiteConfig } from '../config/app-config.js';
import { Site } from './site.entity.js';

type DeclaredSite = Pick<Site, 'name' | 'timeZone' | 'locales' | 'openingHours' | 'closures' | 'booking'>;

@Injectable()
export class SitesService {
  constructor(
    @InjectRepository(Site) private readonly sites: Repository<Site>,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  list(): Promise<Site[]> {
    return this.sites.find({ order: { name: 'ASC' } });
  }

  async get(siteId: string): Promise<Site> {
    const site = await this.sites.findOneBy({ id: siteId });
    if (!site) throw new NotFoundError('site', siteId);
    return site;
  }

  /** Inserts or updates a config-declared site inside the caller's transaction. */
  async applyDeclared(manager: EntityManager, declared: SiteConfig): Promise<void> {
    const repository = manager.getRepository(Site);
    const values: DeclaredSite = {
      name: declared.name,
      timeZone: declared.timeZone,
      locales: declared.locales,
      openingHours: declared.openingHours,
      closures: declared.closures,
      booking: declared.booking ?? null,
    };
    const now = this.clock.now();
    const stored = await repository.findOneBy({ id: declared.id });
    const record = { ...values } as Record<string, unknown>;
    if (!stored) {
      await repository.save({ id: declared.id, ...values, declared: record, createdAt: now, updatedAt: now });
      return;
    }
    const { merged } = mergeDeclared<DeclaredSite>(stored, values, stored.declared as Partial<DeclaredSite> | null);
    await repository.save({ ...stored, ...merged, declared: record, updatedAt: now });
  }
}

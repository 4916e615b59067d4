import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, In, type Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { canManageSite, userIdOf, type Principal } from '../auth/principal.js';
import { Clock } from '../common/clock.js';
import { NotFoundError } from '../common/domain-error.js';
import { WriteLock } from '../database/write-lock.js';
import { MachinesService } from '../machines/machines.service.js';
import { SitesService } from '../sites/sites.service.js';
import { Block, type BlockCategory } from './block.entity.js';
import { reservationsHitByBlock, validateBlockRule, type WeeklyBlockPattern } from './blocks.rules.js';
import { blockRule } from './booking-context.service.js';
import { BookingEvents } from './reservation-events.js';
import { Reservation } from './reservation.entity.js';
import { BlockRefusedError } from './reservations.errors.js';

export interface BlockRequest {
  machineIds?: string[];
  /** Every machine of this kind at the site (e.g. all embroidery machines for a workshop). */
  kind?: string;
  reason: string;
  category: BlockCategory;
  start?: number;
  end?: number;
  weekly?: WeeklyBlockPattern;
}

export interface BlockCreated {
  block: Block;
  /** Active reservations the block lands on, left in place for staff to move or cancel. */
  conflicts: Array<{ reservation: Reservation; occurrence: { start: number; end: number } }>;
}

@Injectable()
export class BlocksService {
  constructor(
    @InjectRepository(Block) private readonly blocks: Repository<Block>,
    @Inject(SitesService) private readonly sites: SitesService,
    @Inject(MachinesService) private readonly machines: MachinesService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(BookingEvents) private readonly events: BookingEvents,
    @Inject(WriteLock) private readonly writeLock: WriteLock,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async create(siteId: string, request: BlockRequest, principal: Principal): Promise<BlockCreated> {
    if (!canManageSite(principal, siteId)) throw new NotFoundError('site', siteId);
    const site = await this.sites.get(siteId);
    const machineIds = await this.resolveMachines(siteId, request);
    const hasWindow = request.start !== undefined && request.end !== undefined;
    if (hasWindow === Boolean(request.weekly)) {
      throw new BlockRefusedError('Give either start and end (a one-off block) or weekly (a recurring one).', {
        field: 'weekly',
      });
    }
    const rule = request.weekly
      ? { machineIds, weekly: request.weekly, reason: request.reason }
      : { machineIds, start: request.start!, end: request.end!, reason: request.reason };
    const invalid = validateBlockRule(rule);
    if (invalid) throw new BlockRefusedError(invalid, { field: request.weekly ? 'weekly' : 'end' });
    const actorId = userIdOf(principal);
    const created = await this.writeLock.run(
      async (manager) => {
        const now = this.clock.now();
        const block = await manager.getRepository(Block).save({
          id: randomUUID(),
          siteId,
          machineIds,
          reason: request.reason,
          category: request.category,
          start: request.weekly ? null : request.start!,
          end: request.weekly ? null : request.end!,
          weekly: request.weekly ?? null,
          createdBy: actorId,
          createdAt: now,
          cancelledAt: null,
        });
        const upcoming = await manager.getRepository(Reservation).find({
          where: { machineId: In(machineIds), status: 'active', end: MoreThan(now) },
          order: { start: 'ASC' },
        });
        const conflicts = reservationsHitByBlock(rule, site.timeZone, upcoming);
        await this.audit.record(manager, {
          actorId,
          action: 'block.created',
          subjectType: 'block',
          subjectId: block.id,
          siteId,
          details: { machineIds, reason: request.reason, category: request.category, conflicts: conflicts.length },
        });
        return { block, conflicts };
      },
      machineIds.map((id) => `machine:${id}`),
    );
    this.events.emit({ type: 'block.created', at: this.clock.now(), blockId: created.block.id, siteId, machineIds });
    return created;
  }

  list(siteId: string): Promise<Block[]> {
    return this.blocks.find({ where: { siteId, cancelledAt: IsNull() }, order: { createdAt: 'DESC' } });
  }

  async cancel(siteId: string, blockId: string, principal: Principal): Promise<Block> {
    const block = await this.blocks.findOneBy({ id: blockId, siteId });
    if (!block || !canManageSite(principal, siteId)) throw new NotFoundError('block', blockId);
    if (block.cancelledAt !== null) return block;
    const cancelled = await this.writeLock.run(async (manager) => {
      const saved = await manager.getRepository(Block).save({ ...block, cancelledAt: this.clock.now() });
      await this.audit.record(manager, {
        actorId: userIdOf(principal),
        action: 'block.cancelled',
        subjectType: 'block',
        subjectId: blockId,
        siteId,
      });
      return saved;
    });
    this.events.emit({ type: 'block.cancelled', at: this.clock.now(), blockId, siteId, machineIds: block.machineIds });
    return cancelled;
  }

  rulesForSite(siteId: string) {
    return this.list(siteId).then((blocks) => blocks.map(blockRule));
  }

  private async resolveMachines(siteId: string, request: BlockRequest): Promise<string[]> {
    const atSite = await this.machines.listBySite(siteId);
    if (request.kind) {
      const ofKind = atSite.filter((machine) => machine.kind === request.kind).map((machine) => machine.id);
      if (ofKind.length === 0)
        throw new BlockRefusedError(`This site has no ${request.kind} machine.`, { field: 'kind' });
      return ofKind;
    }
    const ids = [...new Set(request.machineIds ?? [])];
    if (ids.length === 0)
      throw new BlockRefusedError('Name the machines to block, or a machine kind.', { field: 'machineIds' });
    const known = new Set(atSite.map((machine) => machine.id));
    const foreign = ids.find((id) => !known.has(id));
    if (foreign) throw new BlockRefusedError(`Machine '${foreign}' is not at this site.`, { field: 'machineIds' });
    return ids;
  }
}

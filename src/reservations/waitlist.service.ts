import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { NotFoundError } from '../common/domain-error.js';
import { WriteLock } from '../database/write-lock.js';
import { MachinesService } from '../machines/machines.service.js';
import { SitesService } from '../sites/sites.service.js';
import { BookingContextService } from './booking-context.service.js';
import type { Interval } from './intervals.js';
import { BookingEvents } from './reservation-events.js';
import { InvalidRangeError } from './reservations.errors.js';
import { WaitlistEntry } from './waitlist-entry.entity.js';
import { firstMatchingWaiter } from './waitlist.rules.js';

@Injectable()
export class WaitlistService {
  constructor(
    @InjectRepository(WaitlistEntry) private readonly entries: Repository<WaitlistEntry>,
    @Inject(MachinesService) private readonly machines: MachinesService,
    @Inject(SitesService) private readonly sites: SitesService,
    @Inject(BookingContextService) private readonly context: BookingContextService,
    @Inject(BookingEvents) private readonly events: BookingEvents,
    @Inject(WriteLock) private readonly writeLock: WriteLock,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async join(
    makerId: string,
    input: { siteId: string; kind: string; start: number; end: number },
  ): Promise<WaitlistEntry> {
    await this.sites.get(input.siteId);
    const now = this.clock.now();
    if (!(input.end > input.start)) throw new InvalidRangeError('The end must be after the start.', { field: 'end' });
    if (input.end <= now) throw new InvalidRangeError('This time is already past.', { field: 'end' });
    return this.writeLock.run((manager) =>
      manager.getRepository(WaitlistEntry).save({
        id: randomUUID(),
        makerId,
        ...input,
        status: 'waiting' as const,
        offeredMachineId: null,
        offeredStart: null,
        offeredEnd: null,
        createdAt: now,
        updatedAt: now,
      }),
    );
  }

  listForMaker(makerId: string): Promise<WaitlistEntry[]> {
    return this.entries.find({ where: { makerId }, order: { createdAt: 'DESC' }, take: 100 });
  }

  async withdraw(id: string, makerId: string): Promise<WaitlistEntry> {
    const entry = await this.entries.findOneBy({ id, makerId });
    if (!entry) throw new NotFoundError('waiting-list entry', id);
    return this.writeLock.run((manager) =>
      manager
        .getRepository(WaitlistEntry)
        .save({ ...entry, status: 'withdrawn' as const, updatedAt: this.clock.now() }),
    );
  }

  /** Time freed on a machine goes to the first maker in line whose range it fits. */
  async offerFreedTime(machineId: string, interval: Interval): Promise<WaitlistEntry | null> {
    const machine = await this.machines.get(machineId);
    const site = await this.sites.get(machine.siteId);
    const policy = this.context.policyFor(site, machine.kind);
    const offered = await this.writeLock.run(async (manager) => {
      const repository = manager.getRepository(WaitlistEntry);
      const waiting = await repository.find({ where: { siteId: site.id, kind: machine.kind, status: 'waiting' } });
      const now = this.clock.now();
      const match = firstMatchingWaiter(
        waiting.map((entry) => ({ ...entry, createdAtMs: entry.createdAt })),
        { machineKind: machine.kind, siteId: site.id, interval, minMinutes: policy.minMinutes },
        now,
      );
      if (!match) return null;
      const entry = waiting.find((candidate) => candidate.id === match.waiter.id)!;
      return repository.save({
        ...entry,
        status: 'offered' as const,
        offeredMachineId: machine.id,
        offeredStart: match.offer.start,
        offeredEnd: match.offer.end,
        updatedAt: now,
      });
    });
    if (offered) {
      this.events.emit({
        type: 'waitlist.offered',
        at: this.clock.now(),
        entryId: offered.id,
        makerId: offered.makerId,
        siteId: offered.siteId,
        machineId: machine.id,
        start: offered.offeredStart!,
        end: offered.offeredEnd!,
      });
    }
    return offered;
  }
}

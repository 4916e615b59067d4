import { Inject, Injectable } from '@nestjs/common';
import { In, IsNull, LessThan, MoreThan, type EntityManager } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Machine } from '../machines/machine.entity.js';
import { MachinesService } from '../machines/machines.service.js';
import type { Site } from '../sites/site.entity.js';
import type { SiteCalendar } from '../sites/opening-hours.rules.js';
import { TrainingsService } from '../trainings/trainings.service.js';
import { Block } from './block.entity.js';
import { blockIntervalsForMachine, type BlockRule } from './blocks.rules.js';
import { resolvePolicy, type BookingContext, type BookingPolicy } from './booking.policy.js';
import type { Interval } from './intervals.js';
import { Reservation } from './reservation.entity.js';

const DAY_MS = 86_400_000;
/** Quotas look back over at most one local week; a little more covers any zone offset. */
const QUOTA_LOOKBACK_MS = 8 * DAY_MS;

export function siteCalendar(site: Site): SiteCalendar {
  return { timeZone: site.timeZone, weeklyHours: site.openingHours, closures: site.closures };
}

export function blockRule(block: Block): BlockRule {
  return block.weekly
    ? { machineIds: block.machineIds, weekly: block.weekly, reason: block.reason }
    : { machineIds: block.machineIds, start: block.start!, end: block.end!, reason: block.reason };
}

/** Gathers what `checkBooking` needs, inside the booking's transaction so it sees the latest rows. */
@Injectable()
export class BookingContextService {
  constructor(
    @Inject(MachinesService) private readonly machines: MachinesService,
    @Inject(TrainingsService) private readonly trainings: TrainingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  policyFor(site: Site, kind: string): BookingPolicy {
    return resolvePolicy(this.config.booking.default, this.config.booking.kinds, site.booking ?? undefined, kind);
  }

  /**
   * Read before the booking's transaction opens: inside it, every query must go through its
   * manager, or on PostgreSQL a full pool of transactions waiting on the machine's lock would
   * each wait for a second connection that never frees (a pool deadlock).
   */
  async trainingsOf(makerId: string): Promise<BookingContext['makerTrainings']> {
    const held = await this.trainings.heldBy(makerId);
    return held.map((t) => ({ training: t.training, expiresAt: t.expiresAt }));
  }

  async load(
    manager: EntityManager,
    input: {
      site: Site;
      machine: Machine;
      makerId: string;
      makerTrainings: BookingContext['makerTrainings'];
      request: Interval;
      policy: BookingPolicy;
      nowMs: number;
      excludeId?: string;
    },
  ): Promise<BookingContext> {
    const { site, machine, makerId, makerTrainings, request, policy, nowMs, excludeId } = input;
    const reservations = manager.getRepository(Reservation);
    const others = (list: Reservation[]) => list.filter((r) => r.id !== excludeId);
    const makerReservations = others(
      await reservations.find({
        where: { makerId, status: 'active', end: MoreThan(Math.min(nowMs, request.start) - QUOTA_LOOKBACK_MS) },
      }),
    );
    // Buffers are at most a day; look that far around the request for neighbours.
    const near = { start: request.start - DAY_MS, end: request.end + DAY_MS };
    const machineReservations = others(
      await reservations.find({
        where: { machineId: machine.id, status: 'active', start: LessThan(near.end), end: MoreThan(near.start) },
      }),
    );
    const blocks = await manager.getRepository(Block).find({ where: { siteId: site.id, cancelledAt: IsNull() } });
    const blockIntervals = blockIntervalsForMachine(
      blocks.map(blockRule),
      machine.id,
      site.timeZone,
      near.start,
      near.end,
    );
    return {
      nowMs,
      policy,
      calendar: siteCalendar(site),
      machine: {
        id: machine.id,
        kind: machine.kind,
        adminStatus: machine.adminStatus,
        requiredTraining: this.machines.requiredTraining(machine.kind),
      },
      makerTrainings,
      makerReservations: makerReservations.map(({ start, end }) => ({ start, end })),
      machineBusy: [
        ...machineReservations.map(({ start, end }) => ({ start, end, kind: 'reservation' as const })),
        ...blockIntervals.map((interval) => ({ ...interval, kind: 'block' as const })),
      ],
    };
  }

  /** Active reservations of machines over a range, grouped by machine. */
  async activeReservations(manager: EntityManager, machineIds: string[], range: Interval): Promise<Reservation[]> {
    if (machineIds.length === 0) return [];
    return manager.getRepository(Reservation).find({
      where: { machineId: In(machineIds), status: 'active', start: LessThan(range.end), end: MoreThan(range.start) },
      order: { start: 'ASC' },
    });
  }
}

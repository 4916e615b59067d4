import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThanOrEqual, type Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { WriteLock } from '../database/write-lock.js';
import { dueNoShows } from './no-show.rules.js';
import { Reservation } from './reservation.entity.js';
import { ReservationsService } from './reservations.service.js';

/** Check-in deadlines are minutes apart; sweeping every 20 s frees a machine at most that late. */
const SWEEP_EVERY_MS = 20_000;

/**
 * Releases reservations nobody checked in to within their grace period: the time becomes free,
 * the maker's no-show count grows, the waiting list is told.
 */
@Injectable()
export class NoShowService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NoShowService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    @InjectRepository(Reservation) private readonly reservations: Repository<Reservation>,
    @Inject(ReservationsService) private readonly bookings: ReservationsService,
    @Inject(WriteLock) private readonly writeLock: WriteLock,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sweep().catch((error: Error) => this.logger.error(`No-show sweep failed: ${error.message}`, error.stack));
    }, SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Releases every no-show due now; returns how many. Overlapping calls share one sweep. */
  sweep(): Promise<number> {
    this.running ??= this.releaseDue().finally(() => (this.running = undefined));
    return this.running;
  }

  private async releaseDue(): Promise<number> {
    const now = this.clock.now();
    const candidates = await this.reservations.find({
      where: { status: 'active', checkedInAt: IsNull(), start: LessThanOrEqual(now) },
    });
    const due = dueNoShows(
      candidates.map((reservation) => ({
        ...reservation,
        checkInGraceMinutes: reservation.policy.checkInGraceMinutes,
      })),
      now,
    );
    for (const candidate of due) {
      const released = await this.writeLock.run(
        async (manager) => {
          // Re-read under the lock: a check-in may have landed since the query above.
          const current = await manager.getRepository(Reservation).findOneBy({ id: candidate.id });
          if (!current || current.status !== 'active' || current.checkedInAt !== null) return null;
          return { reservation: current, freed: await this.bookings.markNoShow(manager, current, now) };
        },
        [`machine:${candidate.machineId}`],
      );
      if (!released) continue;
      this.bookings.announce('reservation.no_show', { ...released.reservation, status: 'no_show' });
      await this.bookings.offerFreed(released.reservation, [released.freed]);
    }
    return due.length;
  }
}

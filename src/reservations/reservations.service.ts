import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, type EntityManager, type FindOptionsWhere, type Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { canManageSite, userIdOf, type Principal } from '../auth/principal.js';
import { Clock } from '../common/clock.js';
import { ForbiddenError, NotFoundError } from '../common/domain-error.js';
import { WriteLock } from '../database/write-lock.js';
import { MachinesService } from '../machines/machines.service.js';
import { SitesService } from '../sites/sites.service.js';
import { UsersService } from '../users/users.service.js';
import { checkBooking } from './booking.policy.js';
import { canCancel, canCheckIn, releaseEarly, type ReservationActionDecision } from './booking.rules.js';
import { BookingContextService } from './booking-context.service.js';
import { subtractIntervals, type Interval } from './intervals.js';
import { BookingEvents, type ReservationEventType } from './reservation-events.js';
import { Reservation, type ReservationStatus } from './reservation.entity.js';
import {
  BookingRefusedError,
  conflictFromBackstop,
  IdempotencyKeyReusedError,
  OverrideNotAllowedError,
  ReservationActionRefusedError,
} from './reservations.errors.js';
import { WaitlistService } from './waitlist.service.js';

export interface BookingRequest {
  machineId: string;
  start: number;
  end: number;
  note?: string;
  makerId?: string;
  overrideReason?: string;
}

@Injectable()
export class ReservationsService {
  constructor(
    @InjectRepository(Reservation) private readonly reservations: Repository<Reservation>,
    @Inject(BookingContextService) private readonly context: BookingContextService,
    @Inject(MachinesService) private readonly machines: MachinesService,
    @Inject(SitesService) private readonly sites: SitesService,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(WaitlistService) private readonly waitlist: WaitlistService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(BookingEvents) private readonly events: BookingEvents,
    @Inject(WriteLock) private readonly writeLock: WriteLock,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * Books a machine. The policy check and the insert run as one serialized write (see WriteLock),
   * so of N simultaneous requests for one slot exactly one wins and the others get a clean 409.
   * A retried request with the same Idempotency-Key returns the first booking instead of a second.
   */
  async create(
    request: BookingRequest,
    principal: Principal,
    idempotencyKey?: string,
  ): Promise<{ reservation: Reservation; replayed: boolean }> {
    const bookedBy = userIdOf(principal);
    const makerId = request.makerId ?? bookedBy;
    const machine = await this.machines.get(request.machineId);
    const onBehalf = makerId !== bookedBy;
    if ((onBehalf || request.overrideReason) && !canManageSite(principal, machine.siteId)) {
      throw new OverrideNotAllowedError(
        onBehalf
          ? 'Only the staff of this site can book for someone else.'
          : 'Only the staff of this site can book past the rules.',
        { field: onBehalf ? 'makerId' : 'overrideReason' },
      );
    }
    if (onBehalf) await this.users.get(makerId);
    const site = await this.sites.get(machine.siteId);
    const requestHash = idempotencyKey ? hashRequest({ ...request, makerId }) : null;
    const replay = async (manager: EntityManager) => {
      if (!idempotencyKey) return null;
      const previous = await manager.getRepository(Reservation).findOneBy({ bookedBy, idempotencyKey });
      if (previous && previous.requestHash !== requestHash) {
        throw new IdempotencyKeyReusedError('This Idempotency-Key was already used for a different booking request.');
      }
      return previous;
    };
    const early = await replay(this.reservations.manager);
    if (early) return { reservation: early, replayed: true };
    const makerTrainings = await this.context.trainingsOf(makerId);

    const outcome = await this.write(
      async (manager) => {
        const previous = await replay(manager);
        if (previous) return { reservation: previous, replayed: true };
        const now = this.clock.now();
        const policy = this.context.policyFor(site, machine.kind);
        const interval = { start: request.start, end: request.end };
        const context = await this.context.load(manager, {
          site,
          machine,
          makerId,
          makerTrainings,
          request: interval,
          policy,
          nowMs: now,
        });
        const violation = checkBooking(interval, context, { skipPolicy: Boolean(request.overrideReason) });
        if (violation) throw new BookingRefusedError(violation);
        const reservation = await manager.getRepository(Reservation).save({
          id: randomUUID(),
          machineId: machine.id,
          siteId: site.id,
          makerId,
          ...interval,
          status: 'active' as const,
          checkedInAt: null,
          note: request.note?.trim() || null,
          policy,
          overrideReason: request.overrideReason ?? null,
          bookedBy,
          idempotencyKey: idempotencyKey ?? null,
          requestHash,
          createdAt: now,
          updatedAt: now,
        });
        await this.audit.record(manager, {
          actorId: bookedBy,
          action: request.overrideReason ? 'reservation.created_with_override' : 'reservation.created',
          subjectType: 'reservation',
          subjectId: reservation.id,
          siteId: site.id,
          details: {
            machineId: machine.id,
            makerId,
            start: interval.start,
            end: interval.end,
            overrideReason: request.overrideReason,
          },
        });
        return { reservation, replayed: false };
      },
      [`machine:${machine.id}`, `maker:${makerId}`],
    );
    if (!outcome.replayed) this.announce('reservation.created', outcome.reservation);
    return outcome;
  }

  async get(id: string, principal: Principal): Promise<Reservation> {
    const reservation = await this.reservations.findOneBy({ id });
    const visible =
      reservation && (reservation.makerId === userIdOf(principal) || canManageSite(principal, reservation.siteId));
    if (!visible) throw new NotFoundError('reservation', id);
    return reservation;
  }

  listForMaker(
    makerId: string,
    filter: { from?: number; to?: number; status?: ReservationStatus },
  ): Promise<Reservation[]> {
    const where: FindOptionsWhere<Reservation> = { makerId };
    if (filter.status) where.status = filter.status;
    if (filter.to !== undefined) where.start = LessThan(filter.to);
    if (filter.from !== undefined) where.end = MoreThan(filter.from);
    return this.reservations.find({ where, order: { start: 'ASC' }, take: 500 });
  }

  /** An active booking by id, for the job queue (which runs a maker's job inside their booking). */
  activeById(id: string): Promise<Reservation | null> {
    return this.reservations.findOneBy({ id, status: 'active' });
  }

  listForSite(siteId: string, range: Interval): Promise<Reservation[]> {
    return this.reservations.find({
      where: { siteId, start: LessThan(range.end), end: MoreThan(range.start) },
      order: { start: 'ASC' },
    });
  }

  /** The maker until the cut-off; staff of the site at any time. */
  cancel(id: string, principal: Principal): Promise<Reservation> {
    return this.transition(id, principal, 'reservation.cancelled', (reservation, now, staff, timeZone) => {
      refuseUnless(mayChange(reservation, staff, now, timeZone));
      return { status: 'cancelled', freed: [{ start: Math.max(now, reservation.start), end: reservation.end }] };
    });
  }

  checkIn(id: string, principal: Principal): Promise<Reservation> {
    return this.transition(id, principal, 'reservation.checked_in', (reservation, now, _staff, timeZone) => {
      refuseUnless(
        canCheckIn({ ...reservation, checkInGraceMinutes: reservation.policy.checkInGraceMinutes }, now, timeZone),
      );
      return { checkedInAt: now, freed: [] };
    });
  }

  /** Hands the machine back early: the rest of the booking becomes free for others at once. */
  release(id: string, principal: Principal): Promise<Reservation> {
    return this.transition(id, principal, 'reservation.released', (reservation, now) => {
      if (reservation.status !== 'active') refuseUnless(NOT_ACTIVE);
      if (now <= reservation.start) {
        refuseUnless({
          ok: false,
          code: 'NOT_STARTED',
          message: 'This booking has not started yet: cancel it instead.',
        });
      }
      const end = releaseEarly(reservation, now);
      return { status: 'completed', end, freed: [{ start: end, end: reservation.end }] };
    });
  }

  /** Moves a booking under its frozen policy; allowed to the maker while cancelling still is. */
  async move(id: string, target: Interval, principal: Principal): Promise<Reservation> {
    const existing = await this.get(id, principal);
    const machine = await this.machines.get(existing.machineId);
    const site = await this.sites.get(existing.siteId);
    const staff = canManageSite(principal, existing.siteId);
    const makerTrainings = await this.context.trainingsOf(existing.makerId);
    const moved = await this.write(
      async (manager) => {
        const repository = manager.getRepository(Reservation);
        const reservation = await repository.findOneByOrFail({ id });
        const now = this.clock.now();
        refuseUnless(mayChange(reservation, staff, now, site.timeZone));
        const context = await this.context.load(manager, {
          site,
          machine,
          makerId: reservation.makerId,
          makerTrainings,
          request: target,
          policy: reservation.policy,
          nowMs: now,
          excludeId: id,
        });
        const violation = checkBooking(target, context, { skipPolicy: staff && reservation.overrideReason !== null });
        if (violation) throw new BookingRefusedError(violation);
        const before = { start: reservation.start, end: reservation.end };
        const saved = await repository.save({ ...reservation, ...target, updatedAt: now });
        await this.audit.record(manager, {
          actorId: userIdOf(principal),
          action: 'reservation.moved',
          subjectType: 'reservation',
          subjectId: id,
          siteId: site.id,
          details: { from: before, to: target },
        });
        return { saved, freed: subtractIntervals([before], [target]).filter((i) => i.end > now) };
      },
      [`machine:${machine.id}`, `maker:${existing.makerId}`],
    );
    this.announce('reservation.moved', moved.saved);
    await this.offerFreed(moved.saved, moved.freed);
    return moved.saved;
  }

  /** Marks a reservation as a no-show (called by the sweeper, under the write lock). */
  async markNoShow(manager: EntityManager, reservation: Reservation, now: number): Promise<Interval> {
    await manager.getRepository(Reservation).update({ id: reservation.id }, { status: 'no_show', updatedAt: now });
    await this.users.recordNoShow(manager, reservation.makerId);
    await this.audit.record(manager, {
      actorId: null,
      action: 'reservation.no_show',
      subjectType: 'reservation',
      subjectId: reservation.id,
      siteId: reservation.siteId,
      details: { checkInGraceMinutes: reservation.policy.checkInGraceMinutes },
    });
    return { start: Math.max(now, reservation.start), end: reservation.end };
  }

  announce(type: ReservationEventType, reservation: Reservation): void {
    const { id: reservationId, siteId, machineId, makerId, start, end } = reservation;
    this.events.emit({ type, at: this.clock.now(), reservationId, siteId, machineId, makerId, start, end });
  }

  async offerFreed(reservation: Reservation, freed: Interval[]): Promise<void> {
    for (const interval of freed) {
      if (interval.end > interval.start) await this.waitlist.offerFreedTime(reservation.machineId, interval);
    }
  }

  private async transition(
    id: string,
    principal: Principal,
    event: ReservationEventType,
    decide: (
      reservation: Reservation,
      now: number,
      staff: boolean,
      timeZone: string,
    ) => { status?: ReservationStatus; end?: number; checkedInAt?: number; freed: Interval[] },
  ): Promise<Reservation> {
    const existing = await this.get(id, principal);
    const site = await this.sites.get(existing.siteId);
    const staff = canManageSite(principal, existing.siteId);
    if (!staff && existing.makerId !== userIdOf(principal)) throw new ForbiddenError('This is not your booking.');
    const { saved, freed } = await this.write(
      async (manager) => {
        const repository = manager.getRepository(Reservation);
        const reservation = await repository.findOneByOrFail({ id });
        const now = this.clock.now();
        const { freed, ...change } = decide(reservation, now, staff, site.timeZone);
        const saved = await repository.save({ ...reservation, ...change, updatedAt: now });
        await this.audit.record(manager, {
          actorId: userIdOf(principal),
          action: event,
          subjectType: 'reservation',
          subjectId: id,
          siteId: site.id,
          details: staff && existing.makerId !== userIdOf(principal) ? { byStaff: true } : undefined,
        });
        return { saved, freed };
      },
      [`machine:${existing.machineId}`],
    );
    this.announce(event, saved);
    await this.offerFreed(saved, freed);
    return saved;
  }

  private async write<T>(work: (manager: EntityManager) => Promise<T>, lockKeys: string[]): Promise<T> {
    try {
      return await this.writeLock.run(work, lockKeys);
    } catch (error) {
      throw conflictFromBackstop(error) ?? error;
    }
  }
}

type Decision = ReservationActionDecision | { ok: false; code: string; message: string };

const NOT_ACTIVE: Decision = { ok: false, code: 'NOT_ACTIVE', message: 'This booking is no longer active.' };

/** Cancelling or moving: the maker until the frozen cut-off, staff of the site while it is active. */
function mayChange(reservation: Reservation, staff: boolean, now: number, timeZone: string): Decision {
  if (!staff) return canCancel(reservation, reservation.policy, now, timeZone);
  return reservation.status === 'active' ? { ok: true } : NOT_ACTIVE;
}

function refuseUnless(decision: Decision): void {
  if (!decision.ok) throw new ReservationActionRefusedError(decision);
}

function hashRequest(request: BookingRequest): string {
  const canonical = JSON.stringify([
    request.machineId,
    request.start,
    request.end,
    request.note ?? null,
    request.makerId,
    request.overrideReason ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

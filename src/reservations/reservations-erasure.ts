import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { MoreThan, type EntityManager } from 'typeorm';
import { AccountErasureService } from '../users/account-erasure.service.js';
import type { ErasureParticipant, Underway } from '../users/erasure-participant.js';
import { Reservation } from './reservation.entity.js';
import { WaitlistEntry } from './waitlist-entry.entity.js';

/**
 * Bookings' part in erasing an account: a booking still to come must be cancelled first (it holds
 * a machine's time and the waiting list must hear of it); past ones stay for the statistics,
 * without their notes (free text that may name the person); waiting-list entries go.
 */
@Injectable()
export class ReservationsErasure implements ErasureParticipant, OnModuleInit {
  readonly entities = [Reservation, WaitlistEntry];

  constructor(@Inject(AccountErasureService) private readonly erasure: AccountErasureService) {}

  onModuleInit(): void {
    this.erasure.register(this);
  }

  async underway(manager: EntityManager, userId: string, now: number): Promise<Underway> {
    const bookings = await manager
      .getRepository(Reservation)
      .find({ select: { id: true }, where: { makerId: userId, status: 'active', end: MoreThan(now) } });
    return { what: 'booking(s) to come', key: 'reservationIds', ids: bookings.map((booking) => booking.id) };
  }

  async erase(manager: EntityManager, userId: string): Promise<void> {
    await manager.getRepository(WaitlistEntry).delete({ makerId: userId });
    await manager.getRepository(Reservation).update({ makerId: userId }, { note: null });
  }
}

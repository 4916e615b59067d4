import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { canManageSite, type Principal } from '../auth/principal.js';
import { Clock } from '../common/clock.js';
import { NotFoundError } from '../common/domain-error.js';
import { WriteLock } from '../database/write-lock.js';
import { normalizeTags } from '../users/people.rules.js';
import { Reservation } from './reservation.entity.js';

/**
 * Programme / cohort tags on one booking (a session of a course, a school visit), set by staff of
 * the booking's site. Statistics count the booking under these and its maker's own tags.
 */
@Injectable()
export class ReservationTagsService {
  constructor(
    @InjectRepository(Reservation) private readonly reservations: Repository<Reservation>,
    @Inject(WriteLock) private readonly writeLock: WriteLock,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async setTags(reservationId: string, tags: string[], actor: Principal): Promise<Reservation> {
    const reservation = await this.reservations.findOneBy({ id: reservationId });
    // Not the caller's site: told apart from an unknown booking by nothing.
    if (!reservation || !canManageSite(actor, reservation.siteId))
      throw new NotFoundError('reservation', reservationId);
    return this.writeLock.run(async (manager) => {
      const repository = manager.getRepository(Reservation);
      await repository.update({ id: reservationId }, { tags: normalizeTags(tags), updatedAt: this.clock.now() });
      return repository.findOneByOrFail({ id: reservationId });
    });
  }
}

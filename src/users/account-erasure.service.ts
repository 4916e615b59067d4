import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { IsNull, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { NotFoundError } from '../common/domain-error.js';
import { WriteLock } from '../database/write-lock.js';
import { User } from './user.entity.js';
import { AccountBusyError, AccountRuleError } from './users.errors.js';

/** What staff views show in place of an erased person's name. */
export const ERASED_NAME = 'Deleted account';

/** Job states that hold or wait for a machine: such a job is still the fablab's business. */
const SETTLED_JOB_STATES = ['draft', 'completed', 'failed', 'cancelled', 'lost'];

/**
 * Deleting an account erases the person, not the fablab's history. In one transaction:
 * name, email, member code, password, language, calendar token, declared answers and every
 * session go; booking notes and job names (free text that may name them) are blanked and their
 * waiting-list entries removed. The row stays with its random `maker_key`, role and staff's
 * programme tags, and so do its reservations and jobs, so statistics keep counting them and
 * nothing in them leads back to the person any more.
 *
 * Users sits below reservations and jobs in the module graph and cannot call their services, so
 * this one write reaches their tables by name: erasure must be all-or-nothing, and this file is
 * the one place that knows which columns hold personal data.
 */
@Injectable()
export class AccountErasureService {
  constructor(
    @Inject(WriteLock) private readonly writeLock: WriteLock,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async erase(userId: string, actorId: string, bySelf: boolean): Promise<void> {
    if (!bySelf && userId === actorId) {
      throw new AccountRuleError('Delete your own account from your own profile.', { field: 'userId' });
    }
    await this.writeLock.run(
      async (manager) => {
        const repository = manager.getRepository(User);
        const user = await repository.findOneBy({ id: userId, deletedAt: IsNull() });
        if (!user) throw new NotFoundError('account', userId);
        await this.assertSettled(manager, userId);
        const now = this.clock.now();
        await repository.update(
          { id: userId },
          {
            email: null,
            // The table requires an email or a member code; a random lower-case placeholder can
            // never be typed as a login (sign-in upper-cases member codes) and names no one.
            memberCode: `erased-${randomBytes(8).toString('hex')}`,
            displayName: ERASED_NAME,
            // Not an argon2 hash: no password ever matches it.
            passwordHash: '!',
            locale: null,
            calendarToken: null,
            declared: null,
            active: false,
            siteIds: [],
            deletedAt: now,
            updatedAt: now,
          },
        );
        for (const [table, column] of [
          ['refresh_tokens', 'user_id'],
          ['waitlist_entries', 'maker_id'],
        ]) {
          await manager.createQueryBuilder().delete().from(table).where(`${column} = :userId`, { userId }).execute();
        }
        await manager
          .createQueryBuilder()
          .update('reservations')
          .set({ note: null })
          .where('maker_id = :userId', { userId })
          .execute();
        await manager
          .createQueryBuilder()
          .update('jobs')
          .set({ name: 'erased' })
          .where('owner_id = :userId', { userId })
          .execute();
      },
      [`maker:${userId}`],
    );
  }

  /**
   * A booking still to come or a job on its way would hold a machine for nobody: the person (or
   * staff) cancels them first, through the paths that free the time and tell the waiting list.
   */
  private async assertSettled(manager: EntityManager, userId: string): Promise<void> {
    const now = this.clock.now();
    const bookings = await manager
      .createQueryBuilder()
      .select('r.id', 'id')
      .from('reservations', 'r')
      .where('r.maker_id = :userId', { userId })
      .andWhere(`r.status = 'active'`)
      .andWhere('r.end_ms > :now', { now })
      .getRawMany<{ id: string }>();
    const jobs = await manager
      .createQueryBuilder()
      .select('j.id', 'id')
      .from('jobs', 'j')
      .where('j.owner_id = :userId', { userId })
      .andWhere('j.state NOT IN (:...settled)', { settled: SETTLED_JOB_STATES })
      .getRawMany<{ id: string }>();
    if (bookings.length > 0 || jobs.length > 0) {
      throw new AccountBusyError(
        `Cancel the ${bookings.length} booking(s) to come and ${jobs.length} job(s) underway before deleting the account.`,
        { details: { reservationIds: bookings.map((b) => b.id), jobIds: jobs.map((j) => j.id) } },
      );
    }
  }
}

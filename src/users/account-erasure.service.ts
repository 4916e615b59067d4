import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { NotFoundError } from '../common/domain-error.js';
import { WriteLock } from '../database/write-lock.js';
import type { ErasureParticipant, Underway } from './erasure-participant.js';
import { User } from './user.entity.js';
import { AccountBusyError, AccountRuleError } from './users.errors.js';

/** What staff views show in place of an erased person's name. */
export const ERASED_NAME = 'Deleted account';

/**
 * Deleting an account erases the person, not the fablab's history. In one transaction the
 * account loses its name, email, member code, password, language, calendar token and declared
 * answers, and every module registered as a participant erases what it keeps about the person
 * (sessions, booking notes, waiting-list entries, job names, trainings). The row stays with its
 * random `maker_key`, role and staff's programme tags, and so do its reservations and jobs, so
 * statistics keep counting them and nothing in them leads back to the person any more.
 */
@Injectable()
export class AccountErasureService {
  private readonly participants: ErasureParticipant[] = [];

  constructor(
    @Inject(WriteLock) private readonly writeLock: WriteLock,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Called by each module that keeps data about people, when it starts. */
  register(participant: ErasureParticipant): void {
    this.participants.push(participant);
  }

  /** The tables erasure takes care of: the accounts', and every participant's. */
  tables(): string[] {
    const entities = [User, ...this.participants.flatMap((p) => p.entities)];
    return entities.map((entity) => this.dataSource.getMetadata(entity).tableName);
  }

  async erase(userId: string, actorId: string, bySelf: boolean): Promise<void> {
    if (!bySelf && userId === actorId) {
      throw new AccountRuleError('Delete your own account from your own profile.', { field: 'userId' });
    }
    await this.writeLock.run(
      async (manager) => {
        const repository = manager.getRepository(User);
        const user = await repository.findOneBy({ id: userId, deletedAt: IsNull() });
        if (!user) throw new NotFoundError('account', userId);
        const now = this.clock.now();
        await this.assertSettled(manager, userId, now);
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
        for (const participant of this.participants) await participant.erase(manager, userId, now);
      },
      [`maker:${userId}`],
    );
  }

  /**
   * A booking still to come or a job on its way would hold a machine for nobody: the person (or
   * staff) cancels them first, through the paths that free the time and tell the waiting list.
   */
  private async assertSettled(manager: EntityManager, userId: string, now: number): Promise<void> {
    const underway: Underway[] = [];
    for (const participant of this.participants) {
      const found = await participant.underway?.(manager, userId, now);
      if (found && found.ids.length > 0) underway.push(found);
    }
    if (underway.length === 0) return;
    const list = underway.map(({ what, ids }) => `${ids.length} ${what}`).join(' and ');
    throw new AccountBusyError(`Cancel the ${list} before deleting the account.`, {
      details: Object.fromEntries(underway.map(({ key, ids }) => [key, ids])),
    });
  }
}

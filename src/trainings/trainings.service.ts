import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { ForbiddenError, NotFoundError } from '../common/domain-error.js';
import type { Principal } from '../auth/principal.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { WriteLock } from '../database/write-lock.js';
import { UsersService } from '../users/users.service.js';
import { UnknownTrainingError } from './trainings.errors.js';
import { UserTraining } from './user-training.entity.js';

@Injectable()
export class TrainingsService {
  constructor(
    @InjectRepository(UserTraining) private readonly trainings: Repository<UserTraining>,
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(WriteLock) private readonly writeLock: WriteLock,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Staff change makers' trainings; only admins change those of staff or admins. The change is
   * audited under the staff member's site so the site's log shows it.
   */
  private async checkMayChange(userId: string, actor: Principal): Promise<{ actorId: string; siteId: string | null }> {
    const target = await this.users.get(userId);
    if (actor.kind !== 'user' || (actor.role !== 'admin' && target.role !== 'maker')) {
      throw new ForbiddenError('Staff grant trainings to makers; ask an admin for staff accounts.');
    }
    return { actorId: actor.userId, siteId: actor.role === 'staff' ? (actor.siteIds[0] ?? null) : null };
  }

  /** Granting again renews: the new expiry replaces the old one. */
  async grant(userId: string, training: string, expiresAt: number | null, actor: Principal): Promise<UserTraining> {
    if (!this.config.trainings.some((t) => t.id === training)) {
      const known = this.config.trainings.map((t) => t.id).join(', ');
      throw new UnknownTrainingError(`There is no training '${training}'. Known trainings: ${known}.`, {
        field: 'training',
      });
    }
    const { actorId: grantedBy, siteId } = await this.checkMayChange(userId, actor);
    const now = this.clock.now();
    if (expiresAt !== null && expiresAt <= now) {
      throw new UnknownTrainingError('The expiry date is already past.', { field: 'expiresAt' });
    }
    return this.writeLock.run(async (manager) => {
      const held = await manager
        .getRepository(UserTraining)
        .save({ userId, training, grantedBy, grantedAt: now, expiresAt });
      await this.audit.record(manager, {
        actorId: grantedBy,
        action: 'training.granted',
        subjectType: 'training',
        subjectId: userId,
        siteId,
        details: { training, expiresAt },
      });
      return held;
    });
  }

  async revoke(userId: string, training: string, actor: Principal): Promise<void> {
    const { actorId: revokedBy, siteId } = await this.checkMayChange(userId, actor);
    const held = await this.trainings.findOneBy({ userId, training });
    if (!held) throw new NotFoundError('training', `${userId}/${training}`);
    await this.writeLock.run(async (manager) => {
      await manager.getRepository(UserTraining).delete({ userId, training });
      await this.audit.record(manager, {
        actorId: revokedBy,
        action: 'training.revoked',
        subjectType: 'training',
        subjectId: userId,
        siteId,
        details: { training },
      });
    });
  }

  /** Every training the person holds, expired ones included (the booking rules judge expiry). */
  heldBy(userId: string): Promise<UserTraining[]> {
    return this.trainings.find({ where: { userId }, order: { training: 'ASC' } });
  }
}

import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AccountErasureService } from '../users/account-erasure.service.js';
import type { ErasureParticipant } from '../users/erasure-participant.js';
import { UserTraining } from './user-training.entity.js';

/**
 * Trainings' part in erasing an account: what the person was trained on goes (an account nobody
 * can sign in to holds no training). Statistics count grants from the audit log, which keeps only
 * the pseudonymous account id.
 */
@Injectable()
export class TrainingsErasure implements ErasureParticipant, OnModuleInit {
  readonly entities = [UserTraining];

  constructor(@Inject(AccountErasureService) private readonly erasure: AccountErasureService) {}

  onModuleInit(): void {
    this.erasure.register(this);
  }

  async erase(manager: EntityManager, userId: string): Promise<void> {
    await manager.getRepository(UserTraining).delete({ userId });
  }
}

import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AccountErasureService } from '../users/account-erasure.service.js';
import type { ErasureParticipant } from '../users/erasure-participant.js';
import { RefreshToken } from './refresh-token.entity.js';

/** Sign-in's part in erasing an account: every session of the person ends with it. */
@Injectable()
export class AuthErasure implements ErasureParticipant, OnModuleInit {
  readonly entities = [RefreshToken];

  constructor(@Inject(AccountErasureService) private readonly erasure: AccountErasureService) {}

  onModuleInit(): void {
    this.erasure.register(this);
  }

  async erase(manager: EntityManager, userId: string): Promise<void> {
    await manager.getRepository(RefreshToken).delete({ userId });
  }
}

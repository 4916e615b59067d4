import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, IsNull, Repository } from 'typeorm';
import { hashPassword } from '../auth/secrets.js';
import { Clock } from '../common/clock.js';
import { ForbiddenError, NotFoundError } from '../common/domain-error.js';
import type { Principal } from '../auth/principal.js';
import { WriteLock } from '../database/write-lock.js';
import { SitesService } from '../sites/sites.service.js';
import type { CreateDeskMakerDto, ProfileDto } from './people.dto.js';
import { declaredAnswers, memberCodeCandidate, newMakerKey, normalizeTags, printablePassword } from './people.rules.js';
import { User } from './user.entity.js';
import { AccountExistsError } from './users.errors.js';

/** What the desk prints for a new maker: the password is shown this once and never stored. */
export interface DeskAccount {
  user: User;
  password: string;
}

const SEARCH_LIMIT = 50;

/** Tags, consented self-declared categories, language, and maker accounts made at the desk. */
@Injectable()
export class PeopleService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(WriteLock) private readonly writeLock: WriteLock,
    @Inject(SitesService) private readonly sites: SitesService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Staff tag makers (who belong to no one site); only admins tag staff and admins. */
  async setTags(userId: string, tags: string[], actor: Principal): Promise<User> {
    const user = await this.existing(userId);
    if (actor.kind !== 'user' || (actor.role !== 'admin' && user.role !== 'maker')) {
      throw new ForbiddenError('Staff tag makers; ask an admin for staff accounts.');
    }
    return this.change(userId, { tags: normalizeTags(tags) });
  }

  async profile(userId: string): Promise<User> {
    return this.existing(userId);
  }

  /** Answers are kept only with consent; saying no (again) erases whatever was kept. */
  async setProfile(userId: string, input: ProfileDto): Promise<User> {
    await this.existing(userId);
    return this.change(userId, { declared: input.consent ? declaredAnswers(input) : null });
  }

  async setLocale(userId: string, locale: string): Promise<User> {
    await this.existing(userId);
    return this.change(userId, { locale });
  }

  /**
   * A maker account with no email: a readable member code and a printable password. The code is
   * drawn inside the write lock and checked there, and the unique index backs the check up.
   */
  async createAtDesk(siteId: string, input: CreateDeskMakerDto): Promise<DeskAccount> {
    await this.sites.get(siteId);
    const password = printablePassword();
    const passwordHash = await hashPassword(password);
    const user = await this.writeLock.run(async (manager) => {
      const repository = manager.getRepository(User);
      let memberCode: string | null = null;
      for (let attempt = 0; attempt < 24 && memberCode === null; attempt += 1) {
        const candidate = memberCodeCandidate(siteId, attempt);
        if (!(await repository.existsBy({ memberCode: candidate }))) memberCode = candidate;
      }
      if (memberCode === null) {
        throw new AccountExistsError('No free member code was found; try again.', { field: 'memberCode' });
      }
      const now = this.clock.now();
      return repository.save({
        id: randomUUID(),
        email: null,
        memberCode,
        displayName: input.displayName.trim(),
        passwordHash,
        role: 'maker' as const,
        siteIds: [],
        locale: input.locale ?? null,
        active: true,
        noShowCount: 0,
        calendarToken: null,
        makerKey: newMakerKey(),
        tags: [],
        declared: null,
        deletedAt: null,
        createdAt: now,
        updatedAt: now,
      });
    });
    return { user, password };
  }

  /** Makers whose name or member code contains the text, case-insensitively; erased ones never. */
  async searchMakers(search: string | undefined): Promise<User[]> {
    const query = this.users
      .createQueryBuilder('u')
      .where('u.role = :role', { role: 'maker' })
      .andWhere('u.deleted_at IS NULL')
      .orderBy('u.display_name', 'ASC')
      .take(SEARCH_LIMIT);
    const text = search?.trim();
    if (text) {
      // LIKE patterns with the user's % and _ taken literally.
      const pattern = `%${text.replace(/[\\%_]/gu, (c) => `\\${c}`)}%`;
      query.andWhere(
        new Brackets((where) => {
          where
            .where(`LOWER(u.display_name) LIKE :name ESCAPE '\\'`, { name: pattern.toLowerCase() })
            .orWhere(`u.member_code LIKE :code ESCAPE '\\'`, { code: pattern.toUpperCase() });
        }),
      );
    }
    return query.getMany();
  }

  private async existing(userId: string): Promise<User> {
    const user = await this.users.findOneBy({ id: userId, deletedAt: IsNull() });
    if (!user) throw new NotFoundError('account', userId);
    return user;
  }

  private change(userId: string, changes: Partial<User>): Promise<User> {
    return this.writeLock.run(async (manager) => {
      const repository = manager.getRepository(User);
      await repository.update({ id: userId }, { ...changes, updatedAt: this.clock.now() });
      return repository.findOneByOrFail({ id: userId });
    });
  }
}

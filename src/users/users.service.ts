import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Repository, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { NotFoundError } from '../common/domain-error.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { WriteLock } from '../database/write-lock.js';
import { hashPassword, randomSecret } from '../auth/secrets.js';
import { SitesService } from '../sites/sites.service.js';
import type { CreateUserDto, UpdateUserDto } from './user.dto.js';
import { newMakerKey } from './people.rules.js';
import { User } from './user.entity.js';
import { AccountExistsError, AccountRuleError, UnknownSiteError } from './users.errors.js';

export const normalizeEmail = (email: string) => email.trim().toLowerCase();
export const normalizeMemberCode = (code: string) => code.trim().toUpperCase();

/** A sign-in identifier as the accounts are looked up by: an email, or else a member code. */
export function canonicalLogin(
  identifier: string,
): { email: string; memberCode?: never } | { memberCode: string; email?: never } {
  return identifier.includes('@')
    ? { email: normalizeEmail(identifier) }
    : { memberCode: normalizeMemberCode(identifier) };
}

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(WriteLock) private readonly writeLock: WriteLock,
    @Inject(SitesService) private readonly sites: SitesService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The first admin comes from FABRIQUE_ADMIN_EMAIL/PASSWORD, only while no admin exists. */
  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.auth.bootstrapAdmin;
    if (!admin) return;
    if (await this.users.existsBy({ role: 'admin' })) return;
    await this.create({ role: 'admin', displayName: 'Administrator', email: admin.email, password: admin.password });
    this.logger.log(`Created the first admin account (${normalizeEmail(admin.email)})`);
  }

  async create(input: CreateUserDto): Promise<User> {
    const email = input.email ? normalizeEmail(input.email) : null;
    const memberCode = input.memberCode ? normalizeMemberCode(input.memberCode) : null;
    if (!email && !memberCode) {
      throw new AccountRuleError('An account needs an email or a member code to sign in with.', {
        field: 'memberCode',
      });
    }
    const siteIds = await this.checkSiteScope(input.role, input.siteIds ?? []);
    const passwordHash = await hashPassword(input.password);
    return this.writeLock.run(async (manager) => {
      await this.assertFree(manager.getRepository(User), email, memberCode);
      const now = this.clock.now();
      return manager.getRepository(User).save({
        id: randomUUID(),
        email,
        memberCode,
        displayName: input.displayName.trim(),
        passwordHash,
        role: input.role,
        siteIds,
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
  }

  async update(id: string, input: UpdateUserDto, actorId: string): Promise<User> {
    const existing = await this.get(id);
    if (id === actorId && (input.active === false || (input.role && input.role !== existing.role))) {
      throw new AccountRuleError('You cannot deactivate your own account or change your own role.', {
        field: input.active === false ? 'active' : 'role',
      });
    }
    const role = input.role ?? existing.role;
    const siteIds = await this.checkSiteScope(role, input.siteIds ?? (role === existing.role ? existing.siteIds : []));
    const passwordHash = input.password ? await hashPassword(input.password) : undefined;
    return this.writeLock.run(async (manager) => {
      const repository = manager.getRepository(User);
      // Only the fields the request names are written, on the row as it is now: a slow password
      // hash must not carry an old copy of the account over a deactivation made meanwhile.
      const current = await repository.findOneByOrFail({ id });
      const email = input.email !== undefined ? normalizeEmail(input.email) : current.email;
      const memberCode = input.memberCode !== undefined ? normalizeMemberCode(input.memberCode) : current.memberCode;
      await this.assertFree(
        repository,
        email !== current.email ? email : null,
        memberCode !== current.memberCode ? memberCode : null,
      );
      const changes: Partial<User> = { role, siteIds, email, memberCode, updatedAt: this.clock.now() };
      if (passwordHash) changes.passwordHash = passwordHash;
      if (input.displayName !== undefined) changes.displayName = input.displayName.trim();
      if (input.locale !== undefined) changes.locale = input.locale;
      if (input.active !== undefined) changes.active = input.active;
      await repository.update({ id }, changes);
      return repository.findOneByOrFail({ id });
    });
  }

  deactivate(id: string, actorId: string): Promise<User> {
    return this.update(id, { active: false }, actorId);
  }

  list(filter: { role?: string; siteId?: string } = {}): Promise<User[]> {
    return this.users
      .find({ where: filter.role ? { role: filter.role as User['role'] } : {}, order: { displayName: 'ASC' } })
      .then((users) => (filter.siteId ? users.filter((u) => u.siteIds.includes(filter.siteId!)) : users));
  }

  async get(id: string): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw new NotFoundError('account', id);
    return user;
  }

  /** Display names of several accounts in one query (staff views name who booked what). */
  async displayNames(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const users = await this.users.find({
      where: { id: In([...new Set(ids)]) },
      select: { id: true, displayName: true },
    });
    return new Map(users.map((user) => [user.id, user.displayName]));
  }

  findActive(id: string): Promise<User | null> {
    return this.users.findOneBy({ id, active: true });
  }

  async recordNoShow(manager: EntityManager, userId: string): Promise<void> {
    await manager.getRepository(User).increment({ id: userId }, 'noShowCount', 1);
  }

  /** The secret of the person's calendar feed URL, made on first request. */
  async calendarToken(userId: string): Promise<string> {
    const user = await this.get(userId);
    if (user.calendarToken) return user.calendarToken;
    // Only the first of two simultaneous requests sets it; both hand out the token that stuck.
    await this.writeLock.run((manager) =>
      manager.getRepository(User).update({ id: userId, calendarToken: IsNull() }, { calendarToken: randomSecret() }),
    );
    return (await this.get(userId)).calendarToken!;
  }

  findByCalendarToken(token: string): Promise<User | null> {
    return this.users.findOneBy({ calendarToken: token, active: true });
  }

  /** An identifier with an @ is an email; anything else is a member code. */
  findByLogin(identifier: string): Promise<User | null> {
    const login = canonicalLogin(identifier);
    return this.users.findOneBy(login.email ? { email: login.email } : { memberCode: login.memberCode });
  }

  /** Ends every session of the account: its access tokens of older generations are refused. */
  async endSessions(manager: EntityManager, userId: string): Promise<void> {
    await manager.getRepository(User).increment({ id: userId }, 'sessionGeneration', 1);
  }

  private async checkSiteScope(role: User['role'], siteIds: string[]): Promise<string[]> {
    if (role !== 'staff') {
      if (siteIds.length > 0)
        throw new AccountRuleError(`Only staff accounts are scoped to sites.`, { field: 'siteIds' });
      return [];
    }
    if (siteIds.length === 0)
      throw new AccountRuleError('A staff account needs at least one site.', { field: 'siteIds' });
    const known = new Set((await this.sites.list()).map((site) => site.id));
    const unknown = siteIds.find((siteId) => !known.has(siteId));
    if (unknown) throw new UnknownSiteError(`There is no site '${unknown}'.`, { field: 'siteIds' });
    return [...new Set(siteIds)];
  }

  private async assertFree(
    repository: Repository<User>,
    email: string | null,
    memberCode: string | null,
  ): Promise<void> {
    if (email && (await repository.existsBy({ email }))) {
      throw new AccountExistsError('An account with this email already exists.', { field: 'email' });
    }
    if (memberCode && (await repository.existsBy({ memberCode }))) {
      throw new AccountExistsError('An account with this member code already exists.', { field: 'memberCode' });
    }
  }
}

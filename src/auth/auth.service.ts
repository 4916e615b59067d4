import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { WriteLock } from '../database/write-lock.js';
import type { User } from '../users/user.entity.js';
import { canonicalLogin, UsersService } from '../users/users.service.js';
import { InvalidCredentialsError, InvalidRefreshTokenError, TooManyAttemptsError } from './auth.errors.js';
import { DeviceCredentialsService } from './device-credentials.service.js';
import { LoginThrottle } from './login-throttle.js';
import type { Principal } from './principal.js';
import { RefreshToken } from './refresh-token.entity.js';
import { hashPassword, randomSecret, secretMatches, sha256Hex, verifyPassword } from './secrets.js';

export const JWT_ALGORITHM = 'HS256';

export interface Session {
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshToken: string;
  user: User;
}

interface AccessClaims {
  sub: string;
  role: User['role'];
  sites: string[];
  /** The account's session generation at signing; tokens from before it existed carry none (0). */
  gen?: number;
}

@Injectable()
export class AuthService {
  private readonly throttle: LoginThrottle;
  /** Verified against when the account does not exist, so timing does not reveal which accounts do. */
  private readonly decoyHash = hashPassword(randomSecret());

  constructor(
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(DeviceCredentialsService) private readonly devices: DeviceCredentialsService,
    @Inject(JwtService) private readonly jwt: JwtService,
    @InjectRepository(RefreshToken) private readonly refreshTokens: Repository<RefreshToken>,
    @Inject(WriteLock) private readonly writeLock: WriteLock,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.throttle = new LoginThrottle(config.auth.throttle, clock);
  }

  async login(identifier: string, password: string, ip: string): Promise<Session> {
    const user = await this.users.findByLogin(identifier);
    // One account, one budget: keyed on the account the identifier finds, so its email and every
    // spelling of its member code (`ſo-2041`, `SO-2041 `) share one; else on the identifier as looked up.
    const login = canonicalLogin(identifier);
    const account = user ? `user:${user.id}` : `login:${login.email ?? login.memberCode}`;
    const wait = this.throttle.begin(account, ip);
    if (wait > 0) throw new TooManyAttemptsError(Math.ceil(wait / 1000));
    let succeeded = false;
    try {
      const valid = await verifyPassword(user?.passwordHash ?? (await this.decoyHash), password);
      if (!user || !valid || !user.active) throw new InvalidCredentialsError();
      succeeded = true;
      return await this.openSession(user);
    } finally {
      this.throttle.settle(account, ip, succeeded);
    }
  }

  /** Rotates the refresh token; presenting a revoked one ends every session of that account. */
  async refresh(token: string): Promise<Session> {
    const [id, secret] = token.split('.');
    if (!id || !secret) throw new InvalidRefreshTokenError();
    const stored = await this.refreshTokens.findOneBy({ id });
    if (!stored || !secretMatches(secret, stored.secretHash)) throw new InvalidRefreshTokenError();
    const now = this.clock.now();
    const user = await this.users.findActive(stored.userId);
    if (stored.expiresAt <= now || !user) throw new InvalidRefreshTokenError();
    // Revoke only if still live, in one statement: of two simultaneous uses of one token exactly
    // one wins; the other is a replay (a stolen copy) and ends every session of the account.
    const claimed = await this.refreshTokens.update({ id, revokedAt: IsNull() }, { revokedAt: now });
    if (claimed.affected !== 1) {
      // Every session ends, access tokens included: they would otherwise work until they expire.
      await this.writeLock.run(async (manager) => {
        await manager
          .getRepository(RefreshToken)
          .update({ userId: stored.userId, revokedAt: IsNull() }, { revokedAt: now });
        await this.users.endSessions(manager, stored.userId);
      });
      throw new InvalidRefreshTokenError();
    }
    return this.openSession(user);
  }

  /**
   * The caller behind a bearer token — a lobby kiosk's token or a person's access token — or null.
   * HTTP routes and live screens both authenticate through here.
   */
  async principalFromToken(token: string): Promise<Principal | null> {
    if (token.startsWith('kiosk_')) {
      const kiosk = await this.devices.verifyKioskToken(token);
      return kiosk?.siteId ? { kind: 'kiosk', credentialId: kiosk.id, siteId: kiosk.siteId } : null;
    }
    return this.principalFromAccessToken(token);
  }

  /** The caller behind a bearer access token, or null when it is invalid, expired or deactivated. */
  async principalFromAccessToken(token: string): Promise<Principal | null> {
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims & object>(token, {
        algorithms: [JWT_ALGORITHM],
        clockTimestamp: Math.floor(this.clock.now() / 1000),
      });
    } catch {
      return null;
    }
    // Read the account on every request: a deactivation, a role change or the end of every
    // session applies at once, at no extra cost.
    const user = await this.users.findActive(claims.sub);
    if (!user || (claims.gen ?? 0) !== user.sessionGeneration) return null;
    return { kind: 'user', userId: user.id, role: user.role, siteIds: user.siteIds };
  }

  private async openSession(user: User): Promise<Session> {
    const now = this.clock.now();
    const expiresIn = this.config.auth.accessTokenMinutes * 60;
    const iat = Math.floor(now / 1000);
    const claims: AccessClaims & { iat: number; exp: number } = {
      sub: user.id,
      role: user.role,
      sites: user.siteIds,
      gen: user.sessionGeneration,
      iat,
      exp: iat + expiresIn,
    };
    const accessToken = await this.jwt.signAsync(claims, { algorithm: JWT_ALGORITHM });
    const secret = randomSecret();
    const id = randomUUID();
    await this.writeLock.run((manager) =>
      manager.getRepository(RefreshToken).insert({
        id,
        userId: user.id,
        secretHash: sha256Hex(secret),
        expiresAt: now + this.config.auth.refreshTokenDays * 86_400_000,
        revokedAt: null,
        createdAt: now,
      }),
    );
    return { accessToken, expiresIn, refreshToken: `${id}.${secret}`, user };
  }
}

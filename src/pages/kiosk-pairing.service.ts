import { Inject, Injectable } from '@nestjs/common';
import { DeviceCredentialsService } from '../auth/device-credentials.service.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { canManageSite, type Principal } from '../auth/principal.js';
import { Clock } from '../common/clock.js';
import { NotFoundError } from '../common/domain-error.js';
import { SitesService } from '../sites/sites.service.js';
import { PairingCodeInvalidError, PairingThrottledError } from './pages.errors.js';
import { PairingCodes } from './pairing-codes.js';

/**
 * A million codes, a handful pending at a time, ten minutes each: guessing is held off by
 * counting wrong codes per address and across the whole service (many addresses guessing at
 * once) in the sign-in throttle's sliding window.
 */
const THROTTLE = { accountFailures: 50, ipFailures: 10, windowMinutes: 10 };
const EVERYONE = 'pairing';

export interface IssuedPairing {
  code: string;
  siteId: string;
  expiresAt: string;
}

@Injectable()
export class KioskPairingService {
  private readonly codes: PairingCodes;
  private readonly throttle: LoginThrottle;

  constructor(
    @Inject(DeviceCredentialsService) private readonly devices: DeviceCredentialsService,
    @Inject(SitesService) private readonly sites: SitesService,
    @Inject(Clock) clock: Clock,
  ) {
    this.codes = new PairingCodes(clock);
    this.throttle = new LoginThrottle(THROTTLE, clock);
  }

  async createCode(siteId: string, label: string | undefined, principal: Principal): Promise<IssuedPairing> {
    if (!canManageSite(principal, siteId) || principal.kind !== 'user') throw new NotFoundError('site', siteId);
    const site = await this.sites.get(siteId);
    const pairing = this.codes.create(site.id, label ?? `Lobby screen (${site.name})`, principal.userId);
    return { code: pairing.code, siteId: pairing.siteId, expiresAt: new Date(pairing.expiresAt).toISOString() };
  }

  /** Spends a code and issues the screen its own kiosk token (revocable like any other). */
  async pair(code: string, siteId: string, ip: string): Promise<{ token: string; siteId: string }> {
    const waitMs = this.throttle.begin(EVERYONE, ip);
    if (waitMs > 0) throw new PairingThrottledError(Math.ceil(waitMs / 1000));
    const pairing = this.codes.take(code, siteId);
    this.throttle.settle(EVERYONE, ip, pairing !== null);
    if (!pairing) throw new PairingCodeInvalidError();
    const issued = await this.devices.issueKiosk(pairing.siteId, pairing.label, pairing.createdBy);
    return { token: issued.secret, siteId: pairing.siteId };
  }
}

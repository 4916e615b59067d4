import { randomInt } from 'node:crypto';
import type { Clock } from '../common/clock.js';

/** How long a code shown to staff stays usable. */
export const PAIRING_CODE_TTL_MS = 10 * 60_000;
/** More pending codes than any network needs at once: a bound, not a quota people meet. */
const MAX_PENDING = 1_000;

export interface PendingPairing {
  code: string;
  siteId: string;
  label: string;
  createdBy: string;
  expiresAt: number;
}

/**
 * One-time 6-digit codes that pair a lobby screen with a site, so nobody types a 90-character
 * token with a TV remote. Kept in memory: a restart forgets pending codes, and staff ask for
 * another. A code is spent by the first attempt that names it, right or wrong site.
 */
export class PairingCodes {
  private readonly pending = new Map<string, PendingPairing>();

  constructor(
    private readonly clock: Clock,
    private readonly random: (maxExclusive: number) => number = randomInt,
  ) {}

  create(siteId: string, label: string, createdBy: string): PendingPairing {
    this.purge();
    if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value as string);
    let code: string;
    do code = String(this.random(1_000_000)).padStart(6, '0');
    while (this.pending.has(code));
    const pairing = { code, siteId, label, createdBy, expiresAt: this.clock.now() + PAIRING_CODE_TTL_MS };
    this.pending.set(code, pairing);
    return pairing;
  }

  /** The pairing the code stands for, removed so it can never serve twice; null if none is valid. */
  take(code: string, siteId: string): PendingPairing | null {
    this.purge();
    const pairing = this.pending.get(code);
    if (!pairing) return null;
    this.pending.delete(code);
    return pairing.siteId === siteId ? pairing : null;
  }

  get size(): number {
    this.purge();
    return this.pending.size;
  }

  private purge(): void {
    const now = this.clock.now();
    for (const [code, pairing] of this.pending) if (pairing.expiresAt <= now) this.pending.delete(code);
  }
}

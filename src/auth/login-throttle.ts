import type { Clock } from '../common/clock.js';

export interface ThrottleLimits {
  accountFailures: number;
  ipFailures: number;
  windowMinutes: number;
}

/** Keys are bounded so a flood of made-up identifiers cannot grow memory without limit. */
const MAX_TRACKED_KEYS = 50_000;

/**
 * Failed sign-ins per account and per client address in a sliding window. An account is locked
 * for the rest of the window after N failures; an address that guesses across many accounts is
 * locked too. Kept in memory: a restart forgives, which costs an attacker one window at most.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds until another attempt is allowed, or 0 when it is allowed now. */
  retryAfterMs(account: string, ip: string): number {
    return Math.max(
      this.waitFor(`account:${account}`, this.limits.accountFailures),
      this.waitFor(`ip:${ip}`, this.limits.ipFailures),
    );
  }

  recordFailure(account: string, ip: string): void {
    for (const key of [`account:${account}`, `ip:${ip}`]) {
      const recent = this.recent(key);
      recent.push(this.clock.now());
      this.failures.delete(key); // re-insert so Map order stays least-recently-failed first
      this.failures.set(key, recent);
    }
    while (this.failures.size > MAX_TRACKED_KEYS) {
      this.failures.delete(this.failures.keys().next().value as string);
    }
  }

  recordSuccess(account: string): void {
    this.failures.delete(`account:${account}`);
  }

  private waitFor(key: string, limit: number): number {
    const recent = this.recent(key);
    if (recent.length < limit) return 0;
    return recent[recent.length - limit] + this.windowMs - this.clock.now();
  }

  private recent(key: string): number[] {
    const since = this.clock.now() - this.windowMs;
    return (this.failures.get(key) ?? []).filter((at) => at > since);
  }

  private get windowMs(): number {
    return this.limits.windowMinutes * 60_000;
  }
}

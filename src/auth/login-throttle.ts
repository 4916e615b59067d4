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
  /** Attempts admitted but not settled yet: a burst of parallel guesses counts as it arrives. */
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly clock: Clock,
  ) {}

  /**
   * Admits a sign-in attempt (0) or says how many milliseconds to wait. An admitted attempt counts
   * against the limits until `settle`, so sending guesses in parallel does not get more of them.
   */
  begin(account: string, ip: string): number {
    const wait = Math.max(
      this.waitFor(`account:${account}`, this.limits.accountFailures),
      this.waitFor(`ip:${ip}`, this.limits.ipFailures),
    );
    if (wait === 0)
      for (const key of [`account:${account}`, `ip:${ip}`]) this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    return wait;
  }

  settle(account: string, ip: string, succeeded: boolean): void {
    for (const key of [`account:${account}`, `ip:${ip}`]) {
      const left = (this.pending.get(key) ?? 1) - 1;
      if (left > 0) this.pending.set(key, left);
      else this.pending.delete(key);
    }
    if (succeeded) this.failures.delete(`account:${account}`);
    else this.recordFailure(account, ip);
  }

  private recordFailure(account: string, ip: string): void {
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

  private waitFor(key: string, limit: number): number {
    const recent = this.recent(key);
    if (recent.length + (this.pending.get(key) ?? 0) < limit) return 0;
    // Only attempts still being checked fill the window: they settle within a second.
    if (recent.length < limit) return 1_000;
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

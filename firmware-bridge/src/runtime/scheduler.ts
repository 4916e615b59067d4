// Time for the bridge and its simulators. Nothing in the runtime or the adapters reads
// `Date.now()` or calls `setTimeout` directly: they get a Scheduler, so tests run a whole print
// job in milliseconds by advancing a VirtualScheduler instead of sleeping.

export interface Clock {
  /** Milliseconds since the Unix epoch (UTC), in the scheduler's (possibly warped) time. */
  now(): number;
}

export interface TimerHandle {
  cancel(): void;
}

export interface Scheduler extends Clock {
  /** Runs `fn` once after `ms` of this scheduler's time. */
  after(ms: number, fn: () => void): TimerHandle;
  /** Runs `fn` every `ms` of this scheduler's time until cancelled. */
  every(ms: number, fn: () => void): TimerHandle;
}

export interface RealSchedulerOptions {
  /**
   * Time-warp factor: simulated time runs `warp` times faster than the wall clock, so a 2-hour
   * print takes 7.2 s at 1000×. The simulated clock starts at the wall clock's now.
   */
  warp?: number;
  /** Where simulated time starts (ms since the epoch); defaults to the wall clock. */
  startAt?: number;
}

/** Wall-clock timers, optionally warped. `unref` so a forgotten timer never keeps Node alive. */
export function createRealScheduler(options: RealSchedulerOptions = {}): Scheduler {
  const warp = options.warp ?? 1;
  if (!(warp > 0) || !Number.isFinite(warp)) throw new RangeError(`warp must be a positive number, got ${warp}`);
  const realStart = Date.now();
  const simStart = options.startAt ?? realStart;
  const toReal = (ms: number) => Math.max(0, ms / warp);
  return {
    now: () => simStart + (Date.now() - realStart) * warp,
    after: (ms, fn) => {
      const timer = setTimeout(fn, toReal(ms));
      timer.unref();
      return { cancel: () => clearTimeout(timer) };
    },
    every: (ms, fn) => {
      const timer = setInterval(fn, Math.max(1, toReal(ms)));
      timer.unref();
      return { cancel: () => clearInterval(timer) };
    },
  };
}

interface VirtualTimer {
  due: number;
  order: number;
  fn: () => void;
  periodMs: number | null;
  cancelled: boolean;
}

/**
 * A scheduler whose time only moves when a test (or a batch simulation) says so. Timers fire in
 * due order, ties in creation order, and `now()` reads each timer's due time while it runs, so
 * what a simulator stamps on its events is exact and the same on every run.
 */
export class VirtualScheduler implements Scheduler {
  private current: number;
  private timers: VirtualTimer[] = [];
  private order = 0;

  constructor(startAt: number = Date.UTC(2025, 0, 6, 9, 0, 0)) {
    this.current = startAt;
  }

  now(): number {
    return this.current;
  }

  after(ms: number, fn: () => void): TimerHandle {
    return this.add(ms, fn, null);
  }

  every(ms: number, fn: () => void): TimerHandle {
    if (!(ms > 0)) throw new RangeError(`every() needs a positive period, got ${ms}`);
    return this.add(ms, fn, ms);
  }

  /** Timers still waiting to fire. */
  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  advanceTo(target: number): void {
    for (let next = this.nextDue(target); next; next = this.nextDue(target)) this.fire(next);
    this.current = Math.max(this.current, target);
  }

  /**
   * Fires timers until `done()` holds, giving up after `maxMs` of virtual time; returns whether
   * the condition was met. The way to say "run the job until it is awaiting_clear".
   */
  runUntil(done: () => boolean, maxMs: number): boolean {
    const limit = this.current + maxMs;
    while (!done()) {
      const next = this.nextDue(limit);
      if (!next) {
        this.current = limit;
        return done();
      }
      this.fire(next);
    }
    return true;
  }

  private add(ms: number, fn: () => void, periodMs: number | null): TimerHandle {
    const timer: VirtualTimer = {
      due: this.current + Math.max(0, ms),
      order: this.order++,
      fn,
      periodMs,
      cancelled: false,
    };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  private nextDue(limit: number): VirtualTimer | undefined {
    this.timers = this.timers.filter((t) => !t.cancelled);
    let best: VirtualTimer | undefined;
    for (const t of this.timers) {
      if (t.due <= limit && (!best || t.due < best.due || (t.due === best.due && t.order < best.order))) best = t;
    }
    return best;
  }

  private fire(timer: VirtualTimer): void {
    this.current = Math.max(this.current, timer.due);
    if (timer.periodMs === null) timer.cancelled = true;
    else {
      timer.due += timer.periodMs;
      timer.order = this.order++;
    }
    timer.fn();
  }
}

/**
 * Domain code reads time from here, never from `Date.now()`, so rules about opening hours,
 * no-shows and expiry are tested by moving a clock instead of sleeping.
 */
export abstract class Clock {
  /** Milliseconds since the Unix epoch (UTC). */
  abstract now(): number;
}

export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }
}

/** A clock tests (and time-warped simulations) move by hand. */
export class ManualClock extends Clock {
  constructor(private current: number) {
    super();
  }

  now(): number {
    return this.current;
  }

  set(ms: number): void {
    this.current = ms;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

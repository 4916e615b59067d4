import { ManualClock } from '../../src/common/clock.js';

/**
 * Wall-clock time plus an offset a test may move forward. Suites with real bridges use it: a
 * bridge checks a command's `expiresAt` against its own clock, so the service's clock must follow
 * real time, while the test can still jump ahead to reach a timeout without sleeping.
 */
export class FollowingClock extends ManualClock {
  private offset = 0;

  constructor() {
    super(Date.now());
  }

  override now(): number {
    return Date.now() + this.offset;
  }

  override advance(ms: number): void {
    this.offset += ms;
  }

  override set(ms: number): void {
    this.offset = ms - Date.now();
  }
}

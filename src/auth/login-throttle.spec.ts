import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../common/clock.js';
import { LoginThrottle } from './login-throttle.js';

const limits = { accountFailures: 3, ipFailures: 5, windowMinutes: 15 };
const MINUTE = 60_000;

describe('LoginThrottle', () => {
  it('locks an account after its failures and reopens it when the window has passed', () => {
    const clock = new ManualClock(0);
    const throttle = new LoginThrottle(limits, clock);
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterMs('amina@example.org', '10.0.0.1')).toBe(0);
      throttle.recordFailure('amina@example.org', '10.0.0.1');
      clock.advance(MINUTE);
    }
    expect(throttle.retryAfterMs('amina@example.org', '10.0.0.2')).toBe(12 * MINUTE);
    clock.advance(12 * MINUTE);
    expect(throttle.retryAfterMs('amina@example.org', '10.0.0.2')).toBe(0);
  });

  it('locks an address that guesses across many accounts', () => {
    const throttle = new LoginThrottle(limits, new ManualClock(0));
    for (let i = 0; i < 5; i++) throttle.recordFailure(`user${i}`, '10.0.0.9');
    expect(throttle.retryAfterMs('someone-else', '10.0.0.9')).toBe(15 * MINUTE);
    expect(throttle.retryAfterMs('someone-else', '10.0.0.10')).toBe(0);
  });

  it('forgets an account’s failures after a successful sign-in', () => {
    const throttle = new LoginThrottle(limits, new ManualClock(0));
    throttle.recordFailure('moussa', '10.0.0.1');
    throttle.recordFailure('moussa', '10.0.0.1');
    throttle.recordSuccess('moussa');
    throttle.recordFailure('moussa', '10.0.0.1');
    expect(throttle.retryAfterMs('moussa', '10.0.0.3')).toBe(0);
  });
});

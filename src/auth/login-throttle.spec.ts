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
      expect(throttle.begin('amina@example.org', '10.0.0.1')).toBe(0);
      throttle.settle('amina@example.org', '10.0.0.1', false);
      clock.advance(MINUTE);
    }
    expect(throttle.begin('amina@example.org', '10.0.0.2')).toBe(12 * MINUTE);
    clock.advance(12 * MINUTE);
    expect(throttle.begin('amina@example.org', '10.0.0.2')).toBe(0);
  });

  it('locks an address that guesses across many accounts', () => {
    const throttle = new LoginThrottle(limits, new ManualClock(0));
    for (let i = 0; i < 5; i++) {
      throttle.begin(`user${i}`, '10.0.0.9');
      throttle.settle(`user${i}`, '10.0.0.9', false);
    }
    expect(throttle.begin('someone-else', '10.0.0.9')).toBe(15 * MINUTE);
    expect(throttle.begin('someone-else', '10.0.0.10')).toBe(0);
  });

  it('forgets an account’s failures after a successful sign-in', () => {
    const throttle = new LoginThrottle(limits, new ManualClock(0));
    for (const succeeded of [false, false, true, false]) {
      throttle.begin('moussa', '10.0.0.1');
      throttle.settle('moussa', '10.0.0.1', succeeded);
    }
    expect(throttle.begin('moussa', '10.0.0.3')).toBe(0);
  });

  it('counts guesses sent in parallel while they are still being checked', () => {
    const throttle = new LoginThrottle(limits, new ManualClock(0));
    const admitted = Array.from({ length: 10 }, () => throttle.begin('awa', '10.0.0.4')).filter((wait) => wait === 0);
    expect(admitted).toHaveLength(3);
    for (let i = 0; i < 3; i++) throttle.settle('awa', '10.0.0.4', false);
    expect(throttle.begin('awa', '10.0.0.4')).toBe(15 * MINUTE);
  });
});

import { describe, expect, it } from '@jest/globals';
import { emptyCounts, INGESTION_OUTCOMES, isRejection, LogThrottle } from './ingestion-stats.js';

describe('LogThrottle', () => {
  it('logs once per key per interval and reports what it kept quiet', () => {
    const throttle = new LogThrottle(60_000);
    expect(throttle.admit('b1', 0)).toBe(0);
    expect(throttle.admit('b1', 1_000)).toBeNull();
    expect(throttle.admit('b1', 59_999)).toBeNull();
    expect(throttle.admit('b2', 2_000)).toBe(0);
    expect(throttle.admit('b1', 60_000)).toBe(2);
    expect(throttle.admit('b1', 60_001)).toBeNull();
    expect(throttle.size).toBe(2);
  });

  it('forgets a key', () => {
    const throttle = new LogThrottle(60_000);
    throttle.admit('b1', 0);
    throttle.forget('b1');
    expect(throttle.admit('b1', 1)).toBe(0);
  });
});

describe('ingestion outcomes', () => {
  it('has a counter for every outcome, starting at zero', () => {
    expect(Object.values(emptyCounts())).toEqual(INGESTION_OUTCOMES.map(() => 0));
  });

  it('calls only drops rejections', () => {
    expect(INGESTION_OUTCOMES.filter((o) => !isRejection(o))).toEqual(['ACCEPTED', 'DUPLICATE', 'IGNORED']);
  });
});

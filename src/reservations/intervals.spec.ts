import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  clipIntervals,
  containsInstant,
  coversInterval,
  duration,
  intersectIntervals,
  mergeIntervals,
  overlaps,
  subtractIntervals,
  totalDuration,
  unionCovers,
  widen,
  type Interval,
} from './intervals.js';

const i = (start: number, end: number): Interval => ({ start, end });

/** Small integer intervals, so a brute-force oracle can check every instant. */
const smallInterval = fc
  .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 12 }))
  .map(([start, length]) => i(start, start + length));
const smallList = fc.array(smallInterval, { maxLength: 8 });
const covered = (list: Interval[], t: number) => list.some((x) => containsInstant(x, t));

function expectNormalised(list: Interval[]): void {
  for (const [k, x] of list.entries()) {
    expect(x.end).toBeGreaterThan(x.start);
    if (k > 0) expect(x.start).toBeGreaterThan(list[k - 1].end);
  }
}

describe('overlaps', () => {
  it('sees a shared instant as overlap', () => {
    expect(overlaps(i(0, 10), i(9, 20))).toBe(true);
    expect(overlaps(i(0, 10), i(2, 3))).toBe(true);
  });

  it('lets a booking ending at 14:00 touch the next one starting at 14:00', () => {
    expect(overlaps(i(0, 10), i(10, 20))).toBe(false);
    expect(overlaps(i(10, 20), i(0, 10))).toBe(false);
  });

  it('never counts an empty interval as overlapping', () => {
    expect(overlaps(i(5, 5), i(0, 10))).toBe(false);
    expect(overlaps(i(0, 10), i(7, 3))).toBe(false);
  });
});

describe('single-interval helpers', () => {
  it('measures, contains, covers and widens', () => {
    expect(duration(i(3, 10))).toBe(7);
    expect(duration(i(10, 3))).toBe(0);
    expect(containsInstant(i(0, 10), 0)).toBe(true);
    expect(containsInstant(i(0, 10), 10)).toBe(false);
    expect(coversInterval(i(0, 10), i(0, 10))).toBe(true);
    expect(coversInterval(i(0, 10), i(5, 11))).toBe(false);
    expect(widen(i(10, 20), 5)).toEqual(i(5, 25));
  });
});

describe('mergeIntervals', () => {
  it('joins overlapping and touching intervals and drops empty ones', () => {
    expect(mergeIntervals([i(10, 20), i(0, 5), i(5, 8), i(15, 30), i(40, 40)])).toEqual([i(0, 8), i(10, 30)]);
  });

  it('does not modify its input', () => {
    const input = [i(0, 5), i(3, 9)];
    mergeIntervals(input);
    expect(input).toEqual([i(0, 5), i(3, 9)]);
  });

  it('is the normalised union (property)', () => {
    fc.assert(
      fc.property(smallList, (list) => {
        const merged = mergeIntervals(list);
        expectNormalised(merged);
        for (let t = 0; t < 60; t++) expect(covered(merged, t)).toBe(covered(list, t));
      }),
    );
  });
});

describe('subtractIntervals', () => {
  it('cuts holes, trims edges and removes covered pieces', () => {
    expect(subtractIntervals([i(0, 100)], [i(10, 20), i(50, 60)])).toEqual([i(0, 10), i(20, 50), i(60, 100)]);
    expect(subtractIntervals([i(0, 10), i(20, 30)], [i(5, 25)])).toEqual([i(0, 5), i(25, 30)]);
    expect(subtractIntervals([i(0, 10)], [i(-5, 15)])).toEqual([]);
    expect(subtractIntervals([i(0, 10)], [])).toEqual([i(0, 10)]);
  });

  it('keeps exactly the instants of `from` outside `cut` (property)', () => {
    fc.assert(
      fc.property(smallList, smallList, (from, cut) => {
        const rest = subtractIntervals(from, cut);
        expectNormalised(rest);
        for (let t = 0; t < 60; t++) {
          expect(covered(rest, t)).toBe(covered(from, t) && !covered(cut, t));
        }
      }),
    );
  });
});

describe('intersectIntervals and clipIntervals', () => {
  it('keeps shared time only', () => {
    expect(intersectIntervals([i(0, 10), i(20, 30)], [i(5, 25)])).toEqual([i(5, 10), i(20, 25)]);
    expect(intersectIntervals([i(0, 10)], [i(10, 20)])).toEqual([]);
    expect(clipIntervals([i(0, 10), i(8, 30), i(40, 50)], i(5, 45))).toEqual([i(5, 30), i(40, 45)]);
  });

  it('keeps exactly the instants in both (property)', () => {
    fc.assert(
      fc.property(smallList, smallList, (a, b) => {
        const both = intersectIntervals(a, b);
        expectNormalised(both);
        for (let t = 0; t < 60; t++) expect(covered(both, t)).toBe(covered(a, t) && covered(b, t));
      }),
    );
  });
});

describe('totalDuration and unionCovers', () => {
  it('counts shared time once', () => {
    expect(totalDuration([i(0, 10), i(5, 15), i(20, 25)])).toBe(20);
    expect(totalDuration([])).toBe(0);
  });

  it('sees cover across touching pieces but not across a gap', () => {
    expect(unionCovers([i(0, 10), i(10, 20)], i(5, 15))).toBe(true);
    expect(unionCovers([i(0, 10), i(11, 20)], i(5, 15))).toBe(false);
    expect(unionCovers([], i(5, 5))).toBe(true);
  });
});

import { describe, expect, it } from '@jest/globals';
import { checkInDeadline, dueNoShows, isNoShow, nextNoShowCheckAt } from './no-show.rules.js';

const MINUTE = 60_000;
const T0 = 1_800_000_000_000;

const reservation = (id: string, startMinutes: number, overrides: object = {}) => ({
  id,
  start: T0 + startMinutes * MINUTE,
  end: T0 + (startMinutes + 120) * MINUTE,
  checkedInAt: null as number | null,
  status: 'active',
  checkInGraceMinutes: 15,
  ...overrides,
});

describe('isNoShow', () => {
  const res = reservation('r1', 0);

  it('becomes a no-show exactly when the grace period ends', () => {
    expect(isNoShow(res, 15, T0 + 15 * MINUTE - 1)).toBe(false);
    expect(isNoShow(res, 15, T0 + 15 * MINUTE)).toBe(true);
  });

  it('never flags a checked-in or settled reservation', () => {
    expect(isNoShow({ ...res, checkedInAt: T0 + MINUTE }, 15, T0 + 60 * MINUTE)).toBe(false);
    expect(isNoShow({ ...res, status: 'cancelled' }, 15, T0 + 60 * MINUTE)).toBe(false);
  });

  it('caps the deadline at the end of a short booking', () => {
    expect(checkInDeadline({ start: T0, end: T0 + 10 * MINUTE }, 15)).toBe(T0 + 10 * MINUTE);
    expect(checkInDeadline({ start: T0 }, 15)).toBe(T0 + 15 * MINUTE);
  });
});

describe('dueNoShows and nextNoShowCheckAt', () => {
  const list = [
    reservation('late', 0),
    reservation('on-time', 0, { checkedInAt: T0 }),
    reservation('long-grace', 0, { checkInGraceMinutes: 30 }),
    reservation('later', 60),
    reservation('cancelled', 5, { status: 'cancelled' }),
  ];

  it('lists the reservations whose own frozen grace has run out', () => {
    expect(dueNoShows(list, T0 + 20 * MINUTE).map((r) => r.id)).toEqual(['late']);
    expect(dueNoShows(list, T0 + 30 * MINUTE).map((r) => r.id)).toEqual(['late', 'long-grace']);
  });

  it('tells a scheduler the next deadline still ahead', () => {
    expect(nextNoShowCheckAt(list, T0)).toBe(T0 + 15 * MINUTE);
    expect(nextNoShowCheckAt(list, T0 + 15 * MINUTE)).toBe(T0 + 30 * MINUTE);
    expect(nextNoShowCheckAt(list, T0 + 30 * MINUTE)).toBe(T0 + 75 * MINUTE);
    expect(nextNoShowCheckAt(list, T0 + 75 * MINUTE)).toBeNull();
  });

  it('wakes exactly when the next no-show becomes due', () => {
    for (const now of [T0 - 60 * MINUTE, T0, T0 + 16 * MINUTE]) {
      const next = nextNoShowCheckAt(list, now);
      expect(next).not.toBeNull();
      const dueBefore = dueNoShows(list, (next as number) - 1).length;
      expect(dueNoShows(list, next as number).length).toBeGreaterThan(dueBefore);
    }
  });
});

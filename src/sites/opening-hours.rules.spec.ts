import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import {
  addDays,
  isOpenAt,
  localDateOf,
  localTimeOfDayMs,
  openIntervals,
  openingHoursOn,
  parseWallTime,
  validateSiteCalendar,
  validateWeeklyHours,
  wallClockToMs,
  weekdayOf,
  WEEKDAYS,
  type SiteCalendar,
  type WeeklyHours,
} from './opening-hours.rules.js';

const HOUR = 3_600_000;
const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).toMillis();
const everyDay = (pairs: Array<[string, string]>): WeeklyHours => Object.fromEntries(WEEKDAYS.map((d) => [d, pairs]));
const calendar = (timeZone: string, weeklyHours: WeeklyHours, closures = []): SiteCalendar => ({
  timeZone,
  weeklyHours,
  closures,
});
const hoursOpen = (cal: SiteCalendar, date: string) => {
  const from = wallClockToMs(date, '00:00', cal.timeZone);
  const to = wallClockToMs(addDays(date, 1), '00:00', cal.timeZone);
  return openIntervals(cal, from, to).reduce((sum, i) => sum + i.end - i.start, 0) / HOUR;
};

describe('wall-clock arithmetic', () => {
  it('parses HH:mm, with 24:00 as the next midnight', () => {
    expect(parseWallTime('09:30')).toBe(570);
    expect(parseWallTime('24:00')).toBe(1440);
    expect(parseWallTime('24:30')).toBeNull();
    expect(parseWallTime('9:30')).toBeNull();
  });

  it('counts local dates and weekdays without instants', () => {
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(weekdayOf('2026-03-29')).toBe('sun');
    expect(localDateOf(utc('2026-11-24T23:30'), 'Europe/Paris')).toBe('2026-11-25');
    expect(localTimeOfDayMs(utc('2026-07-01T07:15'), 'Europe/Paris')).toBe(9.25 * HOUR);
  });

  it('maps a time skipped by spring-forward to the instant the clock jumps', () => {
    // Paris 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
    expect(wallClockToMs('2026-03-29', '02:30', 'Europe/Paris')).toBe(utc('2026-03-29T01:00'));
    expect(wallClockToMs('2026-03-29', '03:00', 'Europe/Paris')).toBe(utc('2026-03-29T01:00'));
    expect(wallClockToMs('2026-03-29', '01:59', 'Europe/Paris')).toBe(utc('2026-03-29T00:59'));
  });

  it('maps a time repeated by fall-back to its first occurrence', () => {
    // Paris 2026-10-25: 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
    expect(wallClockToMs('2026-10-25', '02:30', 'Europe/Paris')).toBe(utc('2026-10-25T00:30'));
    expect(wallClockToMs('2026-10-25', '03:00', 'Europe/Paris')).toBe(utc('2026-10-25T02:00'));
  });

  it('handles a zone whose DST starts at midnight (Amman 2021)', () => {
    // Thursday 2021-03-25 24:00 (+02) became Friday 01:00 (+03): Friday 00:00 never happened.
    expect(wallClockToMs('2021-03-26', '00:00', 'Asia/Amman')).toBe(utc('2021-03-25T22:00'));
    expect(wallClockToMs('2021-03-25', '24:00', 'Asia/Amman')).toBe(utc('2021-03-25T22:00'));
  });

  it('rejects malformed input loudly', () => {
    expect(() => wallClockToMs('2026-02-30', '09:00', 'Europe/Paris')).toThrow(RangeError);
    expect(() => wallClockToMs('2026-02-03', '9h', 'Europe/Paris')).toThrow(RangeError);
  });
});

describe('openIntervals on DST change days in Europe/Paris', () => {
  const paris = calendar('Europe/Paris', {
    ...everyDay([['09:00', '18:00']]),
    sun: [['01:00', '04:00']],
  });

  it('keeps a 09:00–18:00 day at 9 hours, local, on both sides of a change', () => {
    expect(openIntervals(paris, utc('2026-03-28T00:00'), utc('2026-03-28T23:00'))).toEqual([
      { start: utc('2026-03-28T08:00'), end: utc('2026-03-28T17:00') },
    ]);
    expect(openIntervals(paris, utc('2026-03-30T00:00'), utc('2026-03-30T23:00'))).toEqual([
      { start: utc('2026-03-30T07:00'), end: utc('2026-03-30T16:00') },
    ]);
    expect(hoursOpen(paris, '2026-10-26')).toBe(9);
  });

  it('opens 01:00–04:00 for 2 hours on the spring-forward day', () => {
    expect(openIntervals(paris, utc('2026-03-28T22:00'), utc('2026-03-29T22:00'))).toEqual([
      { start: utc('2026-03-29T00:00'), end: utc('2026-03-29T02:00') },
    ]);
  });

  it('opens 01:00–04:00 for 4 hours on the fall-back day', () => {
    expect(openIntervals(paris, utc('2026-10-24T22:00'), utc('2026-10-25T23:00'))).toEqual([
      { start: utc('2026-10-24T23:00'), end: utc('2026-10-25T03:00') },
    ]);
  });

  it('counts a whole open day as 23 hours in spring and 25 hours in autumn', () => {
    const allDay = calendar('Europe/Paris', everyDay([['00:00', '24:00']]));
    expect(hoursOpen(allDay, '2026-03-29')).toBe(23);
    expect(hoursOpen(allDay, '2026-10-25')).toBe(25);
    expect(hoursOpen(allDay, '2026-10-26')).toBe(24);
  });

  it('keeps a 09:00–18:00 Sunday at 9 hours on both change days', () => {
    const sundays = calendar('Europe/Paris', { sun: [['09:00', '18:00']] });
    expect(hoursOpen(sundays, '2026-03-29')).toBe(9);
    expect(hoursOpen(sundays, '2026-10-25')).toBe(9);
  });
});

describe('openIntervals in zones without DST', () => {
  it('keeps Dakar (UTC+0) at the same UTC hours all year, Paris change days included', () => {
    const dakar = calendar('Africa/Dakar', everyDay([['09:00', '18:00']]));
    for (const date of ['2026-01-15', '2026-03-29', '2026-07-01', '2026-10-25']) {
      expect(openIntervals(dakar, utc(`${date}T00:00`), utc(`${date}T23:59`))).toEqual([
        { start: utc(`${date}T09:00`), end: utc(`${date}T18:00`) },
      ]);
    }
  });

  it('keeps Amman at UTC+3 all year since 2022', () => {
    const amman = calendar('Asia/Amman', everyDay([['10:00', '19:00']]));
    for (const date of ['2026-01-15', '2026-03-27', '2026-07-01', '2026-10-30']) {
      expect(openIntervals(amman, utc(`${date}T00:00`), utc(`${date}T23:59`))).toEqual([
        { start: utc(`${date}T07:00`), end: utc(`${date}T16:00`) },
      ]);
    }
  });

  it('gives Amman a 23-hour Friday when DST started at midnight (2021)', () => {
    const amman = calendar('Asia/Amman', everyDay([['00:00', '24:00']]));
    expect(hoursOpen(amman, '2021-03-26')).toBe(23);
    expect(openIntervals(amman, utc('2021-03-25T12:00'), utc('2021-03-26T12:00'))).toEqual([
      { start: utc('2021-03-25T12:00'), end: utc('2021-03-26T12:00') },
    ]);
  });
});

describe('openIntervals with closures and ranges', () => {
  const lab = calendar('Europe/Paris', {
    mon: [['09:00', '18:00']],
    tue: [
      ['09:00', '13:00'],
      ['14:00', '20:00'],
    ],
    wed: [['09:00', '18:00']],
  });

  it('skips closed days, both ends of the closure included', () => {
    const closed = { ...lab, closures: [{ from: '2026-11-30', to: '2026-12-01', reason: 'Inventory' }] };
    const week = [utc('2026-11-29T00:00'), utc('2026-12-04T00:00')] as const;
    expect(openIntervals(closed, ...week)).toEqual([{ start: utc('2026-12-02T08:00'), end: utc('2026-12-02T17:00') }]);
    expect(openingHoursOn(closed, '2026-12-01')).toEqual({ hours: [], closure: closed.closures[0] });
    expect(openingHoursOn(closed, '2026-12-02').hours).toEqual([['09:00', '18:00']]);
  });

  it('keeps a lunch break and clips to the range asked', () => {
    expect(openIntervals(lab, utc('2026-12-01T10:00'), utc('2026-12-01T15:00'))).toEqual([
      { start: utc('2026-12-01T10:00'), end: utc('2026-12-01T12:00') },
      { start: utc('2026-12-01T13:00'), end: utc('2026-12-01T15:00') },
    ]);
  });

  it('joins open stretches across midnight into one', () => {
    const allWeek = calendar('Europe/Paris', everyDay([['00:00', '24:00']]));
    const range = [utc('2026-12-01T10:00'), utc('2026-12-04T10:00')] as const;
    expect(openIntervals(allWeek, ...range)).toEqual([{ start: range[0], end: range[1] }]);
  });

  it('returns nothing for an empty or reversed range', () => {
    expect(openIntervals(lab, utc('2026-12-01T10:00'), utc('2026-12-01T10:00'))).toEqual([]);
    expect(openIntervals(lab, utc('2026-12-01T10:00'), utc('2026-12-01T09:00'))).toEqual([]);
  });

  it('answers whether the site is open at an instant', () => {
    expect(isOpenAt(lab, utc('2026-12-01T12:59'))).toBe(false);
    expect(isOpenAt(lab, utc('2026-12-01T13:00'))).toBe(true);
    expect(isOpenAt(lab, utc('2026-12-01T19:00'))).toBe(false);
  });
});

describe('validateWeeklyHours', () => {
  it('accepts well-formed hours, 24:00 included', () => {
    expect(
      validateWeeklyHours({
        mon: [
          ['09:00', '12:00'],
          ['13:00', '24:00'],
        ],
        sun: [],
      }),
    ).toBeNull();
    expect(validateWeeklyHours({})).toBeNull();
  });

  it.each([
    [null, 'weekly hours must map days'],
    [{ monday: [] }, "unknown day 'monday'"],
    [{ mon: 'all day' }, 'mon: expected a list'],
    [{ mon: [['09:00']] }, 'mon[0]: expected a pair'],
    [{ mon: [['9:00', '18:00']] }, "mon[0]: '9:00' is not a time"],
    [{ mon: [['24:00', '24:00']] }, "mon[0]: '24:00' is not a time"],
    [{ mon: [['09:00', '25:00']] }, "mon[0]: '25:00' is not a time"],
    [{ tue: [['18:00', '09:00']] }, 'tue[0]: 18:00–09:00 closes before it opens'],
    [{ tue: [['09:00', '09:00']] }, 'closes before it opens'],
    [
      {
        wed: [
          ['12:00', '18:00'],
          ['09:00', '13:00'],
        ],
      },
      'wed: 09:00–13:00 and 12:00–18:00 overlap',
    ],
  ])('explains what is wrong with %j', (hours, reason) => {
    expect(validateWeeklyHours(hours)).toContain(reason);
  });
});

describe('validateSiteCalendar', () => {
  const ok = { timeZone: 'Africa/Dakar', weeklyHours: { mon: [['09:00', '18:00']] }, closures: [] };

  it('accepts a well-formed calendar', () => {
    expect(validateSiteCalendar(ok)).toBeNull();
  });

  it.each([
    [{ ...ok, timeZone: 'Paris' }, "timeZone 'Paris' is not an IANA time zone"],
    [{ ...ok, weeklyHours: { mon: [['18:00', '09:00']] } }, 'closes before it opens'],
    [{ ...ok, closures: undefined }, 'closures must be a list'],
    [{ ...ok, closures: [{ from: '2026-12-24', to: '26/12' }] }, 'closures[0].to must be a date'],
    [{ ...ok, closures: [{ from: '2026-12-24', to: '2026-12-20' }] }, 'is before'],
  ])('explains what is wrong', (cal, reason) => {
    expect(validateSiteCalendar(cal)).toContain(reason);
  });
});

describe('openIntervals properties', () => {
  const zones = [
    'Europe/Paris',
    'Africa/Dakar',
    'Asia/Amman',
    'America/New_York',
    'Australia/Lord_Howe',
    'Asia/Kolkata',
  ];
  const hhmm = (quarter: number) =>
    `${String(Math.floor(quarter / 4)).padStart(2, '0')}:${String((quarter % 4) * 15).padStart(2, '0')}`;
  const dayHours = fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { maxLength: 6 }).map((qs) => {
    const sorted = [...qs].sort((a, b) => a - b);
    const pairs: Array<[string, string]> = [];
    for (let k = 0; k + 1 < sorted.length; k += 2) pairs.push([hhmm(sorted[k]), hhmm(sorted[k + 1])]);
    return pairs;
  });
  const weeklyHours = fc
    .tuple(...WEEKDAYS.map(() => dayHours))
    .map((days): WeeklyHours => Object.fromEntries(WEEKDAYS.map((d, k) => [d, days[k]])));
  const closure = fc
    .tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 3 }))
    .map(([offset, length]) => ({ offset, length }));
  const scenario = fc.record({
    timeZone: fc.constantFrom(...zones),
    weeklyHours,
    closures: fc.array(closure, { maxLength: 2 }),
    from: fc.integer({ min: utc('2021-01-01T00:00'), max: utc('2027-12-31T00:00') }),
    length: fc.integer({ min: 0, max: 10 * 24 * HOUR }),
    probes: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }),
  });

  it('returns sorted, disjoint, non-empty intervals inside the range, open exactly when the clock says so', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const firstDate = localDateOf(s.from, s.timeZone);
        const cal = calendar(s.timeZone, s.weeklyHours);
        cal.closures = s.closures.map((c) => ({
          from: addDays(firstDate, c.offset),
          to: addDays(firstDate, c.offset + c.length),
        }));
        expect(validateSiteCalendar(cal)).toBeNull();
        const to = s.from + s.length;
        const open = openIntervals(cal, s.from, to);
        for (const [k, i] of open.entries()) {
          expect(i.start).toBeGreaterThanOrEqual(s.from);
          expect(i.end).toBeLessThanOrEqual(to);
          expect(i.end).toBeGreaterThan(i.start);
          if (k > 0) expect(i.start).toBeGreaterThan(open[k - 1].end);
        }
        const zone = IANAZone.create(s.timeZone);
        for (const p of s.probes) {
          const t = Math.floor(s.from + p * s.length);
          if (t >= to || zone.offset(t - 86_400_000) > zone.offset(t + 86_400_000)) continue;
          // Oracle: the wall clock at t is inside one of that local day's openings.
          const date = localDateOf(t, s.timeZone);
          const minute = localTimeOfDayMs(t, s.timeZone) / 60_000;
          const expected = openingHoursOn(cal, date).hours.some(
            ([a, b]) => (parseWallTime(a) ?? 0) <= minute && minute < (parseWallTime(b) ?? 0),
          );
          expect(open.some((i) => i.start <= t && t < i.end)).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});

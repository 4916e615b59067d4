import { describe, expect, it } from '@jest/globals';
import { totalDuration } from '../reservations/intervals.js';
import { openIntervals, type SiteCalendar, type WeeklyHours } from '../sites/opening-hours.rules.js';
import { alignToLocalPeriods, periodsBySite } from './local-periods.rules.js';
import { makerCounts, trainingsGranted } from './makers.rules.js';
import { DAKAR, figures, MACHINE_KINDS_CONFIG, PARIS } from './stats.fixtures.js';
import {
  HOUR_MS,
  type GrantRecord,
  type JobRunRecord,
  type MakerRecord,
  type ReservationRecord,
  type StatsHistory,
} from './stats.rules.js';

/*
 * Paris is UTC+1 in winter and UTC+2 in summer; Dakar is UTC+0 all year.
 * Clocks go forward in Paris on Sun 29 March 2026 at 02:00 CET (01:00 UTC) and back on Sun
 * 25 October 2026 at 03:00 CEST (01:00 UTC). Instants below are written in UTC (`Z`) with the
 * local wall times beside them.
 *
 * "From 23 to 29 March" (dayAfterLast 30 March):
 *   Paris  Mon 23 00:00 CET  = 22 Mar 23:00Z  →  Mon 30 00:00 CEST = 29 Mar 22:00Z   7 × 24 − 1 = 167 h
 *   Dakar  Mon 23 00:00      = 23 Mar 00:00Z  →  Mon 30 00:00      = 30 Mar 00:00Z   7 × 24     = 168 h
 *   envelope                   22 Mar 23:00Z  →                      30 Mar 00:00Z   1 + 168    = 169 h
 * So the envelope holds one Dakar hour of Sunday 22 March (Paris Monday 00:00–01:00) and two Paris
 * hours of Monday 30 March (Dakar Sunday 22:00–24:00), each outside that site's own week.
 *
 * "From 19 to 25 October" (dayAfterLast 26 October):
 *   Paris  Mon 19 00:00 CEST = 18 Oct 22:00Z  →  Mon 26 00:00 CET  = 25 Oct 23:00Z   7 × 24 + 1 = 169 h
 *   Dakar  Mon 19 00:00      = 19 Oct 00:00Z  →  Mon 26 00:00      = 26 Oct 00:00Z              168 h
 *   envelope                   18 Oct 22:00Z  →                      26 Oct 00:00Z   2 + 168    = 170 h
 */
const Z = (utc: string): number => Date.parse(`${utc}:00Z`);

const allDay: WeeklyHours = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]),
);
/** Both open round the clock, so every hour of the envelope outside a site's own week would show. */
const parisCalendar: SiteCalendar = { timeZone: PARIS, weeklyHours: allDay, closures: [] };
const dakarCalendar: SiteCalendar = {
  timeZone: DAKAR,
  weeklyHours: allDay,
  closures: [{ from: '2026-03-25', to: '2026-03-25', reason: 'inventaire' }],
};
const sites = [
  { siteId: 'belleville', calendar: parisCalendar },
  { siteId: 'dakar', calendar: dakarCalendar },
];
const machines: StatsHistory['machines'] = [
  { machineId: 'bv-laser', siteId: 'belleville', kind: 'laser_cutter' },
  { machineId: 'dk-prusa', siteId: 'dakar', kind: 'fdm_printer' },
];

const booking = (makerKey: string, machineId: string, start: number, end: number): ReservationRecord => ({
  machineId,
  makerKey,
  start,
  end,
  status: 'completed',
  tags: [],
});
const run = (machineId: string, startedAt: number, endedAt: number): JobRunRecord => ({
  machineId,
  makerKey: 'x',
  startedAt,
  endedAt,
  outcome: 'completed',
  failureReason: null,
});
const maker = (makerKey: string, firstActivityAt: number, firstBookingAt: MakerRecord['firstBookingAt'] = {}) => ({
  makerKey,
  firstActivityAt,
  firstBookingAt,
  tags: [],
  declared: null,
});
const grant = (makerKey: string, training: string, grantedAt: number, siteId: string | null): GrantRecord => ({
  makerKey,
  training,
  grantedAt,
  siteId,
});

const history = (records: Partial<StatsHistory>): StatsHistory => ({
  sites,
  machines,
  reservations: [],
  jobRuns: [],
  makers: [],
  grants: [],
  ...records,
});

const march = periodsBySite(sites, '2026-03-23', '2026-03-30');
const october = periodsBySite(sites, '2026-10-19', '2026-10-26');
const hours = (p: { from: number; to: number }) => (p.to - p.from) / HOUR_MS;

describe("each site's own local period", () => {
  it('starts and ends at local midnight, one hour shorter in Paris the week clocks go forward', () => {
    expect(march.get('belleville')).toEqual({ from: Z('2026-03-22T23:00'), to: Z('2026-03-29T22:00') });
    expect(march.get('dakar')).toEqual({ from: Z('2026-03-23T00:00'), to: Z('2026-03-30T00:00') });
    expect(hours(march.get('belleville')!)).toBe(167);
    expect(hours(march.get('dakar')!)).toBe(168);
  });

  it('is one hour longer in Paris the week clocks go back', () => {
    expect(october.get('belleville')).toEqual({ from: Z('2026-10-18T22:00'), to: Z('2026-10-25T23:00') });
    expect(october.get('dakar')).toEqual({ from: Z('2026-10-19T00:00'), to: Z('2026-10-26T00:00') });
    expect(hours(october.get('belleville')!)).toBe(169);
    expect(hours(october.get('dakar')!)).toBe(168);
  });
});

describe('a network report over Paris and Dakar', () => {
  it('runs over the envelope of both weeks', () => {
    expect(alignToLocalPeriods(history({}), march, new Map()).period).toEqual({
      from: Z('2026-03-22T23:00'),
      to: Z('2026-03-30T00:00'),
    });
    expect(hours(alignToLocalPeriods(history({}), october, new Map()).period)).toBe(170);
  });

  it("closes each site on the local days of the envelope outside its own week, so open hours are its own week's", () => {
    const { period, durations } = alignToLocalPeriods(history({}), march, new Map());
    const [paris, dakar] = durations.sites;
    // Paris: Monday 30 March 00:00–02:00 CEST is in the envelope but not in Paris's week.
    expect(paris.calendar.closures).toEqual([{ from: '2026-03-30', to: '2026-03-30' }]);
    // Dakar: Sunday 22 March 23:00–24:00 is in the envelope but not in Dakar's week; its own
    // closure is kept.
    expect(dakar.calendar.closures).toEqual([
      { from: '2026-03-25', to: '2026-03-25', reason: 'inventaire' },
      { from: '2026-03-22', to: '2026-03-22' },
    ]);
    const open = (cal: SiteCalendar) => totalDuration(openIntervals(cal, period.from, period.to)) / HOUR_MS;
    // Paris open all day: 169 h of envelope − 2 h of Monday 30 = 167 h, the DST week.
    expect(open(paris.calendar)).toBe(167);
    // Dakar open all day: 169 h − 1 h of Sunday 22 − 24 h of its own closure on 25 March = 144 h.
    expect(open(dakar.calendar)).toBe(144);
    // The history passed in is not changed.
    expect(sites[0].calendar.closures).toEqual([]);
    expect(sites[1].calendar.closures).toHaveLength(1);
  });

  it('counts open hours of the October week: 169 in Paris, 168 in Dakar', () => {
    const { period, durations } = alignToLocalPeriods(
      history({ sites: [sites[0], { siteId: 'dakar', calendar: { ...dakarCalendar, closures: [] } }] }),
      october,
      new Map(),
    );
    // Paris: envelope 170 h − Monday 26 October 00:00–01:00 CET (1 h) = 169 h.
    // Dakar: envelope 170 h − Sunday 18 October 22:00–24:00 (2 h) = 168 h.
    expect(
      durations.sites.map((s) => totalDuration(openIntervals(s.calendar, period.from, period.to)) / HOUR_MS),
    ).toEqual([169, 168]);
  });

  it("clips booked and running hours to the machine's own site week", () => {
    const reservations = [
      // Dakar Sun 22 23:00–24:00 (Paris Mon 23 00:00–01:00): before Dakar's week, dropped.
      booking('a', 'dk-prusa', Z('2026-03-22T23:00'), Z('2026-03-23T00:00')),
      // Dakar Sun 22 23:30 – Mon 23 01:30: the 1.5 h from Monday 00:00 count.
      booking('b', 'dk-prusa', Z('2026-03-22T23:30'), Z('2026-03-23T01:30')),
      // Dakar Sun 29 22:00–23:30 (Paris Mon 30 00:00–01:30): inside Dakar's week, all 1.5 h.
      booking('c', 'dk-prusa', Z('2026-03-29T22:00'), Z('2026-03-29T23:30')),
      // Paris Sun 29 01:30 CET – 03:30 CEST: across the jump, 1 real hour, kept whole.
      booking('d', 'bv-laser', Z('2026-03-29T00:30'), Z('2026-03-29T01:30')),
      // Paris Sun 29 23:00 – Mon 30 01:00 CEST: the hour before midnight counts.
      booking('e', 'bv-laser', Z('2026-03-29T21:00'), Z('2026-03-29T23:00')),
      // Paris Mon 30 00:30–01:30 CEST: after Paris's week though inside the envelope, dropped.
      booking('f', 'bv-laser', Z('2026-03-29T22:30'), Z('2026-03-29T23:30')),
    ];
    const jobRuns = [
      // Paris Sun 29 23:30 – Mon 30 00:30 CEST: half an hour counts.
      run('bv-laser', Z('2026-03-29T21:30'), Z('2026-03-29T22:30')),
      // Dakar Sun 22 22:00 – Mon 23 00:30: half an hour counts.
      run('dk-prusa', Z('2026-03-22T22:00'), Z('2026-03-23T00:30')),
    ];
    const { durations } = alignToLocalPeriods(history({ reservations, jobRuns }), march, new Map());
    const held = durations.reservations.map((r) => [r.makerKey, (r.end - r.start) / HOUR_MS]);
    expect(held).toEqual([
      ['b', 1.5],
      ['c', 1.5],
      ['d', 1],
      ['e', 1],
    ]);
    expect(durations.reservations[0].start).toBe(Z('2026-03-23T00:00'));
    expect(durations.reservations[3].end).toBe(Z('2026-03-29T22:00'));
    expect(durations.jobRuns.map((r) => (r.endedAt - r.startedAt) / HOUR_MS)).toEqual([0.5, 0.5]);
  });

  it("keeps events only inside their own site's week", () => {
    const reservations = [
      booking('a', 'dk-prusa', Z('2026-03-22T23:30'), Z('2026-03-23T01:00')), // starts Dakar Sun 22: out
      booking('b', 'dk-prusa', Z('2026-03-29T23:00'), Z('2026-03-29T23:30')), // Dakar Sun 29 23:00: in
      booking('c', 'bv-laser', Z('2026-03-22T23:30'), Z('2026-03-23T01:00')), // Paris Mon 23 00:30: in
      booking('d', 'bv-laser', Z('2026-03-29T21:30'), Z('2026-03-29T23:30')), // Paris Sun 29 23:30: in
      booking('e', 'bv-laser', Z('2026-03-29T22:00'), Z('2026-03-29T23:00')), // Paris Mon 30 00:00: out
    ];
    const jobRuns = [
      run('dk-prusa', Z('2026-03-22T22:00'), Z('2026-03-22T23:45')), // ends Dakar Sun 22 23:45: out
      run('dk-prusa', Z('2026-03-29T22:00'), Z('2026-03-29T23:45')), // ends Dakar Sun 29 23:45: in
      run('bv-laser', Z('2026-03-29T21:00'), Z('2026-03-29T22:15')), // ends Paris Mon 30 00:15: out
      run('bv-laser', Z('2026-03-22T22:00'), Z('2026-03-22T23:15')), // ends Paris Mon 23 00:15: in
    ];
    const grants = [
      grant('a', 'fdm-basics', Z('2026-03-22T23:30'), 'dakar'), // Dakar Sun 22: out
      grant('b', 'laser-safety', Z('2026-03-22T23:30'), 'belleville'), // Paris Mon 23 00:30: in
      grant('c', 'laser-safety', Z('2026-03-29T22:30'), 'belleville'), // Paris Mon 30 00:30: out
      grant('d', 'fdm-basics', Z('2026-03-29T23:30'), 'dakar'), // Dakar Sun 29 23:30: in
      grant('e', 'fdm-basics', Z('2026-03-22T23:05'), null), // by an admin: the envelope, in
    ];
    const { events } = alignToLocalPeriods(history({ reservations, jobRuns, grants }), march, new Map());
    expect(events.reservations.map((r) => r.makerKey)).toEqual(['b', 'c', 'd']);
    expect(events.jobRuns.map((r) => r.endedAt)).toEqual([Z('2026-03-29T23:45'), Z('2026-03-22T23:15')]);
    expect(events.grants.map((g) => g.makerKey)).toEqual(['b', 'd', 'e']);
  });

  it("counts a maker as first-time only when their first activity is in its site's own week", () => {
    const makers = [
      maker('dakar-sunday-22', Z('2026-03-22T23:30')), // Dakar Sun 22: the week before
      maker('paris-monday-23', Z('2026-03-22T23:30')), // the same instant is Paris Mon 23 00:30
      maker('paris-monday-30', Z('2026-03-29T22:30')), // Paris Mon 30 00:30: the week after
      maker('dakar-sunday-29', Z('2026-03-29T22:30')), // the same instant is Dakar Sun 29 22:30
      maker('long-ago', Z('2025-11-05T10:00')),
    ];
    const firstActivitySite = new Map([
      ['dakar-sunday-22', 'dakar'],
      ['paris-monday-23', 'belleville'],
      ['paris-monday-30', 'belleville'],
      ['dakar-sunday-29', 'dakar'],
      ['long-ago', 'belleville'],
    ]);
    // Each first activity is a one-hour booking at its site; the hours inside the site's week make
    // the maker active there. paris-monday-30's hour is after the Paris week, but they book again
    // in Dakar on Sunday 29 at 23:00, inside Dakar's week: active, and not new.
    const hourAt = (key: string, machineId: string, start: number) => booking(key, machineId, start, start + HOUR_MS);
    const reservations = [
      hourAt('dakar-sunday-22', 'dk-prusa', Z('2026-03-22T23:30')), // its 00:00–00:30 on Monday counts
      hourAt('paris-monday-23', 'bv-laser', Z('2026-03-22T23:30')),
      hourAt('paris-monday-30', 'bv-laser', Z('2026-03-29T22:30')), // dropped: after the Paris week
      hourAt('paris-monday-30', 'dk-prusa', Z('2026-03-29T23:00')),
      hourAt('dakar-sunday-29', 'dk-prusa', Z('2026-03-29T22:30')),
      hourAt('long-ago', 'bv-laser', Z('2026-03-25T10:00')),
    ];
    const aligned = alignToLocalPeriods(history({ makers, reservations }), march, firstActivitySite);
    const { from, to } = aligned.period;
    expect(aligned.durations.makers.map((m) => m.firstActivityAt)).toEqual([
      from - 1, // moved before the envelope
      Z('2026-03-22T23:30'),
      to, // moved past the envelope
      Z('2026-03-29T22:30'),
      from - 1, // any time before the envelope reads the same: returning
    ]);
    const counts = makerCounts(aligned.durations, { period: aligned.period, threshold: 1 });
    expect(figures(counts)).toEqual({
      first_time: { makers: 2 }, // paris-monday-23, dakar-sunday-29
      returning: { makers: 3 },
      total: { makers: 5 },
    });
  });

  it("counts a first booking after a training up to the end of the grant's site week, as that site's report does", () => {
    // Laser training granted in Paris on Friday 27 March; first laser booking Monday 30 March
    // 00:30 CEST (29 March 22:30Z): after the Paris week, though before the envelope ends.
    // Fdm training granted in Dakar the same Friday; first fdm booking Sunday 29 March 22:30 in
    // Dakar: inside the Dakar week.
    const makers = [
      maker('late', Z('2026-01-10T10:00'), { laser_cutter: Z('2026-03-29T22:30') }),
      maker('in-time', Z('2026-01-10T10:00'), { fdm_printer: Z('2026-03-29T22:30') }),
    ];
    const grants = [
      grant('late', 'laser-safety', Z('2026-03-27T10:00'), 'belleville'),
      grant('in-time', 'fdm-basics', Z('2026-03-27T10:00'), 'dakar'),
    ];
    const records = history({ makers, grants });
    const network = alignToLocalPeriods(records, march, new Map());
    expect(
      figures(trainingsGranted(network.events, { period: network.period, threshold: 1 }, MACHINE_KINDS_CONFIG)),
    ).toMatchObject({
      'laser-safety': { granted: 1, first_bookings: 0 },
      'fdm-basics': { granted: 1, first_bookings: 1 },
    });
    // Paris alone over its own week: the same laser figure.
    const parisOnly = alignToLocalPeriods(records, new Map([['belleville', march.get('belleville')!]]), new Map());
    const paris = { period: parisOnly.period, siteId: 'belleville', threshold: 1 };
    expect(figures(trainingsGranted(parisOnly.events, paris, MACHINE_KINDS_CONFIG))).toMatchObject({
      'laser-safety': { granted: 1, first_bookings: 0 },
    });
    // Durations keep the first bookings as they were.
    expect(network.durations.makers[0].firstBookingAt.laser_cutter).toBe(Z('2026-03-29T22:30'));
  });
});

describe('one zone', () => {
  it('returns the history as it is for one site, or sites sharing a zone', () => {
    const records = history({ reservations: [booking('a', 'bv-laser', Z('2026-03-29T21:00'), Z('2026-03-29T23:00'))] });
    const parisOnly = new Map([['belleville', march.get('belleville')!]]);
    const aligned = alignToLocalPeriods(records, parisOnly, new Map());
    expect(aligned.period).toEqual(march.get('belleville'));
    expect(aligned.durations).toBe(records);
    expect(aligned.events).toBe(records);

    const twoInParis = periodsBySite(
      [sites[0], { siteId: 'villette', calendar: parisCalendar }],
      '2026-10-19',
      '2026-10-26',
    );
    expect(alignToLocalPeriods(records, twoInParis, new Map()).durations).toBe(records);
  });
});

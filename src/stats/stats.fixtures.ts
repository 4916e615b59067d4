import { DateTime } from 'luxon';
import type { AppConfig } from '../config/app-config.js';
import type { SiteCalendar, WeeklyHours } from '../sites/opening-hours.rules.js';
import {
  localPeriod,
  type GrantRecord,
  type JobRunRecord,
  type MakerRecord,
  type ReservationRecord,
  type StatsHistory,
} from './stats.rules.js';
import type { StatsTable } from './suppression.rules.js';

/**
 * A generated history shared by the statistics specs: three sites, six machines, seven makers
 * (A–G), mostly in the Paris week of the spring-forward change (Mon 23 – Sun 29 March 2026) and a
 * little in the week of the fall-back change (Mon 19 – Sun 25 October 2026). The specs check
 * their figures against the arithmetic written beside each record.
 */
export const PARIS = 'Europe/Paris';
export const DAKAR = 'Africa/Dakar';

/** A local wall time in a zone, as an instant; fixtures avoid times DST skips or repeats. */
export const at = (local: string, zone: string): number => DateTime.fromISO(local, { zone }).toMillis();

/** Paris weeks; Dakar (UTC, no DST) is closed on the Sunday evenings where the zones disagree. */
export const MARCH_WEEK = localPeriod('2026-03-23', '2026-03-30', PARIS);
export const OCTOBER_WEEK = localPeriod('2026-10-19', '2026-10-26', PARIS);

const everyDay = (from: string, to: string): WeeklyHours => {
  const pair: Array<[string, string]> = [[from, to]];
  return { mon: pair, tue: pair, wed: pair, thu: pair, fri: pair, sat: pair, sun: pair };
};

/** Open 09:00–18:00 every day: 63 h a week, 9 h on both DST Sundays too. */
const belleville: SiteCalendar = { timeZone: PARIS, weeklyHours: everyDay('09:00', '18:00'), closures: [] };
/** A self-service room open round the clock: 168 h a week, 167 in March and 169 in October. */
const villette: SiteCalendar = { timeZone: PARIS, weeklyHours: everyDay('00:00', '24:00'), closures: [] };
/** Weekdays 08:00–17:00 and Saturday morning: 5 × 9 + 4 = 49 h a week. */
const dakar: SiteCalendar = {
  timeZone: DAKAR,
  weeklyHours: {
    mon: [['08:00', '17:00']],
    tue: [['08:00', '17:00']],
    wed: [['08:00', '17:00']],
    thu: [['08:00', '17:00']],
    fri: [['08:00', '17:00']],
    sat: [['09:00', '13:00']],
  },
  closures: [],
};

export const MACHINE_KINDS_CONFIG: AppConfig['machineKinds'] = {
  fdm_printer: { training: 'fdm-basics' },
  laser_cutter: { training: 'laser-safety' },
  embroidery: { training: 'embroidery-intro' },
  cnc: {},
};

const P = (local: string) => at(local, PARIS);
const D = (local: string) => at(local, DAKAR);

const reservation = (
  makerKey: string,
  machineId: string,
  start: number,
  end: number,
  overrides: Partial<ReservationRecord> = {},
): ReservationRecord => ({ machineId, makerKey, start, end, status: 'completed', tags: [], ...overrides });

const run = (
  makerKey: string | null,
  machineId: string,
  startedAt: number,
  endedAt: number,
  overrides: Partial<JobRunRecord> = {},
): JobRunRecord => ({
  machineId,
  makerKey,
  startedAt,
  endedAt,
  outcome: 'completed',
  failureReason: null,
  ...overrides,
});

/** Reservations; the hours each holds in the March week are at the end of the line. */
const reservations: ReservationRecord[] = [
  reservation('A', 'bv-prusa-1', P('2026-03-24T10:00'), P('2026-03-24T13:00')), // 3 h
  reservation('B', 'bv-prusa-1', P('2026-03-24T14:00'), P('2026-03-24T16:00'), { tags: ['pre-qualification'] }), // 2 h
  reservation('C', 'bv-laser', P('2026-03-25T09:00'), P('2026-03-25T11:30'), { tags: ['pre-qualification'] }), // 2.5 h
  reservation('A', 'bv-laser', P('2026-03-29T09:00'), P('2026-03-29T12:00')), // 3 h, after the change
  // 01:00 CET (00:00Z) to 04:00 CEST (02:00Z): the clock shows 3 h, 2 h pass.
  reservation('D', 'vl-prusa', P('2026-03-29T01:00'), P('2026-03-29T04:00'), { tags: ['cohorte-2026'] }), // 2 h
  reservation('B', 'bv-prusa-2', P('2026-03-26T10:00'), P('2026-03-26T12:00'), { status: 'no_show' }), // 0 h
  reservation('C', 'bv-prusa-2', P('2026-03-27T15:00'), P('2026-03-27T17:00'), { status: 'cancelled' }), // 0 h
  reservation('E', 'dk-brother', D('2026-03-23T09:00'), D('2026-03-23T12:00'), { tags: ['pre-qualification'] }), // 3 h
  reservation('F', 'dk-prusa', D('2026-03-28T09:00'), D('2026-03-28T13:00')), // 4 h
  reservation('E', 'dk-prusa', D('2026-03-27T16:00'), D('2026-03-27T18:00')), // 2 h, an hour past closing
  // Sunday 22:00 to Monday 02:00: only Monday 00:00–02:00 is in the week. A's own tag again.
  reservation('A', 'vl-prusa', P('2026-03-22T22:00'), P('2026-03-23T02:00'), { tags: ['cohorte-2026'] }), // 2 h
  // Sunday 23:00 to Monday 01:00 CEST: only the Sunday hour is in the week.
  reservation('D', 'vl-prusa', P('2026-03-29T23:00'), P('2026-03-30T01:00'), { status: 'active' }), // 1 h
  reservation('E', 'dk-brother', D('2026-03-25T10:00'), D('2026-03-25T11:00'), { status: 'no_show' }), // 0 h
  // October, 01:00 CEST (23:00Z on the 24th) to 04:00 CET (03:00Z): the clock shows 3 h, 4 h pass.
  reservation('G', 'vl-prusa', P('2026-10-25T01:00'), P('2026-10-25T04:00')),
  reservation('G', 'bv-prusa-1', P('2026-10-20T10:00'), P('2026-10-20T12:00')),
];

/** Job runs; hours run in the March week at the end of the line. */
const jobRuns: JobRunRecord[] = [
  run('A', 'bv-prusa-1', P('2026-03-24T10:15'), P('2026-03-24T12:45')), // 2.5 h
  run('B', 'bv-prusa-1', P('2026-03-24T14:10'), P('2026-03-24T15:10'), {
    outcome: 'failed',
    failureReason: 'thermal_fault',
  }), // 1 h
  run('C', 'bv-laser', P('2026-03-25T09:30'), P('2026-03-25T10:00'), { outcome: 'failed' }), // 0.5 h, no reason
  // 01:30 CET (00:30Z) to 03:30 CEST (01:30Z).
  run('D', 'vl-prusa', P('2026-03-29T01:30'), P('2026-03-29T03:30')), // 1 h
  // Started Sunday 23:00 before the week, lost Monday 01:00: its outcome belongs to the week.
  run('A', 'vl-prusa', P('2026-03-22T23:00'), P('2026-03-23T01:00'), { outcome: 'lost' }), // 1 h
  // Ends Monday 30 at 00:30: it ran in the week, its outcome belongs to the next one.
  run('D', 'vl-prusa', P('2026-03-29T23:30'), P('2026-03-30T00:30')), // 0.5 h
  run(null, 'bv-prusa-2', P('2026-03-26T14:00'), P('2026-03-26T15:00')), // 1 h, started at the machine
  run('E', 'dk-brother', D('2026-03-23T09:30'), D('2026-03-23T11:30')), // 2 h
  run('F', 'dk-prusa', D('2026-03-28T09:00'), D('2026-03-28T10:30'), {
    outcome: 'failed',
    failureReason: 'material_runout',
  }), // 1.5 h
  run('F', 'dk-prusa', D('2026-03-28T11:00'), D('2026-03-28T12:00'), {
    outcome: 'failed',
    failureReason: ' material_runout ',
  }), // 1 h
  run('E', 'dk-prusa', D('2026-03-27T16:00'), D('2026-03-27T17:00'), { outcome: 'cancelled' }), // 1 h
  // October, 01:30 CEST (23:30Z on the 24th) to 03:30 CET (02:30Z): 3 h.
  run('G', 'vl-prusa', P('2026-10-25T01:30'), P('2026-10-25T03:30')),
];

const makers: MakerRecord[] = [
  {
    makerKey: 'A',
    firstActivityAt: P('2025-11-05T10:00'),
    firstBookingAt: { fdm_printer: P('2025-11-05T10:00'), laser_cutter: P('2025-12-01T10:00') },
    tags: ['cohorte-2026'],
    declared: { consent: true, ageBand: '18-25', status: 'student', gender: ' Femme ' },
  },
  {
    makerKey: 'B',
    firstActivityAt: P('2026-03-24T14:00'),
    firstBookingAt: { fdm_printer: P('2026-03-24T14:00') },
    tags: [],
    declared: { consent: true, ageBand: '26-40', status: 'job_seeker', gender: 'femme' },
  },
  {
    makerKey: 'C',
    firstActivityAt: P('2026-01-10T10:00'),
    firstBookingAt: { laser_cutter: P('2026-01-10T10:00') },
    tags: ['cohorte-2026'],
    // Filled in, then consent withdrawn: none of it may count.
    declared: { consent: false, ageBand: '41-60', status: 'employed', gender: 'homme' },
  },
  {
    makerKey: 'D',
    firstActivityAt: P('2026-03-29T01:00'),
    firstBookingAt: { fdm_printer: P('2026-03-29T01:00') },
    tags: [],
    declared: null,
  },
  {
    makerKey: 'E',
    firstActivityAt: D('2026-02-02T09:00'),
    firstBookingAt: { embroidery: D('2026-02-02T09:00'), fdm_printer: D('2026-03-27T16:00') },
    tags: [],
    declared: { consent: true, ageBand: '18-25', status: 'retraining', gender: 'Non-binaire ' },
  },
  {
    makerKey: 'F',
    firstActivityAt: D('2026-03-28T09:00'),
    firstBookingAt: { fdm_printer: D('2026-03-28T09:00') },
    tags: [],
    declared: { consent: true, ageBand: '18-25', status: 'student' },
  },
  {
    makerKey: 'G',
    firstActivityAt: P('2026-10-20T10:00'),
    firstBookingAt: { fdm_printer: P('2026-10-20T10:00') },
    tags: [],
    declared: null,
  },
];

const grants: GrantRecord[] = [
  { makerKey: 'B', training: 'fdm-basics', grantedAt: P('2026-03-23T18:30'), siteId: 'belleville' },
  { makerKey: 'A', training: 'laser-safety', grantedAt: P('2026-03-24T09:00'), siteId: 'belleville' },
  { makerKey: 'E', training: 'laser-safety', grantedAt: P('2026-03-25T12:00'), siteId: null },
  { makerKey: 'F', training: 'fdm-basics', grantedAt: D('2026-03-27T10:00'), siteId: 'dakar' },
  { makerKey: 'F', training: 'embroidery-intro', grantedAt: D('2026-03-27T10:05'), siteId: 'dakar' },
  { makerKey: 'D', training: 'fdm-basics', grantedAt: P('2026-03-28T15:00'), siteId: 'villette' },
  { makerKey: 'G', training: 'fdm-basics', grantedAt: P('2026-03-29T12:00'), siteId: 'belleville' },
  { makerKey: 'C', training: 'laser-safety', grantedAt: P('2026-01-09T10:00'), siteId: 'belleville' },
];

export const history: StatsHistory = {
  sites: [
    { siteId: 'belleville', calendar: belleville },
    { siteId: 'villette', calendar: villette },
    { siteId: 'dakar', calendar: dakar },
  ],
  machines: [
    { machineId: 'bv-prusa-1', siteId: 'belleville', kind: 'fdm_printer' },
    { machineId: 'bv-prusa-2', siteId: 'belleville', kind: 'fdm_printer' },
    { machineId: 'bv-laser', siteId: 'belleville', kind: 'laser_cutter' },
    { machineId: 'vl-prusa', siteId: 'villette', kind: 'fdm_printer' },
    { machineId: 'dk-brother', siteId: 'dakar', kind: 'embroidery' },
    { machineId: 'dk-prusa', siteId: 'dakar', kind: 'fdm_printer' },
  ],
  reservations,
  jobRuns,
  makers,
  grants,
};

/** Rounded so that ratios such as 5 / 63 compare exactly with the hand computation. */
export const r = (x: number): number => Math.round(x * 1e9) / 1e9;

/** A table as { label: { column: figure } }, a suppressed cell reading 'suppressed'. */
export function figures(table: StatsTable): Record<string, Record<string, number | null | 'suppressed'>> {
  return Object.fromEntries(
    [...table.rows, ...(table.total ? [table.total] : [])].map((row) => [
      row.label,
      Object.fromEntries(
        Object.entries(row.cells).map(([key, cell]) => [
          key,
          cell.suppressed ? 'suppressed' : cell.value === null ? null : r(cell.value),
        ]),
      ),
    ]),
  );
}

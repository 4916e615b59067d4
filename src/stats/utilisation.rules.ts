import { MACHINE_KINDS } from '../config/app-config.js';
import { totalDuration } from '../reservations/intervals.js';
import { openIntervals } from '../sites/opening-hours.rules.js';
import {
  bookedHours,
  HOUR_MS,
  machinesInScope,
  runningHours,
  sitesInScope,
  type MachineRecord,
  type SiteRecord,
  type StatsHistory,
  type StatsPeriod,
  type StatsQuery,
} from './stats.rules.js';
import { suppressSmallCounts, Tally, TOTAL, type MeasuredRow, type StatsTable } from './suppression.rules.js';

export type UtilisationGrouping = 'machine' | 'kind' | 'site';

/** Hours a site's calendar is open within the period. */
export type OpenHours = (site: SiteRecord, period: StatsPeriod) => number;

export const openHours: OpenHours = (site, period) =>
  totalDuration(openIntervals(site.calendar, period.from, period.to)) / HOUR_MS;

/**
 * Booked hours (reservations that held the machine) and running hours (what the machines
 * report) against open hours, per machine, per kind or per site. Open hours are machine-hours:
 * each machine of a site counts the site's open time in the period, taken from its calendar in
 * its own zone, so a DST Sunday open 09:00–18:00 is 9 hours and one open all day is 23 or 25.
 * Bookings and runs are counted as they happened, clipped to the period but not to opening
 * hours, so a staff booking past closing can push a ratio above 1.
 */
export function utilisation(
  history: StatsHistory,
  query: StatsQuery,
  by: UtilisationGrouping,
  openHoursOf: OpenHours = openHours,
): StatsTable {
  const { period } = query;
  const machines = machinesInScope(history, query);
  const openPerMachine = new Map(sitesInScope(history, machines).map((s) => [s.siteId, openHoursOf(s, period)]));
  const labelOf = (m: MachineRecord): string => (by === 'machine' ? m.machineId : by === 'kind' ? m.kind : m.siteId);

  const open = new Map<string | typeof TOTAL, number>();
  for (const m of machines.values()) {
    const hours = openPerMachine.get(m.siteId) ?? 0;
    const keys: Array<string | typeof TOTAL> = [labelOf(m), TOTAL];
    for (const key of keys) open.set(key, (open.get(key) ?? 0) + hours);
  }
  const booked = new Tally();
  for (const res of history.reservations) {
    const machine = machines.get(res.machineId);
    const hours = machine ? bookedHours(res, period) : 0;
    if (machine && hours > 0) booked.add([labelOf(machine)], hours, res.makerKey);
  }
  const running = new Tally();
  for (const run of history.jobRuns) {
    const machine = machines.get(run.machineId);
    const hours = machine ? runningHours(run, period) : 0;
    if (machine && hours > 0) running.add([labelOf(machine)], hours, run.makerKey);
  }

  const row = (label: string, key: string | typeof TOTAL): MeasuredRow => ({
    label,
    cells: {
      open_hours: { value: open.get(key) ?? 0, makers: null },
      booked_hours: booked.sum(key),
      running_hours: running.sum(key),
    },
  });
  return suppressSmallCounts(
    {
      rowTitle: by,
      columns: [
        { key: 'open_hours', unit: 'hours' },
        { key: 'booked_hours', unit: 'hours' },
        { key: 'booked_ratio', unit: 'ratio', of: 'booked_hours', per: 'open_hours' },
        { key: 'running_hours', unit: 'hours' },
        { key: 'running_ratio', unit: 'ratio', of: 'running_hours', per: 'open_hours' },
      ],
      rows: rowLabels(history, machines, by).map((label) => row(label, label)),
      total: row('total', TOTAL),
    },
    query.threshold,
  );
}

/** Rows in a stable order: machines and sites as listed, kinds in the configured order. */
function rowLabels(history: StatsHistory, machines: Map<string, MachineRecord>, by: UtilisationGrouping): string[] {
  if (by === 'machine') return [...machines.keys()];
  if (by === 'site') return sitesInScope(history, machines).map((s) => s.siteId);
  const kinds = new Set([...machines.values()].map((m) => m.kind));
  return MACHINE_KINDS.filter((k) => kinds.has(k));
}

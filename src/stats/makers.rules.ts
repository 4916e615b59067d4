import type { AppConfig, MachineKind } from '../config/app-config.js';
import {
  bookedHours,
  isWithin,
  machinesInScope,
  runningHours,
  type GrantRecord,
  type MakerRecord,
  type StatsHistory,
  type StatsPeriod,
  type StatsQuery,
} from './stats.rules.js';
import { suppressSmallCounts, Tally, TOTAL, type StatsTable } from './suppression.rules.js';

/**
 * Distinct makers who used a machine in scope during the period (a reservation that held it, or
 * a job that ran on it), split into first-time makers, whose first activity anywhere in the
 * network falls in the period, and returning ones. A maker the history has no record of cannot
 * be shown to be new, so they count as returning.
 */
export function makerCounts(history: StatsHistory, query: StatsQuery): StatsTable {
  const { period } = query;
  const machines = machinesInScope(history, query);
  const active = new Set<string>();
  for (const res of history.reservations) {
    if (machines.has(res.machineId) && bookedHours(res, period) > 0) active.add(res.makerKey);
  }
  for (const run of history.jobRuns) {
    if (run.makerKey !== null && machines.has(run.machineId) && runningHours(run, period) > 0) active.add(run.makerKey);
  }
  const firstActivity = new Map(history.makers.map((m) => [m.makerKey, m.firstActivityAt]));
  const makers = new Tally();
  for (const key of active) {
    const first = firstActivity.get(key);
    makers.add([first !== undefined && isWithin(first, period) ? 'first_time' : 'returning'], 0, key);
  }
  return suppressSmallCounts(
    {
      rowTitle: 'makers',
      columns: [{ key: 'makers', unit: 'count' }],
      rows: ['first_time', 'returning'].map((label) => ({ label, cells: { makers: makers.people(label) } })),
      total: { label: 'total', cells: { makers: makers.people(TOTAL) } },
    },
    query.threshold,
  );
}

/**
 * Trainings granted in the period, per training, and how many of those grants led to the maker's
 * first booking (not cancelled) of a machine kind the training opens, from the grant to the end of
 * the period: counting up to the period's end keeps a closed period's figures the same whenever
 * the report is run again. A renewal for someone who had booked that kind before leads to nothing
 * new. For one site, the grants counted are those its staff made; the booking may be anywhere.
 */
export function trainingsGranted(
  history: StatsHistory,
  query: StatsQuery,
  machineKinds: AppConfig['machineKinds'],
): StatsTable {
  const makers = new Map(history.makers.map((m) => [m.makerKey, m]));
  const granted = new Tally();
  const firstBookings = new Tally();
  for (const grant of history.grants) {
    if (!isWithin(grant.grantedAt, query.period)) continue;
    if (query.siteId !== undefined && grant.siteId !== query.siteId) continue;
    granted.add([grant.training], 1, grant.makerKey);
    if (ledToFirstBooking(grant, makers.get(grant.makerKey), machineKinds, query.period)) {
      firstBookings.add([grant.training], 1, grant.makerKey);
    }
  }
  const row = (label: string, key: string | typeof TOTAL) => ({
    label,
    cells: { granted: granted.sum(key), first_bookings: firstBookings.sum(key) },
  });
  return suppressSmallCounts(
    {
      rowTitle: 'training',
      columns: [
        { key: 'granted', unit: 'count' },
        { key: 'first_bookings', unit: 'count' },
        { key: 'first_booking_rate', unit: 'ratio', of: 'first_bookings', per: 'granted' },
      ],
      rows: granted
        .labels()
        .sort()
        .map((label) => row(label, label)),
      total: row('total', TOTAL),
    },
    query.threshold,
  );
}

function ledToFirstBooking(
  grant: GrantRecord,
  maker: MakerRecord | undefined,
  machineKinds: AppConfig['machineKinds'],
  period: StatsPeriod,
): boolean {
  const opened = (Object.keys(machineKinds) as MachineKind[]).filter(
    (k) => machineKinds[k]?.training === grant.training,
  );
  return opened.some((kind) => {
    const first = maker?.firstBookingAt[kind];
    return first !== undefined && grant.grantedAt <= first && first < period.to;
  });
}

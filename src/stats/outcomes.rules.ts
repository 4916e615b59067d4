import { JOB_OUTCOMES } from '@fabrique/firmware-bridge';
import {
  isWithin,
  machinesInScope,
  sitesInScope,
  type JobRunRecord,
  type StatsHistory,
  type StatsQuery,
} from './stats.rules.js';
import { suppressSmallCounts, Tally, TOTAL, type StatsTable } from './suppression.rules.js';

/** The reason row for a failure the machine did not explain. */
export const UNSPECIFIED_REASON = 'unspecified';

/** Jobs that finished in the period (an outcome belongs to the moment it happens), by outcome. */
export function jobsByOutcome(history: StatsHistory, query: StatsQuery): StatsTable {
  const jobs = new Tally();
  for (const run of finishedRuns(history, query)) {
    jobs.add([run.outcome], 1, run.makerKey);
  }
  return suppressSmallCounts(
    {
      rowTitle: 'outcome',
      columns: [{ key: 'jobs', unit: 'count' }],
      rows: JOB_OUTCOMES.map((outcome) => ({ label: outcome, cells: { jobs: jobs.sum(outcome) } })),
      total: { label: 'total', cells: { jobs: jobs.sum(TOTAL) } },
    },
    query.threshold,
  );
}

/** Failed jobs of the period by the machine's reason, most frequent first; no total: it is `failed`. */
export function failureReasons(history: StatsHistory, query: StatsQuery): StatsTable {
  const jobs = new Tally();
  for (const run of finishedRuns(history, query)) {
    if (run.outcome === 'failed') jobs.add([run.failureReason?.trim() || UNSPECIFIED_REASON], 1, run.makerKey);
  }
  const reasons = jobs.labels().sort((a, b) => jobs.sum(b).value - jobs.sum(a).value || (a < b ? -1 : a > b ? 1 : 0));
  return suppressSmallCounts(
    {
      rowTitle: 'failure_reason',
      columns: [{ key: 'jobs', unit: 'count' }],
      rows: reasons.map((reason) => ({ label: reason, cells: { jobs: jobs.sum(reason) } })),
      total: null,
    },
    query.threshold,
  );
}

/**
 * No-show rate per site: reservations released because nobody checked in, over those that were
 * due in the period (starting in it and not cancelled beforehand).
 */
export function noShows(history: StatsHistory, query: StatsQuery): StatsTable {
  const machines = machinesInScope(history, query);
  const due = new Tally();
  const missed = new Tally();
  for (const res of history.reservations) {
    const machine = machines.get(res.machineId);
    if (!machine || res.status === 'cancelled' || !isWithin(res.start, query.period)) continue;
    due.add([machine.siteId], 1, res.makerKey);
    if (res.status === 'no_show') missed.add([machine.siteId], 1, res.makerKey);
  }
  const row = (label: string, key: string | typeof TOTAL) => ({
    label,
    cells: { due: due.sum(key), no_shows: missed.sum(key) },
  });
  return suppressSmallCounts(
    {
      rowTitle: 'site',
      columns: [
        { key: 'due', unit: 'count' },
        { key: 'no_shows', unit: 'count' },
        { key: 'no_show_rate', unit: 'ratio', of: 'no_shows', per: 'due' },
      ],
      rows: sitesInScope(history, machines).map((s) => row(s.siteId, s.siteId)),
      total: row('total', TOTAL),
    },
    query.threshold,
  );
}

function finishedRuns(history: StatsHistory, query: StatsQuery): JobRunRecord[] {
  const machines = machinesInScope(history, query);
  return history.jobRuns.filter((run) => machines.has(run.machineId) && isWithin(run.endedAt, query.period));
}

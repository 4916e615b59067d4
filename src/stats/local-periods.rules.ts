import { DateTime } from 'luxon';
import {
  isWithin,
  localPeriod,
  type GrantRecord,
  type JobRunRecord,
  type MakerRecord,
  type ReservationRecord,
  type SiteRecord,
  type StatsHistory,
  type StatsPeriod,
} from './stats.rules.js';

/**
 * A network-wide report "from 23 to 29 March" means each site's own 23–29 March, in its own zone:
 * Dakar's week starts an hour after Paris's in winter and two in summer. The rules take one
 * period, so the history is narrowed here to each site's own period and the rules run over the
 * envelope of all of them:
 * - open hours: days of the envelope outside the site's own period become closures;
 * - hours (bookings, runs): intervals clipped to the site's period;
 * - events (a booking's start, a job's end, a grant): kept only inside their site's period;
 * - first activity: moved out of the envelope when it lies outside its own site's period;
 * - first booking after a grant: moved out of the envelope when it lies after the grant's site's period.
 * With one zone (one site, or a network in one zone) the history is returned as it is.
 */
export interface AlignedHistory {
  period: StatsPeriod;
  /** For utilisation, hours and maker counts. */
  durations: StatsHistory;
  /** For jobs, failures, no-shows and trainings. */
  events: StatsHistory;
}

export function periodsBySite(sites: readonly SiteRecord[], firstDay: string, dayAfterLast: string) {
  return new Map(sites.map((s) => [s.siteId, localPeriod(firstDay, dayAfterLast, s.calendar.timeZone)]));
}

export function alignToLocalPeriods(
  history: StatsHistory,
  periods: ReadonlyMap<string, StatsPeriod>,
  firstActivitySite: ReadonlyMap<string, string>,
): AlignedHistory {
  const all = [...periods.values()];
  const period = { from: Math.min(...all.map((p) => p.from)), to: Math.max(...all.map((p) => p.to)) };
  if (all.every((p) => p.from === period.from && p.to === period.to)) {
    return { period, durations: history, events: history };
  }
  const siteOf = new Map(history.machines.map((m) => [m.machineId, m.siteId]));
  const own = (machineId: string): StatsPeriod => periods.get(siteOf.get(machineId) ?? '') ?? period;
  const clip = <T>(record: T, start: number, end: number, p: StatsPeriod, set: (s: number, e: number) => T) =>
    end > p.from && start < p.to ? [set(Math.max(start, p.from), Math.min(end, p.to))] : [];

  const makers: MakerRecord[] = history.makers.map((maker) => {
    const site = firstActivitySite.get(maker.makerKey);
    const p = site ? periods.get(site) : undefined;
    if (!p || isWithin(maker.firstActivityAt, p)) return maker;
    // Before its site's period: before the envelope too; after it: at the envelope's end.
    return { ...maker, firstActivityAt: maker.firstActivityAt < p.from ? period.from - 1 : period.to };
  });
  const sites = history.sites.map((site) => withClosuresOutside(site, periods.get(site.siteId) ?? period, period));
  const durations: StatsHistory = {
    ...history,
    sites,
    makers,
    reservations: history.reservations.flatMap((r: ReservationRecord) =>
      clip(r, r.start, r.end, own(r.machineId), (start, end) => ({ ...r, start, end })),
    ),
    jobRuns: history.jobRuns.flatMap((run: JobRunRecord) =>
      clip(run, run.startedAt, run.endedAt, own(run.machineId), (startedAt, endedAt) => ({
        ...run,
        startedAt,
        endedAt,
      })),
    ),
  };
  const grantPeriod = (g: GrantRecord): StatsPeriod => (g.siteId && periods.get(g.siteId)) || period;
  const grants = history.grants.filter((g) => isWithin(g.grantedAt, grantPeriod(g)));
  const events: StatsHistory = {
    ...history,
    sites,
    makers: firstBookingsWithinGrantPeriods(makers, grants, grantPeriod, period),
    reservations: history.reservations.filter((r) => isWithin(r.start, own(r.machineId))),
    jobRuns: history.jobRuns.filter((run) => isWithin(run.endedAt, own(run.machineId))),
    grants,
  };
  return { period, durations, events };
}

/**
 * A grant leads to a first booking up to the end of the period (`trainingsGranted`): for a grant
 * made at a site, its own period's end, as in that site's own report. A first booking after it
 * but inside the envelope moves to the envelope's end. A maker granted at sites whose periods end
 * differently keeps the latest end.
 */
function firstBookingsWithinGrantPeriods(
  makers: MakerRecord[],
  grants: readonly GrantRecord[],
  grantPeriod: (g: GrantRecord) => StatsPeriod,
  envelope: StatsPeriod,
): MakerRecord[] {
  const ends = new Map<string, number>();
  for (const g of grants) ends.set(g.makerKey, Math.max(ends.get(g.makerKey) ?? -Infinity, grantPeriod(g).to));
  return makers.map((maker) => {
    const end = ends.get(maker.makerKey);
    if (end === undefined || end >= envelope.to) return maker;
    const firstBookingAt = Object.fromEntries(
      Object.entries(maker.firstBookingAt).map(([kind, at]) => [
        kind,
        at !== undefined && at >= end && at < envelope.to ? envelope.to : at,
      ]),
    ) as MakerRecord['firstBookingAt'];
    return { ...maker, firstBookingAt };
  });
}

/** The site closed on every local day of the envelope that is not in its own period. */
function withClosuresOutside(site: SiteRecord, own: StatsPeriod, envelope: StatsPeriod): SiteRecord {
  const zone = site.calendar.timeZone;
  const day = (ms: number) => DateTime.fromMillis(ms, { zone }).toISODate()!;
  const closures = [...site.calendar.closures];
  if (envelope.from < own.from) closures.push({ from: day(envelope.from), to: day(own.from - 1) });
  if (own.to < envelope.to) closures.push({ from: day(own.to), to: day(envelope.to - 1) });
  return { ...site, calendar: { ...site.calendar, closures } };
}

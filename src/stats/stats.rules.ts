import type { JobOutcome } from '@fabrique/firmware-bridge';
import type { MachineKind } from '../config/app-config.js';
import type { ReservationStatus } from '../reservations/reservation.entity.js';
import { clipIntervals, totalDuration, type Interval } from '../reservations/intervals.js';
import { wallClockToMs, type SiteCalendar } from '../sites/opening-hours.rules.js';

/**
 * What the statistics are computed from: plain records a service loads from the database.
 *
 * Funders ask for figures over years, and makers may delete their account in between, so these
 * records are the anonymised form the statistics survive in. A person appears only as `makerKey`,
 * an opaque pseudonym that is not the user id: the service keeps the link from account to key
 * while the account exists and forgets it when the account is deleted, after which nothing here
 * leads back to a person. No record carries a name, email, member code, note or free-text reason
 * written by staff; self-declared categories are coarse, kept only with consent, and small groups
 * are suppressed in every table (`suppression.rules.ts`).
 */

export interface SiteRecord {
  siteId: string;
  calendar: SiteCalendar;
}

export interface MachineRecord {
  machineId: string;
  siteId: string;
  kind: MachineKind;
}

export interface ReservationRecord {
  machineId: string;
  makerKey: string;
  start: number;
  end: number;
  status: ReservationStatus;
  /** Programme / cohort tags staff put on this reservation (the maker's own tags are added). */
  tags: readonly string[];
}

/** One finished run of a job on a machine, as the machine reported it. */
export interface JobRunRecord {
  machineId: string;
  /** Null for a job someone started at the machine itself: it counts, but is nobody's. */
  makerKey: string | null;
  startedAt: number;
  endedAt: number;
  outcome: JobOutcome;
  /** The failure's kind (e.g. `thermal_fault`) for a failed run; null when the machine gave none. */
  failureReason: string | null;
}

export type DeclaredStatus = 'student' | 'job_seeker' | 'retraining' | 'employed' | 'retired' | 'other';

/** What a maker chose to tell about themselves, each field optional. */
export interface DeclaredCategories {
  /** Only with consent are the fields below counted; otherwise the maker is "not declared". */
  consent: boolean;
  ageBand?: string;
  status?: DeclaredStatus;
  /** In the person's own words. */
  gender?: string;
}

export interface MakerRecord {
  makerKey: string;
  /** Their first reservation or job anywhere in the network, whenever it was. */
  firstActivityAt: number;
  /** Start of their first reservation (not cancelled) on each kind of machine, anywhere. */
  firstBookingAt: Partial<Record<MachineKind, number>>;
  tags: readonly string[];
  declared: DeclaredCategories | null;
}

export interface GrantRecord {
  makerKey: string;
  training: string;
  grantedAt: number;
  /** The site of the staff member who granted it; null when granted network-wide (an admin). */
  siteId: string | null;
}

export interface StatsHistory {
  sites: readonly SiteRecord[];
  machines: readonly MachineRecord[];
  reservations: readonly ReservationRecord[];
  jobRuns: readonly JobRunRecord[];
  makers: readonly MakerRecord[];
  grants: readonly GrantRecord[];
}

/** Half-open [from, to) in epoch milliseconds. */
export interface StatsPeriod {
  from: number;
  to: number;
}

export interface StatsQuery {
  period: StatsPeriod;
  /** Absent: the whole network. */
  siteId?: string;
  /** Fewest people a shown figure may come from; defaults to `DEFAULT_THRESHOLD`. */
  threshold?: number;
  /**
   * The fablab's own threshold, whatever a request raised `threshold` to: free-text answers fewer
   * makers gave never become row labels. Defaults to `threshold`.
   */
  labelThreshold?: number;
}

export const HOUR_MS = 3_600_000;

/**
 * The period from local midnight of `firstDay` to local midnight of `dayAfterLast` in a site's
 * zone, so "the week of 23 March" in Paris is 167 hours long when the clocks go forward.
 */
export function localPeriod(firstDay: string, dayAfterLast: string, timeZone: string): StatsPeriod {
  return { from: wallClockToMs(firstDay, '00:00', timeZone), to: wallClockToMs(dayAfterLast, '00:00', timeZone) };
}

export function isWithin(instant: number, period: StatsPeriod): boolean {
  return period.from <= instant && instant < period.to;
}

/** The machines the query covers, by id. */
export function machinesInScope(history: StatsHistory, query: StatsQuery): Map<string, MachineRecord> {
  const inScope = history.machines.filter((m) => query.siteId === undefined || m.siteId === query.siteId);
  return new Map(inScope.map((m) => [m.machineId, m]));
}

/** Sites holding at least one machine in scope, in the order the history lists them. */
export function sitesInScope(history: StatsHistory, machines: Map<string, MachineRecord>): SiteRecord[] {
  const siteIds = new Set([...machines.values()].map((m) => m.siteId));
  return history.sites.filter((s) => siteIds.has(s.siteId));
}

/**
 * Hours a reservation held its machine within the period: none for a cancelled one or a no-show,
 * both released before anyone used the machine.
 */
export function bookedHours(res: ReservationRecord, period: StatsPeriod): number {
  const held = res.status === 'active' || res.status === 'completed';
  return held ? hoursWithin({ start: res.start, end: res.end }, period) : 0;
}

export function runningHours(run: JobRunRecord, period: StatsPeriod): number {
  return hoursWithin({ start: run.startedAt, end: run.endedAt }, period);
}

function hoursWithin(interval: Interval, period: StatsPeriod): number {
  return totalDuration(clipIntervals([interval], { start: period.from, end: period.to })) / HOUR_MS;
}

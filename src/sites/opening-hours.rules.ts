import { DateTime, IANAZone } from 'luxon';

/**
 * A site's opening hours and the local-time arithmetic every booking rule needs.
 *
 * Opening hours are written in wall-clock time of the site's IANA zone ("we open at 09:00"), so a
 * Paris lab opens at 09:00 local before and after the clocks change. Converting a wall time to an
 * instant follows one rule everywhere: a wall time is the FIRST instant the site's clock shows it.
 * On a fall-back day 02:30 happens twice and we take the first; on a spring-forward day 02:30
 * never happens and we take the instant the clock jumps past it (03:00 in Paris). That keeps
 * "open while the clock reads between 09:00 and 18:00" true on every day, including 23 h and 25 h
 * days, and means an opening 01:00–04:00 lasts 2 h on the spring-forward day and 4 h on the
 * fall-back day.
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** ISO order: Monday first, as ISO weeks (and weekly quotas) are counted. */
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Local 'HH:mm' pairs per day; end after start; '24:00' closes at the next midnight. */
export type WeeklyHours = { [day in Weekday]?: Array<[string, string]> };

/** Whole local days, both ends included: a closure from 24 Dec to 1 Jan covers 9 days. */
export interface Closure {
  from: string;
  to: string;
  reason?: string;
}

export interface SiteCalendar {
  timeZone: string;
  weeklyHours: WeeklyHours;
  closures: Closure[];
}

/**
 * Same shape as `Interval` in `reservations/intervals.ts`: sites sits below reservations in the
 * module graph, so it declares the shape instead of importing it.
 */
export interface OpenInterval {
  start: number;
  end: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WALL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Minutes since local midnight for 'HH:mm' ('24:00' is 1440), or null when malformed. */
export function parseWallTime(hhmm: string): number | null {
  if (hhmm === '24:00') return 24 * 60;
  const m = WALL_TIME.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

export function isValidTimeZone(name: string): boolean {
  return IANAZone.isValidZone(name);
}

export function isValidLocalDate(date: string): boolean {
  return LOCAL_DATE.test(date) && DateTime.fromISO(date, { zone: 'utc' }).isValid;
}

/** The site-local calendar date ('YYYY-MM-DD') of an instant. */
export function localDateOf(ms: number, timeZone: string): string {
  return DateTime.fromMillis(ms, { zone: timeZone }).toISODate() as string;
}

/** Calendar arithmetic on local dates; DST cannot shift it because no instant is involved. */
export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate() as string;
}

export function weekdayOf(date: string): Weekday {
  return WEEKDAYS[DateTime.fromISO(date, { zone: 'utc' }).weekday - 1];
}

/** Milliseconds the site's clock shows since its local midnight at this instant. */
export function localTimeOfDayMs(ms: number, timeZone: string): number {
  const wall = ms + IANAZone.create(timeZone).offset(ms) * MINUTE_MS;
  return ((wall % DAY_MS) + DAY_MS) % DAY_MS;
}

/**
 * The first instant at which the site's clock shows `time` (or a later time, when DST skips it)
 * on local `date`. `time` is 'HH:mm' or minutes since midnight; '24:00' is the next midnight.
 */
export function wallClockToMs(date: string, time: string | number, timeZone: string): number {
  const minutes = typeof time === 'number' ? time : parseWallTime(time);
  if (minutes === null || !isValidLocalDate(date)) {
    throw new RangeError(`Invalid local date or time: ${date} ${String(time)}`);
  }
  const [y, m, d] = date.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d) + minutes * MINUTE_MS;
  const zone = IANAZone.create(timeZone);
  const wallOf = (instant: number): number => instant + zone.offset(instant) * MINUTE_MS;
  // Real zones change offset at most once around a given day, so the offsets a day either side
  // give every candidate; both match on a fall-back day, none in a spring-forward gap.
  const candidates = [zone.offset(wall - DAY_MS), zone.offset(wall + DAY_MS)].map(
    (offset) => wall - offset * MINUTE_MS,
  );
  const matches = candidates.filter((c) => wallOf(c) === wall);
  if (matches.length > 0) return Math.min(...matches);
  // In the gap: binary-search the jump, the first instant whose clock reads at or after `wall`.
  let lo = Math.min(...candidates);
  let hi = Math.max(...candidates);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallOf(mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Hours on a local date, and the closure that cancels them if any (then `hours` is empty). */
export function openingHoursOn(cal: SiteCalendar, date: string): { hours: Array<[string, string]>; closure?: Closure } {
  const closure = cal.closures.find((c) => c.from <= date && date <= c.to);
  if (closure) return { hours: [], closure };
  return { hours: cal.weeklyHours[weekdayOf(date)] ?? [] };
}

/**
 * Open time of the site within [fromMs, toMs): sorted, disjoint, touching stretches joined (so a
 * 24/7 site is one interval across midnight), clipped to the range.
 */
export function openIntervals(cal: SiteCalendar, fromMs: number, toMs: number): OpenInterval[] {
  if (!(toMs > fromMs)) return [];
  const raw: OpenInterval[] = [];
  const lastDate = localDateOf(toMs, cal.timeZone);
  for (let date = localDateOf(fromMs, cal.timeZone); date <= lastDate; date = addDays(date, 1)) {
    for (const [from, to] of openingHoursOn(cal, date).hours) {
      const start = Math.max(fromMs, wallClockToMs(date, from, cal.timeZone));
      const end = Math.min(toMs, wallClockToMs(date, to, cal.timeZone));
      if (start < end) raw.push({ start, end });
    }
  }
  raw.sort((a, b) => a.start - b.start);
  const merged: OpenInterval[] = [];
  for (const i of raw) {
    const last = merged[merged.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else merged.push(i);
  }
  return merged;
}

/** Whether the site is open at this instant. */
export function isOpenAt(cal: SiteCalendar, ms: number): boolean {
  return openIntervals(cal, ms, ms + 1).length > 0;
}

/**
 * Why these weekly hours are unusable, in words for whoever edits the config file, or null.
 * Takes `unknown` because it runs on freshly parsed YAML.
 */
export function validateWeeklyHours(h: unknown): string | null {
  if (typeof h !== 'object' || h === null || Array.isArray(h)) {
    return 'weekly hours must map days (mon, tue, …) to lists of ["HH:mm", "HH:mm"] pairs';
  }
  for (const [day, pairs] of Object.entries(h)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) {
      return `unknown day '${day}'; use ${WEEKDAYS.join(', ')}`;
    }
    const reason = validateDayHours(day, pairs);
    if (reason) return reason;
  }
  return null;
}

function validateDayHours(day: string, pairs: unknown): string | null {
  if (!Array.isArray(pairs)) return `${day}: expected a list of ["HH:mm", "HH:mm"] pairs`;
  const spans: Array<[number, number, string]> = [];
  for (const [index, pair] of pairs.entries()) {
    const where = `${day}[${index}]`;
    if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((t) => typeof t === 'string')) {
      return `${where}: expected a pair like ["09:00", "18:00"]`;
    }
    const [from, to] = pair as [string, string];
    const start = from === '24:00' ? null : parseWallTime(from);
    const end = parseWallTime(to);
    if (start === null) return `${where}: '${from}' is not a time between 00:00 and 23:59`;
    if (end === null) return `${where}: '${to}' is not a time between 00:00 and 24:00`;
    if (end <= start) {
      return (
        `${where}: ${from}–${to} closes before it opens; write an overnight opening as two ` +
        `days, e.g. ${day} ${from}–24:00 and the next day 00:00–${to}`
      );
    }
    spans.push([start, end, `${from}–${to}`]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i][0] < spans[i - 1][1]) {
      return `${day}: ${spans[i - 1][2]} and ${spans[i][2]} overlap`;
    }
  }
  return null;
}

/** Why this calendar is unusable (zone, hours, closures), or null. */
export function validateSiteCalendar(cal: unknown): string | null {
  if (typeof cal !== 'object' || cal === null) return 'calendar must be an object';
  const { timeZone, weeklyHours, closures } = cal as Record<string, unknown>;
  if (typeof timeZone !== 'string' || !isValidTimeZone(timeZone)) {
    return `timeZone '${String(timeZone)}' is not an IANA time zone such as 'Europe/Paris'`;
  }
  const hoursReason = validateWeeklyHours(weeklyHours);
  if (hoursReason) return hoursReason;
  if (!Array.isArray(closures)) return 'closures must be a list (it may be empty)';
  for (const [index, c] of closures.entries()) {
    const { from, to } = (c ?? {}) as Record<string, unknown>;
    if (typeof from !== 'string' || !isValidLocalDate(from)) {
      return `closures[${index}].from must be a date 'YYYY-MM-DD'`;
    }
    if (typeof to !== 'string' || !isValidLocalDate(to)) {
      return `closures[${index}].to must be a date 'YYYY-MM-DD'`;
    }
    if (to < from) return `closures[${index}]: ${to} is before ${from}`;
  }
  return null;
}

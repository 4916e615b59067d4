import {
  addDays,
  isValidLocalDate,
  localDateOf,
  parseWallTime,
  wallClockToMs,
  WEEKDAYS,
  weekdayOf,
  type Weekday,
} from '../sites/opening-hours.rules.js';
import { overlaps, type Interval } from './intervals.js';

/**
 * Staff blocks take machines out of booking: a one-off (a maintenance visit) or a weekly pattern
 * (all embroidery machines on Tuesday afternoons for a workshop). Weekly blocks are written in
 * the site's wall-clock time and expand in its zone, so a Tuesday 14:00–18:00 workshop stays
 * 14:00–18:00 local on both sides of a DST change.
 */

export interface WeeklyBlockPattern {
  days: Weekday[];
  /** Local 'HH:mm'. When `to` is not after `from` the block runs past midnight into the next day. */
  from: string;
  to: string;
  /** First and last local dates on which an occurrence may START (both included). */
  startDate: string;
  untilDate?: string;
}

interface BlockBase {
  machineIds: string[];
  reason?: string;
}

export interface OneOffBlock extends BlockBase {
  start: number;
  end: number;
}

export interface WeeklyBlock extends BlockBase {
  weekly: WeeklyBlockPattern;
}

export type BlockRule = OneOffBlock | WeeklyBlock;

export function isWeeklyBlock(rule: BlockRule): rule is WeeklyBlock {
  return 'weekly' in rule;
}

/** Why staff cannot save this block, or null. */
export function validateBlockRule(rule: BlockRule): string | null {
  if (rule.machineIds.length === 0) return 'A block needs at least one machine.';
  if (!isWeeklyBlock(rule)) {
    return rule.end > rule.start ? null : 'A block must end after it starts.';
  }
  const { days, from, to, startDate, untilDate } = rule.weekly;
  if (days.length === 0) return 'A weekly block needs at least one day of the week.';
  const unknown = days.find((d) => !WEEKDAYS.includes(d));
  if (unknown) return `Unknown day '${unknown}'; use ${WEEKDAYS.join(', ')}.`;
  const start = parseWallTime(from);
  const end = parseWallTime(to);
  if (start === null || start === 1440) return `'${from}' is not a time between 00:00 and 23:59.`;
  if (end === null) return `'${to}' is not a time between 00:00 and 24:00.`;
  if (start === end) return 'A weekly block must not start and end at the same time.';
  if (!isValidLocalDate(startDate)) return `'${startDate}' is not a date 'YYYY-MM-DD'.`;
  if (untilDate !== undefined) {
    if (!isValidLocalDate(untilDate)) return `'${untilDate}' is not a date 'YYYY-MM-DD'.`;
    if (untilDate < startDate) return `The block ends (${untilDate}) before it begins (${startDate}).`;
  }
  return null;
}

/** The occurrence starting on local `date`, in instants. */
function weeklyOccurrence(p: WeeklyBlockPattern, date: string, timeZone: string): Interval {
  const wraps = (parseWallTime(p.to) ?? 0) <= (parseWallTime(p.from) ?? 0);
  return {
    start: wallClockToMs(date, p.from, timeZone),
    end: wallClockToMs(wraps ? addDays(date, 1) : date, p.to, timeZone),
  };
}

/**
 * Occurrences of the block that overlap [fromMs, toMs), sorted, NOT clipped: a screen showing a
 * workshop 14:00–18:00 must be able to say so even when asked about 15:00–16:00.
 */
export function blockOccurrences(rule: BlockRule, timeZone: string, fromMs: number, toMs: number): Interval[] {
  const range = { start: fromMs, end: toMs };
  if (!isWeeklyBlock(rule)) {
    const once = { start: rule.start, end: rule.end };
    return overlaps(once, range) ? [once] : [];
  }
  const p = rule.weekly;
  const out: Interval[] = [];
  // Start a day early: an occurrence that wraps past midnight may begin the day before `fromMs`.
  let date = addDays(localDateOf(fromMs, timeZone), -1);
  if (date < p.startDate) date = p.startDate;
  let last = localDateOf(toMs, timeZone);
  if (p.untilDate !== undefined && p.untilDate < last) last = p.untilDate;
  for (; date <= last; date = addDays(date, 1)) {
    if (!p.days.includes(weekdayOf(date))) continue;
    const occurrence = weeklyOccurrence(p, date, timeZone);
    if (overlaps(occurrence, range)) out.push(occurrence);
  }
  return out;
}

/** Every occurrence of every rule blocking this machine within [fromMs, toMs), sorted. */
export function blockIntervalsForMachine(
  rules: readonly BlockRule[],
  machineId: string,
  timeZone: string,
  fromMs: number,
  toMs: number,
): Interval[] {
  return rules
    .filter((rule) => rule.machineIds.includes(machineId))
    .flatMap((rule) => blockOccurrences(rule, timeZone, fromMs, toMs))
    .sort((a, b) => a.start - b.start);
}

/**
 * Active reservations a new block lands on, each with the first occurrence it hits, for staff to
 * resolve (move or cancel); the block itself is still created.
 */
export function reservationsHitByBlock<T extends { machineId: string; start: number; end: number; status: string }>(
  rule: BlockRule,
  timeZone: string,
  reservations: readonly T[],
): Array<{ reservation: T; occurrence: Interval }> {
  const hits: Array<{ reservation: T; occurrence: Interval }> = [];
  for (const reservation of reservations) {
    if (reservation.status !== 'active' || !rule.machineIds.includes(reservation.machineId)) continue;
    const [occurrence] = blockOccurrences(rule, timeZone, reservation.start, reservation.end);
    if (occurrence) hits.push({ reservation, occurrence });
  }
  return hits.sort((a, b) => a.reservation.start - b.reservation.start);
}

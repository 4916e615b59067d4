import { addDays, localDateOf, wallClockToMs, WEEKDAYS, weekdayOf } from '../sites/opening-hours.rules.js';
import type { BookingContext, BookingViolation } from './booking.policy.js';
import { formatDuration, formatLocalDate } from './booking-wording.rules.js';
import { intersectIntervals, type Interval } from './intervals.js';

/**
 * Fair-share quotas. Hours are machine-hours: two machines booked at once count twice, because
 * the quota shares machines, not the maker's time. Days and ISO weeks are the site's local ones
 * (a Paris day may last 23 or 25 hours), and a booking across midnight counts on both days.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** Local dates 'YYYY-MM-DD' touched by the interval, in order. */
export function localDatesTouched(i: Interval, timeZone: string): string[] {
  const dates: string[] = [];
  const last = localDateOf(i.end - 1, timeZone);
  for (let d = localDateOf(i.start, timeZone); d <= last; d = addDays(d, 1)) dates.push(d);
  return dates;
}

/** The Monday (local date) starting the ISO week that holds `date`. */
export function isoWeekStart(date: string): string {
  return addDays(date, -WEEKDAYS.indexOf(weekdayOf(date)));
}

/** Time of `list` inside [fromDate 00:00, toDate 00:00) local, summed, not merged. */
export function bookedMsBetween(list: readonly Interval[], fromDate: string, toDate: string, timeZone: string): number {
  const range = {
    start: wallClockToMs(fromDate, '00:00', timeZone),
    end: wallClockToMs(toDate, '00:00', timeZone),
  };
  return list.reduce((sum, i) => sum + intersectIntervals([i], [range]).reduce((s, p) => s + p.end - p.start, 0), 0);
}

/** Open bookings first, then hours per local day, then per local ISO week. */
export function checkQuotas(req: Interval, ctx: BookingContext): BookingViolation | null {
  return checkOpenReservations(ctx) ?? checkHoursPerDay(req, ctx) ?? checkHoursPerWeek(req, ctx);
}

/** "Open" means not over yet: a booking in progress still holds its place. */
function checkOpenReservations(ctx: BookingContext): BookingViolation | null {
  const max = ctx.policy.maxOpenReservations;
  const open = ctx.makerReservations.filter((r) => r.end > ctx.nowMs).length;
  if (open + 1 <= max) return null;
  const bookings = max === 1 ? '1 upcoming booking' : `${max} upcoming bookings`;
  return {
    code: 'QUOTA_EXCEEDED',
    message:
      `You can hold at most ${bookings} at a time, and you already have ${open}. ` +
      'Cancel one, or wait until one is over.',
    details: { rule: 'open', max, open },
  };
}

function checkHoursPerDay(req: Interval, ctx: BookingContext): BookingViolation | null {
  const { timeZone } = ctx.calendar;
  const limit = ctx.policy.maxHoursPerDay * HOUR_MS;
  const mine = [...ctx.makerReservations, req];
  for (const date of localDatesTouched(req, timeZone)) {
    const used = bookedMsBetween(mine, date, addDays(date, 1), timeZone);
    if (used <= limit) continue;
    return {
      code: 'QUOTA_EXCEEDED',
      message:
        `You can book at most ${formatDuration(limit)} per day; with this booking you would ` +
        `have ${formatDuration(used)} on ${formatLocalDate(date)}.`,
      details: { rule: 'day', limitMinutes: limit / MINUTE_MS, usedMinutes: used / MINUTE_MS, date },
    };
  }
  return null;
}

function checkHoursPerWeek(req: Interval, ctx: BookingContext): BookingViolation | null {
  const { timeZone } = ctx.calendar;
  const limit = ctx.policy.maxHoursPerWeek * HOUR_MS;
  const mine = [...ctx.makerReservations, req];
  const weeks = new Set(localDatesTouched(req, timeZone).map(isoWeekStart));
  for (const monday of weeks) {
    const used = bookedMsBetween(mine, monday, addDays(monday, 7), timeZone);
    if (used <= limit) continue;
    return {
      code: 'QUOTA_EXCEEDED',
      message:
        `You can book at most ${formatDuration(limit)} per week; with this booking you would ` +
        `have ${formatDuration(used)} in the week of ${formatLocalDate(monday)}.`,
      details: { rule: 'week', limitMinutes: limit / MINUTE_MS, usedMinutes: used / MINUTE_MS, date: monday },
    };
  }
  return null;
}

import {
  addDays,
  localDateOf,
  localTimeOfDayMs,
  openIntervals,
  openingHoursOn,
  parseWallTime,
} from '../sites/opening-hours.rules.js';
import type { BookingContext, BookingPolicy, BookingViolation } from './booking.policy.js';
import {
  formatDay,
  formatDuration,
  formatHours,
  formatLocalDate,
  formatTime,
  formatWhen,
} from './booking-wording.rules.js';
import { trainingStanding } from '../trainings/training-validity.rules.js';
import type { Interval } from './intervals.js';
import { iso } from '../common/instants.js';

/**
 * One function per booking rule, each returning its violation or null; `checkBooking` in
 * booking.policy.ts chains them in the documented order. Messages speak to the maker, in the
 * site's local time, with the numbers that explain the refusal.
 */

const MINUTE_MS = 60_000;

export function checkMachineAvailable(_req: Interval, ctx: BookingContext): BookingViolation | null {
  const { adminStatus } = ctx.machine;
  if (adminStatus === 'active') return null;
  const message =
    adminStatus === 'maintenance'
      ? 'This machine is under maintenance and cannot be booked right now. Try another machine of the same kind.'
      : 'This machine has been retired and can no longer be booked.';
  return { code: 'MACHINE_UNAVAILABLE', message, field: 'machineId', details: { rule: adminStatus } };
}

export function checkWellFormed(req: Interval): BookingViolation | null {
  if (Number.isFinite(req.start) && Number.isFinite(req.end) && req.end > req.start) return null;
  return {
    code: 'INVALID_DURATION',
    message: 'A booking must end after it starts.',
    field: 'end',
    details: { rule: 'order' },
  };
}

export function checkNotInPast(req: Interval, ctx: BookingContext): BookingViolation | null {
  if (req.start >= ctx.nowMs) return null;
  const when = formatWhen(req.start, ctx.calendar.timeZone);
  return {
    code: 'IN_THE_PAST',
    message: `This booking would start in the past (${when}). Choose a time from now on.`,
    field: 'start',
    details: { start: iso(req.start) },
  };
}

/** The grid restarts at each local midnight, so slots read 09:00, 09:30, … on the lab's clock. */
export function checkSlotGrid(req: Interval, ctx: BookingContext): BookingViolation | null {
  const { slotMinutes } = ctx.policy;
  const { timeZone } = ctx.calendar;
  const slotMs = slotMinutes * MINUTE_MS;
  for (const field of ['start', 'end'] as const) {
    const offGrid = localTimeOfDayMs(req[field], timeZone) % slotMs;
    if (offGrid === 0) continue;
    const before = formatTime(req[field] - offGrid, timeZone);
    const after = formatTime(req[field] - offGrid + slotMs, timeZone);
    return {
      code: 'NOT_ON_SLOT_GRID',
      message:
        `Bookings start and end on a ${slotMinutes}-minute grid; the ${field} time ` +
        `${formatTime(req[field], timeZone)} is not on it (try ${before} or ${after}).`,
      field,
      details: { slotMinutes },
    };
  }
  return null;
}

/** Largest max of the bands the start falls in, else the policy's plain max. */
export function maxMinutesForStart(policy: BookingPolicy, startMs: number, timeZone: string): number {
  const minute = localTimeOfDayMs(startMs, timeZone) / MINUTE_MS;
  const matching = policy.bands.filter((band) => {
    const from = parseWallTime(band.from) ?? 0;
    const to = parseWallTime(band.to) ?? 0;
    return from < to ? from <= minute && minute < to : minute >= from || minute < to;
  });
  return matching.length > 0 ? Math.max(...matching.map((b) => b.maxMinutes)) : policy.maxMinutes;
}

export function checkDuration(req: Interval, ctx: BookingContext): BookingViolation | null {
  const { policy } = ctx;
  const { timeZone } = ctx.calendar;
  const length = req.end - req.start;
  if (length < policy.minMinutes * MINUTE_MS) {
    const min = formatDuration(policy.minMinutes * MINUTE_MS);
    return {
      code: 'INVALID_DURATION',
      message: `A booking on this machine lasts at least ${min}; this one lasts ${formatDuration(length)}.`,
      field: 'end',
      details: { rule: 'min', minMinutes: policy.minMinutes, minutes: length / MINUTE_MS },
    };
  }
  const max = maxMinutesForStart(policy, req.start, timeZone);
  if (length <= max * MINUTE_MS) return null;
  const longest = [...policy.bands].sort((a, b) => b.maxMinutes - a.maxMinutes)[0];
  const hint =
    longest && longest.maxMinutes > max
      ? ` Bookings starting between ${longest.from} and ${longest.to} may last up to ${formatDuration(longest.maxMinutes * MINUTE_MS)}.`
      : '';
  return {
    code: 'INVALID_DURATION',
    message:
      `A booking starting at ${formatTime(req.start, timeZone)} can last at most ` +
      `${formatDuration(max * MINUTE_MS)}; this one lasts ${formatDuration(length)}.${hint}`,
    field: 'end',
    details: { rule: 'max', maxMinutes: max, minutes: length / MINUTE_MS },
  };
}

export function checkNotice(req: Interval, ctx: BookingContext): BookingViolation | null {
  const notice = ctx.policy.minNoticeMinutes * MINUTE_MS;
  const ahead = req.start - ctx.nowMs;
  if (ahead >= notice) return null;
  return {
    code: 'TOO_SHORT_NOTICE',
    message:
      `Bookings must be made at least ${formatDuration(notice)} before they start; ` +
      `this one starts in ${formatDuration(ahead)}.`,
    field: 'start',
    details: { minNoticeMinutes: ctx.policy.minNoticeMinutes },
  };
}

/** Counted in local calendar days, so "14 days ahead" means the same in Dakar and in Paris. */
export function checkHorizon(req: Interval, ctx: BookingContext): BookingViolation | null {
  const { timeZone } = ctx.calendar;
  const { horizonDays } = ctx.policy;
  const lastDate = addDays(localDateOf(ctx.nowMs, timeZone), horizonDays);
  if (localDateOf(req.start, timeZone) <= lastDate) return null;
  const days = horizonDays === 1 ? '1 day' : `${horizonDays} days`;
  return {
    code: 'TOO_FAR_AHEAD',
    message: `Bookings can be made at most ${days} ahead (until ${formatLocalDate(lastDate)}).`,
    field: 'start',
    details: { horizonDays, lastDate },
  };
}

/**
 * The whole booking must lie in open time; with `allowRunPastClosing` only its start must, and
 * the (band) max duration bounds how long it runs unattended.
 */
export function checkOpeningHours(req: Interval, ctx: BookingContext): BookingViolation | null {
  const { calendar } = ctx;
  const open = openIntervals(calendar, req.start, req.end);
  const startOpen = open.length > 0 && open[0].start === req.start;
  if (startOpen && (ctx.policy.allowRunPastClosing || open[0].end === req.end)) return null;
  const closedAt = startOpen ? open[0].end : req.start;
  const date = localDateOf(closedAt, calendar.timeZone);
  const { hours, closure } = openingHoursOn(calendar, date);
  const day = formatLocalDate(date);
  const that =
    closure !== undefined
      ? `the fablab is closed all day on ${day}${closure.reason ? ` (${closure.reason})` : ''}`
      : hours.length === 0
        ? `the fablab is closed all day on ${day}`
        : `the fablab is closed at ${formatTime(closedAt, calendar.timeZone)} on ${day} (open ${formatHours(hours)} that day)`;
  const message = ctx.policy.allowRunPastClosing
    ? `Bookings on this machine must start while the fablab is open, and ${that}.`
    : `Bookings must fit inside opening hours, and ${that}.`;
  const closedAllDay = closure !== undefined || hours.length === 0;
  return {
    code: 'OUTSIDE_OPENING_HOURS',
    message,
    field: startOpen ? 'end' : 'start',
    details: closedAllDay ? { rule: 'closedDay', date } : { rule: 'closedAt', date, closedAt: iso(closedAt) },
  };
}

/** A training must still be valid when the booking ends, not only when it starts. */
export function checkTraining(req: Interval, ctx: BookingContext): BookingViolation | null {
  const required = ctx.machine.requiredTraining;
  if (!required) return null;
  const standing = trainingStanding(ctx.makerTrainings, required, req.end);
  if (standing.valid) return null;
  const field = 'machineId' as const;
  if (standing.expiresAt === null) {
    return {
      code: 'TRAINING_REQUIRED',
      message: `This machine needs the '${required}' training. Ask the fablab staff to train you.`,
      field,
      details: { rule: 'missing', training: required },
    };
  }
  const day = formatDay(standing.expiresAt, ctx.calendar.timeZone);
  const when = standing.expiresAt <= ctx.nowMs ? `expired on ${day}` : `expires on ${day}, before this booking ends`;
  return {
    code: 'TRAINING_REQUIRED',
    message: `Your '${required}' training ${when}. Ask the fablab staff to renew it.`,
    field,
    details: {
      rule: standing.expiresAt <= ctx.nowMs ? 'expired' : 'expires',
      training: required,
      expiresAt: iso(standing.expiresAt),
    },
  };
}

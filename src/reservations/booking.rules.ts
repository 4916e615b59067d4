import type { BookingPolicy } from './booking.policy.js';
import { formatDuration, formatTime, formatWhen } from './booking-wording.rules.js';
import { checkInDeadline } from './no-show.rules.js';
import { iso } from '../common/instants.js';

/**
 * What a maker may do with a reservation they hold: cancel it, check in, hand it back early.
 * Each takes the policy values frozen on the reservation, never the current config. Only status
 * 'active' counts as live; every other status is settled.
 */

/**
 * Check-in opens this long before the start. A constant, not a policy field: it only lets a
 * maker who arrives early say "I'm here" (the machine may still be in use), and no site has
 * needed another value. 15 minutes matches the usual hand-over at the kiosk.
 */
export const CHECK_IN_OPENS_MINUTES_BEFORE = 15;

export type ReservationActionCode =
  'NOT_ACTIVE' | 'CANCEL_CUTOFF_PASSED' | 'ALREADY_CHECKED_IN' | 'CHECK_IN_NOT_OPEN_YET' | 'CHECK_IN_CLOSED';

/** A refusal carries the instants and numbers its message states (`details`), for pages in other languages. */
export type ReservationActionDecision =
  { ok: true } | { ok: false; code: ReservationActionCode; message: string; details?: Record<string, string | number> };

const MINUTE_MS = 60_000;
const ALLOWED: ReservationActionDecision = { ok: true };

function refuse(
  code: ReservationActionCode,
  message: string,
  details?: Record<string, string | number>,
): ReservationActionDecision {
  return details ? { ok: false, code, message, details } : { ok: false, code, message };
}

/** Allowed until `cancelCutoffMinutes` before the start, that instant included. */
export function canCancel(
  res: { start: number; status: string },
  policy: Pick<BookingPolicy, 'cancelCutoffMinutes'>,
  nowMs: number,
  timeZone: string,
): ReservationActionDecision {
  if (res.status !== 'active') {
    return refuse('NOT_ACTIVE', 'This booking is no longer active, so there is nothing to cancel.');
  }
  const cutoffMs = policy.cancelCutoffMinutes * MINUTE_MS;
  const lastMoment = res.start - cutoffMs;
  if (nowMs <= lastMoment) return ALLOWED;
  const rule =
    cutoffMs > 0
      ? `up to ${formatDuration(cutoffMs)} before they start (for this one, until ${formatWhen(lastMoment, timeZone)})`
      : 'until they start';
  return refuse('CANCEL_CUTOFF_PASSED', `Bookings can be cancelled ${rule}. Ask the fablab staff if you cannot come.`, {
    cutoffMinutes: policy.cancelCutoffMinutes,
    until: iso(lastMoment),
  });
}

/**
 * Open from `CHECK_IN_OPENS_MINUTES_BEFORE` the start until the no-show deadline (start + grace,
 * never after the end), deadline excluded: at that instant the reservation is a no-show.
 */
export function canCheckIn(
  res: { start: number; end: number; status: string; checkedInAt: number | null; checkInGraceMinutes: number },
  nowMs: number,
  timeZone: string,
): ReservationActionDecision {
  if (res.status !== 'active') {
    return refuse('NOT_ACTIVE', 'This booking is no longer active, so you cannot check in to it.');
  }
  if (res.checkedInAt !== null) {
    return refuse('ALREADY_CHECKED_IN', `You already checked in at ${formatTime(res.checkedInAt, timeZone)}.`, {
      at: iso(res.checkedInAt),
    });
  }
  const opensAt = res.start - CHECK_IN_OPENS_MINUTES_BEFORE * MINUTE_MS;
  if (nowMs < opensAt) {
    return refuse(
      'CHECK_IN_NOT_OPEN_YET',
      `Check-in opens ${CHECK_IN_OPENS_MINUTES_BEFORE} minutes before your booking, at ${formatWhen(opensAt, timeZone)}.`,
      { opensAt: iso(opensAt), minutesBefore: CHECK_IN_OPENS_MINUTES_BEFORE },
    );
  }
  const deadline = checkInDeadline(res, res.checkInGraceMinutes);
  if (nowMs < deadline) return ALLOWED;
  return refuse(
    'CHECK_IN_CLOSED',
    `Check-in closed at ${formatTime(deadline, timeZone)}, ${formatDuration(deadline - res.start)} ` +
      'after your booking started, and the machine was released for others.',
    { closedAt: iso(deadline), graceMinutes: (deadline - res.start) / MINUTE_MS },
  );
}

/**
 * The new end when a maker hands the machine back at `nowMs`: now, kept within [start, end].
 * Not rounded to the slot grid, so the freed time starts at once; the next booking still has to
 * start on the grid. Before the start the result is the start (an empty booking): callers should
 * cancel instead; after the end nothing changes.
 */
export function releaseEarly(res: { start: number; end: number }, nowMs: number): number {
  return Math.min(res.end, Math.max(res.start, nowMs));
}

import type { BookingContext, BookingViolation } from './booking.policy.js';
import { formatDuration, formatSpan } from './booking-wording.rules.js';
import { overlaps, widen, type Interval } from './intervals.js';
import { iso } from '../common/instants.js';

/**
 * The one rule even staff cannot override: two active bookings never share a machine at the same
 * time, and nobody books over a staff block. The database re-checks it in the booking transaction;
 * this check gives the maker the words.
 */

/** Reservations keep `bufferMs` apart (cleaning, cooling); blocks are exact and need no buffer. */
export function checkConflict(req: Interval, ctx: BookingContext, bufferMs: number): BookingViolation | null {
  const busy = [...ctx.machineBusy].sort((a, b) => a.start - b.start);
  const { timeZone } = ctx.calendar;
  for (const b of busy) {
    const margin = b.kind === 'reservation' ? bufferMs : 0;
    if (!overlaps(widen(b, margin), req)) continue;
    const span = formatSpan(b, timeZone);
    const message =
      b.kind === 'block'
        ? `This machine is blocked by the fablab staff ${span}.`
        : overlaps(b, req)
          ? `This machine is already booked ${span}.`
          : `This machine is already booked ${span}, and bookings on it need ` +
            `${formatDuration(bufferMs)} between them.`;
    const rule = b.kind === 'block' ? 'blocked' : overlaps(b, req) ? 'booked' : 'buffer';
    const details = { rule, start: iso(b.start), end: iso(b.end), bufferMinutes: bufferMs / 60_000 };
    return { code: 'RESERVATION_CONFLICT', message, field: 'start', details };
  }
  return null;
}

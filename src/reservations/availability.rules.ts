import { openIntervals, type SiteCalendar } from '../sites/opening-hours.rules.js';
import { clipIntervals, mergeIntervals, subtractIntervals, widen, type Interval } from './intervals.js';

/**
 * A machine's bookable time over a range, and why the rest is not bookable. When several reasons
 * apply to the same instant the most telling one wins: maintenance > blocked > reserved > closed
 * (a maker seeing "blocked" on a Sunday learns more than "closed" would tell them).
 */

export type UnavailableReason = 'closed' | 'reserved' | 'blocked' | 'maintenance';

export interface MachineAvailabilityInput {
  calendar: SiteCalendar;
  fromMs: number;
  toMs: number;
  adminStatus: 'active' | 'maintenance' | 'retired';
  /** Active reservations on the machine. */
  reservations: Interval[];
  /** Block occurrences on the machine (see `blockIntervalsForMachine`). */
  blocks: Interval[];
  /** The policy buffer; the time it keeps around each reservation shows as 'reserved'. */
  bufferMs?: number;
  /**
   * The site's open time over [fromMs, toMs) when the caller already has it: it is the same for
   * every machine of a site, and computing it per machine dominated a large site's cost.
   */
  open?: Interval[];
}

export interface MachineAvailability {
  free: Interval[];
  unavailable: Array<Interval & { reason: UnavailableReason }>;
}

/**
 * `free` and `unavailable` are each sorted and disjoint, and together tile [fromMs, toMs)
 * exactly. A retired machine shows as 'maintenance': to a maker both mean "not this machine".
 */
export function machineAvailability(input: MachineAvailabilityInput): MachineAvailability {
  const range = { start: input.fromMs, end: input.toMs };
  if (!(range.end > range.start)) return { free: [], unavailable: [] };
  if (input.adminStatus !== 'active') {
    return { free: [], unavailable: [{ ...range, reason: 'maintenance' }] };
  }
  const buffer = input.bufferMs ?? 0;
  const blocked = clipIntervals(input.blocks, range);
  const reserved = subtractIntervals(
    clipIntervals(
      input.reservations.map((r) => widen(r, buffer)),
      range,
    ),
    blocked,
  );
  const taken = mergeIntervals([...blocked, ...reserved]);
  const open = input.open ?? openIntervals(input.calendar, range.start, range.end);
  const closed = subtractIntervals(subtractIntervals([range], open), taken);
  const free = subtractIntervals(open, taken);
  const unavailable = [
    ...blocked.map((i) => ({ ...i, reason: 'blocked' as const })),
    ...reserved.map((i) => ({ ...i, reason: 'reserved' as const })),
    ...closed.map((i) => ({ ...i, reason: 'closed' as const })),
  ].sort((a, b) => a.start - b.start);
  return { free, unavailable };
}

import { intersectIntervals, type Interval } from './intervals.js';

/**
 * Waiting list: a maker waits for any machine of a kind, at a site, at any time within a range.
 * When time frees up (a cancellation, a no-show, an early release), the first in line whose
 * range it fits is offered it.
 *
 * Fit rule: the freed time that lies inside the waiter's range and is not yet past must last at
 * least the policy's minimum booking (`minMinutes`); a sliver too short to book is offered to no
 * one. Only status 'waiting' counts; offered, booked, expired or withdrawn waiters are skipped.
 */

export interface Waiter {
  id: string;
  makerId: string;
  kind: string;
  siteId: string;
  start: number;
  end: number;
  createdAtMs: number;
  status: string;
}

export interface FreedTime {
  machineKind: string;
  siteId: string;
  interval: Interval;
  /** Minimum booking length on the freed machine, from its policy. */
  minMinutes: number;
}

/**
 * The longest-waiting matching waiter and the time to offer them (the usable part of the freed
 * interval; the maker then books a slot inside it through `checkBooking`), or null.
 * Ties on `createdAtMs` go to the smaller id so the choice never depends on input order.
 */
export function firstMatchingWaiter<T extends Waiter>(
  waiters: readonly T[],
  freed: FreedTime,
  nowMs: number,
): { waiter: T; offer: Interval } | null {
  const queue = waiters
    .filter((w) => w.status === 'waiting' && w.kind === freed.machineKind && w.siteId === freed.siteId)
    .sort((a, b) => a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const needed = Math.max(1, freed.minMinutes * 60_000);
  const notPast = { start: nowMs, end: Number.POSITIVE_INFINITY };
  for (const waiter of queue) {
    const [offer] = intersectIntervals([freed.interval], intersectIntervals([waiter], [notPast]));
    if (offer && offer.end - offer.start >= needed) return { waiter, offer };
  }
  return null;
}

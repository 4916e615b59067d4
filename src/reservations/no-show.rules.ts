/**
 * No-shows: a reservation not checked in within its grace period is released so someone else
 * can use the machine. Each reservation carries the grace frozen from the policy it was booked
 * under. Only status 'active' reservations are considered; every other status is settled.
 */

export interface NoShowCandidate {
  start: number;
  /** When given, a grace longer than the booking ends at the booking's end. */
  end?: number;
  checkedInAt: number | null;
  status: string;
}

/** The instant check-in closes: start + grace, but never after the booking's end. */
export function checkInDeadline(res: { start: number; end?: number }, graceMinutes: number): number {
  return Math.min(res.start + graceMinutes * 60_000, res.end ?? Number.POSITIVE_INFINITY);
}

/** True from the deadline on, so `nextNoShowCheckAt` wakes a scheduler exactly when it is due. */
export function isNoShow(res: NoShowCandidate, graceMinutes: number, nowMs: number): boolean {
  return res.status === 'active' && res.checkedInAt === null && nowMs >= checkInDeadline(res, graceMinutes);
}

export function dueNoShows<T extends NoShowCandidate & { checkInGraceMinutes: number }>(
  list: readonly T[],
  nowMs: number,
): T[] {
  return list.filter((res) => isNoShow(res, res.checkInGraceMinutes, nowMs));
}

/**
 * The next instant after `nowMs` at which some reservation becomes a no-show, or null when none
 * is pending. Deadlines already passed are not returned: `dueNoShows` handles them now.
 */
export function nextNoShowCheckAt(
  list: ReadonlyArray<NoShowCandidate & { checkInGraceMinutes: number }>,
  nowMs: number,
): number | null {
  let next: number | null = null;
  for (const res of list) {
    if (res.status !== 'active' || res.checkedInAt !== null) continue;
    const deadline = checkInDeadline(res, res.checkInGraceMinutes);
    if (deadline > nowMs && (next === null || deadline < next)) next = deadline;
  }
  return next;
}

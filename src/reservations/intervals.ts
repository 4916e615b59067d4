/**
 * Time intervals as half-open [start, end) ranges of epoch milliseconds (UTC).
 *
 * Half-open so that a booking ending at 14:00 and the next one starting at 14:00 touch but never
 * overlap, and so that tiling a range (free + unavailable) has no double-counted instant.
 * Functions taking a list accept any order and overlapping items; functions returning a list
 * return it normalised (sorted, disjoint, no empty items) unless they say otherwise.
 */
export interface Interval {
  start: number;
  end: number;
}

export function isEmpty(i: Interval): boolean {
  return !(i.end > i.start);
}

export function duration(i: Interval): number {
  return Math.max(0, i.end - i.start);
}

/** True when the two share at least one instant; touching intervals do not overlap. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end && !isEmpty(a) && !isEmpty(b);
}

export function containsInstant(i: Interval, instant: number): boolean {
  return i.start <= instant && instant < i.end;
}

/** True when `outer` holds every instant of `inner`. */
export function coversInterval(outer: Interval, inner: Interval): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/**
 * Sorted, disjoint, non-empty union of the given intervals. Touching intervals are joined so an
 * opening 09:00–12:00 followed by 12:00–18:00 reads as one stretch of open time.
 */
export function mergeIntervals(list: readonly Interval[]): Interval[] {
  const sorted = list.filter((i) => !isEmpty(i)).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

/** The instants of `from` that are in none of `cut`. */
export function subtractIntervals(from: readonly Interval[], cut: readonly Interval[]): Interval[] {
  const holes = mergeIntervals(cut);
  const out: Interval[] = [];
  for (const piece of mergeIntervals(from)) {
    let cursor = piece.start;
    for (const h of holes) {
      if (h.end <= cursor) continue;
      if (h.start >= piece.end) break;
      if (h.start > cursor) out.push({ start: cursor, end: h.start });
      cursor = Math.max(cursor, h.end);
      if (cursor >= piece.end) break;
    }
    if (cursor < piece.end) out.push({ start: cursor, end: piece.end });
  }
  return out;
}

/** The instants that are in both `a` and `b`. */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const left = mergeIntervals(a);
  const right = mergeIntervals(b);
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const start = Math.max(left[i].start, right[j].start);
    const end = Math.min(left[i].end, right[j].end);
    if (start < end) out.push({ start, end });
    if (left[i].end < right[j].end) i++;
    else j++;
  }
  return out;
}

/** The normalised union of `list`, cut to `range`. */
export function clipIntervals(list: readonly Interval[], range: Interval): Interval[] {
  return intersectIntervals(list, [range]);
}

/** Total time covered, counting shared instants once. */
export function totalDuration(list: readonly Interval[]): number {
  return mergeIntervals(list).reduce((sum, i) => sum + duration(i), 0);
}

/** True when the union of `list` holds every instant of `inner`. */
export function unionCovers(list: readonly Interval[], inner: Interval): boolean {
  if (isEmpty(inner)) return true;
  return mergeIntervals(list).some((i) => coversInterval(i, inner));
}

/** The interval grown by `marginMs` on both sides, e.g. a reservation plus its cleaning buffer. */
export function widen(i: Interval, marginMs: number): Interval {
  return { start: i.start - marginMs, end: i.end + marginMs };
}

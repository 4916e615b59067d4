import { localDateOf, openingHoursOn, openIntervals, type SiteCalendar } from '../sites/opening-hours.rules.js';

/** Whether a centre is open now, and when that changes: what screens say about the centre itself. */
export interface SiteOpening {
  open: boolean;
  /** While closed: the next opening within the look-ahead, if any. */
  opensAt: number | null;
  /** While open: when this opening ends. */
  closesAt: number | null;
  /** The reason of a closure covering today (holidays), as the site's config words it. */
  closure: string | null;
}

/**
 * Looks further than the occupancy's week: a centre closed for the winter holidays still says
 * when it opens again.
 */
export const OPENING_LOOKAHEAD_MS = 45 * 86_400_000;

export function siteOpening(calendar: SiteCalendar, nowMs: number): SiteOpening {
  const [next] = openIntervals(calendar, nowMs, nowMs + OPENING_LOOKAHEAD_MS);
  const open = next !== undefined && next.start <= nowMs;
  const closure = openingHoursOn(calendar, localDateOf(nowMs, calendar.timeZone)).closure;
  return {
    open,
    opensAt: !open && next ? next.start : null,
    closesAt: open ? next.end : null,
    closure: open ? null : (closure?.reason ?? null),
  };
}

import { DateTime } from 'luxon';
import type { StatsGrid } from '../config/app-config.js';

/** Local dates, `to` the day after the last (as in a request). */
export interface LocalSpan {
  from: string;
  to: string;
}

/**
 * Statistics answer for whole periods of a fixed grid: local calendar months, or weeks from
 * Monday. Two overlapping or adjacent requests then differ by whole grid periods at least, never
 * by a few days (9–11 December minus 9–10 December was one maker's hours, issue 15), and each
 * grid period is itself a table suppressed on its own, whose hidden cells every longer period
 * hides too (see `consistent-suppression.rules.ts`). The request's first day moves back to the
 * start of its period and its last day forward to the end of its own.
 */
export function snapToGrid(from: string, to: string, grid: StatsGrid): { period: LocalSpan; cells: LocalSpan[] } {
  const unit = grid === 'month' ? 'month' : 'week';
  const date = (iso: string) => DateTime.fromISO(iso, { zone: 'UTC' });
  const start = date(from).startOf(unit);
  const end = date(to)
    .minus({ days: 1 })
    .startOf(unit)
    .plus({ [unit]: 1 });
  const cells: LocalSpan[] = [];
  for (let cell = start; cell < end; cell = cell.plus({ [unit]: 1 })) {
    cells.push({ from: cell.toISODate()!, to: cell.plus({ [unit]: 1 }).toISODate()! });
  }
  return { period: { from: start.toISODate()!, to: end.toISODate()! }, cells };
}

import { DateTime } from 'luxon';
import type { Interval } from './intervals.js';

/**
 * How booking rules write times for people: always in the site's local time, in short English a
 * newcomer reads at a glance ("14:00 on Tue 8 Dec", "2 hours 30 minutes").
 */

const LOCALE = 'en-GB';

/** 'Tue 8 Dec' for a local date 'YYYY-MM-DD'. */
export function formatLocalDate(date: string): string {
  return DateTime.fromISO(date, { zone: 'utc' }).setLocale(LOCALE).toFormat('ccc d LLL');
}

/** 'Tue 8 Dec' for the site-local day of an instant. */
export function formatDay(ms: number, timeZone: string): string {
  return DateTime.fromMillis(ms, { zone: timeZone }).setLocale(LOCALE).toFormat('ccc d LLL');
}

/** '14:05' in the site's local time. */
export function formatTime(ms: number, timeZone: string): string {
  return DateTime.fromMillis(ms, { zone: timeZone }).toFormat('HH:mm');
}

/** '14:05 on Tue 8 Dec'. */
export function formatWhen(ms: number, timeZone: string): string {
  return `${formatTime(ms, timeZone)} on ${formatDay(ms, timeZone)}`;
}

/** 'from 14:00 to 16:00 on Tue 8 Dec', or with both days when it crosses midnight. */
export function formatSpan(i: Interval, timeZone: string): string {
  const sameDay = formatDay(i.start, timeZone) === formatDay(i.end, timeZone);
  return sameDay
    ? `from ${formatTime(i.start, timeZone)} to ${formatTime(i.end, timeZone)} on ${formatDay(i.start, timeZone)}`
    : `from ${formatWhen(i.start, timeZone)} to ${formatWhen(i.end, timeZone)}`;
}

/** '45 minutes', '1 hour', '2 hours 30 minutes'; sub-minute remainders are dropped. */
export function formatDuration(ms: number): string {
  const totalMinutes = Math.floor(Math.max(0, ms) / 60_000);
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  const parts: string[] = [];
  if (hours > 0) parts.push(`${hours} ${hours === 1 ? 'hour' : 'hours'}`);
  if (minutes > 0 || hours === 0) parts.push(`${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`);
  return parts.join(' ');
}

/** '09:00–13:00 and 14:00–18:00'. */
export function formatHours(hours: ReadonlyArray<readonly [string, string]>): string {
  const spans = hours.map(([from, to]) => `${from}–${to}`);
  return spans.length <= 1 ? spans.join('') : `${spans.slice(0, -1).join(', ')} and ${spans[spans.length - 1]}`;
}

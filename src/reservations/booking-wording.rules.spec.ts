import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import {
  formatDay,
  formatDuration,
  formatHours,
  formatLocalDate,
  formatSpan,
  formatWhen,
} from './booking-wording.rules.js';

const at = (local: string, zone: string) => DateTime.fromISO(local, { zone }).toMillis();

describe('booking wording', () => {
  it('writes durations the way people say them', () => {
    expect(formatDuration(0)).toBe('0 minutes');
    expect(formatDuration(60_000)).toBe('1 minute');
    expect(formatDuration(45 * 60_000)).toBe('45 minutes');
    expect(formatDuration(60 * 60_000)).toBe('1 hour');
    expect(formatDuration(150 * 60_000)).toBe('2 hours 30 minutes');
    expect(formatDuration(61 * 60_000 + 59_999)).toBe('1 hour 1 minute');
  });

  it("writes instants in the site's local time", () => {
    const instant = at('2026-12-08T23:30', 'Europe/Paris');
    expect(formatWhen(instant, 'Europe/Paris')).toBe('23:30 on Tue 8 Dec');
    expect(formatDay(instant, 'Asia/Amman')).toBe('Wed 9 Dec');
    expect(formatLocalDate('2026-12-08')).toBe('Tue 8 Dec');
  });

  it('writes spans on one day or across two', () => {
    const zone = 'Africa/Dakar';
    expect(formatSpan({ start: at('2026-12-08T14:00', zone), end: at('2026-12-08T16:00', zone) }, zone)).toBe(
      'from 14:00 to 16:00 on Tue 8 Dec',
    );
    expect(formatSpan({ start: at('2026-12-08T20:00', zone), end: at('2026-12-09T08:00', zone) }, zone)).toBe(
      'from 20:00 on Tue 8 Dec to 08:00 on Wed 9 Dec',
    );
  });

  it('lists opening hours', () => {
    expect(formatHours([['09:00', '18:00']])).toBe('09:00–18:00');
    expect(
      formatHours([
        ['09:00', '12:00'],
        ['13:00', '18:00'],
      ]),
    ).toBe('09:00–12:00 and 13:00–18:00');
    expect(
      formatHours([
        ['08:00', '10:00'],
        ['11:00', '12:00'],
        ['13:00', '18:00'],
      ]),
    ).toBe('08:00–10:00, 11:00–12:00 and 13:00–18:00');
  });
});

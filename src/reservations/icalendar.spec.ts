import { describe, expect, it } from '@jest/globals';
import { toICalendar } from './icalendar.js';

describe('toICalendar', () => {
  const at = Date.UTC(2026, 10, 23, 9, 0);

  it('writes events in UTC with CRLF line ends', () => {
    const ics = toICalendar(
      'Saint-Ouen',
      [{ uid: 'r1@fabrique', start: at, end: at + 3_600_000, summary: 'Prusa MK4 n°1' }],
      at,
    );
    expect(ics).toContain('DTSTART:20261123T090000Z\r\nDTEND:20261123T100000Z\r\n');
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
  });

  it('escapes text and folds long lines without splitting a character', () => {
    const summary = 'Atelier broderie; niveau 1, débutantes — ' + 'é'.repeat(60);
    const ics = toICalendar('x', [{ uid: 'u', start: at, end: at + 1, summary }], at);
    expect(ics).toContain('Atelier broderie\\; niveau 1\\, débutantes');
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain('é'.repeat(60));
  });
});

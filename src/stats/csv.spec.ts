import { describe, expect, it } from '@jest/globals';
import { csvField, statsTableToCsv, SUPPRESSED_MARKER } from './csv.js';
import { hoursBy } from './hours.rules.js';
import { history, MARCH_WEEK, PARIS } from './stats.fixtures.js';
import { localPeriod } from './stats.rules.js';
import { utilisation } from './utilisation.rules.js';

describe('statsTableToCsv', () => {
  it('writes a suppressed table with the marker in each hidden cell', () => {
    // Hours by kind in the March week at threshold 5: only printers (A, B, D, E, F) are shown.
    expect(statsTableToCsv(hoursBy(history, { period: MARCH_WEEK }, 'kind'))).toBe(
      'kind,hours,makers\r\n' +
        'fdm_printer,16,5\r\n' +
        'embroidery,suppressed,suppressed\r\n' +
        'laser_cutter,suppressed,suppressed\r\n' +
        'total,24.5,6\r\n',
    );
    expect(SUPPRESSED_MARKER).toBe('suppressed');
  });

  it('rounds hours to 2 decimals and ratios to 4, and leaves a ratio over no open hours empty', () => {
    const sunday = localPeriod('2026-03-29', '2026-03-30', PARIS);
    const lines = statsTableToCsv(utilisation(history, { period: sunday, threshold: 1 }, 'site')).split('\r\n');
    expect(lines[0]).toBe('site,open_hours,booked_hours,booked_ratio,running_hours,running_ratio');
    // 3 / 27 = 0.1111…; 1.5 / 23 = 0.065217…; Dakar is closed: no ratio at all.
    expect(lines.slice(1, 4)).toEqual([
      'belleville,27,3,0.1111,0,0',
      'villette,23,3,0.1304,1.5,0.0652',
      'dakar,0,0,,0,',
    ]);
  });

  it('quotes fields holding a comma, a quote or a line break, as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('Couture, broderie')).toBe('"Couture, broderie"');
    expect(csvField('le "fab"')).toBe('"le ""fab"""');
    expect(csvField('deux\nlignes')).toBe('"deux\nlignes"');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://x","clic")')).toBe(`"'=HYPERLINK(""http://x"",""clic"")"`);
    expect(csvField('+33 6')).toBe("'+33 6");
    expect(csvField('-moins')).toBe("'-moins");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('a=b')).toBe('a=b');
  });

  it('defuses a free-text label inside a whole table', () => {
    const table = {
      rowTitle: 'gender',
      columns: [{ key: 'makers', unit: 'count' as const }],
      rows: [{ label: '=1+1', cells: { makers: { value: 7, suppressed: false } } }],
      total: null,
    };
    expect(statsTableToCsv(table)).toBe("gender,makers\r\n'=1+1,7\r\n");
  });
});

import { describe, expect, it } from '@jest/globals';
import { declaredLabel, hoursBy, NOT_DECLARED } from './hours.rules.js';
import { figures, history, MARCH_WEEK } from './stats.fixtures.js';

const everything = { period: MARCH_WEEK, threshold: 1 };

/*
 * Hours each maker held a machine in the March week (see stats.fixtures.ts):
 *   A 3 + 3 + 2 = 8   B 2   C 2.5   D 2 + 1 = 3   E 3 + 2 = 5   F 4     total 24.5, 6 makers
 */

describe('hours by machine kind', () => {
  it('sums booked hours and counts the makers behind them', () => {
    expect(figures(hoursBy(history, everything, 'kind'))).toEqual({
      // A 3 + B 2 on bv-prusa-1, D 2 + A 2 + D 1 on vl-prusa, F 4 + E 2 on dk-prusa: 16 h by A, B, D, E, F.
      fdm_printer: { hours: 16, makers: 5 },
      embroidery: { hours: 3, makers: 1 }, // E
      laser_cutter: { hours: 5.5, makers: 2 }, // C 2.5 + A 3
      total: { hours: 24.5, makers: 6 }, // A counts once although on two kinds
    });
  });

  it('keeps to one site', () => {
    expect(figures(hoursBy(history, { ...everything, siteId: 'belleville' }, 'kind'))).toEqual({
      fdm_printer: { hours: 5, makers: 2 }, // A 3 + B 2
      laser_cutter: { hours: 5.5, makers: 2 },
      total: { hours: 10.5, makers: 3 },
    });
  });
});

describe('hours by programme / cohort tag', () => {
  it("counts a reservation under its own tags and its maker's, once per tag", () => {
    expect(figures(hoursBy(history, everything, 'tag'))).toEqual({
      // A is tagged (3 + 3 + 2, the last also tagged on the reservation: once), C is tagged (2.5),
      // D's reservation is tagged (2): 8 + 2.5 + 2 = 12.5 h by A, C, D.
      'cohorte-2026': { hours: 12.5, makers: 3 },
      // Tagged reservations: B 2, C 2.5, E 3 = 7.5 h by B, C, E. C's 2.5 h count in both rows.
      'pre-qualification': { hours: 7.5, makers: 3 },
    });
  });

  it('has no total row, since tags overlap', () => {
    expect(hoursBy(history, everything, 'tag').total).toBeNull();
  });
});

describe('hours by self-declared category', () => {
  it('groups genders in the words people chose, after trimming and case folding', () => {
    expect(figures(hoursBy(history, everything, 'gender'))).toEqual({
      femme: { hours: 10, makers: 2 }, // A " Femme " 8 + B "femme" 2
      'non-binaire': { hours: 5, makers: 1 }, // E "Non-binaire "
      // C declared "homme" without consent (2.5), D declared nothing (3), F left gender out (4).
      [NOT_DECLARED]: { hours: 9.5, makers: 3 },
      total: { hours: 24.5, makers: 6 },
    });
  });

  it('counts statuses only for makers who consented', () => {
    expect(figures(hoursBy(history, everything, 'status'))).toEqual({
      job_seeker: { hours: 2, makers: 1 }, // B
      retraining: { hours: 5, makers: 1 }, // E
      student: { hours: 12, makers: 2 }, // A 8 + F 4
      [NOT_DECLARED]: { hours: 5.5, makers: 2 }, // C 2.5 (no consent) + D 3
      total: { hours: 24.5, makers: 6 },
    });
  });

  it('counts age bands the same way', () => {
    expect(figures(hoursBy(history, everything, 'age_band'))).toEqual({
      '18-25': { hours: 17, makers: 3 }, // A 8 + E 5 + F 4
      '26-40': { hours: 2, makers: 1 }, // B
      [NOT_DECLARED]: { hours: 5.5, makers: 2 }, // C + D
      total: { hours: 24.5, makers: 6 },
    });
  });

  it('reads a blank answer as not declared', () => {
    expect(declaredLabel({ consent: true, gender: '   ' }, 'gender')).toBe(NOT_DECLARED);
    expect(declaredLabel({ consent: true, gender: 'Femme  trans' }, 'gender')).toBe('femme trans');
    expect(declaredLabel({ consent: false, gender: 'femme' }, 'gender')).toBe(NOT_DECLARED);
    expect(declaredLabel(null, 'age_band')).toBe(NOT_DECLARED);
  });
});

describe('hours tables with small counts suppressed', () => {
  it('shows a kind used by 5 makers and hides those used by fewer (threshold 5)', () => {
    expect(figures(hoursBy(history, { period: MARCH_WEEK }, 'kind'))).toEqual({
      fdm_printer: { hours: 16, makers: 5 },
      embroidery: { hours: 'suppressed', makers: 'suppressed' }, // 1 maker
      laser_cutter: { hours: 'suppressed', makers: 'suppressed' }, // 2 makers
      total: { hours: 24.5, makers: 6 },
    });
  });

  it('hides the next smallest kind too when only one falls under the threshold (threshold 2)', () => {
    // Only embroidery (1 maker) is under 2, and alone its hours could be read off the total:
    // 24.5 − 16 − 5.5 = 3. So laser_cutter, the smallest figure left in each column
    // (5.5 h < 16 h; 2 makers < 5), is hidden with it.
    expect(figures(hoursBy(history, { period: MARCH_WEEK, threshold: 2 }, 'kind'))).toEqual({
      fdm_printer: { hours: 16, makers: 5 },
      embroidery: { hours: 'suppressed', makers: 'suppressed' },
      laser_cutter: { hours: 'suppressed', makers: 'suppressed' },
      total: { hours: 24.5, makers: 6 },
    });
  });
});

import { describe, expect, it } from '@jest/globals';
import { DAKAR, figures, history, MARCH_WEEK, OCTOBER_WEEK, PARIS, r } from './stats.fixtures.js';
import { HOUR_MS, localPeriod } from './stats.rules.js';
import { utilisation } from './utilisation.rules.js';

/** Every figure shown: these specs check the arithmetic; suppression has its own. */
const everything = { threshold: 1 };

describe('localPeriod', () => {
  it('spans the hours that really pass between two local midnights', () => {
    const length = (p: { from: number; to: number }) => (p.to - p.from) / HOUR_MS;
    expect(length(MARCH_WEEK)).toBe(7 * 24 - 1); // the clocks go forward on Sunday 29 March
    expect(length(OCTOBER_WEEK)).toBe(7 * 24 + 1); // and back on Sunday 25 October
    expect(length(localPeriod('2026-03-23', '2026-03-30', DAKAR))).toBe(7 * 24); // Dakar keeps UTC
    expect(length(localPeriod('2026-03-29', '2026-03-30', PARIS))).toBe(23);
  });
});

describe('utilisation in the March week (spring forward on Sunday 29)', () => {
  it('gives each machine its open, booked and running hours and their ratios', () => {
    expect(figures(utilisation(history, { period: MARCH_WEEK, ...everything }, 'machine'))).toEqual({
      // Belleville opens 09:00–18:00 every day: 7 × 9 = 63 h, the DST Sunday included.
      // Booked: A 3 + B 2. Run: A's job 10:15–12:45 = 2.5 + B's failed job 1.
      'bv-prusa-1': {
        open_hours: 63,
        booked_hours: 5,
        booked_ratio: r(5 / 63),
        running_hours: 3.5,
        running_ratio: r(3.5 / 63),
      },
      // B's no-show and C's cancellation never held it; a job started at the machine ran 1 h.
      'bv-prusa-2': { open_hours: 63, booked_hours: 0, booked_ratio: 0, running_hours: 1, running_ratio: r(1 / 63) },
      // Booked: C 2.5 + A 3 (Sunday 09:00–12:00 CEST). Run: C's failed job 0.5.
      'bv-laser': {
        open_hours: 63,
        booked_hours: 5.5,
        booked_ratio: r(5.5 / 63),
        running_hours: 0.5,
        running_ratio: r(0.5 / 63),
      },
      // Open round the clock: 168 − 1 = 167 h. Booked: D 01:00–04:00 on the DST night = 2 real
      // hours + A's Sunday-night booking clipped to Monday 00:00–02:00 = 2 + D's Sunday 23:00–24:00
      // = 1, so 5. Run: D 01:30–03:30 = 1 real hour + A's lost job clipped to 00:00–01:00 = 1 +
      // D's last job clipped to 23:30–24:00 = 0.5, so 2.5.
      'vl-prusa': {
        open_hours: 167,
        booked_hours: 5,
        booked_ratio: r(5 / 167),
        running_hours: 2.5,
        running_ratio: r(2.5 / 167),
      },
      // Dakar: 5 weekdays × 9 + Saturday 4 = 49 h. Booked: E 3 (E's no-show holds nothing). Run: 2.
      'dk-brother': {
        open_hours: 49,
        booked_hours: 3,
        booked_ratio: r(3 / 49),
        running_hours: 2,
        running_ratio: r(2 / 49),
      },
      // Booked: F 4 + E 2 (16:00–18:00, an hour past closing, still counted). Run: 1.5 + 1 + 1.
      'dk-prusa': {
        open_hours: 49,
        booked_hours: 6,
        booked_ratio: r(6 / 49),
        running_hours: 3.5,
        running_ratio: r(3.5 / 49),
      },
      // Open 3 × 63 + 167 + 2 × 49 = 454; booked 5 + 0 + 5.5 + 5 + 3 + 6 = 24.5;
      // run 3.5 + 1 + 0.5 + 2.5 + 2 + 3.5 = 13.
      total: {
        open_hours: 454,
        booked_hours: 24.5,
        booked_ratio: r(24.5 / 454),
        running_hours: 13,
        running_ratio: r(13 / 454),
      },
    });
  });

  it('adds machines up per kind', () => {
    expect(figures(utilisation(history, { period: MARCH_WEEK, ...everything }, 'kind'))).toEqual({
      // Printers: 63 + 63 + 167 + 49 = 342 open; 5 + 0 + 5 + 6 = 16 booked; 3.5 + 1 + 2.5 + 3.5 = 10.5 run.
      fdm_printer: {
        open_hours: 342,
        booked_hours: 16,
        booked_ratio: r(16 / 342),
        running_hours: 10.5,
        running_ratio: r(10.5 / 342),
      },
      embroidery: {
        open_hours: 49,
        booked_hours: 3,
        booked_ratio: r(3 / 49),
        running_hours: 2,
        running_ratio: r(2 / 49),
      },
      laser_cutter: {
        open_hours: 63,
        booked_hours: 5.5,
        booked_ratio: r(5.5 / 63),
        running_hours: 0.5,
        running_ratio: r(0.5 / 63),
      },
      total: {
        open_hours: 454,
        booked_hours: 24.5,
        booked_ratio: r(24.5 / 454),
        running_hours: 13,
        running_ratio: r(13 / 454),
      },
    });
  });

  it('adds machines up per site, and keeps to one site when asked', () => {
    const bySite = figures(utilisation(history, { period: MARCH_WEEK, ...everything }, 'site'));
    // Belleville: 3 × 63 = 189 open; 5 + 0 + 5.5 = 10.5 booked; 3.5 + 1 + 0.5 = 5 run.
    expect(bySite.belleville).toEqual({
      open_hours: 189,
      booked_hours: 10.5,
      booked_ratio: r(10.5 / 189),
      running_hours: 5,
      running_ratio: r(5 / 189),
    });
    expect(bySite.villette).toEqual({
      open_hours: 167,
      booked_hours: 5,
      booked_ratio: r(5 / 167),
      running_hours: 2.5,
      running_ratio: r(2.5 / 167),
    });
    // Dakar: 2 × 49 = 98 open; 3 + 6 = 9 booked; 2 + 3.5 = 5.5 run.
    expect(bySite.dakar).toEqual({
      open_hours: 98,
      booked_hours: 9,
      booked_ratio: r(9 / 98),
      running_hours: 5.5,
      running_ratio: r(5.5 / 98),
    });

    const belleville = figures(
      utilisation(history, { period: MARCH_WEEK, siteId: 'belleville', ...everything }, 'kind'),
    );
    expect(Object.keys(belleville)).toEqual(['fdm_printer', 'laser_cutter', 'total']);
    expect(belleville.total).toEqual(bySite.belleville);
  });
});

describe('utilisation on the DST days themselves', () => {
  it('counts 9 h for a 09:00–18:00 day and 23 h for a whole day when the clocks go forward', () => {
    const sunday = localPeriod('2026-03-29', '2026-03-30', PARIS);
    expect(figures(utilisation(history, { period: sunday, ...everything }, 'site'))).toEqual({
      // 3 machines × 9 h; A's laser booking 09:00–12:00 = 3 h; nothing ran.
      belleville: { open_hours: 27, booked_hours: 3, booked_ratio: r(3 / 27), running_hours: 0, running_ratio: 0 },
      // 23 h; booked D 2 + D 23:00–24:00 = 3; run 1 + 0.5 = 1.5.
      villette: {
        open_hours: 23,
        booked_hours: 3,
        booked_ratio: r(3 / 23),
        running_hours: 1.5,
        running_ratio: r(1.5 / 23),
      },
      // The Paris Sunday is Saturday 23:00Z – Sunday 22:00Z in Dakar, closed all along: no ratio.
      dakar: { open_hours: 0, booked_hours: 0, booked_ratio: null, running_hours: 0, running_ratio: null },
      total: {
        open_hours: 50,
        booked_hours: 6,
        booked_ratio: r(6 / 50),
        running_hours: 1.5,
        running_ratio: r(1.5 / 50),
      },
    });
  });

  it('counts 9 h and 25 h when the clocks go back, and the hour that happens twice', () => {
    const sunday = localPeriod('2026-10-25', '2026-10-26', PARIS);
    const bySite = figures(utilisation(history, { period: sunday, ...everything }, 'site'));
    expect(bySite.belleville.open_hours).toBe(27);
    // G's booking 01:00 CEST – 04:00 CET is 4 h; G's job 01:30 CEST – 03:30 CET is 3 h.
    expect(bySite.villette).toEqual({
      open_hours: 25,
      booked_hours: 4,
      booked_ratio: r(4 / 25),
      running_hours: 3,
      running_ratio: r(3 / 25),
    });
  });

  it('gives the October week 169 open hours round the clock', () => {
    const byMachine = figures(utilisation(history, { period: OCTOBER_WEEK, ...everything }, 'machine'));
    expect(byMachine['vl-prusa'].open_hours).toBe(169);
    expect(byMachine['bv-prusa-1']).toMatchObject({ open_hours: 63, booked_hours: 2 }); // G, Tuesday 10:00–12:00
    expect(byMachine['dk-prusa']).toMatchObject({ open_hours: 49, booked_hours: 0 });
  });
});

describe('utilisation with small counts suppressed (threshold 5)', () => {
  it('hides hours that come from too few makers, with their ratios, but never open hours', () => {
    const table = figures(utilisation(history, { period: MARCH_WEEK }, 'site'));
    // Each site's bookings come from 2 or 3 makers; the network's from 6 (A–F).
    expect(table.belleville).toEqual({
      open_hours: 189,
      booked_hours: 'suppressed',
      booked_ratio: 'suppressed',
      running_hours: 'suppressed',
      running_ratio: 'suppressed',
    });
    expect(table.total).toMatchObject({ open_hours: 454, booked_hours: 24.5, running_hours: 13 });
  });

  it('shows hours run by jobs nobody owns: they single no one out', () => {
    const table = figures(utilisation(history, { period: MARCH_WEEK }, 'machine'));
    expect(table['bv-prusa-2']).toMatchObject({ booked_hours: 0, running_hours: 1 });
    expect(table['bv-prusa-1']).toMatchObject({ booked_hours: 'suppressed', running_hours: 'suppressed' });
  });
});

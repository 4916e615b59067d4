import { describe, expect, it } from '@jest/globals';
import { makerCounts, trainingsGranted } from './makers.rules.js';
import { figures, history, MACHINE_KINDS_CONFIG, MARCH_WEEK, OCTOBER_WEEK, PARIS, r } from './stats.fixtures.js';
import { localPeriod } from './stats.rules.js';

const everything = { threshold: 1 };

describe('distinct, first-time and returning makers', () => {
  it('counts each maker who used a machine once, and who was new to the network', () => {
    // Active in the March week: A, B, C, D, E, F (G only received a training).
    // First activity in the week: B (Tue 24), D (Sun 29, 01:00), F (Sat 28); A, C, E came before.
    expect(figures(makerCounts(history, { period: MARCH_WEEK, ...everything }))).toEqual({
      first_time: { makers: 3 },
      returning: { makers: 3 },
      total: { makers: 6 },
    });
  });

  it('counts per site, with "new" meaning new to the network', () => {
    // Belleville: A, B, C, of whom B is new.
    expect(figures(makerCounts(history, { period: MARCH_WEEK, siteId: 'belleville', ...everything }))).toEqual({
      first_time: { makers: 1 },
      returning: { makers: 2 },
      total: { makers: 3 },
    });
    // Villette: A (the job lost Monday 01:00) and D, new on the DST night.
    expect(figures(makerCounts(history, { period: MARCH_WEEK, siteId: 'villette', ...everything }))).toEqual({
      first_time: { makers: 1 },
      returning: { makers: 1 },
      total: { makers: 2 },
    });
  });

  it('counts G as new in October', () => {
    expect(figures(makerCounts(history, { period: OCTOBER_WEEK, ...everything }))).toEqual({
      first_time: { makers: 1 },
      returning: { makers: 0 },
      total: { makers: 1 },
    });
  });

  it('takes a maker without a record for a returning one', () => {
    const withStranger = {
      ...history,
      reservations: [
        ...history.reservations,
        {
          machineId: 'bv-laser',
          makerKey: 'X',
          start: MARCH_WEEK.from,
          end: MARCH_WEEK.from + 3_600_000,
          status: 'completed' as const,
          tags: [],
        },
      ],
    };
    expect(figures(makerCounts(withStranger, { period: MARCH_WEEK, ...everything })).returning).toEqual({ makers: 4 });
  });

  it('hides both splits when each holds fewer than 5 makers, but not the 6 in all (threshold 5)', () => {
    expect(figures(makerCounts(history, { period: MARCH_WEEK }))).toEqual({
      first_time: { makers: 'suppressed' },
      returning: { makers: 'suppressed' },
      total: { makers: 6 },
    });
  });
});

describe('trainings granted and the first bookings they led to', () => {
  it('counts grants in the period, and those followed by a first booking of a kind they open', () => {
    // fdm-basics: B (Mon 23, first printer booking Tue 24: yes), F (Fri 27, Sat 28: yes),
    //   D (Sat 28, Sun 29 01:00: yes), G (Sun 29, first booking only on 20 October: not yet) → 4, 3.
    // embroidery-intro: F, who never booked the embroidery machine → 1, 0.
    // laser-safety: A, a renewal (first laser booking December 2025), and E, granted by an admin,
    //   never booked the laser → 2, 0. C's grant in January is outside the week.
    expect(figures(trainingsGranted(history, { period: MARCH_WEEK, ...everything }, MACHINE_KINDS_CONFIG))).toEqual({
      'embroidery-intro': { granted: 1, first_bookings: 0, first_booking_rate: 0 },
      'fdm-basics': { granted: 4, first_bookings: 3, first_booking_rate: 0.75 },
      'laser-safety': { granted: 2, first_bookings: 0, first_booking_rate: 0 },
      total: { granted: 7, first_bookings: 3, first_booking_rate: r(3 / 7) },
    });
  });

  it("counts a site's own grants, and a booking up to the period's end", () => {
    // Belleville's staff granted B and G fdm-basics, and A laser-safety; E's came from an admin.
    expect(
      figures(
        trainingsGranted(history, { period: MARCH_WEEK, siteId: 'belleville', ...everything }, MACHINE_KINDS_CONFIG),
      ),
    ).toEqual({
      'fdm-basics': { granted: 2, first_bookings: 1, first_booking_rate: 0.5 },
      'laser-safety': { granted: 1, first_bookings: 0, first_booking_rate: 0 },
      total: { granted: 3, first_bookings: 1, first_booking_rate: r(1 / 3) },
    });
    // From March to October G's booking on 20 October falls inside: 2 of 2.
    const marchToOctober = localPeriod('2026-03-23', '2026-10-26', PARIS);
    expect(
      figures(
        trainingsGranted(
          history,
          { period: marchToOctober, siteId: 'belleville', ...everything },
          MACHINE_KINDS_CONFIG,
        ),
      )['fdm-basics'],
    ).toEqual({ granted: 2, first_bookings: 2, first_booking_rate: 1 });
  });

  it('hides grant figures from fewer than 5 makers and keeps the total of 6 (threshold 5)', () => {
    // Granted to B, F, D, G (4), F (1), A, E (2): all under 5; the total comes from 6 makers.
    // First bookings: B, F, D (3) under 5 in the total too, and the rate built on it with them.
    expect(figures(trainingsGranted(history, { period: MARCH_WEEK }, MACHINE_KINDS_CONFIG)).total).toEqual({
      granted: 7,
      first_bookings: 'suppressed',
      first_booking_rate: 'suppressed',
    });
  });
});

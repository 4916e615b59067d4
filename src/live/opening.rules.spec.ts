import { describe, expect, it } from '@jest/globals';
import type { SiteCalendar } from '../sites/opening-hours.rules.js';
import { siteOpening } from './opening.rules.js';

const SAINT_OUEN: SiteCalendar = {
  timeZone: 'Europe/Paris',
  weeklyHours: {
    mon: [['10:00', '19:00']],
    tue: [['10:00', '19:00']],
    sat: [
      ['10:00', '13:00'],
      ['14:00', '18:00'],
    ],
  },
  closures: [{ from: '2026-12-24', to: '2027-01-01', reason: 'Winter holidays' }],
};
/** Site-local wall time in Paris in winter (UTC+1). */
const paris = (date: string, time: string) => Date.parse(`${date}T${time}:00+01:00`);

describe('siteOpening', () => {
  it('is open during opening hours, until they end', () => {
    expect(siteOpening(SAINT_OUEN, paris('2026-11-23', '10:00'))).toEqual({
      open: true,
      opensAt: null,
      closesAt: paris('2026-11-23', '19:00'),
      closure: null,
    });
  });

  it('is closed in the evening, and says it opens the next morning', () => {
    expect(siteOpening(SAINT_OUEN, paris('2026-11-23', '22:23'))).toEqual({
      open: false,
      opensAt: paris('2026-11-24', '10:00'),
      closesAt: null,
      closure: null,
    });
  });

  it('is closed over lunch on Saturday, and on a day without hours until the next opening day', () => {
    expect(siteOpening(SAINT_OUEN, paris('2026-11-28', '13:30')).opensAt).toBe(paris('2026-11-28', '14:00'));
    expect(siteOpening(SAINT_OUEN, paris('2026-11-29', '11:00')).opensAt).toBe(paris('2026-11-30', '10:00'));
  });

  it('gives a closure its reason and finds the opening after it, more than a week away', () => {
    expect(siteOpening(SAINT_OUEN, paris('2026-12-24', '11:00'))).toEqual({
      open: false,
      opensAt: paris('2027-01-02', '10:00'),
      closesAt: null,
      closure: 'Winter holidays',
    });
  });
});

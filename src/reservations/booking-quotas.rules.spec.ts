import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { WEEKDAYS, type SiteCalendar } from '../sites/opening-hours.rules.js';
import { bookedMsBetween, checkQuotas, isoWeekStart, localDatesTouched } from './booking-quotas.rules.js';
import { checkBooking, type BookingContext, type BookingPolicy } from './booking.policy.js';

const PARIS = 'Europe/Paris';
const HOUR = 3_600_000;
const at = (local: string) => DateTime.fromISO(local, { zone: PARIS }).toMillis();
const booking = (from: string, to: string) => ({ start: at(from), end: at(to) });

const policy: BookingPolicy = {
  slotMinutes: 30,
  minMinutes: 30,
  maxMinutes: 12 * 60,
  bands: [],
  allowRunPastClosing: false,
  horizonDays: 60,
  minNoticeMinutes: 0,
  maxOpenReservations: 3,
  maxHoursPerDay: 4,
  maxHoursPerWeek: 10,
  bufferMinutes: 0,
  cancelCutoffMinutes: 0,
  checkInGraceMinutes: 15,
};

/** Open around the clock, so only quotas can refuse. */
const allHours: SiteCalendar = {
  timeZone: PARIS,
  weeklyHours: Object.fromEntries(WEEKDAYS.map((d) => [d, [['00:00', '24:00']]])),
  closures: [],
};

const buildContext = (overrides: Partial<BookingContext> = {}): BookingContext => ({
  nowMs: at('2026-11-24T10:00'),
  policy,
  calendar: allHours,
  machine: { id: 'brother-1', kind: 'embroidery', adminStatus: 'active', requiredTraining: null },
  makerTrainings: [],
  makerReservations: [],
  machineBusy: [],
  ...overrides,
});

describe('local days and weeks', () => {
  it('lists each local date a booking touches, not the one its end touches', () => {
    expect(localDatesTouched(booking('2026-11-24T22:00', '2026-11-25T02:00'), PARIS)).toEqual([
      '2026-11-24',
      '2026-11-25',
    ]);
    expect(localDatesTouched(booking('2026-11-24T22:00', '2026-11-25T00:00'), PARIS)).toEqual(['2026-11-24']);
  });

  it('starts ISO weeks on Monday', () => {
    expect(isoWeekStart('2026-11-29')).toBe('2026-11-23');
    expect(isoWeekStart('2026-11-30')).toBe('2026-11-30');
  });

  it('sums booked time inside local days, 25 hours long on the fall-back day', () => {
    const allDay = booking('2026-10-25T00:00', '2026-10-26T00:00');
    expect(bookedMsBetween([allDay], '2026-10-25', '2026-10-26', PARIS)).toBe(25 * HOUR);
    const overlapping = [
      booking('2026-11-24T10:00', '2026-11-24T12:00'),
      booking('2026-11-24T11:00', '2026-11-24T12:00'),
    ];
    expect(bookedMsBetween(overlapping, '2026-11-24', '2026-11-25', PARIS)).toBe(3 * HOUR);
  });
});

describe('open reservations quota', () => {
  const three = [
    booking('2026-11-24T09:00', '2026-11-24T11:00'),
    booking('2026-11-26T10:00', '2026-11-26T11:00'),
    booking('2026-12-02T10:00', '2026-12-02T11:00'),
  ];

  it('refuses a fourth open booking, counting the one in progress', () => {
    const ctx = buildContext({ makerReservations: three });
    expect(checkBooking(booking('2026-12-08T10:00', '2026-12-08T11:00'), ctx)).toEqual({
      code: 'QUOTA_EXCEEDED',
      message:
        'You can hold at most 3 upcoming bookings at a time, and you already have 3. Cancel one, or wait until one is over.',
      details: { max: 3, open: 3, rule: 'open' },
    });
  });

  it('stops counting a booking once it is over', () => {
    const ctx = buildContext({ makerReservations: three, nowMs: at('2026-11-24T11:00') });
    expect(checkBooking(booking('2026-12-08T10:00', '2026-12-08T11:00'), ctx)).toBeNull();
  });
});

describe('hours per day quota', () => {
  it('refuses going over the daily hours, naming the day and the total', () => {
    const ctx = buildContext({ makerReservations: [booking('2026-11-25T09:00', '2026-11-25T12:00')] });
    expect(checkBooking(booking('2026-11-25T14:00', '2026-11-25T15:30'), ctx)).toEqual({
      code: 'QUOTA_EXCEEDED',
      message:
        'You can book at most 4 hours per day; with this booking you would have 4 hours 30 minutes on Wed 25 Nov.',
      details: { date: '2026-11-25', limitMinutes: 240, rule: 'day', usedMinutes: 270 },
    });
    expect(checkBooking(booking('2026-11-25T14:00', '2026-11-25T15:00'), ctx)).toBeNull();
  });

  it('counts machine-hours: two machines at once count twice', () => {
    const ctx = buildContext({ makerReservations: [booking('2026-11-25T14:00', '2026-11-25T16:30')] });
    expect(checkBooking(booking('2026-11-25T14:00', '2026-11-25T16:00'), ctx)?.code).toBe('QUOTA_EXCEEDED');
  });

  it('splits a booking across midnight between the two local days', () => {
    const ctx = buildContext({
      makerReservations: [
        booking('2026-11-25T20:00', '2026-11-25T22:00'),
        booking('2026-11-26T02:00', '2026-11-26T04:00'),
      ],
    });
    // 22:00–02:00 adds 2 hours to each day: 4 and 4, within the limit.
    expect(checkBooking(booking('2026-11-25T22:00', '2026-11-26T02:00'), ctx)).toBeNull();
    expect(checkBooking(booking('2026-11-25T22:00', '2026-11-26T02:30'), ctx)?.message).toContain(
      '4 hours 30 minutes on Thu 26 Nov',
    );
  });

  it('uses local days: 23:00–01:00 Paris is split at Paris midnight, not UTC midnight', () => {
    const ctx = buildContext({
      policy: { ...policy, maxHoursPerDay: 1, maxHoursPerWeek: 100 },
    });
    expect(checkBooking(booking('2026-11-25T23:00', '2026-11-26T01:00'), ctx)).toBeNull();
  });
});

describe('hours per week quota', () => {
  const weekOf23Nov = [
    booking('2026-11-24T12:00', '2026-11-24T16:00'),
    booking('2026-11-26T12:00', '2026-11-26T16:00'),
  ];

  it('refuses going over the weekly hours, naming the week', () => {
    const ctx = buildContext({ makerReservations: weekOf23Nov });
    expect(checkBooking(booking('2026-11-28T10:00', '2026-11-28T13:00'), ctx)).toEqual({
      code: 'QUOTA_EXCEEDED',
      message:
        'You can book at most 10 hours per week; with this booking you would have 11 hours in the week of Mon 23 Nov.',
      details: { date: '2026-11-23', limitMinutes: 600, rule: 'week', usedMinutes: 660 },
    });
  });

  it('starts a fresh week on local Monday 00:00', () => {
    const ctx = buildContext({ makerReservations: weekOf23Nov });
    expect(checkBooking(booking('2026-11-30T00:00', '2026-11-30T03:00'), ctx)).toBeNull();
    expect(checkBooking(booking('2026-11-29T23:00', '2026-11-30T02:00'), ctx)).toBeNull();
    expect(checkBooking(booking('2026-11-29T21:00', '2026-11-30T00:00'), ctx)?.code).toBe('QUOTA_EXCEEDED');
  });

  it('checks open bookings before daily and daily before weekly hours', () => {
    const ctx = buildContext({
      policy: { ...policy, maxOpenReservations: 1, maxHoursPerDay: 1, maxHoursPerWeek: 1 },
    });
    const long = booking('2026-11-25T10:00', '2026-11-25T12:00');
    expect(checkQuotas(long, ctx)?.message).toContain('per day');
    expect(checkQuotas(long, { ...ctx, makerReservations: [long] })?.message).toContain('1 upcoming booking at a time');
    const weekly = buildContext({ policy: { ...policy, maxHoursPerDay: 3, maxHoursPerWeek: 2 } });
    expect(checkQuotas(long, weekly)).toBeNull();
    expect(checkQuotas(booking('2026-11-25T10:00', '2026-11-25T12:30'), weekly)?.message).toContain('per week');
  });
});

describe('staff override', () => {
  it('ignores every quota', () => {
    const ctx = buildContext({
      policy: { ...policy, maxOpenReservations: 1, maxHoursPerDay: 1, maxHoursPerWeek: 1 },
      makerReservations: [booking('2026-11-25T08:00', '2026-11-25T09:00')],
    });
    expect(checkBooking(booking('2026-11-25T10:00', '2026-11-25T13:00'), ctx, { skipPolicy: true })).toBeNull();
  });
});

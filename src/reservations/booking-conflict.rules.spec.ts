import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import type { SiteCalendar } from '../sites/opening-hours.rules.js';
import { checkConflict } from './booking-conflict.rules.js';
import { checkBooking, type BookingContext, type BookingPolicy, type PolicyOverride } from './booking.policy.js';

const PARIS = 'Europe/Paris';
const at = (local: string, zone = PARIS) => DateTime.fromISO(local, { zone }).toMillis();
const booking = (from: string, to: string, zone = PARIS) => ({ start: at(from, zone), end: at(to, zone) });

const buildPolicy = (overrides: PolicyOverride = {}): BookingPolicy => ({
  slotMinutes: 30,
  minMinutes: 30,
  maxMinutes: 180,
  bands: [],
  allowRunPastClosing: false,
  horizonDays: 14,
  minNoticeMinutes: 60,
  maxOpenReservations: 3,
  maxHoursPerDay: 4,
  maxHoursPerWeek: 10,
  bufferMinutes: 0,
  cancelCutoffMinutes: 120,
  checkInGraceMinutes: 15,
  ...overrides,
});

const saintOuen: SiteCalendar = {
  timeZone: PARIS,
  weeklyHours: {
    mon: [['09:00', '18:00']],
    tue: [['09:00', '18:00']],
    wed: [['09:00', '18:00']],
    thu: [['09:00', '18:00']],
    fri: [['09:00', '18:00']],
    sat: [['10:00', '17:00']],
  },
  closures: [{ from: '2026-12-24', to: '2026-12-26', reason: 'Christmas holidays' }],
};

/** Tuesday 24 Nov 2026, 10:00 in Saint-Ouen. */
const buildContext = (overrides: Partial<BookingContext> = {}): BookingContext => ({
  nowMs: at('2026-11-24T10:00'),
  policy: buildPolicy(),
  calendar: saintOuen,
  machine: { id: 'prusa-1', kind: 'fdm_printer', adminStatus: 'active', requiredTraining: null },
  makerTrainings: [],
  makerReservations: [],
  machineBusy: [],
  ...overrides,
});

const tomorrow = booking('2026-11-25T14:00', '2026-11-25T16:00');

describe('RESERVATION_CONFLICT', () => {
  const busy = (from: string, to: string, kind: 'reservation' | 'block' = 'reservation') => ({
    ...booking(from, to),
    kind,
  });

  it('refuses an overlap with a reservation, saying when the machine is booked', () => {
    const ctx = buildContext({ machineBusy: [busy('2026-11-25T15:00', '2026-11-25T17:00')] });
    expect(checkBooking(tomorrow, ctx)).toEqual({
      code: 'RESERVATION_CONFLICT',
      message: 'This machine is already booked from 15:00 to 17:00 on Wed 25 Nov.',
      field: 'start',
    });
  });

  it('accepts bookings that only touch', () => {
    const ctx = buildContext({
      machineBusy: [
        busy('2026-11-25T12:00', '2026-11-25T14:00'),
        busy('2026-11-25T16:00', '2026-11-25T17:00', 'block'),
      ],
    });
    expect(checkBooking(tomorrow, ctx)).toBeNull();
  });

  it('keeps the buffer between reservations but not next to blocks', () => {
    const policy = buildPolicy({ bufferMinutes: 30 });
    const tooClose = buildContext({ policy, machineBusy: [busy('2026-11-25T16:00', '2026-11-25T17:00')] });
    expect(checkBooking(tomorrow, tooClose)?.message).toBe(
      'This machine is already booked from 16:00 to 17:00 on Wed 25 Nov, and bookings on it need 30 minutes between them.',
    );
    const farEnough = buildContext({ policy, machineBusy: [busy('2026-11-25T16:30', '2026-11-25T17:00')] });
    expect(checkBooking(tomorrow, farEnough)).toBeNull();
    const block = buildContext({ policy, machineBusy: [busy('2026-11-25T16:00', '2026-11-25T18:00', 'block')] });
    expect(checkBooking(tomorrow, block)).toBeNull();
  });

  it('refuses an overlap with a staff block', () => {
    const ctx = buildContext({ machineBusy: [busy('2026-11-25T14:00', '2026-11-25T18:00', 'block')] });
    expect(checkBooking(tomorrow, ctx)?.message).toBe(
      'This machine is blocked by the fablab staff from 14:00 to 18:00 on Wed 25 Nov.',
    );
  });

  it('never lets staff overlap, but lets them ignore the buffer', () => {
    const policy = buildPolicy({ bufferMinutes: 30 });
    const overlap = buildContext({ policy, machineBusy: [busy('2026-11-25T15:00', '2026-11-25T17:00')] });
    expect(checkBooking(tomorrow, overlap, { skipPolicy: true })?.code).toBe('RESERVATION_CONFLICT');
    const close = buildContext({ policy, machineBusy: [busy('2026-11-25T16:00', '2026-11-25T17:00')] });
    expect(checkBooking(tomorrow, close, { skipPolicy: true })).toBeNull();
  });

  it('names both days when the busy time crosses midnight', () => {
    const ctx = buildContext({
      policy: buildPolicy({ allowRunPastClosing: true }),
      machineBusy: [busy('2026-11-24T17:00', '2026-11-25T15:00')],
    });
    expect(checkBooking(tomorrow, ctx)?.message).toBe(
      'This machine is already booked from 17:00 on Tue 24 Nov to 15:00 on Wed 25 Nov.',
    );
  });
});

describe('checkConflict', () => {
  it('reports the earliest clash whatever order the busy times come in', () => {
    const machineBusy = [
      { ...booking('2026-11-25T15:30', '2026-11-25T17:00'), kind: 'reservation' as const },
      { ...booking('2026-11-25T13:00', '2026-11-25T14:30'), kind: 'block' as const },
    ];
    expect(checkConflict(tomorrow, buildContext({ machineBusy }), 0)?.message).toBe(
      'This machine is blocked by the fablab staff from 13:00 to 14:30 on Wed 25 Nov.',
    );
  });
});

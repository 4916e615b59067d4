import { DateTime } from 'luxon';
import type { SiteCalendar } from '../sites/opening-hours.rules.js';
import type { BookingContext, BookingPolicy, PolicyOverride } from './booking.policy.js';

/** Shared by the booking rules' specs: Saint-Ouen's calendar, a policy and a context to vary. */
export const PARIS = 'Europe/Paris';
export const at = (local: string, zone = PARIS) => DateTime.fromISO(local, { zone }).toMillis();
export const booking = (from: string, to: string, zone = PARIS) => ({ start: at(from, zone), end: at(to, zone) });

export const buildPolicy = (overrides: PolicyOverride = {}): BookingPolicy => ({
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

export const saintOuen: SiteCalendar = {
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
export const buildContext = (overrides: Partial<BookingContext> = {}): BookingContext => ({
  nowMs: at('2026-11-24T10:00'),
  policy: buildPolicy(),
  calendar: saintOuen,
  machine: { id: 'prusa-1', kind: 'fdm_printer', adminStatus: 'active', requiredTraining: null },
  makerTrainings: [],
  makerReservations: [],
  machineBusy: [],
  ...overrides,
});

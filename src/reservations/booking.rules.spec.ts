import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { canCancel, canCheckIn, CHECK_IN_OPENS_MINUTES_BEFORE, releaseEarly } from './booking.rules.js';

const PARIS = 'Europe/Paris';
const at = (local: string) => DateTime.fromISO(local, { zone: PARIS }).toMillis();

const reservation = {
  start: at('2026-11-25T14:00'),
  end: at('2026-11-25T16:00'),
  status: 'active',
  checkedInAt: null as number | null,
  checkInGraceMinutes: 15,
};

describe('canCancel', () => {
  const frozen = { cancelCutoffMinutes: 120 };

  it('allows cancelling up to the cut-off, that instant included', () => {
    expect(canCancel(reservation, frozen, at('2026-11-24T18:00'), PARIS)).toEqual({ ok: true });
    expect(canCancel(reservation, frozen, at('2026-11-25T12:00'), PARIS)).toEqual({ ok: true });
  });

  it('refuses after the cut-off, saying until when it was possible', () => {
    expect(canCancel(reservation, frozen, at('2026-11-25T12:01'), PARIS)).toEqual({
      ok: false,
      code: 'CANCEL_CUTOFF_PASSED',
      message:
        'Bookings can be cancelled up to 2 hours before they start (for this one, until 12:00 on Wed 25 Nov). Ask the fablab staff if you cannot come.',
      details: { cutoffMinutes: 120, until: '2026-11-25T11:00:00.000Z' },
    });
  });

  it('with no cut-off, allows cancelling until the start only', () => {
    const none = { cancelCutoffMinutes: 0 };
    expect(canCancel(reservation, none, at('2026-11-25T14:00'), PARIS).ok).toBe(true);
    expect(canCancel(reservation, none, at('2026-11-25T14:01'), PARIS)).toMatchObject({
      ok: false,
      message: expect.stringContaining('Bookings can be cancelled until they start.'),
    });
  });

  it('refuses a booking that is no longer active', () => {
    expect(canCancel({ ...reservation, status: 'cancelled' }, frozen, at('2026-11-24T10:00'), PARIS)).toMatchObject({
      ok: false,
      code: 'NOT_ACTIVE',
    });
  });
});

describe('canCheckIn', () => {
  it(`opens ${CHECK_IN_OPENS_MINUTES_BEFORE} minutes before the start`, () => {
    expect(canCheckIn(reservation, at('2026-11-25T13:44'), PARIS)).toEqual({
      ok: false,
      code: 'CHECK_IN_NOT_OPEN_YET',
      message: 'Check-in opens 15 minutes before your booking, at 13:45 on Wed 25 Nov.',
      details: { minutesBefore: 15, opensAt: '2026-11-25T12:45:00.000Z' },
    });
    expect(canCheckIn(reservation, at('2026-11-25T13:45'), PARIS)).toEqual({ ok: true });
  });

  it('stays open until the grace period ends, that instant excluded', () => {
    expect(canCheckIn(reservation, at('2026-11-25T14:14'), PARIS)).toEqual({ ok: true });
    expect(canCheckIn(reservation, at('2026-11-25T14:15'), PARIS)).toEqual({
      ok: false,
      code: 'CHECK_IN_CLOSED',
      message:
        'Check-in closed at 14:15, 15 minutes after your booking started, and the machine was released for others.',
      details: { closedAt: '2026-11-25T13:15:00.000Z', graceMinutes: 15 },
    });
  });

  it('closes at the end of a booking shorter than the grace', () => {
    const short = { ...reservation, end: at('2026-11-25T14:30'), checkInGraceMinutes: 60 };
    expect(canCheckIn(short, at('2026-11-25T14:29'), PARIS).ok).toBe(true);
    expect(canCheckIn(short, at('2026-11-25T14:30'), PARIS)).toMatchObject({ code: 'CHECK_IN_CLOSED' });
  });

  it('refuses a second check-in and an inactive booking', () => {
    const done = { ...reservation, checkedInAt: at('2026-11-25T13:58') };
    expect(canCheckIn(done, at('2026-11-25T14:05'), PARIS)).toEqual({
      ok: false,
      code: 'ALREADY_CHECKED_IN',
      message: 'You already checked in at 13:58.',
      details: { at: '2026-11-25T12:58:00.000Z' },
    });
    expect(canCheckIn({ ...reservation, status: 'no_show' }, at('2026-11-25T14:05'), PARIS)).toMatchObject({
      code: 'NOT_ACTIVE',
    });
  });
});

describe('releaseEarly', () => {
  it('ends the booking now when handed back during it', () => {
    expect(releaseEarly(reservation, at('2026-11-25T15:07'))).toBe(at('2026-11-25T15:07'));
  });

  it('never moves the end outside the booking', () => {
    expect(releaseEarly(reservation, at('2026-11-25T17:00'))).toBe(reservation.end);
    expect(releaseEarly(reservation, at('2026-11-25T13:00'))).toBe(reservation.start);
  });
});

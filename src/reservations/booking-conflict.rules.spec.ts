import { describe, expect, it } from '@jest/globals';
import { booking, buildContext, buildPolicy } from './booking.fixtures.js';
import { checkConflict } from './booking-conflict.rules.js';
import { checkBooking } from './booking.policy.js';

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
      details: { bufferMinutes: 0, end: '2026-11-25T16:00:00.000Z', rule: 'booked', start: '2026-11-25T14:00:00.000Z' },
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

import { describe, expect, it } from '@jest/globals';
import { at, booking, buildContext, buildPolicy, PARIS, saintOuen } from './booking.fixtures.js';
import { maxMinutesForStart } from './booking-checks.rules.js';
import { checkBooking, type BookingContext } from './booking.policy.js';

const tomorrow = booking('2026-11-25T14:00', '2026-11-25T16:00');

describe('checkBooking accepts', () => {
  it('a plain booking inside opening hours', () => {
    expect(checkBooking(tomorrow, buildContext())).toBeNull();
  });
});

describe('MACHINE_UNAVAILABLE', () => {
  it.each<['maintenance' | 'retired', string]>([
    ['maintenance', 'under maintenance'],
    ['retired', 'has been retired'],
  ])('refuses a machine in %s, even for staff', (adminStatus, text) => {
    const ctx = buildContext({ machine: { ...buildContext().machine, adminStatus } });
    for (const opts of [{}, { skipPolicy: true }]) {
      expect(checkBooking(tomorrow, ctx, opts)).toMatchObject({
        code: 'MACHINE_UNAVAILABLE',
        field: 'machineId',
        message: expect.stringContaining(text),
      });
    }
  });
});

describe('INVALID_DURATION', () => {
  it('refuses a booking that does not end after it starts, even for staff', () => {
    const backwards = { start: tomorrow.end, end: tomorrow.start };
    const empty = { start: tomorrow.start, end: tomorrow.start };
    for (const req of [backwards, empty, { start: Number.NaN, end: tomorrow.end }]) {
      expect(checkBooking(req, buildContext(), { skipPolicy: true })).toEqual({
        code: 'INVALID_DURATION',
        message: 'A booking must end after it starts.',
        field: 'end',
        details: { rule: 'order' },
      });
    }
  });

  it('refuses a booking shorter than the minimum, with both lengths', () => {
    const ctx = buildContext({ policy: buildPolicy({ minMinutes: 60 }) });
    expect(checkBooking(booking('2026-11-25T14:00', '2026-11-25T14:30'), ctx)).toEqual({
      code: 'INVALID_DURATION',
      message: 'A booking on this machine lasts at least 1 hour; this one lasts 30 minutes.',
      field: 'end',
      details: { minMinutes: 60, minutes: 30, rule: 'min' },
    });
  });

  it('refuses a booking longer than the maximum, with both lengths', () => {
    expect(checkBooking(booking('2026-11-25T10:00', '2026-11-25T13:30'), buildContext())).toEqual({
      code: 'INVALID_DURATION',
      message: 'A booking starting at 10:00 can last at most 3 hours; this one lasts 3 hours 30 minutes.',
      field: 'end',
      details: { maxMinutes: 180, minutes: 210, rule: 'max' },
    });
  });

  it('accepts exactly the minimum and exactly the maximum', () => {
    const ctx = buildContext();
    expect(checkBooking(booking('2026-11-25T10:00', '2026-11-25T10:30'), ctx)).toBeNull();
    expect(checkBooking(booking('2026-11-25T10:00', '2026-11-25T13:00'), ctx)).toBeNull();
  });
});

describe('time bands', () => {
  const overnight = buildPolicy({
    allowRunPastClosing: true,
    maxHoursPerDay: 24,
    maxHoursPerWeek: 48,
    bands: [{ from: '17:00', to: '09:00', maxMinutes: 16 * 60 }],
  });
  const ctx = buildContext({ policy: overnight });

  it('gives a start inside a band that wraps midnight the band max', () => {
    expect(maxMinutesForStart(overnight, at('2026-11-25T17:00'), PARIS)).toBe(960);
    expect(maxMinutesForStart(overnight, at('2026-11-25T23:30'), PARIS)).toBe(960);
    expect(maxMinutesForStart(overnight, at('2026-11-25T08:30'), PARIS)).toBe(960);
    expect(maxMinutesForStart(overnight, at('2026-11-25T09:00'), PARIS)).toBe(180);
    expect(maxMinutesForStart(overnight, at('2026-11-25T16:30'), PARIS)).toBe(180);
  });

  it('takes the largest of several matching bands', () => {
    const two = buildPolicy({
      bands: [
        { from: '12:00', to: '14:00', maxMinutes: 240 },
        { from: '13:00', to: '15:00', maxMinutes: 300 },
      ],
    });
    expect(maxMinutesForStart(two, at('2026-11-25T13:30'), PARIS)).toBe(300);
    expect(maxMinutesForStart(two, at('2026-11-25T12:30'), PARIS)).toBe(240);
  });

  it('lets an overnight print starting at 17:00 run 15 hours past closing', () => {
    expect(checkBooking(booking('2026-11-25T17:00', '2026-11-26T08:00'), ctx)).toBeNull();
  });

  it('refuses the same length starting at 14:00 and points to the band', () => {
    expect(checkBooking(booking('2026-11-25T14:00', '2026-11-26T05:00'), ctx)?.message).toBe(
      'A booking starting at 14:00 can last at most 3 hours; this one lasts 15 hours. ' +
        'Bookings starting between 17:00 and 09:00 may last up to 16 hours.',
    );
  });

  it('measures length in real hours across a DST change', () => {
    const allWeek = Object.fromEntries(
      ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]),
    );
    const dst = buildContext({
      policy: overnight,
      nowMs: at('2026-10-23T10:00'),
      calendar: { ...saintOuen, weeklyHours: allWeek },
    });
    // The clock falls back on Sun 25 Oct: 20:00 to 11:00 the next day lasts 16 hours, to 12:00 17.
    expect(checkBooking(booking('2026-10-24T20:00', '2026-10-25T11:00'), dst)).toBeNull();
    expect(checkBooking(booking('2026-10-24T20:00', '2026-10-25T12:00'), dst)?.message).toContain(
      'can last at most 16 hours; this one lasts 17 hours',
    );
  });
});

describe('IN_THE_PAST', () => {
  it('refuses a start before now, even for staff, saying when', () => {
    const req = booking('2026-11-24T09:00', '2026-11-24T11:00');
    for (const opts of [{}, { skipPolicy: true }]) {
      expect(checkBooking(req, buildContext(), opts)).toEqual({
        code: 'IN_THE_PAST',
        message: 'This booking would start in the past (09:00 on Tue 24 Nov). Choose a time from now on.',
        field: 'start',
        details: { start: '2026-11-24T08:00:00.000Z' },
      });
    }
  });

  it('lets staff book from right now', () => {
    const ctx = buildContext({ nowMs: at('2026-11-24T11:00') });
    expect(checkBooking(booking('2026-11-24T11:00', '2026-11-24T12:00'), ctx, { skipPolicy: true })).toBeNull();
  });
});

describe('NOT_ON_SLOT_GRID', () => {
  it('refuses a start off the grid and suggests the slots around it', () => {
    expect(checkBooking(booking('2026-11-25T14:10', '2026-11-25T16:00'), buildContext())).toEqual({
      code: 'NOT_ON_SLOT_GRID',
      message: 'Bookings start and end on a 30-minute grid; the start time 14:10 is not on it (try 14:00 or 14:30).',
      field: 'start',
      details: { slotMinutes: 30 },
    });
  });

  it('refuses an end off the grid, to the second', () => {
    const req = { start: tomorrow.start, end: tomorrow.end + 1000 };
    expect(checkBooking(req, buildContext())).toMatchObject({ code: 'NOT_ON_SLOT_GRID', field: 'end' });
  });

  it('anchors the grid at local midnight, so hourly slots in Kolkata (+05:30) start at :00 local', () => {
    const kolkata = { ...saintOuen, timeZone: 'Asia/Kolkata' };
    const ctx = buildContext({
      calendar: kolkata,
      policy: buildPolicy({ slotMinutes: 60 }),
      nowMs: at('2026-11-24T10:00', 'Asia/Kolkata'),
    });
    expect(checkBooking(booking('2026-11-25T14:00', '2026-11-25T16:00', 'Asia/Kolkata'), ctx)).toBeNull();
    expect(checkBooking(booking('2026-11-25T14:30', '2026-11-25T16:30', 'Asia/Kolkata'), ctx)?.code).toBe(
      'NOT_ON_SLOT_GRID',
    );
  });
});

describe('TOO_SHORT_NOTICE', () => {
  it('refuses a booking starting sooner than the notice, with both delays', () => {
    const ctx = buildContext({ nowMs: at('2026-11-24T13:20') });
    expect(checkBooking(booking('2026-11-24T14:00', '2026-11-24T15:00'), ctx)).toEqual({
      code: 'TOO_SHORT_NOTICE',
      message: 'Bookings must be made at least 1 hour before they start; this one starts in 40 minutes.',
      field: 'start',
      details: { minNoticeMinutes: 60 },
    });
  });

  it('accepts exactly the notice', () => {
    const ctx = buildContext({ nowMs: at('2026-11-24T13:00') });
    expect(checkBooking(booking('2026-11-24T14:00', '2026-11-24T15:00'), ctx)).toBeNull();
  });
});

describe('TOO_FAR_AHEAD', () => {
  it('accepts the last day of the horizon and refuses the day after, naming it', () => {
    expect(checkBooking(booking('2026-12-08T16:00', '2026-12-08T18:00'), buildContext())).toBeNull();
    expect(checkBooking(booking('2026-12-09T09:00', '2026-12-09T10:00'), buildContext())).toEqual({
      code: 'TOO_FAR_AHEAD',
      message: 'Bookings can be made at most 14 days ahead (until Tue 8 Dec).',
      field: 'start',
      details: { horizonDays: 14, lastDate: '2026-12-08' },
    });
  });

  it("counts days in the site's zone, not in UTC", () => {
    // 01:00 on Wed 25 Nov in Amman is still Tue 24 Nov in UTC.
    const amman = { ...saintOuen, timeZone: 'Asia/Amman' };
    const ctx = buildContext({ calendar: amman, nowMs: at('2026-11-25T01:00', 'Asia/Amman') });
    expect(checkBooking(booking('2026-12-09T09:00', '2026-12-09T10:00', 'Asia/Amman'), ctx)).toBeNull();
    expect(checkBooking(booking('2026-12-10T09:00', '2026-12-10T10:00', 'Asia/Amman'), ctx)?.message).toContain(
      'until Wed 9 Dec',
    );
  });
});

describe('OUTSIDE_OPENING_HOURS', () => {
  it('refuses a booking that runs past closing, giving the hours of that day', () => {
    expect(checkBooking(booking('2026-11-25T17:00', '2026-11-25T19:00'), buildContext())).toEqual({
      code: 'OUTSIDE_OPENING_HOURS',
      message:
        'Bookings must fit inside opening hours, and the fablab is closed at 18:00 on Wed 25 Nov (open 09:00–18:00 that day).',
      field: 'end',
      details: { closedAt: '2026-11-25T17:00:00.000Z', date: '2026-11-25', rule: 'closedAt' },
    });
  });

  it('refuses a booking that starts before opening', () => {
    expect(checkBooking(booking('2026-11-28T09:00', '2026-11-28T11:00'), buildContext())).toMatchObject({
      code: 'OUTSIDE_OPENING_HOURS',
      field: 'start',
      message: expect.stringContaining('closed at 09:00 on Sat 28 Nov (open 10:00–17:00 that day)'),
    });
  });

  it('refuses a day the fablab never opens, and a closure with its reason', () => {
    expect(checkBooking(booking('2026-11-29T10:00', '2026-11-29T11:00'), buildContext())?.message).toBe(
      'Bookings must fit inside opening hours, and the fablab is closed all day on Sun 29 Nov.',
    );
    const ctx = buildContext({ nowMs: at('2026-12-20T10:00') });
    expect(checkBooking(booking('2026-12-24T10:00', '2026-12-24T11:00'), ctx)?.message).toBe(
      'Bookings must fit inside opening hours, and the fablab is closed all day on Thu 24 Dec (Christmas holidays).',
    );
  });

  it('with run-past-closing, accepts a start while open and refuses a start after closing', () => {
    const ctx = buildContext({ policy: buildPolicy({ allowRunPastClosing: true }) });
    expect(checkBooking(booking('2026-11-25T17:30', '2026-11-25T20:30'), ctx)).toBeNull();
    expect(checkBooking(booking('2026-11-25T18:00', '2026-11-25T20:00'), ctx)).toEqual({
      code: 'OUTSIDE_OPENING_HOURS',
      message:
        'Bookings on this machine must start while the fablab is open, and the fablab is closed at 18:00 on Wed 25 Nov (open 09:00–18:00 that day).',
      field: 'start',
      details: { closedAt: '2026-11-25T17:00:00.000Z', date: '2026-11-25', rule: 'closedAt' },
    });
  });

  it('lets staff book outside opening hours', () => {
    expect(
      checkBooking(booking('2026-11-29T10:00', '2026-11-29T11:00'), buildContext(), { skipPolicy: true }),
    ).toBeNull();
  });
});

describe('TRAINING_REQUIRED', () => {
  const trained = (expiresAt: string | null) => [
    { training: 'fdm-basics', expiresAt: expiresAt === null ? null : at(expiresAt) },
  ];
  const ctxFor = (makerTrainings: BookingContext['makerTrainings']) =>
    buildContext({ machine: { ...buildContext().machine, requiredTraining: 'fdm-basics' }, makerTrainings });

  it('asks an untrained maker to get trained, even when they hold other trainings', () => {
    const ctx = ctxFor([{ training: 'laser-basics', expiresAt: null }]);
    expect(checkBooking(tomorrow, ctx)).toEqual({
      code: 'TRAINING_REQUIRED',
      message: "This machine needs the 'fdm-basics' training. Ask the fablab staff to train you.",
      field: 'machineId',
      details: { rule: 'missing', training: 'fdm-basics' },
    });
  });

  it('accepts a training without expiry or valid until the booking ends', () => {
    expect(checkBooking(tomorrow, ctxFor(trained(null)))).toBeNull();
    expect(checkBooking(tomorrow, ctxFor(trained('2026-11-25T16:00')))).toBeNull();
  });

  it('refuses a training expiring during the booking, and an expired one', () => {
    expect(checkBooking(tomorrow, ctxFor(trained('2026-11-25T15:00')))?.message).toBe(
      "Your 'fdm-basics' training expires on Wed 25 Nov, before this booking ends. Ask the fablab staff to renew it.",
    );
    expect(checkBooking(tomorrow, ctxFor(trained('2026-11-01T00:00')))?.message).toBe(
      "Your 'fdm-basics' training expired on Sun 1 Nov. Ask the fablab staff to renew it.",
    );
  });

  it('lets staff book for an untrained maker', () => {
    expect(checkBooking(tomorrow, ctxFor([]), { skipPolicy: true })).toBeNull();
  });
});

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { WEEKDAYS, type SiteCalendar } from '../sites/opening-hours.rules.js';
import { blockIntervalsForMachine, type BlockRule } from './blocks.rules.js';
import {
  checkBooking,
  resolvePolicy,
  validateBookingPolicy,
  type BookingContext,
  type BookingPolicy,
  type BookingRuleCode,
  type PolicyOverride,
} from './booking.policy.js';
import { overlaps, type Interval } from './intervals.js';

const PARIS = 'Europe/Paris';
const MINUTE = 60_000;
const at = (local: string) => DateTime.fromISO(local, { zone: PARIS }).toMillis();
const booking = (from: string, to: string) => ({ start: at(from), end: at(to) });

const network: BookingPolicy = {
  slotMinutes: 30,
  minMinutes: 30,
  maxMinutes: 180,
  bands: [{ from: '17:00', to: '09:00', maxMinutes: 720 }],
  allowRunPastClosing: false,
  horizonDays: 14,
  minNoticeMinutes: 60,
  maxOpenReservations: 3,
  maxHoursPerDay: 4,
  maxHoursPerWeek: 10,
  bufferMinutes: 0,
  cancelCutoffMinutes: 120,
  checkInGraceMinutes: 15,
};

const saintOuen: SiteCalendar = {
  timeZone: PARIS,
  weeklyHours: Object.fromEntries(WEEKDAYS.filter((d) => d !== 'sun').map((d) => [d, [['09:00', '18:00']]])),
  closures: [],
};
const allHours: SiteCalendar = {
  timeZone: PARIS,
  weeklyHours: Object.fromEntries(WEEKDAYS.map((d) => [d, [['00:00', '24:00']]])),
  closures: [],
};

describe('resolvePolicy', () => {
  it('applies network default < network kind < site default < site kind', () => {
    const policy = resolvePolicy(
      network,
      { fdm_printer: { maxMinutes: 240, horizonDays: 21, bufferMinutes: 10 } },
      { default: { horizonDays: 7, minNoticeMinutes: 30 }, kinds: { fdm_printer: { minNoticeMinutes: 0 } } },
      'fdm_printer',
    );
    expect(policy).toEqual({
      ...network,
      maxMinutes: 240,
      bufferMinutes: 10,
      horizonDays: 7,
      minNoticeMinutes: 0,
    });
  });

  it('uses only the layers that exist for the kind', () => {
    expect(resolvePolicy(network, { laser: { maxMinutes: 60 } }, undefined, 'embroidery')).toEqual(network);
  });

  it('replaces bands instead of merging them, and ignores explicit undefined', () => {
    const policy = resolvePolicy(network, {}, { default: { bands: [], maxMinutes: undefined } }, 'laser');
    expect(policy.bands).toEqual([]);
    expect(policy.maxMinutes).toBe(180);
  });

  it('drops keys a policy does not have, such as a typo in YAML', () => {
    const typo = { maxMinuts: 600 } as unknown as PolicyOverride;
    expect(resolvePolicy(network, { laser: typo }, undefined, 'laser')).toEqual(network);
  });

  it('never shares the bands array with the network policy', () => {
    const policy = resolvePolicy(network, {}, undefined, 'laser');
    policy.bands.push({ from: '12:00', to: '13:00', maxMinutes: 60 });
    expect(network.bands).toHaveLength(1);
  });
});

describe('validateBookingPolicy', () => {
  it('accepts a sound policy, unlimited quotas (YAML .inf) included', () => {
    expect(validateBookingPolicy(network)).toBeNull();
    expect(validateBookingPolicy({ ...network, maxHoursPerWeek: Number.POSITIVE_INFINITY })).toBeNull();
    expect(validateBookingPolicy({ ...network, bands: [{ from: '00:00', to: '24:00', maxMinutes: 600 }] })).toBeNull();
  });

  it.each([
    ['slotMinutes must be greater than 0', { slotMinutes: 0 }],
    ['maxOpenReservations must be greater than 0', { maxOpenReservations: 0 }],
    ['bufferMinutes must be 0 or more', { bufferMinutes: -5 }],
    ['horizonDays must be 0 or more', { horizonDays: Number.NaN }],
    ['slotMinutes must divide a day evenly', { slotMinutes: 7 }],
    ['minMinutes (240) is more than maxMinutes (180)', { minMinutes: 240 }],
    ["bands[0]: from and to must be times 'HH:mm'", { bands: [{ from: '5pm', to: '09:00', maxMinutes: 600 }] }],
    ['bands[0]: from and to must differ', { bands: [{ from: '12:00', to: '12:00', maxMinutes: 600 }] }],
    ['bands[0]: maxMinutes must be at least minMinutes', { bands: [{ from: '17:00', to: '09:00', maxMinutes: 10 }] }],
  ])('reports "%s"', (reason, override) => {
    expect(validateBookingPolicy({ ...network, ...override })).toContain(reason);
  });
});

describe('checkBooking order', () => {
  it('reports the first broken rule in the documented order', () => {
    const ctx: BookingContext = {
      nowMs: at('2026-11-24T10:00'),
      policy: { ...network, minMinutes: 60 },
      calendar: saintOuen,
      machine: { id: 'prusa-1', kind: 'fdm_printer', adminStatus: 'maintenance', requiredTraining: 'fdm-basics' },
      makerTrainings: [],
      makerReservations: [0, 1, 2].map((d) => booking(`2026-11-2${6 + d}T10:00`, `2026-11-2${6 + d}T11:00`)),
      machineBusy: [{ ...booking('2026-11-25T14:30', '2026-11-25T15:30'), kind: 'block' }],
    };
    const steps: Array<[BookingRuleCode | null, Interval, () => void]> = [
      ['INVALID_DURATION', booking('2026-11-24T09:10', '2026-11-24T09:00'), () => {}],
      // What the maker cannot fix alone comes first, even for a request that breaks everything else.
      ['TRAINING_REQUIRED', booking('2026-11-24T09:10', '2026-11-24T09:20'), () => {}],
      [
        'MACHINE_UNAVAILABLE',
        booking('2026-11-24T09:10', '2026-11-24T09:20'),
        () => ctx.makerTrainings.push({ training: 'fdm-basics', expiresAt: null }),
      ],
      ['IN_THE_PAST', booking('2026-11-24T09:10', '2026-11-24T09:20'), () => (ctx.machine.adminStatus = 'active')],
      ['NOT_ON_SLOT_GRID', booking('2026-11-24T10:10', '2026-11-24T10:20'), () => {}],
      ['INVALID_DURATION', booking('2026-11-24T10:30', '2026-11-24T11:00'), () => {}],
      ['TOO_SHORT_NOTICE', booking('2026-11-24T10:30', '2026-11-24T11:30'), () => {}],
      ['TOO_FAR_AHEAD', booking('2026-12-13T10:00', '2026-12-13T11:00'), () => {}],
      ['OUTSIDE_OPENING_HOURS', booking('2026-11-29T10:00', '2026-11-29T11:00'), () => {}],
      ['QUOTA_EXCEEDED', booking('2026-11-25T14:00', '2026-11-25T15:00'), () => {}],
      ['RESERVATION_CONFLICT', booking('2026-11-25T14:00', '2026-11-25T15:00'), () => (ctx.makerReservations = [])],
      [null, booking('2026-11-25T14:00', '2026-11-25T15:00'), () => (ctx.machineBusy = [])],
    ];
    const seen = steps.map(([, req, fix]) => {
      fix();
      return checkBooking(req, ctx)?.code ?? null;
    });
    expect(seen).toEqual(steps.map(([code]) => code));
  });
});

/**
 * Property: whatever mix of makers and staff create, cancel and move bookings, accepting a request
 * only when checkBooking says null never leaves two active reservations overlapping on a machine,
 * nor one overlapping a staff block.
 */
describe('a sequence of create / cancel / move through checkBooking', () => {
  const machines = ['prusa-1', 'prusa-2'];
  const makers = ['awa', 'bilal', 'chloe'];
  const nowMs = at('2026-11-23T08:00');
  const workshop: BlockRule = {
    machineIds: ['prusa-1'],
    weekly: { days: ['tue', 'thu'], from: '14:00', to: '18:00', startDate: '2026-11-01' },
  };
  const oneOff: BlockRule = { machineIds: machines, ...booking('2026-11-25T09:00', '2026-11-25T11:00') };
  const blocks = [workshop, oneOff];

  interface Held extends Interval {
    machine: string;
    maker: string;
    active: boolean;
  }

  const slotRequest = {
    machine: fc.constantFrom(...machines),
    slot: fc.integer({ min: -4, max: 240 }),
    length: fc.integer({ min: 1, max: 12 }),
    jitterMinutes: fc.constantFrom(0, 0, 0, 10),
    staff: fc.boolean(),
  };
  const command = fc.oneof(
    fc.record({ type: fc.constant('create' as const), maker: fc.constantFrom(...makers), ...slotRequest }),
    fc.record({ type: fc.constant('cancel' as const), pick: fc.nat() }),
    fc.record({ type: fc.constant('move' as const), pick: fc.nat(), ...slotRequest }),
  );
  const scenario = fc.record({
    calendar: fc.constantFrom(saintOuen, allHours),
    bufferMinutes: fc.constantFrom(0, 15, 30),
    allowRunPastClosing: fc.boolean(),
    commands: fc.array(command, { minLength: 1, maxLength: 40 }),
  });

  it('never yields two active reservations overlapping on one machine', () => {
    let accepted = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const policy = {
          ...network,
          bufferMinutes: s.bufferMinutes,
          allowRunPastClosing: s.allowRunPastClosing,
          maxOpenReservations: 6,
          maxHoursPerDay: 8,
          maxHoursPerWeek: 30,
        };
        const held: Held[] = [];
        const attempt = (maker: string, machine: string, req: Interval, staff: boolean, moving?: Held) => {
          const others = held.filter((h) => h.active && h !== moving);
          const ctx: BookingContext = {
            nowMs,
            policy,
            calendar: s.calendar,
            machine: { id: machine, kind: 'fdm_printer', adminStatus: 'active', requiredTraining: null },
            makerTrainings: [],
            makerReservations: others.filter((h) => h.maker === maker),
            machineBusy: [
              ...others.filter((h) => h.machine === machine).map((h) => ({ ...h, kind: 'reservation' as const })),
              ...blockIntervalsForMachine(blocks, machine, PARIS, req.start - 86_400_000, req.end + 86_400_000).map(
                (b) => ({ ...b, kind: 'block' as const }),
              ),
            ],
          };
          return checkBooking(req, ctx, { skipPolicy: staff }) === null;
        };
        for (const c of s.commands) {
          const target = held.length > 0 && c.type !== 'create' ? held[c.pick % held.length] : undefined;
          if (c.type === 'cancel') {
            if (target) target.active = false;
            continue;
          }
          const start = nowMs + (c.slot * 30 + c.jitterMinutes) * MINUTE;
          const req = { start, end: start + c.length * 30 * MINUTE };
          if (c.type === 'create' && attempt(c.maker, c.machine, req, c.staff)) {
            held.push({ ...req, machine: c.machine, maker: c.maker, active: true });
            accepted++;
          }
          if (c.type === 'move' && target?.active && attempt(target.maker, c.machine, req, c.staff, target)) {
            Object.assign(target, req, { machine: c.machine });
          }
        }
        const active = held.filter((h) => h.active);
        for (const a of active) {
          const blocked = blockIntervalsForMachine(blocks, a.machine, PARIS, a.start, a.end);
          expect(blocked).toEqual([]);
          for (const b of active) {
            if (a !== b && a.machine === b.machine) expect(overlaps(a, b)).toBe(false);
          }
        }
      }),
      { numRuns: 200 },
    );
    // Guard against a vacuous pass where every request was refused.
    expect(accepted).toBeGreaterThan(200);
  });
});

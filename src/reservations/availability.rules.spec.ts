import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { WEEKDAYS, type SiteCalendar } from '../sites/opening-hours.rules.js';
import { machineAvailability, type MachineAvailabilityInput } from './availability.rules.js';
import { overlaps, type Interval } from './intervals.js';

const PARIS = 'Europe/Paris';
const MINUTE = 60_000;
const at = (local: string) => DateTime.fromISO(local, { zone: PARIS }).toMillis();
const span = (from: string, to: string) => ({ start: at(from), end: at(to) });

const saintOuen: SiteCalendar = {
  timeZone: PARIS,
  weeklyHours: Object.fromEntries(WEEKDAYS.filter((d) => d !== 'sun').map((d) => [d, [['09:00', '18:00']]])),
  closures: [{ from: '2026-12-24', to: '2026-12-26', reason: 'Christmas holidays' }],
};

const wednesday = (overrides: Partial<MachineAvailabilityInput> = {}): MachineAvailabilityInput => ({
  calendar: saintOuen,
  ...{ fromMs: at('2026-11-25T00:00'), toMs: at('2026-11-26T00:00') },
  adminStatus: 'active',
  reservations: [],
  blocks: [],
  ...overrides,
});

describe('machineAvailability', () => {
  it('is free during opening hours and closed around them', () => {
    expect(machineAvailability(wednesday())).toEqual({
      free: [span('2026-11-25T09:00', '2026-11-25T18:00')],
      unavailable: [
        { ...span('2026-11-25T00:00', '2026-11-25T09:00'), reason: 'closed' },
        { ...span('2026-11-25T18:00', '2026-11-26T00:00'), reason: 'closed' },
      ],
    });
  });

  it('explains reserved and blocked time, the buffer counting as reserved', () => {
    const result = machineAvailability(
      wednesday({
        reservations: [span('2026-11-25T10:00', '2026-11-25T12:00')],
        blocks: [span('2026-11-25T14:00', '2026-11-25T16:00')],
        bufferMs: 15 * MINUTE,
      }),
    );
    expect(result.free).toEqual([
      span('2026-11-25T09:00', '2026-11-25T09:45'),
      span('2026-11-25T12:15', '2026-11-25T14:00'),
      span('2026-11-25T16:00', '2026-11-25T18:00'),
    ]);
    expect(result.unavailable.filter((u) => u.reason !== 'closed')).toEqual([
      { ...span('2026-11-25T09:45', '2026-11-25T12:15'), reason: 'reserved' },
      { ...span('2026-11-25T14:00', '2026-11-25T16:00'), reason: 'blocked' },
    ]);
  });

  it('prefers blocked over reserved over closed where they overlap', () => {
    const result = machineAvailability(
      wednesday({
        reservations: [span('2026-11-25T17:00', '2026-11-25T20:00')],
        blocks: [span('2026-11-25T16:00', '2026-11-25T17:30')],
      }),
    );
    expect(result.unavailable).toEqual([
      { ...span('2026-11-25T00:00', '2026-11-25T09:00'), reason: 'closed' },
      { ...span('2026-11-25T16:00', '2026-11-25T17:30'), reason: 'blocked' },
      { ...span('2026-11-25T17:30', '2026-11-25T20:00'), reason: 'reserved' },
      { ...span('2026-11-25T20:00', '2026-11-26T00:00'), reason: 'closed' },
    ]);
  });

  it('shows a machine in maintenance, or retired, as maintenance over the whole range', () => {
    for (const adminStatus of ['maintenance', 'retired'] as const) {
      expect(
        machineAvailability(wednesday({ adminStatus, reservations: [span('2026-11-25T10:00', '2026-11-25T11:00')] })),
      ).toEqual({
        free: [],
        unavailable: [{ ...span('2026-11-25T00:00', '2026-11-26T00:00'), reason: 'maintenance' }],
      });
    }
  });

  it('shows a closure day as closed', () => {
    const christmas = wednesday({ fromMs: at('2026-12-24T00:00'), toMs: at('2026-12-25T00:00') });
    expect(machineAvailability(christmas).free).toEqual([]);
  });

  it('returns nothing for an empty range', () => {
    expect(machineAvailability(wednesday({ toMs: at('2026-11-25T00:00') }))).toEqual({ free: [], unavailable: [] });
  });
});

describe('machineAvailability properties', () => {
  const base = at('2026-11-23T00:00');
  const anInterval = fc
    .tuple(fc.integer({ min: -2 * 24 * 60, max: 9 * 24 * 60 }), fc.integer({ min: 1, max: 12 * 60 }))
    .map(([offset, length]): Interval => ({ start: base + offset * MINUTE, end: base + (offset + length) * MINUTE }));
  const scenario = fc.record({
    calendar: fc.constantFrom(
      saintOuen,
      { ...saintOuen, timeZone: 'Africa/Dakar' },
      { ...saintOuen, timeZone: 'Asia/Amman' },
    ),
    range: anInterval.map((i) => ({ start: i.start, end: i.end + 3 * 24 * 60 * MINUTE })),
    reservations: fc.array(anInterval, { maxLength: 8 }),
    blocks: fc.array(anInterval, { maxLength: 4 }),
    bufferMinutes: fc.constantFrom(0, 10, 30),
    adminStatus: fc.constantFrom('active' as const, 'active' as const, 'maintenance' as const),
  });

  it('never offers free time over a reservation or a block, and tiles the range exactly', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { free, unavailable } = machineAvailability({
          calendar: s.calendar,
          fromMs: s.range.start,
          toMs: s.range.end,
          adminStatus: s.adminStatus,
          reservations: s.reservations,
          blocks: s.blocks,
          bufferMs: s.bufferMinutes * MINUTE,
        });
        for (const f of free) {
          for (const busy of [...s.reservations, ...s.blocks]) expect(overlaps(f, busy)).toBe(false);
        }
        const tiles = [...free, ...unavailable].sort((a, b) => a.start - b.start);
        let cursor = s.range.start;
        for (const t of tiles) {
          expect(t.start).toBe(cursor);
          expect(t.end).toBeGreaterThan(t.start);
          cursor = t.end;
        }
        expect(cursor).toBe(s.range.end);
      }),
      { numRuns: 300 },
    );
  });
});

import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import {
  blockIntervalsForMachine,
  blockOccurrences,
  reservationsHitByBlock,
  validateBlockRule,
  type BlockRule,
  type WeeklyBlock,
} from './blocks.rules.js';

const PARIS = 'Europe/Paris';
const at = (local: string, zone = PARIS) => DateTime.fromISO(local, { zone }).toMillis();
const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).toMillis();
const span = (from: string, to: string, zone = PARIS) => ({ start: at(from, zone), end: at(to, zone) });

/** All embroidery machines, Tuesday afternoons, for the autumn workshop. */
const embroideryWorkshop: WeeklyBlock = {
  machineIds: ['brother-1', 'brother-2'],
  reason: 'Embroidery workshop',
  weekly: { days: ['tue'], from: '14:00', to: '18:00', startDate: '2026-10-01', untilDate: '2026-11-30' },
};

describe('blockOccurrences', () => {
  it('keeps a weekly block at 14:00–18:00 local across the October DST change', () => {
    const occurrences = blockOccurrences(embroideryWorkshop, PARIS, utc('2026-10-19T00:00'), utc('2026-11-01T00:00'));
    expect(occurrences).toEqual([
      { start: utc('2026-10-20T12:00'), end: utc('2026-10-20T16:00') },
      { start: utc('2026-10-27T13:00'), end: utc('2026-10-27T17:00') },
    ]);
  });

  it('keeps it local across the March change too, and stays put in Dakar', () => {
    const spring = {
      ...embroideryWorkshop,
      weekly: { ...embroideryWorkshop.weekly, startDate: '2026-03-01', untilDate: undefined },
    };
    expect(blockOccurrences(spring, PARIS, utc('2026-03-23T00:00'), utc('2026-04-05T00:00'))).toEqual([
      { start: utc('2026-03-24T13:00'), end: utc('2026-03-24T17:00') },
      { start: utc('2026-03-31T12:00'), end: utc('2026-03-31T16:00') },
    ]);
    expect(blockOccurrences(spring, 'Africa/Dakar', utc('2026-03-23T00:00'), utc('2026-04-05T00:00'))).toEqual([
      { start: utc('2026-03-24T14:00'), end: utc('2026-03-24T18:00') },
      { start: utc('2026-03-31T14:00'), end: utc('2026-03-31T18:00') },
    ]);
  });

  it('starts no occurrence before startDate nor after untilDate', () => {
    const all = blockOccurrences(embroideryWorkshop, PARIS, utc('2026-09-01T00:00'), utc('2027-01-01T00:00'));
    expect(all).toHaveLength(8);
    expect(all[0]).toEqual(span('2026-10-06T14:00', '2026-10-06T18:00'));
    expect(all[7]).toEqual(span('2026-11-24T14:00', '2026-11-24T18:00'));
  });

  it('returns whole occurrences that overlap the range, not clipped pieces', () => {
    expect(blockOccurrences(embroideryWorkshop, PARIS, at('2026-11-24T15:00'), at('2026-11-24T16:00'))).toEqual([
      span('2026-11-24T14:00', '2026-11-24T18:00'),
    ]);
    expect(blockOccurrences(embroideryWorkshop, PARIS, at('2026-11-24T18:00'), at('2026-11-24T20:00'))).toEqual([]);
  });

  it('runs an overnight block into the next day, including one that began before the range', () => {
    const nightly: BlockRule = {
      machineIds: ['laser-1'],
      weekly: { days: ['fri'], from: '22:00', to: '06:00', startDate: '2026-01-01' },
    };
    expect(blockOccurrences(nightly, PARIS, at('2026-11-28T05:00'), at('2026-11-28T12:00'))).toEqual([
      span('2026-11-27T22:00', '2026-11-28T06:00'),
    ]);
  });

  it('returns a one-off block when it overlaps the range', () => {
    const visit: BlockRule = { machineIds: ['laser-1'], ...span('2026-11-25T09:00', '2026-11-25T12:00') };
    expect(blockOccurrences(visit, PARIS, at('2026-11-25T11:00'), at('2026-11-25T13:00'))).toEqual([
      span('2026-11-25T09:00', '2026-11-25T12:00'),
    ]);
    expect(blockOccurrences(visit, PARIS, at('2026-11-25T12:00'), at('2026-11-25T13:00'))).toEqual([]);
  });
});

describe('blockIntervalsForMachine', () => {
  it('gathers the occurrences of every rule naming the machine, in order', () => {
    const visit: BlockRule = { machineIds: ['brother-1'], ...span('2026-11-23T09:00', '2026-11-23T10:00') };
    const rules = [
      embroideryWorkshop,
      visit,
      { machineIds: ['laser-1'], ...span('2026-11-23T08:00', '2026-11-23T09:00') },
    ];
    const range = [at('2026-11-23T00:00'), at('2026-11-25T00:00')] as const;
    expect(blockIntervalsForMachine(rules, 'brother-1', PARIS, ...range)).toEqual([
      span('2026-11-23T09:00', '2026-11-23T10:00'),
      span('2026-11-24T14:00', '2026-11-24T18:00'),
    ]);
    expect(blockIntervalsForMachine(rules, 'brother-2', PARIS, ...range)).toHaveLength(1);
  });
});

describe('reservationsHitByBlock', () => {
  it('lists the active reservations on blocked machines that an occurrence lands on', () => {
    const reservations = [
      { id: 'hit', machineId: 'brother-1', status: 'active', ...span('2026-11-17T17:00', '2026-11-17T19:00') },
      { id: 'other-machine', machineId: 'prusa-1', status: 'active', ...span('2026-11-17T15:00', '2026-11-17T16:00') },
      { id: 'cancelled', machineId: 'brother-2', status: 'cancelled', ...span('2026-11-17T15:00', '2026-11-17T16:00') },
      { id: 'touching', machineId: 'brother-2', status: 'active', ...span('2026-11-17T12:00', '2026-11-17T14:00') },
      { id: 'wednesday', machineId: 'brother-2', status: 'active', ...span('2026-11-18T15:00', '2026-11-18T16:00') },
      { id: 'earlier-hit', machineId: 'brother-2', status: 'active', ...span('2026-11-10T15:00', '2026-11-10T16:00') },
    ];
    const hits = reservationsHitByBlock(embroideryWorkshop, PARIS, reservations);
    expect(hits.map((h) => h.reservation.id)).toEqual(['earlier-hit', 'hit']);
    expect(hits[1].occurrence).toEqual(span('2026-11-17T14:00', '2026-11-17T18:00'));
  });
});

describe('validateBlockRule', () => {
  it('accepts sound blocks', () => {
    expect(validateBlockRule(embroideryWorkshop)).toBeNull();
    expect(validateBlockRule({ machineIds: ['a'], start: 1, end: 2 })).toBeNull();
    expect(
      validateBlockRule({
        machineIds: ['a'],
        weekly: { days: ['sat'], from: '00:00', to: '24:00', startDate: '2026-01-01' },
      }),
    ).toBeNull();
  });

  const weekly = (patch: Partial<WeeklyBlock['weekly']>): BlockRule => ({
    machineIds: ['a'],
    weekly: { ...embroideryWorkshop.weekly, ...patch },
  });

  it.each([
    ['A block needs at least one machine.', { machineIds: [], start: 1, end: 2 }],
    ['A block must end after it starts.', { machineIds: ['a'], start: 2, end: 2 }],
    ['A weekly block needs at least one day of the week.', weekly({ days: [] })],
    ["Unknown day 'tuesday'", weekly({ days: ['tuesday' as 'tue'] })],
    ["'2pm' is not a time", weekly({ from: '2pm' })],
    ["'25:00' is not a time", weekly({ to: '25:00' })],
    ['must not start and end at the same time', weekly({ from: '10:00', to: '10:00' })],
    ["'01/10/2026' is not a date", weekly({ startDate: '01/10/2026' })],
    ['The block ends (2026-09-01) before it begins (2026-10-01).', weekly({ untilDate: '2026-09-01' })],
  ] as Array<[string, BlockRule]>)('reports "%s"', (reason, rule) => {
    expect(validateBlockRule(rule)).toContain(reason);
  });
});

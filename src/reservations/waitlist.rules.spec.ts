import { describe, expect, it } from '@jest/globals';
import { firstMatchingWaiter, type Waiter } from './waitlist.rules.js';

const MINUTE = 60_000;
const T0 = 1_800_000_000_000;
const min = (m: number) => T0 + m * MINUTE;

const waiter = (id: string, createdAtMinutes: number, overrides: Partial<Waiter> = {}): Waiter => ({
  id,
  makerId: `maker-${id}`,
  kind: 'fdm_printer',
  siteId: 'saint-ouen',
  start: min(0),
  end: min(480),
  createdAtMs: min(-1000 + createdAtMinutes),
  status: 'waiting',
  ...overrides,
});

const freed = {
  machineKind: 'fdm_printer',
  siteId: 'saint-ouen',
  interval: { start: min(120), end: min(240) },
  minMinutes: 30,
};

describe('firstMatchingWaiter', () => {
  it('offers freed time to the longest-waiting maker, whatever the input order', () => {
    const result = firstMatchingWaiter([waiter('b', 20), waiter('a', 10), waiter('c', 30)], freed, min(0));
    expect(result).toEqual({ waiter: expect.objectContaining({ id: 'a' }), offer: { start: min(120), end: min(240) } });
  });

  it('breaks ties on creation time by id', () => {
    expect(firstMatchingWaiter([waiter('b', 10), waiter('a', 10)], freed, min(0))?.waiter.id).toBe('a');
  });

  it('skips waiters for another kind, another site, or no longer waiting', () => {
    const others = [
      waiter('kind', 1, { kind: 'embroidery' }),
      waiter('site', 2, { siteId: 'dakar' }),
      waiter('offered', 3, { status: 'offered' }),
      waiter('match', 4),
    ];
    expect(firstMatchingWaiter(others, freed, min(0))?.waiter.id).toBe('match');
  });

  it('offers only the part inside the waiter range and not yet past', () => {
    const w = waiter('a', 1, { start: min(180), end: min(600) });
    expect(firstMatchingWaiter([w], freed, min(0))?.offer).toEqual({ start: min(180), end: min(240) });
    expect(firstMatchingWaiter([waiter('b', 1)], freed, min(150))?.offer).toEqual({ start: min(150), end: min(240) });
  });

  it('passes over a waiter whose range keeps less than the minimum booking', () => {
    const tight = waiter('first', 1, { start: min(220), end: min(600) });
    const roomy = waiter('second', 2);
    expect(firstMatchingWaiter([tight, roomy], freed, min(0))?.waiter.id).toBe('second');
    const edge = waiter('edge', 1, { start: min(210), end: min(600) });
    expect(firstMatchingWaiter([edge], freed, min(0))?.offer).toEqual({ start: min(210), end: min(240) });
  });

  it('offers nothing when no one fits or the time is already gone', () => {
    expect(firstMatchingWaiter([], freed, min(0))).toBeNull();
    expect(firstMatchingWaiter([waiter('a', 1, { end: min(100) })], freed, min(0))).toBeNull();
    expect(firstMatchingWaiter([waiter('a', 1)], freed, min(225))).toBeNull();
  });
});

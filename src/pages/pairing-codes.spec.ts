import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../common/clock.js';
import { PAIRING_CODE_TTL_MS, PairingCodes } from './pairing-codes.js';

const T0 = Date.UTC(2026, 10, 23, 9, 0);

/** Plays back the given random numbers, so collisions and zero-padding can be tested. */
const sequence =
  (...values: number[]) =>
  () => {
    const next = values.shift();
    if (next === undefined) throw new Error('no more random numbers');
    return next;
  };

describe('PairingCodes', () => {
  it('issues six digits, zero-padded, for one site', () => {
    const codes = new PairingCodes(new ManualClock(T0), sequence(42));
    expect(codes.create('saint-ouen', 'Hall TV', 'u1')).toEqual({
      code: '000042',
      siteId: 'saint-ouen',
      label: 'Hall TV',
      createdBy: 'u1',
      expiresAt: T0 + PAIRING_CODE_TTL_MS,
    });
  });

  it('never hands out a code that is still pending', () => {
    const codes = new PairingCodes(new ManualClock(T0), sequence(7, 7, 7, 8));
    expect(codes.create('saint-ouen', 'a', 'u1').code).toBe('000007');
    expect(codes.create('saint-ouen', 'b', 'u1').code).toBe('000008');
  });

  it('serves a code once, and only on its own site', () => {
    const codes = new PairingCodes(new ManualClock(T0), sequence(1, 2));
    codes.create('saint-ouen', 'a', 'u1');
    codes.create('saint-ouen', 'b', 'u1');
    expect(codes.take('000001', 'saint-ouen')?.label).toBe('a');
    expect(codes.take('000001', 'saint-ouen')).toBeNull();
    // Named on the wrong site, the code is spent: a guess cannot be retried elsewhere.
    expect(codes.take('000002', 'dakar')).toBeNull();
    expect(codes.take('000002', 'saint-ouen')).toBeNull();
    expect(codes.size).toBe(0);
  });

  it('forgets a code once its 10 minutes are over', () => {
    const clock = new ManualClock(T0);
    const codes = new PairingCodes(clock, sequence(5, 6));
    codes.create('saint-ouen', 'a', 'u1');
    codes.create('saint-ouen', 'b', 'u1');
    clock.advance(PAIRING_CODE_TTL_MS - 1);
    expect(codes.take('000005', 'saint-ouen')).not.toBeNull();
    clock.advance(1);
    expect(codes.take('000006', 'saint-ouen')).toBeNull();
    expect(codes.size).toBe(0);
  });
});

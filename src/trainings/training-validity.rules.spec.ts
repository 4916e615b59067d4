import { describe, expect, it } from '@jest/globals';
import { trainingStanding } from './training-validity.rules.js';

const NOON = Date.parse('2026-11-24T12:00:00Z');
const HOUR = 3_600_000;

describe('whether a person holds a training until a given moment', () => {
  it('counts a training that never expires, or lasts at least until that moment', () => {
    expect(trainingStanding([{ training: 'fdm-basics', expiresAt: null }], 'fdm-basics', NOON)).toEqual({
      valid: true,
    });
    expect(trainingStanding([{ training: 'fdm-basics', expiresAt: NOON + HOUR }], 'fdm-basics', NOON).valid).toBe(true);
    // Expiring at that very moment: everything before it was covered.
    expect(trainingStanding([{ training: 'fdm-basics', expiresAt: NOON }], 'fdm-basics', NOON).valid).toBe(true);
  });

  it('says when it ran out: the latest expiry of the records held', () => {
    const held = [
      { training: 'fdm-basics', expiresAt: NOON - 48 * HOUR },
      { training: 'fdm-basics', expiresAt: NOON - HOUR },
      { training: 'embroidery-basics', expiresAt: null },
    ];
    expect(trainingStanding(held, 'fdm-basics', NOON)).toEqual({ valid: false, expiresAt: NOON - HOUR });
  });

  it('tells a training never held from one that expired, whatever else the person holds', () => {
    const held = [{ training: 'embroidery-basics', expiresAt: null }];
    expect(trainingStanding(held, 'fdm-basics', NOON)).toEqual({ valid: false, expiresAt: null });
    expect(trainingStanding([], 'fdm-basics', NOON)).toEqual({ valid: false, expiresAt: null });
  });
});

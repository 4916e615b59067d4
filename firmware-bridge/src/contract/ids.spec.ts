import { describe, expect, it } from '@jest/globals';
import { MSG_ID_PATTERN } from './formats.js';
import { createUuidV7Generator, isUuidV7, uuidv7, uuidV7Time, UUID_V7_PATTERN } from './ids.js';

const T = Date.parse('2025-03-01T12:00:00.000Z');

describe('uuidv7', () => {
  it('has version 7, the RFC variant, and is a valid msgId', () => {
    const id = uuidv7();
    expect(id).toMatch(UUID_V7_PATTERN);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]);
    expect(id).toMatch(MSG_ID_PATTERN);
  });

  it('embeds the millisecond timestamp', () => {
    const next = createUuidV7Generator({ now: () => T });
    expect(uuidV7Time(next())).toBe(T);
    expect(uuidV7Time('not-a-uuid')).toBeNull();
  });

  it('is strictly increasing and unique within one millisecond', () => {
    const next = createUuidV7Generator({ now: () => T });
    const ids = Array.from({ length: 10_000 }, next);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every(isUuidV7)).toBe(true);
  });

  it('stays increasing when the wall clock steps back', () => {
    let now = T;
    const next = createUuidV7Generator({ now: () => now });
    const a = next();
    now = T - 60_000;
    const b = next();
    expect(b > a).toBe(true);
    expect(uuidV7Time(b)).toBe(T);
  });

  it('borrows the next millisecond when the counter overflows', () => {
    const ones = (bytes: Uint8Array) => bytes.fill(0xff);
    const next = createUuidV7Generator({ now: () => T, random: ones });
    // Seeded at 0x7ff, so 0x800 increments reach 0xfff and the next id must move on.
    const ids = Array.from({ length: 0x802 }, next);
    expect(uuidV7Time(ids[0x800])).toBe(T);
    expect(uuidV7Time(ids[0x801])).toBe(T + 1);
    expect([...ids].sort()).toEqual(ids);
  });

  it('draws the random bits from the random source', () => {
    const a = createUuidV7Generator({ now: () => T, random: (b) => b.fill(0) })();
    const b = createUuidV7Generator({ now: () => T, random: (b) => b.fill(0xff) })();
    expect(a.slice(-12)).toBe('000000000000');
    expect(b.slice(-12)).toBe('ffffffffffff');
  });
});

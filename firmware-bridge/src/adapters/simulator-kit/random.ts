// A seeded PRNG, so "same seed ⇒ same events": a demo or a failing test replays exactly.
// Math.random cannot be seeded, and crypto randomness would make every run different.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  uniform(min: number, max: number): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  /** Exponentially distributed with the given mean (gaps of a Poisson process). */
  exponential(mean: number): number;
}

/** FNV-1a over the parts: turns (seed, machine id, job number) into an independent stream seed. */
export function hashSeed(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** mulberry32: 32-bit state, good enough for simulation and fast; not for security. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor((max - min + 1) * next()),
    chance: (p) => p > 0 && next() < p,
    exponential: (mean) => -mean * Math.log(1 - next()),
  };
}

/**
 * Where a fault strikes (uniform in [min, max]) if it strikes at all (with `probability`), else
 * null. Always draws two numbers, so changing one rate does not shift every later draw of a seed.
 */
export function maybeAt(rng: Random, probability: number, min: number, max: number): number | null {
  const roll = rng.next();
  const at = rng.uniform(min, max);
  return roll < probability ? at : null;
}

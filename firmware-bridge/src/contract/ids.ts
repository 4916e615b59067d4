// UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then randomness. Message ids sort by creation
// time, which keeps the service's dedupe index append-mostly and makes logs readable.

export type RandomSource = (bytes: Uint8Array) => void;

export interface UuidV7Options {
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  /** Fills the array with random bytes; defaults to Web Crypto, like `crypto.randomUUID`. */
  random?: RandomSource;
}

export const UUID_V7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const COUNTER_MAX = 0xfff;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

const webCryptoRandom: RandomSource = (bytes) => {
  globalThis.crypto.getRandomValues(bytes);
};

/**
 * Returns a generator of UUIDv7 strings that are strictly increasing within the process, even
 * for many ids in one millisecond or when the wall clock steps back (RFC 9562 §6.2, method 1:
 * the 12 `rand_a` bits are a counter seeded randomly each millisecond; on overflow the
 * timestamp borrows the next millisecond).
 */
export function createUuidV7Generator(options: UuidV7Options = {}): () => string {
  const now = options.now ?? Date.now;
  const random = options.random ?? webCryptoRandom;
  let lastMs = -1;
  let counter = 0;

  return () => {
    const bytes = new Uint8Array(16);
    random(bytes);
    // Seed the counter below 0x800 so one millisecond has at least 2048 increments of headroom.
    const seed = ((bytes[6] & 0x07) << 8) | bytes[7];
    let ms = Math.max(0, Math.floor(now()));
    if (ms > lastMs) {
      counter = seed;
    } else if (counter < COUNTER_MAX) {
      ms = lastMs;
      counter += 1;
    } else {
      ms = lastMs + 1;
      counter = seed;
    }
    lastMs = ms;

    const high = Math.floor(ms / 0x100000000) & 0xffff;
    const low = ms >>> 0;
    bytes[0] = high >>> 8;
    bytes[1] = high & 0xff;
    bytes[2] = low >>> 24;
    bytes[3] = (low >>> 16) & 0xff;
    bytes[4] = (low >>> 8) & 0xff;
    bytes[5] = low & 0xff;
    bytes[6] = 0x70 | (counter >>> 8);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | (bytes[8] & 0x3f);

    const h = Array.from(bytes, (b) => HEX[b]).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
}

/** The process-wide generator used by the encoders. */
export const uuidv7: () => string = createUuidV7Generator();

export function isUuidV7(id: unknown): id is string {
  return typeof id === 'string' && UUID_V7_PATTERN.test(id);
}

/** The creation time (ms since the epoch) embedded in a UUIDv7, or null if `id` is not one. */
export function uuidV7Time(id: string): number | null {
  if (!isUuidV7(id)) return null;
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

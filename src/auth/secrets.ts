import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import argon2 from 'argon2';

/** OWASP's argon2id baseline (19 MiB, 2 passes) — affordable on a 2-core box at a busy desk. */
const ARGON2_OPTIONS = { type: argon2.argon2id as 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** 256 random bits, URL-safe: device tokens, bridge passwords, refresh tokens. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * High-entropy random secrets need no slow hash: SHA-256 keeps them unrecoverable from a
 * database dump while a kiosk or bridge can be checked on every connection without cost.
 */
export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, expectedHashHex: string): boolean {
  const actual = Buffer.from(sha256Hex(secret), 'hex');
  const expected = Buffer.from(expectedHashHex, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

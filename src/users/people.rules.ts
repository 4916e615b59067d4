import { randomBytes, randomInt } from 'node:crypto';

/**
 * Coarse bands, so an answer never narrows a person down to a birth year. Statistics group by
 * whatever is stored (`hoursBy(…, 'age_band')`); this list is what the profile form accepts.
 */
export const AGE_BANDS = ['under-18', '18-25', '26-40', '41-60', 'over-60'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/**
 * The statuses the statistics rules know (`DeclaredStatus` in `stats/stats.rules.ts`, which sits
 * above users and so cannot be imported here; the stats service's types check that they agree).
 */
export const DECLARED_STATUSES = ['student', 'job_seeker', 'retraining', 'employed', 'retired', 'other'] as const;
export type DeclaredStatus = (typeof DECLARED_STATUSES)[number];

/** What is stored while the person consents: each answer optional, gender in their own words. */
export interface DeclaredAnswers {
  ageBand?: AgeBand;
  status?: DeclaredStatus;
  gender?: string;
}

/**
 * A tag as staff may type or paste it: surrounding spaces are allowed (`normalizeTags` trims them)
 * and letters may carry combining marks (decomposed accents, Arabic harakat, Indic vowel signs).
 */
export const TAG = /^\s*[\p{L}\p{N}][\p{L}\p{M}\p{N} _.:-]{0,47}\s*$/u;

/** Tags as staff typed them, trimmed, spaces collapsed, case folded and without repeats, sorted. */
export function normalizeTags(tags: readonly string[]): string[] {
  const cleaned = tags.map((tag) => tag.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase());
  return [...new Set(cleaned.filter((tag) => tag.length > 0))].sort();
}

/** The stored answers: an empty or blank gender is no answer. */
export function declaredAnswers(input: { ageBand?: AgeBand; status?: DeclaredStatus; gender?: string }) {
  const answers: DeclaredAnswers = {};
  if (input.ageBand) answers.ageBand = input.ageBand;
  if (input.status) answers.status = input.status;
  const gender = input.gender?.normalize('NFKC').trim().replace(/\s+/gu, ' ');
  if (gender) answers.gender = gender;
  return answers;
}

/**
 * The member code's prefix from the site id: initials of a two-word id (`saint-ouen` → `SO`),
 * otherwise its first two letters (`dakar` → `DA`).
 */
export function memberCodePrefix(siteId: string): string {
  const words = siteId.split(/[-_]+/u).filter((w) => /^[a-z]/u.test(w));
  const prefix = words.length >= 2 ? words[0][0] + words[1][0] : (words[0] ?? 'fab').slice(0, 2);
  return prefix.toUpperCase();
}

/**
 * A code read aloud at the desk and typed on a phone: the prefix and digits (`SO-2041`). Four
 * digits while they last; `attempt` grows the number once collisions become likely.
 */
export function memberCodeCandidate(siteId: string, attempt: number): string {
  const digits = attempt < 8 ? 4 : attempt < 16 ? 5 : 6;
  const number = randomInt(10 ** (digits - 1), 10 ** digits);
  return `${memberCodePrefix(siteId)}-${number}`;
}

/** No 0/O, 1/l/I: the password is printed and typed by hand. About 59 bits. */
const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

export function printablePassword(): string {
  const chars = Array.from({ length: 12 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]);
  return [chars.slice(0, 4), chars.slice(4, 8), chars.slice(8)].map((group) => group.join('')).join('-');
}

/** 128 random bits, hex: not derived from anything, so it leads back to no one once unlinked. */
export function newMakerKey(): string {
  return randomBytes(16).toString('hex');
}

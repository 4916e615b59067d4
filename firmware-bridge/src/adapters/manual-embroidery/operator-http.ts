// The HTTP side of the operator page: reading a step from a browser form or a CLI post
// (`curl -d pin=1234 -d step=start http://host:8090/step`, or the same as JSON), checking the PIN
// with a per-client lockout, and the headers that keep the page to itself.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parseObject } from '../native-kit/read.js';
import { STEPS, type Step, type StepInput } from './operator-steps.js';

const MAX_BODY = 16 * 1024;
const LOCKOUT_MS = 60_000;

export const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;

/** Form fields from `application/x-www-form-urlencoded` or a JSON object; null when unreadable. */
export async function readFields(req: IncomingMessage): Promise<Record<string, string> | 'too_large' | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    const value = parseObject(text);
    if (!value) return null;
    const fields: Record<string, string> = {};
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === 'string' || typeof v === 'number') fields[key] = String(v);
    }
    return fields;
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function count(fields: Record<string, string>, key: string): number | undefined | 'bad' {
  const raw = fields[key]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 && n <= 1_000_000_000 ? n : 'bad';
}

/** The step a form asks for, or why it cannot be one. */
export function stepFrom(fields: Record<string, string>): StepInput | string {
  const step = fields.step;
  if (!(STEPS as readonly string[]).includes(step ?? '')) return `unknown step; one of ${STEPS.join(', ')}`;
  const input: StepInput = { step: step as Step };
  for (const key of ['stitches', 'colors', 'stitch'] as const) {
    const n = count(fields, key);
    if (n === 'bad') return `${key} must be a whole number`;
    if (n !== undefined) input[key] = n;
  }
  const name = fields.name?.trim();
  if (name) input.name = name.slice(0, 200);
  return input;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The PIN check, in constant time, with a lockout after `max` wrong PINs per client per minute. */
export class PinGuard {
  private readonly expected: Buffer;
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    pin: string,
    private readonly max: number,
    private readonly now: () => number,
  ) {
    this.expected = digest(pin);
  }

  check(client: string, given: string | undefined): 'ok' | 'wrong' | 'locked' {
    const t = this.now();
    const entry = this.failures.get(client);
    if (entry && t - entry.since >= LOCKOUT_MS) this.failures.delete(client);
    const current = this.failures.get(client);
    if (current && current.count >= this.max) return 'locked';
    if (given !== undefined && timingSafeEqual(digest(given), this.expected)) {
      this.failures.delete(client);
      return 'ok';
    }
    if (this.failures.size > 1000) this.failures.clear();
    this.failures.set(client, { count: (current?.count ?? 0) + 1, since: current?.since ?? t });
    return 'wrong';
  }
}

/** A browser form wants a page back (303 to `/`); curl and scripts get JSON. */
export function wantsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError } from './domain-error.js';

/**
 * Deepest nesting of objects and arrays a JSON body may have. Our deepest DTO (a machine's
 * capabilities) nests 3 levels; class-transformer and class-validator recurse once per level, and
 * a 15 kB body 2,500 levels deep overflowed the stack (a 500) before validation said a word.
 */
export const MAX_JSON_DEPTH = 32;

/** Largest JSON body; Express's default, said out loud (an upload is multipart, not JSON). */
export const MAX_JSON_BYTES = 100 * 1024;

export class BodyTooDeepError extends DomainError {
  readonly code = 'BODY_TOO_DEEP';
  readonly kind = 'invalid';
}

/**
 * Counts nesting on the raw bytes, before JSON.parse: one pass, no allocation, and nothing
 * downstream (parser, transformer, validator, pipes) ever holds a deeper value. Brackets inside
 * strings are text; multi-byte UTF-8 never contains an ASCII byte, so bytes are enough.
 */
export function assertJsonDepth(body: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // backslash: the next byte is escaped, whatever it is
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) {
        throw new BodyTooDeepError(`The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
      }
    } else if (byte === 0x7d || byte === 0x5d) {
      depth--;
    }
  }
}

/** Options of the one JSON body parser every route goes through (see app.ts). */
export const jsonBodyOptions = {
  limit: MAX_JSON_BYTES,
  verify: (_request: IncomingMessage, _response: ServerResponse, body: Buffer) => assertJsonDepth(body),
};

import { describe, expect, it } from '@jest/globals';
import { assertJsonDepth, BodyTooDeepError, MAX_JSON_DEPTH } from './json-body.js';

const nested = (depth: number, open = '[', close = ']') => Buffer.from(open.repeat(depth) + close.repeat(depth));

describe('assertJsonDepth', () => {
  it(`takes ${MAX_JSON_DEPTH} levels and refuses one more, of arrays or objects`, () => {
    expect(() => assertJsonDepth(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => assertJsonDepth(nested(MAX_JSON_DEPTH + 1))).toThrow(BodyTooDeepError);
    const objects = '{"a":'.repeat(MAX_JSON_DEPTH + 1) + '1' + '}'.repeat(MAX_JSON_DEPTH + 1);
    expect(() => assertJsonDepth(Buffer.from(objects))).toThrow(BodyTooDeepError);
  });

  it('counts depth, not brackets: many shallow siblings are fine', () => {
    expect(() => assertJsonDepth(Buffer.from(`[${'{},'.repeat(10_000)}{}]`))).not.toThrow();
  });

  it('reads brackets inside strings, escaped quotes included, as text', () => {
    const body = JSON.stringify({ a: '[[[[' + '\\"[[['.repeat(50) + '"{{{{' });
    expect(() => assertJsonDepth(Buffer.from(body))).not.toThrow();
    const escapedBackslash = Buffer.from(`["\\\\",${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}]`);
    expect(() => assertJsonDepth(escapedBackslash)).toThrow(BodyTooDeepError);
  });
});

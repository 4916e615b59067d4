// decodeMessage sits on the broker's firehose: whatever arrives, it must answer, never throw,
// and only say ok for messages that pass their schema.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createBridgeEncoder } from './encode.js';
import { buildPrinterState } from './examples.js';
import { ID_PATTERN, MACHINE_CHANNELS, machineTopic, parseTopic } from './topics.js';
import { checkMessage, decodeMessage } from './validate.js';

const P = 'fabrique/v1';
const CODES = ['TOPIC', 'TOO_LARGE', 'UTF8', 'JSON', 'SCHEMA', 'MISMATCH'];

const topic = fc.oneof(
  fc.string(),
  fc.constantFrom('fabrique/v1/service/status', 'fabrique/v1/bridges/b1/status'),
  fc
    .tuple(fc.stringMatching(ID_PATTERN), fc.constantFrom(...MACHINE_CHANNELS))
    .map(([id, channel]) => machineTopic(P, id, channel)),
  fc
    .array(fc.constantFrom('fabrique', 'v1', 'machines', 'm1', 'cmd', 'res', '+', '#', ''), {
      maxLength: 10,
    })
    .map((levels) => levels.join('/')),
);

const json = fc.jsonValue({ maxDepth: 6 }).map((v) => new TextEncoder().encode(JSON.stringify(v)));

/** Always answers with a well-formed result, and never says ok to something invalid. */
function decodesSafely(t: string, payload: Uint8Array): void {
  const result = decodeMessage(P, t, payload);
  if (!result.ok) {
    expect(CODES).toContain(result.code);
    expect(typeof result.reason).toBe('string');
  } else if (!result.cleared) {
    expect(checkMessage(result.topic, result.message)).toBeNull();
  }
}

describe('decodeMessage never throws', () => {
  it('on arbitrary bytes and topics', () => {
    fc.assert(fc.property(topic, fc.uint8Array({ maxLength: 512 }), decodesSafely), {
      numRuns: 2000,
    });
  });

  it('on arbitrary JSON on every kind of topic', () => {
    fc.assert(fc.property(topic, json, decodesSafely), { numRuns: 2000 });
  });

  it('on a valid state with one field replaced by arbitrary JSON', () => {
    const enc = createBridgeEncoder({ bridgeId: 'b1', session: 0, version: '1' });
    const base = enc.state('m1', buildPrinterState()).message as unknown as Record<string, unknown>;
    const keyPath = fc.constantFrom(
      ['v'],
      ['type'],
      ['seq'],
      ['machineId'],
      ['data', 'state'],
      ['data', 'job'],
      ['data', 'temps'],
      ['data', 'interventions'],
      ['data', '__proto__'],
      ['data', 'constructor'],
    );
    fc.assert(
      fc.property(keyPath, fc.jsonValue({ maxDepth: 4 }), (path, value) => {
        const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
        let target = copy;
        for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
        Object.defineProperty(target, path[path.length - 1], { value, enumerable: true });
        decodesSafely(machineTopic(P, 'm1', 'state'), new TextEncoder().encode(JSON.stringify(copy)));
      }),
      { numRuns: 1000 },
    );
  });

  it('on non-string topics, non-byte payloads and a bad prefix', () => {
    const odd = fc.oneof(fc.anything(), fc.string());
    fc.assert(
      fc.property(odd, odd, fc.string(), (t, payload, prefix) => {
        expect(() => decodeMessage(prefix, t as string, payload as Uint8Array)).not.toThrow();
        expect(() => decodeMessage(P, t as string, payload as Uint8Array)).not.toThrow();
        expect(() => parseTopic(prefix, t as string)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });
});

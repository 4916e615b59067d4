// The layers before the schema: topic, size, UTF-8, JSON, nesting, retained clears.
import { describe, expect, it } from '@jest/globals';
import { createBridgeEncoder } from './encode.js';
import { buildPrinterState } from './examples.js';
import { bridgeStatus, machineTopic, MAX_PAYLOAD_BYTES, serviceStatus } from './topics.js';
import { decodeMessage, type DecodeErrorCode, type DecodeFailure } from './validate.js';

const P = 'fabrique/v1';
const bridge = createBridgeEncoder({ bridgeId: 'bridge-a', session: 2, version: '1' });
const bytes = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const state = () =>
  JSON.parse(JSON.stringify(bridge.state('m1', buildPrinterState()).message)) as { data: Record<string, unknown> };

const topics = {
  state: machineTopic(P, 'm1', 'state'),
  meta: machineTopic(P, 'm1', 'meta'),
  events: machineTopic(P, 'm1', 'events'),
  bridge: bridgeStatus(P, 'bridge-a'),
  service: serviceStatus(P),
};

function rejects(topic: string, payload: Uint8Array, code: DecodeErrorCode): DecodeFailure {
  const result = decodeMessage(P, topic, payload);
  if (result.ok) throw new Error(`expected ${code}, got ok`);
  expect(result.code).toBe(code);
  return result;
}

describe('decodeMessage at the transport level', () => {
  it('refuses a payload over the cap before decoding it', () => {
    const huge = new Uint8Array(MAX_PAYLOAD_BYTES + 1).fill(0xff); // invalid UTF-8 as well
    expect(rejects(topics.state, huge, 'TOO_LARGE').reason).toMatch(/65537 bytes exceeds/);
    const exact = bytes(`"${'x'.repeat(MAX_PAYLOAD_BYTES - 2)}"`);
    expect(exact.byteLength).toBe(MAX_PAYLOAD_BYTES);
    expect(rejects(topics.state, exact, 'SCHEMA').reason).toMatch(/^payload: must be object \(got "x+…\)$/);
  });

  it.each([
    ['a stray byte', [0x7b, 0xff, 0x7d]],
    ['an overlong encoding', [0x22, 0xc0, 0xaf, 0x22]],
    ['an encoded surrogate', [0x22, 0xed, 0xa0, 0x80, 0x22]],
    ['a truncated sequence', [0x22, 0xe2, 0x82]],
  ])('refuses invalid UTF-8: %s', (_name, raw) => {
    expect(rejects(topics.state, new Uint8Array(raw), 'UTF8').reason).toBe('payload: is not valid UTF-8');
  });

  it.each(['{', '{"v":1,}', 'NaN', '{"a":1} x', "{'v':1}"])('refuses bad JSON %j', (text) => {
    expect(rejects(topics.state, bytes(text), 'JSON').reason).toMatch(/^payload: is not JSON/);
  });

  it('refuses deeply nested JSON without recursing into it', () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    expect(rejects(topics.state, bytes(deep), 'JSON').reason).toMatch(/nested deeper than 16/);
    const nested = state();
    nested.data.substate = '[[[[[[[[[[[[[[[[[[[[\\"{{{{{';
    expect(decodeMessage(P, topics.state, bytes(nested)).ok).toBe(true);
  });

  it('refuses a __proto__ key without polluting any prototype', () => {
    const text = JSON.stringify(state()).replace('{"v":1', '{"__proto__":{"polluted":true},"v":1');
    expect(rejects(topics.state, bytes(text), 'SCHEMA').reason).toMatch(/^__proto__: is not allowed/);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('treats an empty payload as a retained clear only on retained topics', () => {
    for (const topic of [topics.state, topics.meta, topics.bridge, topics.service]) {
      expect(decodeMessage(P, topic, new Uint8Array())).toMatchObject({ ok: true, cleared: true });
    }
    expect(rejects(topics.events, new Uint8Array(), 'JSON').reason).toMatch(/not a retained topic/);
  });

  it.each([
    ['another prefix', 'other/v1/machines/m1/state', /not under fabrique\/v1/],
    ['a wildcard', 'fabrique/v1/machines/+/state', /machineId is invalid/],
    ['a bad bridge id', 'fabrique/v1/bridges/B!/status', /bridgeId is invalid/],
    ['an unknown channel', 'fabrique/v1/machines/m1/config', /unknown machine channel/],
  ])('refuses a topic with %s', (_name, topic, reason) => {
    const failure = rejects(topic, bytes(state()), 'TOPIC');
    expect(failure.reason).toMatch(reason);
    expect(failure.topic).toBeNull();
  });

  it('reports the parsed topic with a failure, to count failures per machine', () => {
    expect(rejects(topics.state, bytes('{'), 'JSON').topic).toEqual({
      kind: 'machine',
      machineId: 'm1',
      channel: 'state',
    });
  });

  it('accepts a Node Buffer and refuses a payload that is not bytes', () => {
    expect(decodeMessage(P, topics.state, Buffer.from(JSON.stringify(state()))).ok).toBe(true);
    expect(rejects(topics.state, 'text' as never, 'JSON').reason).toBe('payload: must be bytes');
    expect(rejects(topics.state, null as never, 'JSON').reason).toBe('payload: must be bytes');
  });
});

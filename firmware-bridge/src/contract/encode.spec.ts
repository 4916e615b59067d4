import { describe, expect, it } from '@jest/globals';
import {
  clearRetained,
  createBridgeEncoder,
  createServiceEncoder,
  encodeMessage,
  type EncodedMessage,
} from './encode.js';
import { ContractError } from './errors.js';
import {
  buildAvailability,
  buildCommandResult,
  buildEmbroideryState,
  buildIntervention,
  buildMeta,
  buildPrinterState,
  buildTelemetry,
  exampleCommands,
  exampleEvents,
} from './examples.js';
import { MAX_PAYLOAD_BYTES } from './topics.js';
import { decodeMessage } from './validate.js';
import { COMMAND_NAMES, EVENT_TYPES } from './vocabulary.js';

const P = 'fabrique/v1';
const now = () => new Date('2025-03-01T12:00:00.000Z');
const bridge = createBridgeEncoder({ bridgeId: 'bridge-a', session: 4, version: '0.3.1', now });
const service = createServiceEncoder({ session: 9, version: '1.0.0', now });

function roundTrip(out: EncodedMessage) {
  const decoded = decodeMessage(P, out.topic, out.payload);
  if (!decoded.ok) throw new Error(`${decoded.code}: ${decoded.reason}`);
  expect(decoded.cleared).toBe(false);
  if (decoded.cleared) return;
  expect(decoded.message).toEqual(out.message);
  return decoded;
}

describe('every payload kind round-trips: encode → bytes → decodeMessage → equal', () => {
  it('service status (and its last will)', () => {
    const online = service.status('online');
    expect(online).toMatchObject({ topic: 'fabrique/v1/service/status', qos: 1, retain: true });
    expect(roundTrip(online)?.channel).toBe('service-status');
    roundTrip(service.status('offline'));
  });

  it('bridge status (and its last will)', () => {
    const will = bridge.status('offline', ['p1s-1']);
    expect(will).toMatchObject({ topic: 'fabrique/v1/bridges/bridge-a/status', retain: true });
    expect(will.message.data).toEqual({
      state: 'offline',
      session: 4,
      version: '0.3.1',
      machines: ['p1s-1'],
    });
    expect(roundTrip(will)?.topic).toEqual({ kind: 'bridge-status', bridgeId: 'bridge-a' });
  });

  it('meta, availability, state, telemetry', () => {
    expect(roundTrip(bridge.meta('p1s-1', buildMeta()))?.channel).toBe('meta');
    roundTrip(bridge.availability('p1s-1', buildAvailability()));
    roundTrip(bridge.state('p1s-1', buildPrinterState()));
    roundTrip(bridge.state('pp1', buildEmbroideryState()));
    const telemetry = bridge.telemetry('p1s-1', buildTelemetry());
    expect(telemetry).toMatchObject({ qos: 0, retain: false });
    roundTrip(telemetry);
  });

  it.each(EVENT_TYPES)('event %s', (type) => {
    const out = bridge.event('p1s-1', type, exampleEvents[type]);
    expect(out).toMatchObject({ topic: 'fabrique/v1/machines/p1s-1/events', qos: 1, retain: false });
    expect(roundTrip(out)?.message.type).toBe(type);
  });

  it.each(COMMAND_NAMES)('command %s', (name) => {
    const out = service.command('bridge-a', 'p1s-1', exampleCommands[name]);
    expect(out).toMatchObject({ topic: 'fabrique/v1/machines/p1s-1/cmd', qos: 1, retain: false });
    expect(out.message).toMatchObject({ bridgeId: 'bridge-a', session: 9 });
    roundTrip(out);
  });

  it('command result', () => {
    const out = bridge.commandResult('p1s-1', buildCommandResult());
    expect(out.topic).toBe('fabrique/v1/machines/p1s-1/cmd/res');
    roundTrip(out);
  });

  it('a retained clear decodes as cleared', () => {
    const out = bridge.clear('p1s-1', 'state');
    expect(out).toEqual({
      topic: 'fabrique/v1/machines/p1s-1/state',
      payload: new Uint8Array(0),
      qos: 1,
      retain: true,
    });
    expect(decodeMessage(P, out.topic, out.payload)).toEqual({
      ok: true,
      cleared: true,
      channel: 'state',
      topic: { kind: 'machine', machineId: 'p1s-1', channel: 'state' },
    });
    expect(service.clearBridgeStatus('bridge-a').topic).toBe('fabrique/v1/bridges/bridge-a/status');
  });

  it('narrows the message by channel', () => {
    const decoded = decodeMessage(P, ...pair(bridge.state('p1s-1', buildPrinterState())));
    if (!decoded.ok || decoded.cleared) throw new Error('expected a message');
    switch (decoded.channel) {
      case 'state':
        expect(decoded.message.data.job?.layer?.total).toBe(200);
        break;
      default:
        throw new Error(`unexpected channel ${decoded.channel}`);
    }
  });
});

const pair = (out: EncodedMessage): [string, Uint8Array] => [out.topic, out.payload];

describe('envelopes', () => {
  it('count seq from 0 per topic within a session', () => {
    const enc = createBridgeEncoder({ bridgeId: 'b', session: 1, version: '1', now });
    const seqs = [
      enc.state('m1', buildPrinterState()),
      enc.state('m1', buildPrinterState()),
      enc.state('m2', buildPrinterState()),
      enc.event('m1', 'job.resumed', { jobId: null }),
      enc.state('m1', buildPrinterState()),
    ].map((o) => o.message.seq);
    expect(seqs).toEqual([0, 1, 0, 0, 2]);
  });

  it('carry a fresh UUIDv7 msgId, the session and a UTC timestamp', () => {
    const a = bridge.state('p1s-1', buildPrinterState()).message;
    const b = bridge.state('p1s-1', buildPrinterState()).message;
    expect(a.msgId).not.toBe(b.msgId);
    expect(a).toMatchObject({ v: 1, session: 4, ts: '2025-03-01T12:00:00.000Z' });
  });
});

describe('encoders refuse what the receiver would reject', () => {
  it('an invalid snapshot, naming the field', () => {
    const bad = { ...buildPrinterState(), state: 'maintenance' } as never;
    expect(() => bridge.state('p1s-1', bad)).toThrow(/machine\.state: data\.state: must be one of/);
  });

  it('a bad machine id', () => {
    expect(() => bridge.state('P1S', buildPrinterState())).toThrow(ContractError);
  });

  it('an unknown event type', () => {
    expect(() => bridge.event('m1', 'job.exploded' as never, {} as never)).toThrow(ContractError);
  });

  it('a payload over the size cap', () => {
    const big = buildIntervention({ message: 'x'.repeat(512) });
    const state = buildPrinterState({ interventions: Array.from({ length: 32 }, () => big) });
    const materials = Array.from({ length: 32 }, (_, i) => ({
      slot: `s${i}`,
      kind: 'filament' as const,
      name: 'n'.repeat(256),
      loaded: false,
    }));
    const huge = { ...state, materials };
    const meta = { ...buildMeta(), vendor: 'v' };
    expect(JSON.stringify(huge).length).toBeLessThan(MAX_PAYLOAD_BYTES);
    expect(() => bridge.state('m1', huge)).not.toThrow();
    const overs = encodeMessage.bind(null, P);
    const msg = { ...bridge.meta('m1', meta).message };
    msg.data = {
      ...meta,
      capabilities: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, Array(64).fill('y'.repeat(64))])),
    };
    expect(() => overs(msg)).toThrow(/exceeds the 65536-byte cap/);
  });

  it('clearing a topic that is not retained', () => {
    expect(() => clearRetained(P, { kind: 'machine', machineId: 'm1', channel: 'events' })).toThrow(/not retained/);
  });
});

import {
  createBridgeEncoder,
  createServiceEncoder,
  MAX_PAYLOAD_BYTES,
  uuidv7,
  type Command,
} from '@fabrique/firmware-bridge';
import type { IngestionOutcome } from '../../src/bridge/ingestion-stats.js';

/** One MQTT message for ingestion, and the outcome it must get (none for random bytes). */
export interface FuzzCase {
  topic: string;
  payload: Buffer;
  expect?: IngestionOutcome;
}

export interface FuzzWorld {
  prefix: string;
  /** A bridge with live credentials, connected with `session`, covering `machines`. */
  bridgeId: string;
  session: number;
  machines: [string, string];
  /** A known machine the bridge does not cover. */
  otherMachine: string;
  /** A known bridge that is not `bridgeId`. */
  otherBridge: string;
}

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = Record<string, unknown>;
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const clone = (value: Json): Json => JSON.parse(JSON.stringify(value)) as Json;

/**
 * Builds hostile input for the service's ingestion: every decoder layer (topic, size, UTF-8,
 * JSON, schema, addressing) and every rule after it (unknown machines and bridges, machines a
 * bridge does not cover, stale sessions, replays), plus plain random bytes.
 */
export function fuzzCases(
  world: FuzzWorld,
  random: () => number,
  /** `seq` of the state message replayed over and over; above any earlier run's against the same service. */
  replaySeq: number,
): (index: number) => FuzzCase {
  const { prefix: P, bridgeId, session, machines, otherMachine, otherBridge } = world;
  const [m1, m2] = machines;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const int = (max: number) => Math.floor(random() * max);
  const topic = (machineId: string, channel: string) => `${P}/machines/${machineId}/${channel}`;
  const enc = createBridgeEncoder({ prefix: P, bridgeId, session, version: 'fuzz' });
  const state = enc.state(m1, { state: 'idle', interventions: [] }).message as unknown as Json;
  const telemetry = enc.telemetry(m1, { progressPct: 1 }).message as unknown as Json;
  const event = enc.event(m1, 'job.resumed', { jobId: 'job-1' }).message as unknown as Json;
  const status = enc.status('online', machines).message as unknown as Json;
  const service = createServiceEncoder({ prefix: P, session: 1, version: 'fuzz' });
  const resync: Command = {
    command: 'resync',
    commandId: 'c-1',
    issuedAt: '2026-01-01T00:00:00Z',
    expiresAt: '2026-01-01T00:01:00Z',
    params: {},
  };
  const huge = [Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20), Buffer.alloc(1024 * 1024, 0xff)];
  const replayed = bytes({ ...state, machineId: m2, msgId: uuidv7(), seq: replaySeq });
  let replays = 0;

  // Random bytes are cut from two seeded pools (any byte / printable ASCII): views, not copies.
  const pool = (from: number, span: number) => {
    const buffer = Buffer.allocUnsafe(1 << 16);
    for (let i = 0; i < buffer.length; i++) buffer[i] = from + int(span);
    return buffer;
  };
  const pools = { any: pool(0, 256), printable: pool(32, 95) };
  const randomBytes = (length: number, kind: keyof typeof pools = 'any') => {
    const start = int(pools[kind].length - length);
    return pools[kind].subarray(start, start + length);
  };
  const randomText = (length: number) => randomBytes(length, 'printable').toString('latin1');
  // Payloads that do not vary are built once: the fuzzer should spend its time in the service.
  const constant = {
    mismatchMachine: bytes({ ...state, machineId: m2 }),
    stateOnEvents: bytes(state),
    mismatchBridge: bytes({ ...status, bridgeId: otherBridge }),
    mismatchSession: bytes({ ...status, data: { ...(status.data as Json), session: session + 1 } }),
    otherMachine: bytes({ ...state, machineId: otherMachine }),
    serviceStatus: Buffer.from(service.status('online').payload),
    command: Buffer.from(service.command(bridgeId, m1, resync).payload),
    telemetry: bytes({ ...telemetry, machineId: m2 }),
    validState: bytes(state),
  };
  const ghostTelemetry = JSON.stringify({ ...telemetry, machineId: '@ID@' });
  const ghostEvent = JSON.stringify({ ...event, bridgeId: '@ID@' });
  const ghostStatus = JSON.stringify({ ...status, bridgeId: '@ID@' });
  const staleTelemetry = JSON.stringify({ ...telemetry, session: '@SESSION@' }).replace('"@SESSION@"', '@SESSION@');
  const withId = (template: string, id: string) => Buffer.from(template.replace('@ID@', id));
  const randomJson = (depth: number): unknown => {
    const kind = int(depth > 4 ? 4 : 6);
    if (kind === 0) return random() * 1e6 - 5e5;
    if (kind === 1) return randomText(int(12));
    if (kind === 2) return pick([true, false, null]);
    if (kind === 3) return int(1e9);
    if (kind === 4) return Array.from({ length: int(4) }, () => randomJson(depth + 1));
    return Object.fromEntries(Array.from({ length: int(4) }, () => [randomText(1 + int(6)), randomJson(depth + 1)]));
  };

  const builders: Array<() => FuzzCase> = [
    // TOPIC: not one of the contract's topics, checked before any byte of the payload.
    () => ({
      topic: pick([
        `other/v1/machines/${m1}/state`,
        `${P}/machines/+/state`,
        `${P}/machines/#`,
        `${P}/machines/${m1}/config`,
        `${P}/machines/${m1}/state/a/b/c/d`,
        `${P}/bridges/UPPER/status`,
        `${P}/service/other`,
        '',
        `${P}/${'x'.repeat(700)}`,
        `$SYS/broker/load`,
        `${P}/machines/${'a'.repeat(65)}/state`,
        `${P}/machines/m1\u0000/state`,
        randomText(1 + int(40)),
      ]),
      payload: constant.validState,
      expect: 'TOPIC',
    }),
    // TOO_LARGE: refused before decoding, however invalid the bytes.
    () => ({ topic: topic(pick(machines), pick(['state', 'events'])), payload: pick(huge), expect: 'TOO_LARGE' }),
    // UTF8
    () => ({
      topic: topic(pick(machines), pick(['state', 'events', 'telemetry'])),
      payload: Buffer.concat([
        Buffer.from('{"v":'),
        Buffer.from(pick([[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82]])),
        randomBytes(int(50), 'printable'),
      ]),
      expect: 'UTF8',
    }),
    // JSON: truncated, too deep, or empty on a topic that is not retained.
    () => {
      const choice = int(3);
      if (choice === 0) {
        const text = JSON.stringify(state);
        return { topic: topic(m1, 'state'), payload: bytes(text.slice(0, 1 + int(text.length - 1))), expect: 'JSON' };
      }
      if (choice === 1) {
        const depth = 17 + int(5_000);
        return { topic: topic(m1, 'events'), payload: bytes('['.repeat(depth) + ']'.repeat(depth)), expect: 'JSON' };
      }
      return { topic: topic(m2, pick(['events', 'telemetry', 'cmd/res'])), payload: Buffer.alloc(0), expect: 'JSON' };
    },
    // SCHEMA: well-formed JSON, wrong shape or types.
    () => {
      const value = clone(state);
      const mutation = int(9);
      if (mutation === 0) value.v = pick([0, 2, '1', null]);
      else if (mutation === 1) value.seq = pick([-1, 1.5, 'x', 2 ** 60]);
      else if (mutation === 2) value.session = pick(['x', -3, null, {}]);
      else if (mutation === 3) (value.data as Json).state = pick(['exploded', 'maintenance', 42]);
      else if (mutation === 4) value.msgId = pick(['nope', '', 'x'.repeat(100)]);
      else if (mutation === 5) value.extra = randomJson(0);
      else if (mutation === 6) delete value.data;
      else if (mutation === 7) {
        // A JSON value that is not an object (a string, a number, true, null).
        return { topic: topic(m1, 'state'), payload: Buffer.from(JSON.stringify(randomJson(5))), expect: 'SCHEMA' };
      } else {
        const text = JSON.stringify(value).replace('{"v":1', '{"__proto__":{"polluted":true},"v":1');
        return { topic: topic(m1, 'state'), payload: bytes(text), expect: 'SCHEMA' };
      }
      return { topic: topic(m1, 'state'), payload: bytes(value), expect: 'SCHEMA' };
    },
    // MISMATCH: valid envelopes addressed to something else than their topic.
    () =>
      pick([
        { topic: topic(m1, 'state'), payload: constant.mismatchMachine, expect: 'MISMATCH' as const },
        { topic: topic(m1, 'events'), payload: constant.stateOnEvents, expect: 'MISMATCH' as const },
        { topic: `${P}/bridges/${bridgeId}/status`, payload: constant.mismatchBridge, expect: 'MISMATCH' as const },
        { topic: `${P}/bridges/${bridgeId}/status`, payload: constant.mismatchSession, expect: 'MISMATCH' as const },
      ]),
    // UNKNOWN_MACHINE: well-formed, about a machine the registry does not hold (ids vary widely).
    () => {
      const ghost = `ghost-${int(1_000_000)}`;
      if (random() < 0.1) return { topic: topic(ghost, 'state'), payload: Buffer.alloc(0), expect: 'UNKNOWN_MACHINE' };
      return {
        topic: topic(ghost, 'telemetry'),
        payload: withId(ghostTelemetry, ghost),
        expect: 'UNKNOWN_MACHINE',
      };
    },
    // NOT_ITS_MACHINE: a known machine the sending bridge's credentials do not cover.
    () =>
      random() < 0.5
        ? {
            topic: topic(otherMachine, 'state'),
            payload: constant.otherMachine,
            expect: 'NOT_ITS_MACHINE',
          }
        : {
            topic: topic(m1, 'events'),
            payload: withId(ghostEvent, `ghost-${int(1_000_000)}`),
            expect: 'NOT_ITS_MACHINE',
          },
    // UNKNOWN_BRIDGE
    () => {
      const ghost = `ghost-${int(1_000_000)}`;
      return {
        topic: `${P}/bridges/${ghost}/status`,
        payload: withId(ghostStatus, ghost),
        expect: 'UNKNOWN_BRIDGE',
      };
    },
    // STALE_SESSION: the right bridge, an older connection.
    () => {
      const old = int(session);
      return {
        topic: topic(m1, 'telemetry'),
        payload: Buffer.from(staleTelemetry.replace('@SESSION@', String(old))),
        expect: 'STALE_SESSION',
      };
    },
    // IGNORED: the service's own messages.
    () =>
      random() < 0.5
        ? { topic: `${P}/service/status`, payload: Buffer.from(service.status('online').payload), expect: 'IGNORED' }
        : {
            topic: topic(m1, 'cmd'),
            payload: constant.command,
            expect: 'IGNORED',
          },
    // ACCEPTED telemetry, then DUPLICATE replays of one state message.
    () => ({ topic: topic(m2, 'telemetry'), payload: constant.telemetry, expect: 'ACCEPTED' }),
    () => ({ topic: topic(m2, 'state'), payload: replayed, expect: replays++ === 0 ? 'ACCEPTED' : 'DUPLICATE' }),
    // Anything: random bytes on a plausible topic.
    () => ({
      topic: topic(pick(machines), pick(['state', 'events', 'telemetry', 'meta', 'availability', 'cmd/res'])),
      payload: randomBytes(1 + int(300)),
    }),
  ];

  return (index) => builders[index % builders.length]();
}

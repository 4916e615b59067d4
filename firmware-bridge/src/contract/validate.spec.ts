import { describe, expect, it } from '@jest/globals';
import { createBridgeEncoder, createServiceEncoder } from './encode.js';
import { buildCommandResult, buildMeta, buildPrinterState, exampleCommands, exampleEvents } from './examples.js';
import { bridgeStatus, machineTopic, serviceStatus } from './topics.js';
import { decodeMessage, type DecodeErrorCode, type DecodeFailure } from './validate.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const P = 'fabrique/v1';
const now = () => new Date('2025-03-01T12:00:00.000Z');
const bridge = createBridgeEncoder({ bridgeId: 'bridge-a', session: 2, version: '1', now });
const service = createServiceEncoder({ session: 5, version: '1', now });
const clone = <T>(v: T): Json => JSON.parse(JSON.stringify(v)) as Json;
const bytes = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

const topics = {
  state: machineTopic(P, 'm1', 'state'),
  meta: machineTopic(P, 'm1', 'meta'),
  events: machineTopic(P, 'm1', 'events'),
  cmd: machineTopic(P, 'm1', 'cmd'),
  res: machineTopic(P, 'm1', 'cmd/res'),
  bridge: bridgeStatus(P, 'bridge-a'),
  service: serviceStatus(P),
};
const samples = {
  state: () => clone(bridge.state('m1', buildPrinterState()).message),
  meta: () => clone(bridge.meta('m1', buildMeta()).message),
  events: () => clone(bridge.event('m1', 'job.finished', exampleEvents['job.finished']).message),
  cmd: () => clone(service.command('bridge-a', 'm1', exampleCommands.start_job).message),
  res: () => clone(bridge.commandResult('m1', buildCommandResult()).message),
  bridge: () => clone(bridge.status('online', ['m1']).message),
  service: () => clone(service.status('online').message),
};

function rejects(topic: string, payload: Uint8Array, code: DecodeErrorCode): DecodeFailure {
  const result = decodeMessage(P, topic, payload);
  if (result.ok) throw new Error(`expected ${code}, got ok`);
  expect(result.code).toBe(code);
  return result;
}

/** Mutates a valid sample in place, or replaces it outright. */
type Mutation = ((m: Json) => unknown) | { replace: () => unknown };
type Case = [string, keyof typeof topics, Mutation, DecodeErrorCode, RegExp];

const cases: Case[] = [
  [
    'an unknown state',
    'state',
    (m) => (m.data.state = 'melting'),
    'SCHEMA',
    /^data\.state: must be one of unknown, offline, .*\(got "melting"\)$/,
  ],
  [
    'maintenance from a bridge',
    'state',
    (m) => (m.data.state = 'maintenance'),
    'SCHEMA',
    /^data\.state: must be one of .*maintenance is set by the service/,
  ],
  ['a missing field', 'state', (m) => delete m.data.interventions, 'SCHEMA', /^data\.interventions: is required$/],
  ['a missing envelope field', 'state', (m) => delete m.msgId, 'SCHEMA', /^msgId: is required$/],
  ['a number as a string', 'state', (m) => (m.seq = '5'), 'SCHEMA', /^seq: must be integer \(got "5"\)$/],
  ['a fractional seq', 'state', (m) => (m.seq = 1.5), 'SCHEMA', /^seq: must be integer/],
  ['a negative session', 'state', (m) => (m.session = -1), 'SCHEMA', /^session: must be >= 0/],
  ['another contract version', 'state', (m) => (m.v = 2), 'SCHEMA', /^v: must be 1 \(got 2\)$/],
  ['an unknown envelope property', 'state', (m) => (m.extra = 1), 'SCHEMA', /^extra: is not allowed/],
  ['an unknown data property', 'state', (m) => (m.data.colour = 'red'), 'SCHEMA', /^data\.colour: is not allowed/],
  [
    'a pause reason while running',
    'state',
    (m) => (m.data.state = 'running'),
    'SCHEMA',
    /^data\.pauseReason: must not be present/,
  ],
  [
    'layers and stitches at once',
    'state',
    (m) => (m.data.job.stitch = { current: 1, total: 2, colorBlock: 1, colorBlocks: 1 }),
    'SCHEMA',
    /^data\.job\.stitch: must not be present/,
  ],
  [
    'an unknown intervention kind',
    'state',
    (m) => (m.data.interventions[0].kind = 'fire'),
    'SCHEMA',
    /^data\.interventions\[0\]\.kind: must be one of clear_build_area/,
  ],
  [
    'an unknown intervention action',
    'state',
    (m) => m.data.interventions[0].actions.push('reboot'),
    'SCHEMA',
    /^data\.interventions\[0\]\.actions\[3\]: must be one of/,
  ],
  [
    'too many interventions',
    'state',
    (m) => (m.data.interventions = Array(33).fill(m.data.interventions[0])),
    'SCHEMA',
    /^data\.interventions: must NOT have more than 32 items/,
  ],
  [
    'an overlong message',
    'state',
    (m) => (m.data.interventions[0].message = 'x'.repeat(513)),
    'SCHEMA',
    /^data\.interventions\[0\]\.message: must NOT have more than 512 characters/,
  ],
  [
    'progress over 100 %',
    'state',
    (m) => (m.data.job.progressPct = 101),
    'SCHEMA',
    /^data\.job\.progressPct: must be <= 100/,
  ],
  ['a ts that is not ISO-8601', 'state', (m) => (m.ts = 'yesterday'), 'SCHEMA', /^ts: must match format "date-time"/],
  [
    'an impossible date',
    'state',
    (m) => (m.ts = '2025-02-29T12:00:00Z'),
    'SCHEMA',
    /^ts: must match format "date-time"/,
  ],
  ['a ts without zone', 'state', (m) => (m.ts = '2025-03-01T12:00:00'), 'SCHEMA', /^ts: must match format/],
  ['a bad msgId', 'state', (m) => (m.msgId = 'msg-1'), 'SCHEMA', /^msgId: must match pattern/],
  ['a bad bridgeId', 'state', (m) => (m.bridgeId = 'Bridge A'), 'SCHEMA', /^bridgeId: must match pattern/],
  ['a missing machineId', 'state', (m) => delete m.machineId, 'SCHEMA', /^machineId: is required$/],
  [
    'another machine in the envelope',
    'state',
    (m) => (m.machineId = 'm2'),
    'MISMATCH',
    /^machineId: "m2" does not match the topic's "m1"$/,
  ],
  [
    'a __proto__ heater',
    'state',
    (m) => Object.defineProperty(m.data.temps, '__proto__', { value: { current: 1, target: null }, enumerable: true }),
    'SCHEMA',
    /^data\.temps: property name "__proto__" must match pattern/,
  ],
  ['a root that is an array', 'state', { replace: () => [1] }, 'SCHEMA', /^payload: must be object/],
  [
    'a state on the meta topic',
    'meta',
    { replace: samples.state },
    'MISMATCH',
    /^type: "machine\.state" does not belong on meta$/,
  ],
  [
    'a __proto__ capability',
    'meta',
    (m) => Object.defineProperty(m.data.capabilities, '__proto__', { value: true, enumerable: true }),
    'SCHEMA',
    /^data\.capabilities: property name "__proto__"/,
  ],
  [
    'an unknown event',
    'events',
    (m) => (m.type = 'job.exploded'),
    'SCHEMA',
    /^type: must be one of job\.accepted, transfer\.progress/,
  ],
  [
    'an event named like an Object member',
    'events',
    (m) => (m.type = 'constructor'),
    'SCHEMA',
    /^type: must be one of/,
  ],
  [
    'an unknown outcome',
    'events',
    (m) => (m.data.outcome = 'exploded'),
    'SCHEMA',
    /^data\.outcome: must be one of completed, failed, cancelled, lost/,
  ],
  [
    'material used as a string',
    'events',
    (m) => (m.data.materialUsed[0].amount = '31'),
    'SCHEMA',
    /^data\.materialUsed\[0\]\.amount: must be number/,
  ],
  [
    'a command on the events topic',
    'events',
    { replace: samples.cmd },
    'MISMATCH',
    /^type: "command" does not belong on events/,
  ],
  [
    'an unknown command',
    'cmd',
    (m) => (m.data.command = 'self_destruct'),
    'SCHEMA',
    /^data\.command: must be one of start_job, pause/,
  ],
  ['start_job without jobId', 'cmd', (m) => delete m.data.jobId, 'SCHEMA', /^data\.jobId: is required$/],
  ['a bad sha256', 'cmd', (m) => (m.data.params.sha256 = 'ABC'), 'SCHEMA', /^data\.params\.sha256: must match pattern/],
  ['an ftp url', 'cmd', (m) => (m.data.params.url = 'ftp://x/y'), 'SCHEMA', /^data\.params\.url: must match pattern/],
  ['a zero-byte file', 'cmd', (m) => (m.data.params.bytes = 0), 'SCHEMA', /^data\.params\.bytes: must be >= 1/],
  [
    'an expected maintenance state',
    'cmd',
    (m) => (m.data.expectState = ['maintenance']),
    'SCHEMA',
    /^data\.expectState\[0\]: must be one of/,
  ],
  [
    'params on pause',
    'cmd',
    (m) => Object.assign(m.data, { command: 'pause', params: { force: true } }),
    'SCHEMA',
    /^data\.params\.force: is not allowed/,
  ],
  ['an error result without error', 'res', (m) => delete m.data.error, 'SCHEMA', /^data\.error: is required$/],
  [
    'an ok result with an error',
    'res',
    (m) => Object.assign(m.data, { status: 'ok', stage: 'completed' }),
    'SCHEMA',
    /^data\.error: must not be present/,
  ],
  [
    'a rejection that is ok',
    'res',
    (m) => Object.assign(m.data, { status: 'ok', stage: 'rejected', error: undefined }),
    'SCHEMA',
    /^data\.status: must be one of error \(got "ok"\)$/,
  ],
  [
    'an unknown error code',
    'res',
    (m) => (m.data.error.code = 'OOPS'),
    'SCHEMA',
    /^data\.error\.code: must be one of PRECONDITION_FAILED/,
  ],
  [
    'another bridge in the status',
    'bridge',
    (m) => (m.bridgeId = 'bridge-b'),
    'MISMATCH',
    /^bridgeId: "bridge-b" does not match/,
  ],
  ['a machineId in a bridge status', 'bridge', (m) => (m.machineId = 'm1'), 'SCHEMA', /^machineId: is not allowed/],
  [
    'a status session that differs',
    'bridge',
    (m) => (m.data.session = 1),
    'MISMATCH',
    /^data\.session: must equal the envelope session$/,
  ],
  [
    'a bridgeId in the service status',
    'service',
    (m) => (m.bridgeId = 'bridge-a'),
    'SCHEMA',
    /^bridgeId: is not allowed/,
  ],
];

describe('decodeMessage rejects an invalid payload with a reason naming the field', () => {
  it.each(cases)('%s', (_name, kind, mutate, code, reason) => {
    let value: unknown = samples[kind]();
    if (typeof mutate === 'function') mutate(value as Json);
    else value = mutate.replace();
    expect(rejects(topics[kind], bytes(value), code).reason).toMatch(reason);
  });

  it('accepts the unmutated samples', () => {
    for (const kind of Object.keys(topics) as (keyof typeof topics)[]) {
      const result = decodeMessage(P, topics[kind], bytes(samples[kind]()));
      expect(result).toMatchObject({ ok: true, cleared: false });
    }
  });
});

// Keeps types.ts and schemas.ts from drifting: a fully populated sample, typed with the
// TypeScript type, must validate against the schema of its kind (a field the schema forgot is
// rejected by `additionalProperties: false`), and the schemas must be what CONTRACT.md says.
import { describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import type { CommandEnvelope, CommandResultEnvelope } from './command-types.js';
import type { EventEnvelope } from './event-types.js';
import {
  buildAvailability,
  buildCommandResult,
  buildEmbroideryState,
  buildMeta,
  buildPrinterState,
  buildTelemetry,
  exampleCommands,
  exampleEvents,
} from './examples.js';
import { MESSAGE_SCHEMAS, type JsonSchema } from './schemas.js';
import type { ParsedTopic } from './topics.js';
import type {
  AvailabilityMessage,
  BridgeStatusMessage,
  MachineMetaMessage,
  MachineStateMessage,
  ServiceStatusMessage,
  TelemetryMessage,
} from './types.js';
import { checkMessage } from './validate.js';
import { BRIDGE_MACHINE_STATES, COMMAND_NAMES, EVENT_TYPES, MACHINE_STATES } from './vocabulary.js';

const head = {
  v: 1 as const,
  msgId: '0195518e-5c00-7abc-8def-0123456789ab',
  ts: '2025-03-01T12:00:00.000Z',
  session: 7,
  seq: 0,
};
const machine = { ...head, bridgeId: 'bridge-a', machineId: 'p1s-1' };
const on = (channel: 'meta' | 'availability' | 'state' | 'telemetry' | 'events' | 'cmd' | 'cmd/res') =>
  ({ kind: 'machine', machineId: 'p1s-1', channel }) as const;

const valid = (topic: ParsedTopic, message: unknown) => expect(checkMessage(topic, message)).toBeNull();

describe('a fully populated, typed sample validates for every payload kind', () => {
  it('service status', () => {
    const m: ServiceStatusMessage = {
      ...head,
      type: 'service.status',
      data: { state: 'online', session: 7, version: '0.1.0' },
    };
    valid({ kind: 'service-status' }, m);
  });

  it('bridge status', () => {
    const m: BridgeStatusMessage = {
      ...head,
      type: 'bridge.status',
      bridgeId: 'bridge-a',
      data: { state: 'offline', session: 7, version: '0.1.0', machines: ['p1s-1', 'pp1'] },
    };
    valid({ kind: 'bridge-status', bridgeId: 'bridge-a' }, m);
  });

  it('machine meta', () => {
    const m: MachineMetaMessage = { ...machine, type: 'machine.meta', data: buildMeta() };
    valid(on('meta'), m);
  });

  it('availability', () => {
    const m: AvailabilityMessage = {
      ...machine,
      type: 'machine.availability',
      data: buildAvailability(),
    };
    valid(on('availability'), m);
  });

  it.each([
    ['printer', buildPrinterState()],
    ['embroidery', buildEmbroideryState()],
  ])('state snapshot (%s)', (_kind, data) => {
    const m: MachineStateMessage = { ...machine, type: 'machine.state', data };
    valid(on('state'), m);
  });

  it.each(BRIDGE_MACHINE_STATES)('state snapshot in state %s', (state) => {
    const m: MachineStateMessage = {
      ...machine,
      type: 'machine.state',
      data: { state, interventions: [], job: null },
    };
    valid(on('state'), m);
  });

  it('telemetry', () => {
    const m: TelemetryMessage = { ...machine, type: 'machine.telemetry', data: buildTelemetry() };
    valid(on('telemetry'), m);
  });

  it.each(EVENT_TYPES)('event %s', (type) => {
    const m = { ...machine, type, data: exampleEvents[type] } as EventEnvelope;
    valid(on('events'), m);
  });

  it.each(COMMAND_NAMES)('command %s', (name) => {
    const m: CommandEnvelope = { ...machine, type: 'command', data: exampleCommands[name] };
    valid(on('cmd'), m);
  });

  it.each([
    buildCommandResult(),
    buildCommandResult({ status: 'accepted', stage: 'accepted', error: undefined }),
    buildCommandResult({ status: 'ok', stage: 'completed', error: undefined }),
    buildCommandResult({ status: 'ok', stage: 'duplicate', error: undefined }),
  ])('command result %#', (data) => {
    const m: CommandResultEnvelope = { ...machine, type: 'command.result', data };
    valid(on('cmd/res'), JSON.parse(JSON.stringify(m)));
  });
});

describe('the schemas', () => {
  const all: JsonSchema[] = [
    MESSAGE_SCHEMAS.serviceStatus,
    MESSAGE_SCHEMAS.bridgeStatus,
    MESSAGE_SCHEMAS.meta,
    MESSAGE_SCHEMAS.availability,
    MESSAGE_SCHEMAS.state,
    MESSAGE_SCHEMAS.telemetry,
    MESSAGE_SCHEMAS.commandResult,
    ...Object.values(MESSAGE_SCHEMAS.events),
    ...Object.values(MESSAGE_SCHEMAS.commands),
  ];

  it('are valid draft-07 documents', () => {
    const meta = new Ajv({ strict: false });
    for (const schema of all) expect(meta.validateSchema(schema)).toBe(true);
  });

  it('are closed envelopes with an integer session and seq from 0', () => {
    for (const schema of all) {
      const props = schema.properties as Record<string, JsonSchema>;
      expect(schema.additionalProperties).toBe(false);
      expect(props.session).toMatchObject({ type: 'integer', minimum: 0 });
      expect(props.seq).toMatchObject({ type: 'integer', minimum: 0 });
      expect(props.ts).toMatchObject({ format: 'date-time' });
    }
  });

  it('never let a bridge report maintenance', () => {
    const data = MESSAGE_SCHEMAS.state.properties as Record<string, JsonSchema>;
    const state = (data.data.properties as Record<string, JsonSchema>).state;
    expect(state.enum).toEqual([...BRIDGE_MACHINE_STATES]);
    expect(MACHINE_STATES).toContain('maintenance');
    expect(BRIDGE_MACHINE_STATES).not.toContain('maintenance' as never);
  });

  it('cap every string and array', () => {
    const unbounded: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const s = node as JsonSchema;
      const types = ([] as unknown[]).concat(s.type);
      const capped = 'maxLength' in s || 'enum' in s || 'const' in s;
      if (types.includes('string') && !capped) unbounded.push(path);
      if (types.includes('array') && !('maxItems' in s)) unbounded.push(path);
      for (const [k, v] of Object.entries(s)) walk(v, `${path}/${k}`);
    };
    all.forEach((schema, i) => walk(schema, `#${i}`));
    expect(unbounded).toEqual([]);
  });
});

// JSON Schemas (draft-07) of every payload of the contract, one envelope schema per message
// kind. Closed objects (`additionalProperties: false`) wherever CONTRACT.md fixes the fields; the
// open exceptions are `capabilities` (keys checked by pattern) and `temps` (keys = heater names).
import { commandResultDataSchema, commandSchemas } from './command-schemas.js';
import { eventSchemas } from './event-schemas.js';
import { RECORD_KEY_PATTERN } from './formats.js';
import {
  arrayOf,
  counter,
  counterInt,
  envelope,
  id,
  intervention,
  jobEndingFields,
  layerXorStitch,
  LIMITS,
  materials,
  nullable,
  number,
  oneOfWords,
  percent,
  seconds,
  stitchProgress,
  strictObject,
  temperatures,
  text,
  token,
  type JsonSchema,
} from './schema-parts.js';
import {
  AVAILABILITY_STATES,
  BRIDGE_MACHINE_STATES,
  COMMAND_NAMES,
  FILE_FORMATS,
  LINK_STATES,
  MACHINE_KINDS,
  MESSAGE_TYPES,
  PAUSE_REASONS,
  PAUSE_STATES,
} from './vocabulary.js';

export type { JsonSchema } from './schema-parts.js';

const constant = (value: string): JsonSchema => ({ const: value });

const serviceStatusData = strictObject(['state', 'session', 'version'], {
  state: oneOfWords(LINK_STATES),
  session: counterInt,
  version: text(LIMITS.shortText),
});

const bridgeStatusData = strictObject(['state', 'session', 'version', 'machines'], {
  state: oneOfWords(LINK_STATES),
  session: counterInt,
  version: text(LIMITS.shortText),
  machines: arrayOf(id, LIMITS.machinesPerBridge, { uniqueItems: true }),
});

const capabilityValue: JsonSchema = {
  type: ['boolean', 'number', 'string', 'array'],
  maxLength: LIMITS.name,
  maxItems: 64,
  items: text(LIMITS.shortText),
};

const metaData = strictObject(['kind', 'vendor', 'model', 'adapter', 'capabilities'], {
  kind: oneOfWords(MACHINE_KINDS),
  vendor: text(LIMITS.shortText),
  model: text(LIMITS.shortText),
  adapter: id,
  firmware: text(LIMITS.shortText),
  capabilities: {
    type: 'object',
    maxProperties: LIMITS.capabilities,
    propertyNames: { pattern: RECORD_KEY_PATTERN.source },
    properties: {
      commands: arrayOf(oneOfWords(COMMAND_NAMES), COMMAND_NAMES.length, { uniqueItems: true }),
      fileFormats: arrayOf(oneOfWords(FILE_FORMATS), FILE_FORMATS.length, { uniqueItems: true }),
      remoteStart: { type: 'boolean' },
    },
    additionalProperties: capabilityValue,
  },
});

const availabilityData = strictObject(['state'], {
  state: oneOfWords(AVAILABILITY_STATES),
  reason: text(LIMITS.message),
});

const job = strictObject(
  ['jobId', 'progressPct', 'elapsedS', 'remainingS'],
  {
    jobId: nullable(token),
    name: text(LIMITS.name),
    progressPct: percent,
    elapsedS: seconds,
    remainingS: nullable(seconds),
    layer: counter,
    stitch: stitchProgress,
  },
  layerXorStitch,
);

const nonPauseStates = BRIDGE_MACHINE_STATES.filter((s) => !(PAUSE_STATES as readonly string[]).includes(s));

const stateData = strictObject(
  ['state', 'interventions'],
  {
    // `maintenance` is not in this enum: only the service sets it.
    state: oneOfWords(BRIDGE_MACHINE_STATES),
    pauseReason: oneOfWords(PAUSE_REASONS),
    substate: text(LIMITS.shortText),
    job: nullable(job),
    interventions: arrayOf(intervention, LIMITS.interventions),
    temps: temperatures,
    materials,
    lastJobOutcome: strictObject(['jobId', 'outcome', 'endedAt'], jobEndingFields, layerXorStitch),
  },
  {
    // A pause reason outside pausing / paused would be stale data from the bridge.
    if: { required: ['state'], properties: { state: { enum: nonPauseStates } } },
    then: { properties: { pauseReason: false } },
  },
);

const telemetryData = strictObject(
  [],
  {
    temps: temperatures,
    progressPct: percent,
    elapsedS: seconds,
    remainingS: nullable(seconds),
    speedPct: number(0, 1000),
    stitchesPerMinute: number(0, 10_000),
    fanPct: percent,
    layer: counter,
    stitch: stitchProgress,
  },
  layerXorStitch,
);

/** Every envelope schema, by message kind. Events and commands have one schema per name. */
export const MESSAGE_SCHEMAS = {
  serviceStatus: envelope('service/status', constant(MESSAGE_TYPES.serviceStatus), serviceStatusData, 'service'),
  bridgeStatus: envelope('bridges/{bridgeId}/status', constant(MESSAGE_TYPES.bridgeStatus), bridgeStatusData, 'bridge'),
  meta: envelope('machines/{machineId}/meta', constant(MESSAGE_TYPES.meta), metaData, 'machine'),
  availability: envelope(
    'machines/{machineId}/availability',
    constant(MESSAGE_TYPES.availability),
    availabilityData,
    'machine',
  ),
  state: envelope('machines/{machineId}/state', constant(MESSAGE_TYPES.state), stateData, 'machine'),
  telemetry: envelope('machines/{machineId}/telemetry', constant(MESSAGE_TYPES.telemetry), telemetryData, 'machine'),
  events: eventSchemas,
  commands: commandSchemas,
  commandResult: envelope(
    'machines/{machineId}/cmd/res',
    constant(MESSAGE_TYPES.commandResult),
    commandResultDataSchema,
    'machine',
  ),
} as const;

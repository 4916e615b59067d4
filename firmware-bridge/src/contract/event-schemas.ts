// One envelope schema per event type on `machines/{machineId}/events`.
import {
  commandError,
  dateTime,
  envelope,
  integer,
  intervention,
  jobEndingFields,
  layerXorStitch,
  LIMITS,
  materials,
  nullable,
  number,
  oneOfWords,
  seconds,
  sha256,
  strictObject,
  text,
  token,
  type JsonSchema,
} from './schema-parts.js';
import {
  BRIDGE_MACHINE_STATES,
  BUILD_AREA_CLEAR_SOURCES,
  COUNTER_UNITS,
  EVENT_TYPES,
  INTERVENTION_KINDS,
  PAUSE_REASONS,
  SEVERITIES,
  type EventType,
} from './vocabulary.js';

const jobIdOrNull = nullable(token);
const bytes = integer(0, LIMITS.maxBytes);
const counterName: JsonSchema = { type: 'string', maxLength: 64, pattern: '^[a-z][a-z0-9_]*$' };

const eventData: Record<EventType, JsonSchema> = {
  'job.accepted': strictObject(['jobId', 'commandId'], { jobId: token, commandId: token }),
  'transfer.progress': strictObject(['jobId', 'bytesDone', 'bytesTotal'], {
    jobId: token,
    bytesDone: bytes,
    bytesTotal: bytes,
  }),
  'transfer.completed': strictObject(['jobId', 'bytes', 'sha256'], {
    jobId: token,
    bytes,
    sha256,
  }),
  'transfer.failed': strictObject(['jobId', 'error'], { jobId: token, error: commandError }),
  'job.started': strictObject(['jobId', 'startedAt'], {
    jobId: jobIdOrNull,
    name: text(LIMITS.name),
    startedAt: dateTime,
    estimatedS: nullable(seconds),
  }),
  'job.phase': strictObject(['jobId', 'state', 'phase'], {
    jobId: jobIdOrNull,
    state: oneOfWords(BRIDGE_MACHINE_STATES),
    phase: text(LIMITS.shortText),
  }),
  'job.paused': strictObject(['jobId', 'reason'], {
    jobId: jobIdOrNull,
    reason: oneOfWords(PAUSE_REASONS),
    interventionId: token,
  }),
  'job.resumed': strictObject(['jobId'], { jobId: jobIdOrNull }),
  'job.finished': strictObject(
    ['jobId', 'outcome', 'endedAt', 'durations', 'materialUsed'],
    jobEndingFields,
    layerXorStitch,
  ),
  'intervention.raised': strictObject(['intervention'], { intervention }),
  'intervention.cleared': strictObject(['id', 'kind'], {
    id: token,
    kind: oneOfWords(INTERVENTION_KINDS),
  }),
  'fault.raised': strictObject(['id', 'severity', 'message', 'since'], {
    id: token,
    severity: oneOfWords(SEVERITIES),
    nativeCode: text(LIMITS.shortText),
    message: text(LIMITS.message),
    since: dateTime,
  }),
  'fault.cleared': strictObject(['id'], { id: token, nativeCode: text(LIMITS.shortText) }),
  'build_area.cleared': strictObject(
    ['jobId', 'source'],
    { jobId: jobIdOrNull, source: oneOfWords(BUILD_AREA_CLEAR_SOURCES), commandId: token },
    // The command that cleared it is named exactly when the clear came from a command.
    {
      if: { required: ['source'], properties: { source: { const: 'command' } } },
      then: { required: ['commandId'] },
      else: { properties: { commandId: false } },
    },
  ),
  'materials.changed': strictObject(['materials'], { materials }),
  'maintenance.counter': strictObject(['counter', 'value', 'unit'], {
    counter: counterName,
    value: number(0, Number.MAX_SAFE_INTEGER),
    unit: oneOfWords(COUNTER_UNITS),
    threshold: nullable(number(0, Number.MAX_SAFE_INTEGER)),
    due: { type: 'boolean' },
  }),
};

export const eventSchemas = Object.fromEntries(
  EVENT_TYPES.map((type) => [
    type,
    envelope(`machines/{machineId}/events ${type}`, { const: type }, eventData[type], 'machine'),
  ]),
) as Record<EventType, JsonSchema>;

/** Used only to explain a message whose `type` is no known event. */
export const anyEventSchema = envelope(
  'machines/{machineId}/events',
  oneOfWords(EVENT_TYPES),
  { type: 'object' },
  'machine',
);

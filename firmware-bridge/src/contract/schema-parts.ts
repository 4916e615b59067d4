// Building blocks of the JSON Schemas (draft-07). Plain objects, so any JSON Schema tool can
// read the result; only `format: date-time` needs a format implementation (see formats.ts).
import {
  COLOR_PATTERN,
  HEATER_PATTERN,
  MSG_ID_PATTERN,
  SHA256_PATTERN,
  TOKEN_PATTERN,
  URL_PATTERN,
} from './formats.js';
import { ID_PATTERN } from './topics.js';
import {
  COMMAND_ERROR_CODES,
  INTERVENTION_ACTIONS,
  INTERVENTION_KINDS,
  JOB_OUTCOMES,
  MATERIAL_KINDS,
  MATERIAL_UNITS,
  SEVERITIES,
} from './vocabulary.js';

export type JsonSchema = { [keyword: string]: unknown };

/** Caps shared by schemas: every string and array is bounded. */
export const LIMITS = {
  shortText: 64,
  name: 256,
  message: 512,
  url: 2048,
  interventions: 32,
  materials: 32,
  machinesPerBridge: 256,
  heaters: 16,
  capabilities: 64,
  /** ~31 years of seconds, 1 TiB of bytes, 10^9 stitches: all above any real job. */
  maxCount: 1_000_000_000,
  maxBytes: 2 ** 40,
} as const;

export const strictObject = (
  required: readonly string[],
  properties: Record<string, JsonSchema | boolean>,
  extra: JsonSchema = {},
): JsonSchema => ({
  type: 'object',
  required: [...required],
  additionalProperties: false,
  properties,
  ...extra,
});

export const text = (maxLength: number, minLength = 1): JsonSchema => ({
  type: 'string',
  minLength,
  maxLength,
});

export const pattern = (re: RegExp, maxLength = 128): JsonSchema => ({
  type: 'string',
  maxLength,
  pattern: re.source,
});

export const oneOfWords = (words: readonly string[]): JsonSchema => ({
  type: 'string',
  enum: [...words],
});

export const integer = (minimum: number, maximum: number): JsonSchema => ({
  type: 'integer',
  minimum,
  maximum,
});

export const number = (minimum: number, maximum: number): JsonSchema => ({
  type: 'number',
  minimum,
  maximum,
});

/** `T | null` in draft-07: the constraints only apply to the non-null type. */
export const nullable = (schema: JsonSchema): JsonSchema => ({
  ...schema,
  type: [schema.type, 'null'],
});

export const arrayOf = (items: JsonSchema, maxItems: number, extra: JsonSchema = {}): JsonSchema => ({
  type: 'array',
  maxItems,
  items,
  ...extra,
});

export const id = pattern(ID_PATTERN, 64);
export const token = pattern(TOKEN_PATTERN, 64);
export const msgId = pattern(MSG_ID_PATTERN, 36);
export const sha256 = pattern(SHA256_PATTERN, 64);
export const url = pattern(URL_PATTERN, LIMITS.url);
export const dateTime: JsonSchema = { type: 'string', maxLength: 40, format: 'date-time' };
export const counterInt = integer(0, Number.MAX_SAFE_INTEGER);
export const seconds = integer(0, LIMITS.maxCount);
export const percent = number(0, 100);

export const counter = strictObject(['current', 'total'], {
  current: integer(0, LIMITS.maxCount),
  total: integer(0, LIMITS.maxCount),
});

export const stitchProgress = strictObject(['current', 'total', 'colorBlock', 'colorBlocks'], {
  current: integer(0, LIMITS.maxCount),
  total: integer(0, LIMITS.maxCount),
  colorBlock: integer(0, 10_000),
  colorBlocks: integer(0, 10_000),
});

/** A job reports layers (printers) or stitches (embroidery), never both. */
export const layerXorStitch: JsonSchema = {
  if: { required: ['layer'] },
  then: { properties: { stitch: false } },
};

export const temperatures: JsonSchema = {
  type: 'object',
  maxProperties: LIMITS.heaters,
  propertyNames: { pattern: HEATER_PATTERN.source },
  additionalProperties: strictObject(['current', 'target'], {
    current: number(-100, 2000),
    target: nullable(number(-100, 2000)),
  }),
};

export const materialSlot = strictObject(['slot', 'kind', 'loaded'], {
  slot: token,
  kind: oneOfWords(MATERIAL_KINDS),
  material: text(LIMITS.shortText),
  color: pattern(COLOR_PATTERN, 7),
  name: text(LIMITS.name),
  remainingPct: nullable(percent),
  loaded: { type: 'boolean' },
});

export const materials = arrayOf(materialSlot, LIMITS.materials);

export const intervention = strictObject(
  ['id', 'kind', 'severity', 'blocking', 'resumable', 'message', 'since', 'actions'],
  {
    id: token,
    kind: oneOfWords(INTERVENTION_KINDS),
    severity: oneOfWords(SEVERITIES),
    blocking: { type: 'boolean' },
    resumable: { type: 'boolean' },
    nativeCode: text(LIMITS.shortText),
    message: text(LIMITS.message),
    since: dateTime,
    actions: arrayOf(oneOfWords(INTERVENTION_ACTIONS), INTERVENTION_ACTIONS.length, {
      uniqueItems: true,
    }),
  },
);

export const commandError = strictObject(['code', 'message', 'retryable'], {
  code: oneOfWords(COMMAND_ERROR_CODES),
  message: text(LIMITS.message),
  retryable: { type: 'boolean' },
});

/**
 * How a job ended, with its results: the fields of `job.finished`, which the state's
 * `lastJobOutcome` repeats (all but `jobId`, `outcome` and `endedAt` optional there).
 */
export const jobEndingFields: Record<string, JsonSchema> = {
  jobId: nullable(token),
  outcome: oneOfWords(JOB_OUTCOMES),
  startedAt: dateTime,
  endedAt: dateTime,
  durations: strictObject(['totalS'], {
    totalS: seconds,
    preparingS: seconds,
    runningS: seconds,
    pausedS: seconds,
  }),
  materialUsed: arrayOf(
    strictObject(['amount', 'unit'], {
      slot: token,
      material: text(LIMITS.shortText),
      amount: number(0, LIMITS.maxCount),
      unit: oneOfWords(MATERIAL_UNITS),
    }),
    LIMITS.materials,
  ),
  layer: counter,
  stitch: stitchProgress,
  nativeCode: text(LIMITS.shortText),
  message: text(LIMITS.message),
};

export type EnvelopeSender = 'service' | 'bridge' | 'machine';

/**
 * The envelope around `data`. `sender` decides the addressing fields: the service's own
 * status has neither `bridgeId` nor `machineId`, a bridge status has `bridgeId` only, and every
 * `machines/{machineId}/…` payload has both.
 */
export function envelope(title: string, type: JsonSchema, data: JsonSchema, sender: EnvelopeSender): JsonSchema {
  const addressing: Record<string, JsonSchema> =
    sender === 'service' ? {} : sender === 'bridge' ? { bridgeId: id } : { bridgeId: id, machineId: id };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title,
    ...strictObject(['v', 'type', 'msgId', 'ts', ...Object.keys(addressing), 'session', 'seq', 'data'], {
      v: { const: 1 },
      type,
      msgId,
      ts: dateTime,
      ...addressing,
      session: counterInt,
      seq: counterInt,
      data,
    }),
  };
}

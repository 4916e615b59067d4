// Schemas of commands (one per command name) and of command results.
import {
  arrayOf,
  commandError,
  dateTime,
  envelope,
  integer,
  LIMITS,
  number,
  oneOfWords,
  seconds,
  sha256,
  strictObject,
  text,
  token,
  url,
  type JsonSchema,
} from './schema-parts.js';
import {
  BRIDGE_MACHINE_STATES,
  COMMAND_NAMES,
  COMMANDS_REQUIRING_JOB_ID,
  FILE_FORMATS,
  MESSAGE_TYPES,
  RESULT_STAGES,
  RESULT_STATUSES,
  RESYNC_REASONS,
  type CommandName,
} from './vocabulary.js';

const fileReference = {
  url,
  sha256,
  bytes: integer(1, LIMITS.maxBytes),
  format: oneOfWords(FILE_FORMATS),
  name: text(LIMITS.name),
  estimate: strictObject([], {
    durationS: seconds,
    layers: integer(1, LIMITS.maxCount),
    filamentG: number(0, LIMITS.maxCount),
    stitches: integer(1, LIMITS.maxCount),
    colorBlocks: integer(1, LIMITS.maxCount),
  }),
};
const fileRequired = ['url', 'sha256', 'bytes', 'format'];
const noParams = strictObject([], {});

const paramsSchemas: Record<CommandName, JsonSchema> = {
  start_job: strictObject(fileRequired, { ...fileReference, plate: integer(1, 64) }),
  pause: noParams,
  resume: noParams,
  cancel: noParams,
  clear_confirm: noParams,
  resync: strictObject([], { reason: oneOfWords(RESYNC_REASONS) }),
  ping: noParams,
  set_telemetry_rate: strictObject(['intervalS'], {
    intervalS: number(1, 3600),
    durationS: integer(1, 86_400),
  }),
  load_design: strictObject(fileRequired, fileReference),
  confirm_step: strictObject(['interventionId'], { interventionId: token }),
};

function commandData(command: CommandName): JsonSchema {
  const needsJob = (COMMANDS_REQUIRING_JOB_ID as readonly string[]).includes(command);
  return strictObject(['command', 'commandId', ...(needsJob ? ['jobId'] : []), 'issuedAt', 'expiresAt', 'params'], {
    command: { const: command },
    commandId: token,
    jobId: token,
    issuedAt: dateTime,
    expiresAt: dateTime,
    expectState: arrayOf(oneOfWords(BRIDGE_MACHINE_STATES), BRIDGE_MACHINE_STATES.length, {
      minItems: 1,
      uniqueItems: true,
    }),
    params: paramsSchemas[command],
  });
}

export const commandSchemas = Object.fromEntries(
  COMMAND_NAMES.map((name) => [
    name,
    envelope(`machines/{machineId}/cmd ${name}`, { const: MESSAGE_TYPES.command }, commandData(name), 'machine'),
  ]),
) as Record<CommandName, JsonSchema>;

/** Used only to explain a command whose `command` is no known name. */
export const anyCommandSchema = envelope(
  'machines/{machineId}/cmd',
  { const: MESSAGE_TYPES.command },
  { type: 'object', required: ['command'], properties: { command: oneOfWords(COMMAND_NAMES) } },
  'machine',
);

const whenField = (field: string, values: readonly string[]): JsonSchema => ({
  required: [field],
  properties: { [field]: { enum: [...values] } },
});

export const commandResultDataSchema = strictObject(
  ['commandId', 'status', 'stage'],
  {
    commandId: token,
    status: oneOfWords(RESULT_STATUSES),
    stage: oneOfWords(RESULT_STAGES),
    error: commandError,
  },
  {
    allOf: [
      {
        if: whenField('status', ['error']),
        then: { required: ['error'] },
        else: { properties: { error: false } },
      },
      { if: whenField('stage', ['accepted']), then: whenField('status', ['accepted']) },
      { if: whenField('stage', ['rejected', 'expired']), then: whenField('status', ['error']) },
      { if: whenField('stage', ['completed']), then: whenField('status', ['ok', 'error']) },
    ],
  },
);

// The schemas compiled once at module load, and ajv errors turned into one-line reasons that
// name the path and the rule (`data.state: must be one of unknown, offline, …`).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { anyCommandSchema } from './command-schemas.js';
import { anyEventSchema } from './event-schemas.js';
import { isIsoDateTime } from './formats.js';
import { MESSAGE_SCHEMAS, type JsonSchema } from './schemas.js';
import type { MachineChannel } from './topics.js';

/** Returns null when `value` is valid, otherwise the reason. Never throws. */
export type Check = (value: unknown) => string | null;

const ajv = new Ajv({
  // First error only: a reason per message is all the service logs, and it is faster.
  allErrors: false,
  strict: true,
  // `if: {required: [...]}` without a sibling `properties` is plain draft-07 and intended here.
  strictRequired: false,
  allowUnionTypes: true,
  formats: { 'date-time': isIsoDateTime },
});

function compile(schema: JsonSchema): ValidateFunction {
  return ajv.compile(schema);
}

const MAX_SHOWN_VALUE = 40;

function segmentsOf(instancePath: string): string[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function pathOf(segments: readonly string[]): string {
  let path = '';
  for (const s of segments) {
    if (/^(0|[1-9]\d*)$/.test(s)) path += `[${s}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(s)) path += path === '' ? s : `.${s}`;
    else path += `[${JSON.stringify(s)}]`;
  }
  return path === '' ? 'payload' : path;
}

function valueAt(root: unknown, segments: readonly string[]): unknown {
  let value = root;
  for (const s of segments) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, s)) return undefined;
    value = (value as Record<string, unknown>)[s];
  }
  return value;
}

function shown(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > MAX_SHOWN_VALUE ? `${json.slice(0, MAX_SHOWN_VALUE)}…` : json;
}

/** One ajv error as `path: rule`. */
export function describeError(error: ErrorObject, root: unknown): string {
  const segments = segmentsOf(error.instancePath);
  const path = pathOf(segments);
  const params = error.params as Record<string, unknown>;
  const got = () => ` (got ${shown(valueAt(root, segments))})`;
  if (error.propertyName !== undefined) {
    return `${path}: property name ${shown(error.propertyName)} ${error.message ?? 'is invalid'}`;
  }
  switch (error.keyword) {
    case 'required':
      return `${pathOf([...segments, String(params.missingProperty)])}: is required`;
    case 'additionalProperties':
      return `${pathOf([...segments, String(params.additionalProperty)])}: is not allowed (unknown property)`;
    case 'false schema':
      return `${path}: must not be present here`;
    case 'enum': {
      const allowed = params.allowedValues as unknown[];
      const value = valueAt(root, segments);
      const hint = value === 'maintenance' ? '; maintenance is set by the service, never by a bridge' : '';
      return `${path}: must be one of ${allowed.join(', ')}${got()}${hint}`;
    }
    case 'const':
      return `${path}: must be ${JSON.stringify(params.allowedValue)}${got()}`;
    case 'type':
      return `${path}: must be ${String(params.type).split(',').join(' or ')}${got()}`;
    case 'format':
    case 'minimum':
    case 'maximum':
    case 'pattern':
      return `${path}: ${error.message ?? 'is invalid'}${got()}`;
    default:
      return `${path}: ${error.message ?? 'is invalid'}`;
  }
}

function checkWith(validate: ValidateFunction): Check {
  return (value) => {
    if (validate(value)) return null;
    const first = validate.errors?.[0];
    return first === undefined ? 'payload: is invalid' : describeError(first, value);
  };
}

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;

/**
 * Events and commands have one schema per name: pick it by the discriminator, and let a schema
 * that only knows the list of names explain an unknown one. A Map, so a hostile `__proto__` or
 * `constructor` name can never resolve to an inherited property.
 */
function dispatch(
  schemas: Record<string, JsonSchema>,
  discriminator: (value: unknown) => unknown,
  explain: JsonSchema,
): Check {
  const byName = new Map(Object.entries(schemas).map(([name, s]) => [name, checkWith(compile(s))]));
  const fallback = checkWith(compile(explain));
  return (value) => {
    const name = discriminator(value);
    const check = typeof name === 'string' ? byName.get(name) : undefined;
    if (check !== undefined) return check(value);
    return fallback(value) ?? 'payload: unknown message kind';
  };
}

export const serviceStatusCheck: Check = checkWith(compile(MESSAGE_SCHEMAS.serviceStatus));
export const bridgeStatusCheck: Check = checkWith(compile(MESSAGE_SCHEMAS.bridgeStatus));

/** One check per machine channel. */
export const machineChecks: Record<MachineChannel, Check> = {
  meta: checkWith(compile(MESSAGE_SCHEMAS.meta)),
  availability: checkWith(compile(MESSAGE_SCHEMAS.availability)),
  state: checkWith(compile(MESSAGE_SCHEMAS.state)),
  telemetry: checkWith(compile(MESSAGE_SCHEMAS.telemetry)),
  events: dispatch(MESSAGE_SCHEMAS.events, (v) => field(v, 'type'), anyEventSchema),
  cmd: dispatch(MESSAGE_SCHEMAS.commands, (v) => field(field(v, 'data'), 'command'), anyCommandSchema),
  'cmd/res': checkWith(compile(MESSAGE_SCHEMAS.commandResult)),
};

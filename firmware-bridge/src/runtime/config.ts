// The bridge's YAML config, validated once at start into a frozen object. Every problem is one
// line naming the file, the key and the reason, so a typo is fixed without reading a stack trace.
// The only place the runtime reads the environment.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parse } from 'yaml';
import { bridgeClientId, DEFAULT_PREFIX, ID_PATTERN, isValidPrefix } from '../contract/index.js';
import { AdapterOptionsError, type AdapterFactory } from './adapter.js';

export const PASSWORD_ENV = 'FABRIQUE_BRIDGE_PASSWORD';

export interface MachineConfig {
  machineId: string;
  adapter: string;
  /** Adapter-specific; the adapter factory validated it at load. */
  options: unknown;
}

export interface BridgeConfig {
  bridgeId: string;
  broker: {
    url: string;
    username: string;
    /** From `FABRIQUE_BRIDGE_PASSWORD` when set, else the file; never logged. */
    password: string | undefined;
    clientId: string;
    keepaliveSeconds: number;
    reconnectSeconds: number;
  };
  topicPrefix: string;
  /** Absolute; holds the session counter and the command-result store. */
  dataDir: string;
  telemetry: { runningSeconds: number; idleSeconds: number };
  heartbeatSeconds: number;
  /** Events kept while the broker is unreachable; the oldest are dropped beyond this. */
  eventBufferSize: number;
  /** How long command results are kept for duplicate detection (CONTRACT.md: at least 24 h). */
  commandRetentionHours: number;
  machines: MachineConfig[];
  /** Directory of the config file: relative paths in adapter options start here. */
  configDir: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const positive = (maximum: number, minimum = 0.1) => ({ type: 'number', minimum, maximum });

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['bridgeId', 'broker', 'dataDir', 'machines'],
  properties: {
    bridgeId: { type: 'string', pattern: ID_PATTERN.source },
    broker: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: { type: 'string', pattern: '^(mqtts?|wss?|tcp|ssl)://[^\\s]+$' },
        username: { type: 'string', minLength: 1, maxLength: 128 },
        password: { type: 'string', minLength: 1, maxLength: 1024 },
        clientId: { type: 'string', minLength: 1, maxLength: 128 },
        keepaliveSeconds: { type: 'integer', minimum: 5, maximum: 3600 },
        reconnectSeconds: positive(600),
      },
    },
    topicPrefix: { type: 'string', minLength: 1, maxLength: 256 },
    dataDir: { type: 'string', minLength: 1 },
    telemetry: {
      type: 'object',
      additionalProperties: false,
      properties: { runningSeconds: positive(3600, 1), idleSeconds: positive(3600, 1) },
    },
    heartbeatSeconds: positive(3600, 1),
    eventBufferSize: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    commandRetentionHours: { type: 'number', minimum: 24, maximum: 24 * 365 },
    machines: {
      type: 'array',
      minItems: 1,
      maxItems: 256,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['machineId', 'adapter'],
        properties: {
          machineId: { type: 'string', pattern: ID_PATTERN.source },
          adapter: { type: 'string', minLength: 1 },
          options: { type: ['object', 'null'] },
        },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }).compile(schema);

/** `/machines/0/adapter` → `machines[0].adapter`. */
function keyOf(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('')
    .replace(/^\./, '');
}

function reasonOf(error: ErrorObject): { key: string; reason: string } {
  const at = keyOf(error.instancePath);
  const join = (k: string) => (at ? `${at}.${k}` : k);
  switch (error.keyword) {
    case 'required':
      return { key: join(String(error.params.missingProperty)), reason: 'is required' };
    case 'additionalProperties':
      return { key: join(String(error.params.additionalProperty)), reason: 'is not a known key' };
    case 'pattern':
      return { key: at, reason: `must match ${String(error.params.pattern)}` };
    default:
      return { key: at || '(top level)', reason: error.message ?? 'is invalid' };
  }
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  registry: Readonly<Record<string, AdapterFactory>>;
}

/** Reads, validates and freezes the config. Throws ConfigError with a one-line message. */
export function loadBridgeConfig(path: string, options: LoadOptions): Readonly<BridgeConfig> {
  const file = resolve(path);
  const fail = (key: string, reason: string): never => {
    throw new ConfigError(`${file}: ${key}: ${reason}`);
  };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return fail('(file)', `cannot be read (${(error as NodeJS.ErrnoException).code ?? firstLine(error)})`);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    return fail('(file)', `is not valid YAML (${firstLine(error)})`);
  }
  return parseBridgeConfig(raw, dirname(file), options, fail);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

type RawConfig = {
  bridgeId: string;
  broker: {
    url: string;
    username?: string;
    password?: string;
    clientId?: string;
    keepaliveSeconds?: number;
    reconnectSeconds?: number;
  };
  topicPrefix?: string;
  dataDir: string;
  telemetry?: { runningSeconds?: number; idleSeconds?: number };
  heartbeatSeconds?: number;
  eventBufferSize?: number;
  commandRetentionHours?: number;
  machines: { machineId: string; adapter: string; options?: unknown }[];
};

export function parseBridgeConfig(
  raw: unknown,
  configDir: string,
  { env = process.env, registry }: LoadOptions,
  fail: (key: string, reason: string) => never = (key, reason) => {
    throw new ConfigError(`${key}: ${reason}`);
  },
): Readonly<BridgeConfig> {
  if (!validate(raw)) {
    const { key, reason } = reasonOf(validate.errors![0]);
    return fail(key, reason);
  }
  const c = raw as unknown as RawConfig; // the schema above has checked this shape
  const prefix = c.topicPrefix ?? DEFAULT_PREFIX;
  if (!isValidPrefix(prefix)) fail('topicPrefix', 'must be 1-4 levels of [A-Za-z0-9_.-], not starting with $');
  const seen = new Set<string>();
  c.machines.forEach((m, i) => {
    if (seen.has(m.machineId)) fail(`machines[${i}].machineId`, `${m.machineId} is listed twice`);
    seen.add(m.machineId);
    const factory = Object.hasOwn(registry, m.adapter) ? registry[m.adapter] : undefined;
    if (!factory) return fail(`machines[${i}].adapter`, `must be one of ${Object.keys(registry).join(', ')}`);
    try {
      factory.validateOptions(m.options ?? {}, configDir);
    } catch (error) {
      if (error instanceof AdapterOptionsError) fail(`machines[${i}].options.${error.key}`, error.reason);
      throw error;
    }
  });
  const config: BridgeConfig = {
    bridgeId: c.bridgeId,
    broker: {
      url: c.broker.url,
      username: c.broker.username ?? c.bridgeId,
      password: env[PASSWORD_ENV] || c.broker.password,
      clientId: c.broker.clientId ?? bridgeClientId(c.bridgeId),
      keepaliveSeconds: c.broker.keepaliveSeconds ?? 30,
      reconnectSeconds: c.broker.reconnectSeconds ?? 2,
    },
    topicPrefix: prefix,
    dataDir: resolve(configDir, c.dataDir),
    telemetry: { runningSeconds: c.telemetry?.runningSeconds ?? 5, idleSeconds: c.telemetry?.idleSeconds ?? 30 },
    heartbeatSeconds: c.heartbeatSeconds ?? 30,
    eventBufferSize: c.eventBufferSize ?? 1000,
    commandRetentionHours: c.commandRetentionHours ?? 48,
    machines: c.machines.map((m) => ({ machineId: m.machineId, adapter: m.adapter, options: m.options ?? {} })),
    configDir,
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

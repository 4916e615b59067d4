import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { resolvePolicy, validateBookingPolicy } from '../reservations/booking.policy.js';
import { isValidTimeZone, validateSiteCalendar } from '../sites/opening-hours.rules.js';
import { MACHINE_KINDS, type AppConfig } from './app-config.js';
import { configSchema } from './config.schema.js';
import { ConfigUpgradeError, upgradeConfig } from './config.versions.js';

export const DEFAULT_CONFIG_FILE = 'config/default.yaml';

/** One line that names the file, the key and the reason, so a typo is fixed without guessing. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly key: string,
    readonly reason: string,
  ) {
    super(`Invalid configuration in ${file}: ${key || '(root)'}: ${reason}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Applied last, after the file and the environment (tests use it for ports and folders). */
  overrides?: (raw: RawConfig) => void;
}

// The YAML before validation: loosely typed on purpose, the schema is what makes it an AppConfig.
export type RawConfig = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const validateSchema = new Ajv({ allErrors: false, strict: false }).compile(configSchema);

export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const env = options.env ?? process.env;
  const file = env.FABRIQUE_CONFIG || DEFAULT_CONFIG_FILE;
  const raw = readYaml(file);
  const notices = upgrade(raw, file);
  applyEnvironment(raw, env, file);
  options.overrides?.(raw);
  if (!validateSchema(raw)) throw schemaError(file, validateSchema.errors?.[0]);
  const config = toAppConfig(raw, env, file, notices);
  checkConsistency(config, file);
  return deepFreeze(config);
}

function readYaml(file: string): RawConfig {
  const path = isAbsolute(file) ? file : resolve(process.cwd(), file);
  if (!existsSync(path)) throw new ConfigError(file, '', 'file not found');
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(file, '', `not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(file, '', 'must be a YAML mapping');
  }
  return parsed as RawConfig;
}

function upgrade(raw: RawConfig, file: string): string[] {
  try {
    return upgradeConfig(raw).map((notice) => `${file}: ${notice}`);
  } catch (error) {
    if (error instanceof ConfigUpgradeError) throw new ConfigError(file, error.key, error.reason);
    throw error;
  }
}

function applyEnvironment(raw: RawConfig, env: NodeJS.ProcessEnv, file: string): void {
  const section = (name: string): RawConfig => (raw[name] ??= {});
  const integer = (name: string, value: string): number => {
    if (!/^\d+$/.test(value)) throw new ConfigError(file, name, `environment value '${value}' is not a whole number`);
    return Number(value);
  };
  if (env.PORT) section('server').port = integer('PORT', env.PORT);
  if (env.HOST) section('server').host = env.HOST;
  if (env.PUBLIC_URL) section('server').publicUrl = env.PUBLIC_URL;
  if (env.FABRIQUE_DATA_DIR) section('data').dir = env.FABRIQUE_DATA_DIR;
  if (env.DATABASE_URL) section('database').url = env.DATABASE_URL;
  if (env.MQTT_URL) section('mqtt').url = env.MQTT_URL;
  if (env.MQTT_PORT) (section('mqtt').embedded ??= {}).port = integer('MQTT_PORT', env.MQTT_PORT);
  if (env.FABRIQUE_JWT_SECRET) section('auth').jwtSecret = env.FABRIQUE_JWT_SECRET;
  if (env.TRUST_PROXY) section('server').trustProxy = trustProxyValue(env.TRUST_PROXY);
  if (env.LOG_LEVEL) section('log').level = env.LOG_LEVEL;
  if (env.LOG_FORMAT) section('log').format = env.LOG_FORMAT;
  if (env.METRICS_TOKEN) section('metrics').token = env.METRICS_TOKEN;
  if (env.METRICS_PORT) section('metrics').port = integer('METRICS_PORT', env.METRICS_PORT);
  if (env.MQTT_DYNAMIC_SECURITY) {
    if (!/^(true|false)$/.test(env.MQTT_DYNAMIC_SECURITY)) {
      throw new ConfigError(
        file,
        'MQTT_DYNAMIC_SECURITY',
        `environment value '${env.MQTT_DYNAMIC_SECURITY}' is not true or false`,
      );
    }
    section('mqtt').dynamicSecurity = env.MQTT_DYNAMIC_SECURITY === 'true';
  }
}

/** TRUST_PROXY in Express's forms: true / false, a number of hops, or addresses and subnets. */
function trustProxyValue(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

function toAppConfig(raw: RawConfig, env: NodeJS.ProcessEnv, file: string, notices: string[]): AppConfig {
  const common = {
    connectRetries: raw.database?.connectRetries ?? 9,
    connectTimeoutMs: (raw.database?.connectTimeoutSeconds ?? 5) * 1000,
    statementTimeoutMs: (raw.database?.statementTimeoutSeconds ?? 15) * 1000,
  };
  const database: AppConfig['database'] = raw.database?.url
    ? { driver: 'postgres', url: raw.database.url, schema: raw.database.schema, ...common }
    : { driver: 'sqlite', file: raw.database?.sqliteFile ?? 'fabrique.sqlite', ...common };
  const port = raw.server.port;
  const throttle = raw.auth.throttle ?? {};
  return {
    source: file,
    notices,
    network: { name: raw.network.name },
    server: {
      port,
      host: raw.server.host ?? '0.0.0.0',
      publicUrl: raw.server.publicUrl ?? `http://localhost:${port}`,
      allowedOrigins: raw.server.allowedOrigins ?? [],
      trustProxy: raw.server.trustProxy ?? false,
    },
    log: { level: raw.log?.level ?? 'info', format: raw.log?.format ?? 'pretty' },
    metrics: { token: raw.metrics?.token, port: raw.metrics?.port, host: raw.metrics?.host ?? '127.0.0.1' },
    dataDir: raw.data.dir,
    database,
    mqtt: {
      topicPrefix: raw.mqtt.topicPrefix,
      url: raw.mqtt.url,
      embedded: {
        host: raw.mqtt.embedded.host ?? '0.0.0.0',
        port: raw.mqtt.embedded.port,
        maxKeepaliveSeconds: raw.mqtt.embedded.maxKeepaliveSeconds ?? 300,
      },
      keepaliveSeconds: raw.mqtt.keepaliveSeconds ?? 30,
      dynamicSecurity: raw.mqtt.dynamicSecurity ?? false,
      clientId: raw.mqtt.clientId ?? serviceClientId(raw.mqtt.topicPrefix),
    },
    auth: {
      jwtSecret: raw.auth.jwtSecret,
      accessTokenMinutes: raw.auth.accessTokenMinutes ?? 15,
      refreshTokenDays: raw.auth.refreshTokenDays ?? 30,
      throttle: {
        accountFailures: throttle.accountFailures ?? 5,
        ipFailures: throttle.ipFailures ?? 30,
        windowMinutes: throttle.windowMinutes ?? 15,
      },
      bootstrapAdmin: bootstrapAdmin(env, file),
    },
    trainings: raw.trainings ?? [],
    machineKinds: raw.machineKinds ?? {},
    booking: { default: raw.booking.default, kinds: raw.booking.kinds ?? {} },
    jobs: {
      maxFileBytes: Math.round((raw.jobs?.maxFileMb ?? 100) * 1024 * 1024),
      staggerSeconds: raw.jobs?.staggerSeconds ?? 20,
      marginMinutes: raw.jobs?.marginMinutes ?? 10,
      unknownEstimateMinutes: raw.jobs?.unknownEstimateMinutes ?? 120,
      dispatch: {
        answerTimeoutSeconds: raw.jobs?.dispatch?.answerTimeoutSeconds ?? 30,
        resendSeconds: raw.jobs?.dispatch?.resendSeconds ?? 3,
        attempts: raw.jobs?.dispatch?.attempts ?? 3,
        giveUpMinutes: raw.jobs?.dispatch?.giveUpMinutes ?? 10,
      },
    },
    stats: { suppressBelow: raw.stats?.suppressBelow ?? 5, grid: raw.stats?.grid ?? 'month' },
    demo: { simulatedBridges: raw.demo?.simulatedBridges ?? false, warp: raw.demo?.warp ?? 1 },
    sites: raw.sites.map((site: RawConfig) => ({
      ...site,
      closures: site.closures ?? [],
      machines: (site.machines ?? []).map((machine: RawConfig) => ({
        ...machine,
        capabilities: machine.capabilities ?? {},
      })),
    })),
  };
}

function bootstrapAdmin(env: NodeJS.ProcessEnv, file: string): AppConfig['auth']['bootstrapAdmin'] {
  const email = env.FABRIQUE_ADMIN_EMAIL;
  const password = env.FABRIQUE_ADMIN_PASSWORD;
  if (!email && !password) return undefined;
  if (!email || !password) {
    throw new ConfigError(
      file,
      'FABRIQUE_ADMIN_EMAIL',
      'set both FABRIQUE_ADMIN_EMAIL and FABRIQUE_ADMIN_PASSWORD, or neither',
    );
  }
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) {
    throw new ConfigError(file, 'FABRIQUE_ADMIN_EMAIL', 'is not an email address');
  }
  if (password.length < 12) {
    throw new ConfigError(file, 'FABRIQUE_ADMIN_PASSWORD', 'must be at least 12 characters');
  }
  return { email, password };
}

/** Rules a JSON Schema cannot say: references between sections, real time zones, unique ids. */
function checkConsistency(config: AppConfig, file: string): void {
  if (config.mqtt.dynamicSecurity && !config.mqtt.url) {
    throw new ConfigError(file, 'mqtt.dynamicSecurity', 'needs an external Mosquitto broker (set MQTT_URL)');
  }
  const trainingIds = new Set(config.trainings.map((t) => t.id));
  for (const [kind, rule] of Object.entries(config.machineKinds)) {
    if (rule?.training && !trainingIds.has(rule.training)) {
      throw new ConfigError(
        file,
        `machineKinds.${kind}.training`,
        `unknown training '${rule.training}' (declare it under trainings)`,
      );
    }
  }
  checkPolicies(config, file);
  const machineIds = new Set<string>();
  const siteIds = new Set<string>();
  config.sites.forEach((site, s) => {
    const at = `sites[${s}]`;
    if (siteIds.has(site.id)) throw new ConfigError(file, `${at}.id`, `duplicate site id '${site.id}'`);
    siteIds.add(site.id);
    if (!isValidTimeZone(site.timeZone)) {
      throw new ConfigError(file, `${at}.timeZone`, `'${site.timeZone}' is not an IANA time zone (e.g. Europe/Paris)`);
    }
    const calendar = validateSiteCalendar({
      timeZone: site.timeZone,
      weeklyHours: site.openingHours,
      closures: site.closures,
    });
    if (calendar) throw new ConfigError(file, `${at}.openingHours`, calendar);
    site.machines.forEach((machine, m) => {
      if (machineIds.has(machine.id)) {
        const reason = `duplicate machine id '${machine.id}' (machine ids are unique across the network)`;
        throw new ConfigError(file, `${at}.machines[${m}].id`, reason);
      }
      machineIds.add(machine.id);
    });
  });
}

/** Every policy a booking can end up with (network, kind, site, site kind) must make sense. */
function checkPolicies(config: AppConfig, file: string): void {
  const { default: network, kinds } = config.booking;
  const check = (key: string, policy: ReturnType<typeof resolvePolicy>) => {
    const reason = validateBookingPolicy(policy);
    if (reason) throw new ConfigError(file, key, reason);
  };
  check('booking.default', network);
  for (const kind of MACHINE_KINDS) check(`booking.kinds.${kind}`, resolvePolicy(network, kinds, undefined, kind));
  config.sites.forEach((site, s) => {
    if (!site.booking) return;
    check(`sites[${s}].booking.default`, resolvePolicy(network, {}, { default: site.booking.default }, ''));
    for (const kind of MACHINE_KINDS) {
      check(`sites[${s}].booking.kinds.${kind}`, resolvePolicy(network, kinds, site.booking, kind));
    }
  });
}

function schemaError(file: string, error: ErrorObject | undefined): ConfigError {
  if (!error) return new ConfigError(file, '', 'does not match the schema');
  const key = error.instancePath
    .split('/')
    .slice(1)
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') {
    return new ConfigError(
      file,
      key ? `${key}.${params.additionalProperty}` : String(params.additionalProperty),
      'unknown key',
    );
  }
  if (error.keyword === 'required') {
    return new ConfigError(
      file,
      key ? `${key}.${params.missingProperty}` : String(params.missingProperty),
      'is required',
    );
  }
  if (error.keyword === 'enum') {
    return new ConfigError(file, key, `must be one of ${(params.allowedValues as unknown[]).join(', ')}`);
  }
  if (error.keyword === 'propertyNames') {
    return new ConfigError(file, `${key}.${params.propertyName}`, 'is not a known name here');
  }
  return new ConfigError(file, key, error.message ?? 'is not valid');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * The same id at every start, so the broker keeps the service's session (and the events queued
 * in it) while the service is down; one per topic prefix, so services sharing a broker under
 * different prefixes never take each other's session over.
 */
export function serviceClientId(topicPrefix: string): string {
  return `fabrique-service-${createHash('sha256').update(topicPrefix).digest('hex').slice(0, 12)}`;
}

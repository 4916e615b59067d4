import { LOG_LEVELS, MACHINE_KINDS } from './app-config.js';

const id = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' };
const hhmm = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$' };
const localDate = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' };
const positiveInt = { type: 'integer', minimum: 1 };
const nonNegativeInt = { type: 'integer', minimum: 0 };

const policyProperties = {
  slotMinutes: { type: 'integer', minimum: 1, maximum: 1440 },
  minMinutes: positiveInt,
  maxMinutes: positiveInt,
  bands: {
    type: 'array',
    maxItems: 8,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'to', 'maxMinutes'],
      properties: { from: hhmm, to: hhmm, maxMinutes: positiveInt },
    },
  },
  allowRunPastClosing: { type: 'boolean' },
  horizonDays: { type: 'integer', minimum: 0, maximum: 366 },
  minNoticeMinutes: nonNegativeInt,
  maxOpenReservations: positiveInt,
  maxHoursPerDay: { type: 'number', exclusiveMinimum: 0 },
  maxHoursPerWeek: { type: 'number', exclusiveMinimum: 0 },
  bufferMinutes: nonNegativeInt,
  cancelCutoffMinutes: nonNegativeInt,
  checkInGraceMinutes: nonNegativeInt,
};
const policyOverride = { type: 'object', additionalProperties: false, properties: policyProperties };
const policy = { ...policyOverride, required: Object.keys(policyProperties) };
const policyByKind = { type: 'object', propertyNames: { enum: MACHINE_KINDS }, additionalProperties: policyOverride };

const weekday = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** JSON Schema of `config/*.yaml` (after environment overrides are applied). */
export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['network', 'server', 'data', 'database', 'mqtt', 'auth', 'booking', 'sites'],
  properties: {
    version: { type: 'integer', minimum: 1 },
    network: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: { type: 'string', minLength: 1 } },
    },
    server: {
      type: 'object',
      additionalProperties: false,
      required: ['port'],
      properties: {
        port: { type: 'integer', minimum: 0, maximum: 65535 },
        host: { type: 'string', minLength: 1 },
        publicUrl: { type: 'string', pattern: '^https?://' },
        allowedOrigins: { type: 'array', maxItems: 32, items: { type: 'string', pattern: '^https?://[^/?#]+$' } },
        // Express's forms: true/false, a number of hops, or addresses / subnets / `loopback`.
        trustProxy: { type: ['boolean', 'integer', 'string'], minimum: 0, minLength: 1 },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      properties: { level: { enum: LOG_LEVELS }, format: { enum: ['json', 'pretty'] } },
    },
    metrics: {
      type: 'object',
      additionalProperties: false,
      properties: {
        token: { type: 'string', minLength: 16 },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        host: { type: 'string', minLength: 1 },
      },
    },
    data: {
      type: 'object',
      additionalProperties: false,
      required: ['dir'],
      properties: { dir: { type: 'string', minLength: 1 } },
    },
    database: {
      type: 'object',
      additionalProperties: false,
      properties: {
        sqliteFile: { type: 'string', minLength: 1 },
        url: { type: 'string', pattern: '^postgres(ql)?://' },
        schema: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$' },
        connectRetries: { type: 'integer', minimum: 0, maximum: 100 },
        connectTimeoutSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 300 },
        statementTimeoutSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 3600 },
      },
    },
    mqtt: {
      type: 'object',
      additionalProperties: false,
      required: ['topicPrefix', 'embedded'],
      properties: {
        topicPrefix: { type: 'string', pattern: '^[a-zA-Z0-9_-]+(/[a-zA-Z0-9_-]+)*$' },
        url: { type: 'string', pattern: '^(mqtts?|wss?|tcp)://' },
        keepaliveSeconds: { type: 'integer', minimum: 1, maximum: 3600 },
        dynamicSecurity: { type: 'boolean' },
        clientId: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' },
        embedded: {
          type: 'object',
          additionalProperties: false,
          required: ['port'],
          properties: {
            host: { type: 'string', minLength: 1 },
            port: { type: 'integer', minimum: 0, maximum: 65535 },
            maxKeepaliveSeconds: { type: 'integer', minimum: 5, maximum: 3600 },
          },
        },
      },
    },
    auth: {
      type: 'object',
      additionalProperties: false,
      properties: {
        jwtSecret: { type: 'string', minLength: 32 },
        accessTokenMinutes: { type: 'integer', minimum: 1, maximum: 1440 },
        refreshTokenDays: { type: 'integer', minimum: 1, maximum: 365 },
        throttle: {
          type: 'object',
          additionalProperties: false,
          properties: {
            accountFailures: positiveInt,
            ipFailures: positiveInt,
            windowMinutes: positiveInt,
          },
        },
      },
    },
    trainings: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name'],
        properties: { id, name: { type: 'string', minLength: 1 } },
      },
    },
    machineKinds: {
      type: 'object',
      propertyNames: { enum: MACHINE_KINDS },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: { training: id },
      },
    },
    booking: {
      type: 'object',
      additionalProperties: false,
      required: ['default'],
      properties: { default: policy, kinds: policyByKind },
    },
    jobs: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxFileMb: { type: 'number', exclusiveMinimum: 0, maximum: 2048 },
        staggerSeconds: { type: 'integer', minimum: 0, maximum: 3600 },
        marginMinutes: { type: 'integer', minimum: 0, maximum: 1440 },
        unknownEstimateMinutes: { type: 'integer', minimum: 1, maximum: 10080 },
        dispatch: {
          type: 'object',
          additionalProperties: false,
          properties: {
            answerTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 3600 },
            resendSeconds: { type: 'number', minimum: 0.1, maximum: 600 },
            attempts: { type: 'integer', minimum: 1, maximum: 20 },
            giveUpMinutes: { type: 'integer', minimum: 1, maximum: 1440 },
          },
        },
      },
    },
    stats: {
      type: 'object',
      additionalProperties: false,
      properties: {
        suppressBelow: { type: 'integer', minimum: 1, maximum: 1000 },
        grid: { enum: ['month', 'week'] },
      },
    },
    demo: {
      type: 'object',
      additionalProperties: false,
      properties: {
        simulatedBridges: { type: 'boolean' },
        warp: { type: 'number', minimum: 0.01, maximum: 1000 },
      },
    },
    sites: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'timeZone', 'locales', 'openingHours'],
        properties: {
          id,
          name: { type: 'string', minLength: 1 },
          timeZone: { type: 'string', minLength: 1 },
          locales: {
            type: 'array',
            minItems: 1,
            items: { type: 'string', pattern: '^[a-z]{2,3}(-[A-Z]{2})?$' },
          },
          openingHours: {
            type: 'object',
            additionalProperties: false,
            properties: Object.fromEntries(
              weekday.map((day) => [
                day,
                { type: 'array', items: { type: 'array', minItems: 2, maxItems: 2, items: hhmm } },
              ]),
            ),
          },
          closures: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['from', 'to'],
              properties: { from: localDate, to: localDate, reason: { type: 'string' } },
            },
          },
          booking: {
            type: 'object',
            additionalProperties: false,
            properties: { default: policyOverride, kinds: policyByKind },
          },
          machines: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'name', 'kind'],
              properties: {
                id,
                name: { type: 'string', minLength: 1 },
                kind: { enum: MACHINE_KINDS },
                vendor: { type: 'string' },
                model: { type: 'string' },
                capabilities: { type: 'object' },
              },
            },
          },
        },
      },
    },
  },
} as const;

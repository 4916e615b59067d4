import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse, stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig, type RawConfig } from './config.loader.js';

const demo = () => parse(readFileSync('config/default.yaml', 'utf8')) as RawConfig;

function withFile(mutate: (raw: RawConfig) => void): string {
  const raw = demo();
  mutate(raw);
  const file = join(mkdtempSync(join(tmpdir(), 'fabrique-config-')), 'broken.yaml');
  writeFileSync(file, stringify(raw));
  return file;
}

function errorOf(file: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    loadConfig({ env: { FABRIQUE_CONFIG: file, ...env } });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('loads the demo network: two sites in two time zones, with machines', () => {
    const config = loadConfig({ env: {} });
    expect(config.sites.map((site) => [site.id, site.timeZone])).toEqual([
      ['saint-ouen', 'Europe/Paris'],
      ['dakar', 'Africa/Dakar'],
    ]);
    expect(config.sites.flatMap((site) => site.machines.map((m) => m.kind))).toEqual(
      expect.arrayContaining(['fdm_printer', 'embroidery']),
    );
    expect(config.database).toEqual({
      driver: 'sqlite',
      file: 'fabrique.sqlite',
      connectRetries: 9,
      connectTimeoutMs: 5_000,
      statementTimeoutMs: 15_000,
    });
    expect(config.mqtt.url).toBeUndefined();
    expect(Object.isFrozen(config.sites[0].machines[0])).toBe(true);
  });

  it('takes PORT, DATABASE_URL, MQTT_URL and MQTT_PORT from the environment', () => {
    const config = loadConfig({
      env: { PORT: '8080', DATABASE_URL: 'postgres://db/fabrique', MQTT_URL: 'mqtt://broker:1883', MQTT_PORT: '1884' },
    });
    expect(config.server.port).toBe(8080);
    expect(config.database).toMatchObject({ driver: 'postgres', url: 'postgres://db/fabrique', schema: undefined });
    expect(config.mqtt.url).toBe('mqtt://broker:1883');
    expect(config.mqtt.embedded.port).toBe(1884);
  });

  it('gives the service one MQTT client id per topic prefix, the same at every start, unless set', () => {
    const load = (mutate: (raw: RawConfig) => void) =>
      loadConfig({ env: { FABRIQUE_CONFIG: withFile(mutate) } }).mqtt.clientId;
    const demoId = loadConfig({ env: {} }).mqtt.clientId;
    expect(demoId).toMatch(/^fabrique-service-[0-9a-f]{12}$/);
    expect(loadConfig({ env: {} }).mqtt.clientId).toBe(demoId);
    expect(load((raw) => (raw.mqtt.topicPrefix = 'lab-b/v1'))).not.toBe(demoId);
    expect(load((raw) => (raw.mqtt.clientId = 'fabrique-service-site-a'))).toBe('fabrique-service-site-a');
  });

  it.each([
    [
      'an unknown time zone',
      (raw: RawConfig) => (raw.sites[1].timeZone = 'Africa/Dakkar'),
      'sites[1].timeZone',
      /not an IANA time zone/,
    ],
    ['a misspelt key', (raw: RawConfig) => (raw.sites[0].openingHour = {}), 'sites[0].openingHour', /unknown key/],
    ['a missing key', (raw: RawConfig) => delete raw.sites[0].timeZone, 'sites[0].timeZone', /is required/],
    [
      'a bad hour',
      (raw: RawConfig) => (raw.sites[0].openingHours.mon = [['9h', '18:00']]),
      'sites[0].openingHours.mon[0][0]',
      /pattern/,
    ],
    [
      'an unknown machine kind',
      (raw: RawConfig) => (raw.sites[0].machines[0].kind = 'toaster'),
      'sites[0].machines[0].kind',
      /must be one of/,
    ],
    [
      'a duplicate machine id',
      (raw: RawConfig) => (raw.sites[1].machines[0].id = 'so-prusa-mk4-1'),
      'sites[1].machines[0].id',
      /duplicate machine id/,
    ],
    [
      'an undeclared training',
      (raw: RawConfig) => (raw.machineKinds.cnc = { training: 'cnc-basics' }),
      'machineKinds.cnc.training',
      /unknown training/,
    ],
    ['a negative port', (raw: RawConfig) => (raw.server.port = -1), 'server.port', /must be >= 0/],
    [
      'min above max',
      (raw: RawConfig) => (raw.booking.default.minMinutes = 600),
      'booking.default',
      /minMinutes \(600\) is more than maxMinutes/,
    ],
  ])('fails fast on %s, naming the file and the key', (_, mutate, key, reason) => {
    const file = withFile(mutate);
    const error = errorOf(file);
    expect(error.key).toBe(key);
    expect(error.reason).toMatch(reason);
    expect(error.message).toContain(file);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it.each([
    [
      'closing before opening',
      (raw: RawConfig) => (raw.sites[0].openingHours.tue = [['19:00', '10:00']]),
      'sites[0].openingHours',
    ],
    [
      'a slot that does not divide the day',
      (raw: RawConfig) => (raw.booking.kinds.cnc = { slotMinutes: 7 }),
      'booking.kinds.cnc',
    ],
    [
      'a site band shorter than its minimum',
      (raw: RawConfig) =>
        (raw.sites[1].booking.kinds = { embroidery: { bands: [{ from: '16:00', to: '18:00', maxMinutes: 10 }] } }),
      'sites[1].booking.kinds.embroidery',
    ],
  ])('refuses %s with the rule’s own reason', (_, mutate, key) => {
    expect(errorOf(withFile(mutate)).key).toBe(key);
  });

  it('takes logging, metrics, trust proxy and dynamic security from the environment', () => {
    const config = loadConfig({
      env: {
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'json',
        METRICS_TOKEN: 'a-token-of-sixteen-chars',
        TRUST_PROXY: '1',
        MQTT_URL: 'mqtt://svc:pw@broker:1883',
        MQTT_DYNAMIC_SECURITY: 'true',
      },
    });
    expect(config.log).toEqual({ level: 'debug', format: 'json' });
    expect(config.metrics.token).toBe('a-token-of-sixteen-chars');
    expect(config.server.trustProxy).toBe(1);
    expect(config.mqtt.dynamicSecurity).toBe(true);
    expect(loadConfig({ env: { TRUST_PROXY: 'loopback, 10.0.0.0/8' } }).server.trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(loadConfig({ env: {} }).server.trustProxy).toBe(false);
  });

  it('refuses a log level it does not know, and dynamic security without an external broker', () => {
    expect(errorOf('config/default.yaml', { LOG_LEVEL: 'loud' }).key).toBe('log.level');
    expect(errorOf('config/default.yaml', { MQTT_DYNAMIC_SECURITY: 'true' }).key).toBe('mqtt.dynamicSecurity');
  });

  it('refuses a non-numeric PORT', () => {
    expect(errorOf('config/default.yaml', { PORT: 'eighty' }).key).toBe('PORT');
  });

  it('refuses a missing file and a file that is not YAML', () => {
    expect(errorOf('config/nope.yaml').reason).toBe('file not found');
    const file = join(mkdtempSync(join(tmpdir(), 'fabrique-config-')), 'bad.yaml');
    writeFileSync(file, 'sites: [\n');
    expect(errorOf(file).reason).toMatch(/not valid YAML/);
  });

  it('needs both bootstrap admin variables and a long enough password', () => {
    expect(errorOf('config/default.yaml', { FABRIQUE_ADMIN_EMAIL: 'a@b.c' }).key).toBe('FABRIQUE_ADMIN_EMAIL');
    expect(
      errorOf('config/default.yaml', { FABRIQUE_ADMIN_EMAIL: 'a@b.c', FABRIQUE_ADMIN_PASSWORD: 'short' }).key,
    ).toBe('FABRIQUE_ADMIN_PASSWORD');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { createApp } from '../../src/app.js';
import { ManualClock, type Clock } from '../../src/common/clock.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { loadConfig, type RawConfig } from '../../src/config/config.loader.js';
import { MqttService } from '../../src/bridge/mqtt.service.js';
import { discardServiceSession } from './mqtt-session.js';

export const ADMIN = { email: 'admin@fabrique.test', password: 'correct horse battery staple' };

/** Monday 23 November 2026, 10:00 in Saint-Ouen (09:00 UTC): the demo sites are open. */
export const MONDAY_MORNING = Date.UTC(2026, 10, 23, 9, 0);

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  clock: ManualClock;
  /** Base URL of the listening HTTP server. */
  url: string;
  /** Where a bridge connects: the embedded broker's port, or MQTT_URL. */
  mqttUrl: string;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  configure?: (raw: RawConfig) => void;
  clock?: ManualClock;
}

/**
 * The whole service on real parts: a SQLite file in a fresh folder (or, with DATABASE_URL, a
 * fresh PostgreSQL schema) and the embedded broker on a free port (or, with MQTT_URL, that
 * broker under a topic prefix of its own so concurrent suites never see each other's messages).
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fabrique-test-'));
  const unique = randomBytes(6).toString('hex');
  const schema = process.env.DATABASE_URL ? `t_${unique}` : undefined;
  const config = loadConfig({
    env: {
      DATABASE_URL: process.env.DATABASE_URL,
      MQTT_URL: process.env.MQTT_URL,
      FABRIQUE_ADMIN_EMAIL: ADMIN.email,
      FABRIQUE_ADMIN_PASSWORD: ADMIN.password,
    },
    overrides: (raw) => {
      raw.server.port = 0;
      raw.server.host = '127.0.0.1';
      raw.data.dir = dataDir;
      raw.mqtt.embedded = { host: '127.0.0.1', port: 0 };
      raw.mqtt.topicPrefix = `fabrique-test/${unique}`;
      // Suites start the bridges they need; the demo's simulated ones would only add noise.
      raw.demo = { simulatedBridges: false };
      if (schema) raw.database.schema = schema;
      // A database that refuses a suite fails it at once, not after 9 retries 3 s apart.
      raw.database.connectRetries = 0;
      options.configure?.(raw);
    },
  });
  const clock = options.clock ?? new ManualClock(MONDAY_MORNING);
  const discard = async () => {
    // The service's persistent session on a shared broker goes with the suite.
    if (config.mqtt.url) await discardServiceSession(config.mqtt.url, config.mqtt.clientId);
    if (schema) await dropSchema(process.env.DATABASE_URL!, schema);
    rmSync(dataDir, { recursive: true, force: true });
  };
  // A service that fails to start leaves no folder or schema behind; the error is the suite's.
  const started = await boot(config, clock).catch(async (error: unknown) => {
    await discard().catch(() => undefined);
    throw error;
  });
  const testApp: TestApp = {
    ...started,
    config,
    clock,
    async restart() {
      await testApp.app.close();
      Object.assign(testApp, await boot(config, clock));
    },
    async close() {
      await testApp.app.close();
      await discard();
    },
  };
  return testApp;
}

async function boot(config: AppConfig, clock: Clock): Promise<Pick<TestApp, 'app' | 'url' | 'mqttUrl'>> {
  const app = await createApp(config, { clock, quiet: true });
  // Stops what the modules started before the one that failed (a broker, a database pool).
  await app.listen(0, '127.0.0.1').catch(async (error: unknown) => {
    await app.close().catch(() => undefined);
    throw error;
  });
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const mqtt = app.get(MqttService);
  const mqttUrl = config.mqtt.url ?? `mqtt://127.0.0.1:${mqtt.embeddedPort}`;
  return { app, url, mqttUrl };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

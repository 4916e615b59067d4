import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { eventually } from './support/fake-bridge.js';
import { api, loginAdmin } from './support/http.js';
import { TcpRelay } from './support/tcp-relay.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// Each outage lasts until a timeout of the service's gives up (at most a few seconds).
const POSTGRES_URL = process.env.DATABASE_URL;

/** A request that needs the database; an admin reads the account list. */
const readAccounts = (t: TestApp, token: string) => api(t, token).get('/api/v1/users');

/**
 * A database that stops answering is an outage the client should wait out: `503
 * DATABASE_UNAVAILABLE` with `Retry-After`, never a `500`, and never a request (or /health) left
 * hanging. The service comes back by itself once the database answers again.
 */
(POSTGRES_URL ? describe : describe.skip)('PostgreSQL stalls behind a relay that stops carrying bytes', () => {
  let relay: TcpRelay;
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    const server = new URL(POSTGRES_URL!);
    relay = await TcpRelay.start(server.hostname, Number(server.port || 5432));
    t = await startTestApp({
      configure: (raw) => {
        raw.database.url = relay.via(POSTGRES_URL!);
        raw.database.connectTimeoutSeconds = 1;
        raw.database.statementTimeoutSeconds = 2;
      },
    });
    admin = await loginAdmin(t);
  });

  afterAll(async () => {
    relay?.resume();
    await t?.close();
    await relay?.close();
  });

  it('answers 503 with Retry-After, /health says the database is down, and both recover with it', async () => {
    expect((await readAccounts(t, admin)).status).toBe(200);
    relay.pause();

    const health = await api(t).get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'degraded', database: { ok: false, driver: 'postgres' } });
    expect(health.body.mqtt).toMatchObject({ ok: true });

    const refused = await readAccounts(t, admin);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    expect(refused.headers['retry-after']).toBe('5');

    relay.resume();
    await eventually(async () => ((await api(t).get('/health')).status === 200 ? true : undefined), 15_000);
    expect((await readAccounts(t, admin)).status).toBe(200);
  });
});

(POSTGRES_URL ? describe.skip : describe)('SQLite file held by another process', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ configure: (raw) => (raw.database.connectTimeoutSeconds = 0.5) });
    admin = await loginAdmin(t);
  });

  afterAll(async () => t?.close());

  it('answers a write 503 with Retry-After while the lock is held, keeps serving reads, and writes again after', async () => {
    const file = t.config.database.driver === 'sqlite' ? t.config.database.file : '';
    const other = new Database(join(t.config.dataDir, file));
    const account = (n: number) => ({
      role: 'maker',
      displayName: `Locked out ${n}`,
      memberCode: `LOCK-${Date.now().toString(36)}-${n}`.toUpperCase(),
      password: 'a long enough password',
    });
    try {
      // Another process (an admin CLI, a backup tool) holds the write lock and does not let go.
      other.exec('BEGIN EXCLUSIVE');
      const refused = await api(t, admin).post('/api/v1/users', account(1));
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
      expect(refused.headers['retry-after']).toBe('5');
      // WAL: readers are not blocked by a writer, so the service still answers what it can.
      expect((await readAccounts(t, admin)).status).toBe(200);
      expect((await api(t).get('/health')).status).toBe(200);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await api(t, admin).post('/api/v1/users', account(2))).status).toBe(201);
  });
});

// The built service on a bench site (50 machines, generous quotas, a fixed Monday-morning clock),
// its makers, and two years of past reservations written straight through its DataSource.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createApp } from '../../dist/app.js';
import { ManualClock } from '../../dist/common/clock.js';
import { loadConfig } from '../../dist/config/config.loader.js';
import { resolvePolicy } from '../../dist/reservations/booking.policy.js';
import { benchSite, MACHINES, NOW, SITE_ID } from './bench-site.mjs';
import { expectStatus, request, runPool } from './http-client.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ADMIN = { email: 'bench-admin@fabrique.test', password: 'bench admin password, long enough' };

/**
 * Boots the built service like test/support/test-app.ts does: temp data folder (or a fresh
 * PostgreSQL schema), HTTP and the embedded broker on free ports of 127.0.0.1.
 */
export async function startBenchApp(databaseUrl) {
  const dataDir = mkdtempSync(join(tmpdir(), 'fabrique-bench-'));
  const unique = randomBytes(6).toString('hex');
  const schema = databaseUrl ? `bench_${unique}` : undefined;
  const config = loadConfig({
    env: {
      FABRIQUE_CONFIG: join(ROOT, 'config/default.yaml'),
      DATABASE_URL: databaseUrl,
      FABRIQUE_ADMIN_EMAIL: ADMIN.email,
      FABRIQUE_ADMIN_PASSWORD: ADMIN.password,
    },
    overrides: (raw) => {
      raw.server.port = 0;
      raw.server.host = '127.0.0.1';
      raw.data.dir = dataDir;
      raw.mqtt.embedded = { host: '127.0.0.1', port: 0 };
      raw.mqtt.topicPrefix = `fabrique-bench/${unique}`;
      if (schema) raw.database.schema = schema;
      // The demo's simulated bridges (when this version has them) would add MQTT traffic and
      // status writes the benchmarks do not measure.
      if ('demo' in raw) raw.demo = { ...raw.demo, simulatedBridges: false };
      raw.sites.push(benchSite);
    },
  });
  const clock = new ManualClock(NOW.toMillis());
  const notes = databaseUrl ? [await ensureSharedBtreeGist(databaseUrl)].filter(Boolean) : [];
  let app;
  const cleanup = async () => {
    if (schema) await dropSchema(databaseUrl, schema);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    app = await createApp(config, { clock, quiet: true });
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app?.close().catch(() => undefined);
    await cleanup();
    throw error;
  }
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  const adminToken = (
    await expectStatus(
      request(url, 'POST', '/api/v1/auth/login', { body: { login: ADMIN.email, password: ADMIN.password } }),
      200,
      'admin login',
    )
  ).accessToken;
  return {
    app,
    config,
    clock,
    url,
    adminToken,
    driver: databaseUrl ? 'postgres' : 'sqlite',
    notes,
    dataSource: app.get(DataSource),
    async close() {
      try {
        await app.close();
      } finally {
        await cleanup();
      }
    },
  };
}

/**
 * The booking migration runs `CREATE EXTENSION IF NOT EXISTS btree_gist`, which installs it in
 * the first schema of the search path: the bench's own when nobody installed it before. Dropping
 * that schema at the end would then drop the extension and, by CASCADE, the overlap constraint
 * of every other schema in the database (a concurrent test suite's). So the extension is put in
 * `public` first when it is missing; when it already lives in a throwaway schema, say so.
 */
export async function ensureSharedBtreeGist(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public');
    const { rows } = await client.query(
      `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'btree_gist'`,
    );
    const where = rows[0]?.nspname;
    return where === 'public'
      ? null
      : `btree_gist lives in schema "${where}": if another suite drops that schema, this run's overlap constraint goes with it`;
  } catch (error) {
    return `could not make sure btree_gist is in public (${error.message})`;
  } finally {
    await client.end();
  }
}

export async function dropSchema(url, schema) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Makers created, signed in and trained through the API, a few at a time: argon2id hashing
 * (19 MiB, 2 passes) is slow by design, and the 2 cores are shared with the service.
 */
export async function createMakers(bench, count) {
  const makers = new Array(count);
  await runPool(count, 8, async (i) => {
    const memberCode = `BENCH-${String(i + 1).padStart(4, '0')}`;
    const password = `bench-${randomBytes(6).toString('hex')}`;
    const user = await expectStatus(
      request(bench.url, 'POST', '/api/v1/users', {
        token: bench.adminToken,
        body: { role: 'maker', displayName: `Bench maker ${i + 1}`, memberCode, password },
      }),
      201,
      `create ${memberCode}`,
    );
    for (const training of ['fdm-basics', 'embroidery-basics']) {
      await expectStatus(
        request(bench.url, 'POST', `/api/v1/users/${user.id}/trainings`, {
          token: bench.adminToken,
          body: { training },
        }),
        201,
        `grant ${training} to ${memberCode}`,
      );
    }
    const session = await expectStatus(
      request(bench.url, 'POST', '/api/v1/auth/login', { body: { login: memberCode, password } }),
      200,
      `login ${memberCode}`,
    );
    makers[i] = { id: user.id, token: session.accessToken };
  });
  return makers;
}

const COLUMNS = [
  'id',
  'machine_id',
  'site_id',
  'maker_id',
  'start_ms',
  'end_ms',
  'status',
  'checked_in_at',
  'note',
  'policy',
  'override_reason',
  'booked_by',
  'idempotency_key',
  'request_hash',
  'created_at',
  'updated_at',
];
const ROWS_PER_INSERT = 500;
const INSERTS_PER_TRANSACTION = 10;
/** Three past sessions a day per machine, local time: 08:00, 11:00, 14:00, each 1–2.5 h. */
const SESSION_STARTS = [8, 11, 14];

/** Deterministic, so every run seeds the same history. */
function mulberry32(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `total` settled reservations over the `days` days before NOW, spread evenly over the machines. */
function* pastReservations(makers, total, days, config) {
  const random = mulberry32(20261123);
  const policies = Object.fromEntries(
    ['fdm_printer', 'embroidery'].map((kind) => [
      kind,
      JSON.stringify(resolvePolicy(config.booking.default, config.booking.kinds, benchSite.booking, kind)),
    ]),
  );
  const sessions = [];
  for (let d = days; d >= 1; d--) {
    const date = NOW.startOf('day').minus({ days: d });
    for (const hour of SESSION_STARTS) sessions.push(date.set({ hour }).toMillis());
  }
  const perMachine = Math.floor(total / MACHINES.length);
  if (perMachine > sessions.length) throw new Error(`${total} past reservations do not fit in ${days} days`);
  for (const [m, machine] of MACHINES.entries()) {
    const count = perMachine + (m < total % MACHINES.length ? 1 : 0);
    // A random subset of the sessions, in time order, so each machine's history has gaps.
    const picked = sessions.map((start) => ({ start, key: random() })).sort((a, b) => a.key - b.key);
    const chosen = picked.slice(0, count).sort((a, b) => a.start - b.start);
    for (const { start } of chosen) {
      const end = start + (60 + 30 * Math.floor(random() * 4)) * 60_000;
      const maker = makers[Math.floor(random() * makers.length)].id;
      const roll = random();
      const status = roll < 0.88 ? 'completed' : roll < 0.96 ? 'cancelled' : 'no_show';
      yield [
        randomUUID(),
        machine.id,
        SITE_ID,
        maker,
        start,
        end,
        status,
        status === 'completed' ? start + 5 * 60_000 : null,
        null,
        policies[machine.kind],
        null,
        maker,
        null,
        null,
        start - Math.floor(random() * 7) * 86_400_000 - 3_600_000,
        status === 'cancelled' ? start - 3_600_000 : end,
      ];
    }
  }
}

/**
 * Writes the history with multi-row INSERTs in batched transactions, through the app's own
 * DataSource (nothing else writes while it runs). PostgreSQL then gets the ANALYZE its
 * autovacuum would run after such a load; SQLite gets none, like the service in production.
 */
export async function seedHistory(bench, makers, total, days) {
  const postgres = bench.driver === 'postgres';
  const placeholders = (rowCount) =>
    Array.from(
      { length: rowCount },
      (_, r) => `(${COLUMNS.map((_, c) => (postgres ? `$${r * COLUMNS.length + c + 1}` : '?')).join(', ')})`,
    ).join(', ');
  const insert = (rows) => `INSERT INTO reservations (${COLUMNS.join(', ')}) VALUES ${placeholders(rows.length)}`;
  let batch = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const chunks = [];
    for (let i = 0; i < batch.length; i += ROWS_PER_INSERT) chunks.push(batch.slice(i, i + ROWS_PER_INSERT));
    batch = [];
    await bench.dataSource.transaction(async (manager) => {
      for (const rows of chunks) await manager.query(insert(rows), rows.flat());
    });
  };
  for (const row of pastReservations(makers, total, days, bench.config)) {
    batch.push(row);
    if (batch.length === ROWS_PER_INSERT * INSERTS_PER_TRANSACTION) await flush();
  }
  await flush();
  if (postgres) await bench.dataSource.query('ANALYZE reservations');
  const [{ count }] = await bench.dataSource.query(`SELECT COUNT(*) AS count FROM reservations`);
  return Number(count);
}

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { prusaSlicerGcode } from '../src/jobs/metadata/testing/gcode.fixtures.js';
import { book, paris, trainedMaker, type Maker } from './support/booking.js';
import { runCli } from './support/cli-process.js';
import { api, loginAdmin } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const MACHINES = ['so-prusa-mk4-1', 'so-prusa-mk4-2', 'so-bambu-p1s', 'so-brother-pp1', 'so-ricoma-mt1501'];
const DAYS = ['tue', 'wed', 'thu', 'fri'] as const;
const MAKERS = 10;
/** Each maker books 4 times (the demo's maxOpenReservations), never twice at the same hour. */
const MAX_BOOKINGS = MAKERS * 4;
const POSTGRES = process.env.DATABASE_URL;

/** The `i`-th half-hour booking of the loop: a free slot of its own, on a machine of Saint-Ouen. */
function slot(i: number) {
  // An hour apart on one machine: the printers keep 15 minutes free after each booking.
  const start = 10 * 60 + 60 * Math.floor(i / 20);
  const time = (minutes: number) =>
    `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  const day = DAYS[Math.floor(i / 5) % DAYS.length];
  return {
    machineId: MACHINES[i % MACHINES.length],
    start: paris(day, time(start)),
    end: paris(day, time(start + 30)),
  };
}

/** A config file the CLI reads: the demo's, pointed at the service's data folder and schema. */
function configFile(folder: string, dataDir: string, schema: string | undefined): string {
  const raw = parse(readFileSync('config/default.yaml', 'utf8'));
  raw.data = { dir: dataDir };
  if (schema) raw.database = { ...raw.database, schema };
  const file = join(folder, `config-${randomBytes(4).toString('hex')}.yaml`);
  writeFileSync(file, stringify(raw));
  return file;
}

describe(`backup and restore while the service writes (${POSTGRES ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let restored: TestApp | undefined;
  let folder: string;
  let adminToken: string;
  let makers: Maker[];
  let restoreDatabase: string | undefined;
  const bookings: Array<{ id: string; at: number }> = [];
  const jobs: Array<{ id: string; sha256: string; at: number }> = [];
  let backupStarted = 0;
  let backupEnded = 0;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'fabrique-backup-'));
    t = await startTestApp();
    adminToken = await loginAdmin(t);
    makers = [];
    for (let i = 0; i < MAKERS; i += 1) makers.push(await trainedMaker(t, adminToken));
  });

  afterAll(async () => {
    await restored?.close();
    await t?.close();
    if (restoreDatabase) await adminQuery(`DROP DATABASE IF EXISTS "${restoreDatabase}"`);
    rmSync(folder, { recursive: true, force: true });
  });

  /** Books and uploads, alternately, until `stop` says so; every write must succeed. */
  async function writeUntil(stop: () => boolean): Promise<void> {
    for (let i = 0; !stop(); i += 1) {
      if (bookings.length < MAX_BOOKINGS) {
        const n = bookings.length;
        const created = await book(t, makers[n % MAKERS].token, slot(n));
        expect([created.status, created.body.code]).toEqual([201, undefined]);
        bookings.push({ id: created.body.id, at: performance.now() });
      }
      const file = Buffer.from(`${prusaSlicerGcode()}\n; copy ${i} ${randomBytes(4).toString('hex')}\n`);
      const uploaded = await api(t, makers[i % MAKERS].token)
        .multipart('/api/v1/jobs')
        .field('siteId', 'saint-ouen')
        .attach('file', file, `part-${i}.gcode`);
      expect(uploaded.status).toBe(201);
      jobs.push({
        id: uploaded.body.id,
        sha256: createHash('sha256').update(file).digest('hex'),
        at: performance.now(),
      });
    }
  }

  it('backs up with `backup DIR` while bookings and jobs keep coming, and restores into a fresh data folder', async () => {
    const backupDir = join(folder, 'backup');
    const schema = t.config.database.driver === 'postgres' ? t.config.database.schema : undefined;
    let done = false;
    const writing = writeUntil(() => done);
    await eventuallyWritten(() => bookings.length >= 5 && jobs.length >= 5);
    backupStarted = performance.now();
    const made = await runCli(['backup', backupDir], {
      FABRIQUE_CONFIG: configFile(folder, t.config.dataDir, schema),
      DATABASE_URL: POSTGRES,
    });
    backupEnded = performance.now();
    done = true;
    await writing;
    expect(made).toMatchObject({ code: 0, stderr: '' });
    expect(made.stdout).toMatch(/^Backup in .*: (sqlite|postgres) database and \d+ file\(s\)\.\n$/);
    expect([...bookings, ...jobs].some((write) => write.at > backupStarted && write.at < backupEnded)).toBe(true);
    // Password hashes and personal data: readable by the service's user only.
    expect(statSync(join(backupDir, POSTGRES ? 'database.pgdump' : 'database.sqlite')).mode & 0o777).toBe(0o600);

    const dataDir = join(folder, 'restored-data');
    let url = POSTGRES;
    if (POSTGRES) {
      restoreDatabase = `restore_${randomBytes(6).toString('hex')}`;
      await adminQuery(`CREATE DATABASE "${restoreDatabase}"`);
      url = withDatabase(POSTGRES, restoreDatabase);
    }
    const config = configFile(folder, dataDir, schema);
    const back = await runCli(['restore', backupDir], { FABRIQUE_CONFIG: config, DATABASE_URL: url });
    expect(back).toMatchObject({ code: 0, stderr: '' });
    expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);

    const again = await runCli(['restore', backupDir], { FABRIQUE_CONFIG: config, DATABASE_URL: url });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is not empty|already has tables/);

    restored = await startTestApp({
      clock: t.clock,
      configure: (raw) => {
        raw.data.dir = dataDir;
        if (url) raw.database = { url, schema };
      },
    });
    // The restored secret: a session of the old service is still good on the restored one.
    const asAdmin = api(restored, adminToken);
    for (const { id } of bookings.filter((write) => write.at < backupStarted)) {
      expect((await asAdmin.get(`/api/v1/reservations/${id}`)).status).toBe(200);
    }
    const before = jobs.filter((write) => write.at < backupStarted);
    for (const { id } of before) expect((await asAdmin.get(`/api/v1/jobs/${id}`)).status).toBe(200);

    // Every job the restored database knows has its file, whole, whenever it was written.
    const listed = await asAdmin.get('/api/v1/jobs?siteId=saint-ouen&limit=500');
    expect(listed.status).toBe(200);
    const restoredIds = new Set((listed.body as Array<{ id: string }>).map((job) => job.id));
    expect(before.every((job) => restoredIds.has(job.id))).toBe(true);
    for (const job of jobs.filter((write) => restoredIds.has(write.id))) {
      const path = join(dataDir, 'job-files', job.sha256.slice(0, 2), job.sha256);
      expect(existsSync(path)).toBe(true);
      expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(job.sha256);
    }
  });
});

async function eventuallyWritten(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('the writes did not get going');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import pg from 'pg';
import request from 'supertest';
import { eventually } from './support/fake-bridge.js';
import { login } from './support/http.js';
import { asTestApp, startServiceProcess, type ServiceProcess } from './support/service-process.js';
import { ADMIN } from './support/test-app.js';

interface LogLine {
  level: string;
  time: string;
  msg: string;
  context?: string;
  reqId?: string;
  status?: number;
  err?: { stack?: string };
}

/** Every line the service printed in its current run; each must be one JSON object. */
function jsonLines(service: ServiceProcess): LogLine[] {
  const run =
    service
      .logs()
      .split(/^----- run \d+, pid \d+ -----$/m)
      .at(-1) ?? '';
  return run
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('----- pid'))
    .map((line) => JSON.parse(line) as LogLine);
}

describe('logs: JSON lines, a short start, and a request id on every line of a request', () => {
  let service: ServiceProcess;
  let adminToken: string;

  beforeAll(async () => {
    service = await startServiceProcess({ env: { LOG_FORMAT: 'json', LOG_LEVEL: 'info' } });
    adminToken = await login(asTestApp(service), ADMIN.email, ADMIN.password);
  });

  afterAll(() => service?.close());

  it('starts in a few lines that say what runs where, without Nest’s module and route listing', () => {
    const lines = jsonLines(service);
    const start = lines.slice(
      0,
      lines.findIndex((line) => line.reqId !== undefined),
    );
    expect(start.length).toBeLessThanOrEqual(12);
    const summary = start.filter((line) => line.context === 'Fabrique').map((line) => line.msg);
    expect(summary).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^HTTP +http:\/\/127\.0\.0\.1:\d+ /),
        expect.stringMatching(/^Database +(SQLite file .*fabrique\.sqlite|PostgreSQL postgres:\/\/)/),
        expect.stringMatching(/^MQTT +/),
        expect.stringMatching(/^Data +/),
      ]),
    );
    expect(start.map((line) => line.context)).not.toContain('RoutesResolver');
    expect(start.map((line) => line.context)).not.toContain('RouterExplorer');
  });

  it('gives each request an id: the caller’s X-Request-Id, or a new one, sent back as a header', async () => {
    const given = await request(service.url).get('/health').set('X-Request-Id', 'probe-7f3a');
    expect(given.headers['x-request-id']).toBe('probe-7f3a');
    const made = await request(service.url).get('/health');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const forged = await request(service.url).get('/health').set('X-Request-Id', 'two words; "quoted"');
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('puts the request id in a 500’s body and on every line the failing request logged', async () => {
    await breakDeviceCredentials(service);
    const response = await request(service.url)
      .get('/api/v1/devices')
      .set('Authorization', `Bearer ${adminToken}`)
      .set('X-Request-Id', 'ops-500-check');
    expect(response.status).toBe(500);
    expect(response.headers['x-request-id']).toBe('ops-500-check');
    expect(response.body).toEqual({ code: 'INTERNAL_ERROR', message: expect.any(String), requestId: 'ops-500-check' });

    const mine = await eventually(() => {
      const lines = jsonLines(service).filter((line) => line.reqId === 'ops-500-check');
      return lines.some((line) => line.status === 500) ? lines : undefined;
    });
    expect(mine.map((line) => [line.level, line.context])).toEqual(
      expect.arrayContaining([
        ['error', 'Database'],
        ['error', 'HttpError'],
      ]),
    );
    expect(mine.find((line) => line.context === 'HttpError')?.err?.stack).toMatch(/device_credentials/);
    // Nothing the failure logged went out without the request's id.
    const unattributed = jsonLines(service).filter(
      (line) => line.reqId === undefined && ['Database', 'HttpError'].includes(line.context ?? ''),
    );
    expect(unattributed).toEqual([]);
  });
});

/** Drops a table under the running service, as a damaged database would: its next read fails. */
async function breakDeviceCredentials(service: ServiceProcess): Promise<void> {
  const schema = service.config.database?.schema as string | undefined;
  if (schema && process.env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query(`DROP TABLE "${schema}".device_credentials`).finally(() => client.end());
    return;
  }
  const db = new Database(join(service.dataDir, 'fabrique.sqlite'));
  try {
    db.exec('DROP TABLE device_credentials');
  } finally {
    db.close();
  }
}

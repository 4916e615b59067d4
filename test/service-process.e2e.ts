import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectAsync } from 'mqtt';
import { createServiceEncoder, decodeMessage, type CommandResult } from '@fabrique/firmware-bridge';
import type { MachineLiveView } from '../src/machines/machine-live.view.js';
import { eventually } from './support/fake-bridge.js';
import { api, createAccount, login, loginAdmin } from './support/http.js';
import { asTestApp, startServiceProcess, type ServiceProcess } from './support/service-process.js';
import { JobLedger, startSimulatedBridge, type SimulatedBridge } from './support/simulated-bridges.js';
import { StandaloneBroker } from './support/standalone-broker.js';

// Booting from source, broker reconnects (the service retries every second) and bridge births
// are real waits; every one of them polls a condition.
const SETTLE_MS = 15_000;

async function health(service: ServiceProcess): Promise<{ status: number; body: Record<string, unknown> | null }> {
  try {
    const response = await fetch(`${service.url}/health`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  } catch {
    return { status: 0, body: null };
  }
}

async function live(service: ServiceProcess, token: string, machineId: string): Promise<MachineLiveView> {
  const response = await api(asTestApp(service), token).get(`/api/v1/machines/${machineId}/live`);
  if (response.status !== 200)
    throw new Error(`live ${machineId}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as MachineLiveView;
}

const idleAndOnline = (view: MachineLiveView) => view.state === 'idle' && view.bridge?.online === true;

describe('the service as a child process, on a broker the test can crash', () => {
  let broker: StandaloneBroker;
  let service: ServiceProcess;
  let adminToken: string;
  let bridge: SimulatedBridge | undefined;

  beforeAll(async () => {
    broker = await StandaloneBroker.start();
    service = await startServiceProcess({ mqttUrl: broker.url });
    adminToken = await loginAdmin(asTestApp(service));
  });

  afterAll(async () => {
    await bridge?.stop();
    await service?.close();
    await broker?.close();
  });

  it('boots from the TypeScript source against the broker it was given', async () => {
    const { status, body } = await health(service);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      mqtt: { ok: true, mode: 'external' },
      database: { ok: true, driver: process.env.DATABASE_URL ? 'postgres' : 'better-sqlite3' },
    });
    expect(service.pid).toEqual(expect.any(Number));
    expect(service.pid).not.toBe(process.pid);
    expect(broker.clientIds().some((id) => id.startsWith('fabrique-service-'))).toBe(true);
    expect(service.logs()).toContain(`HTTP      ${service.url} `);
  });

  it('keeps an account created through the API across a SIGKILL and a restart', async () => {
    const account = await createAccount(asTestApp(service), adminToken, { role: 'maker' });
    const before = service.pid;
    expect(await service.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    expect(service.running).toBe(false);
    await service.restart();
    expect(service.pid).not.toBe(before);
    await expect(login(asTestApp(service), account.login, account.password)).resolves.toEqual(expect.any(String));
    // The signing secret lives in the data folder, so sessions outlive the crash too.
    expect((await api(asTestApp(service), account.token).get('/api/v1/me')).status).toBe(200);
  });

  it('sees the service and a bridge reconnect after the broker crashes, and the machine live again', async () => {
    bridge = await startSimulatedBridge({
      service,
      adminToken,
      mqttUrl: broker.url,
      topicPrefix: service.topicPrefix,
      bridgeId: 'chaos-so',
      machines: [{ machineId: 'so-prusa-mk4-1', adapter: 'simulator-fdm' }],
    });
    await eventually(
      async () => idleAndOnline(await live(service, adminToken, 'so-prusa-mk4-1')) || undefined,
      SETTLE_MS,
    );
    const session = bridge.session;

    await broker.kill();
    await eventually(async () => ((await health(service)).status === 503 ? true : undefined), SETTLE_MS);
    await eventually(() => (bridge!.connected ? undefined : true), SETTLE_MS);

    const restartedAt = Date.now();
    await broker.restart();
    await eventually(async () => ((await health(service)).status === 200 ? true : undefined), SETTLE_MS);
    await eventually(() => (bridge!.connected && bridge!.session > session ? true : undefined), SETTLE_MS);
    // The new broker started empty: whatever the service shows now came from the bridge's new birth.
    const view = await eventually(async () => {
      const current = await live(service, adminToken, 'so-prusa-mk4-1');
      const fresh = current.lastSeenAt !== null && Date.parse(current.lastSeenAt) >= restartedAt;
      return fresh && idleAndOnline(current) ? current : undefined;
    }, SETTLE_MS);
    expect(view.meta).toMatchObject({ adapter: 'simulator-fdm' });
    expect(view.link).toBe('online');
  });

  it('records what the simulated machine really accepted: a re-sent start_job runs once', async () => {
    // The standalone broker has no authentication, so the test may speak for the service here.
    const client = await connectAsync(broker.url, { clientId: `test-dispatcher-${Date.now()}` });
    const results: CommandResult[] = [];
    client.on('message', (topic, payload) => {
      const decoded = decodeMessage(service.topicPrefix, topic, payload);
      if (decoded.ok && !decoded.cleared && decoded.channel === 'cmd/res') results.push(decoded.message.data);
    });
    await client.subscribeAsync(`${service.topicPrefix}/machines/so-prusa-mk4-1/cmd/res`, { qos: 1 });
    const encoder = createServiceEncoder({ prefix: service.topicPrefix, session: Date.now(), version: 'test' });
    const send = async (commandId: string) => {
      const message = encoder.command('chaos-so', 'so-prusa-mk4-1', {
        command: 'start_job',
        commandId,
        jobId: 'job-once',
        issuedAt: new Date().toISOString(),
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
        params: { url: 'https://files.test/benchy.gcode', sha256: 'a'.repeat(64), bytes: 2048, format: 'gcode' },
      });
      await client.publishAsync(message.topic, Buffer.from(message.payload), { qos: 1 });
    };
    try {
      await send('cmd-first');
      await eventually(() => (results.length === 1 ? true : undefined), SETTLE_MS);
      await send('cmd-first'); // the outbox re-sending: answered from the bridge's store
      await send('cmd-second'); // a second dispatch of the same job
      await eventually(() => (results.length === 3 ? true : undefined), SETTLE_MS);
    } finally {
      await client.endAsync();
    }
    expect(results.map((r) => [r.commandId, r.status, r.stage])).toEqual([
      ['cmd-first', 'accepted', 'accepted'],
      ['cmd-first', 'accepted', 'duplicate'],
      ['cmd-second', 'error', 'rejected'],
    ]);
    expect(bridge!.ledger.starts).toEqual([
      expect.objectContaining({ machineId: 'so-prusa-mk4-1', jobId: 'job-once', commandId: 'cmd-first' }),
    ]);
    await eventually(() => (bridge!.ledger.events.some((e) => e.kind === 'job.started') ? true : undefined), SETTLE_MS);
    expect(bridge!.ledger.violations()).toEqual([]);
  });
});

describe('a simulated bridge whose link drops (embedded broker, or MQTT_URL)', () => {
  let service: ServiceProcess;
  let adminToken: string;
  let bridge: SimulatedBridge;
  const ledger = new JobLedger();

  beforeAll(async () => {
    service = await startServiceProcess();
    adminToken = await loginAdmin(asTestApp(service));
    bridge = await startSimulatedBridge({
      service,
      adminToken,
      mqttUrl: service.mqttUrl,
      topicPrefix: service.topicPrefix,
      bridgeId: 'chaos-dk',
      machines: [{ machineId: 'dk-brother-pe800', adapter: 'simulator-embroidery' }],
      ledger,
    });
  });

  afterAll(async () => {
    await bridge?.stop();
    await service?.close();
  });

  it('goes offline when its connection is cut, and comes back by itself', async () => {
    const machine = () => live(service, adminToken, 'dk-brother-pe800');
    await eventually(async () => idleAndOnline(await machine()) || undefined, SETTLE_MS);
    const session = bridge.session;

    let heal!: () => void;
    bridge.drop({ until: new Promise<void>((resolve) => (heal = resolve)) });
    const offline = await eventually(async () => {
      const view = await machine();
      return view.state === 'offline' ? view : undefined;
    }, SETTLE_MS);
    expect(offline.bridge).toEqual({ id: 'chaos-dk', online: false });

    heal();
    await eventually(async () => idleAndOnline(await machine()) || undefined, SETTLE_MS);
    expect(bridge.session).toBeGreaterThan(session);
    expect(ledger.violations()).toEqual([]);
  });
});

describe('the job ledger', () => {
  const at = Date.UTC(2026, 10, 23, 9, 0);
  const accepted = (machineId: string, jobId: string, commandId: string) =>
    ({ kind: 'accepted', bridgeId: 'b', machineId, command: 'start_job', jobId, commandId, at }) as const;

  it('names a job started twice and a machine given a second job while busy', () => {
    const ledger = new JobLedger();
    ledger.record(accepted('m1', 'job-1', 'c1'));
    ledger.record({ kind: 'job.started', bridgeId: 'b', machineId: 'm1', jobId: 'job-1', at });
    ledger.record(accepted('m2', 'job-1', 'c2'));
    ledger.record(accepted('m1', 'job-2', 'c3'));
    expect(ledger.violations()).toEqual([
      expect.stringContaining('job job-1 was accepted twice'),
      expect.stringContaining('m1 took job job-2 while still running job job-1'),
    ]);
  });

  it('lets a job run again after the outcomes a re-queue policy allows', () => {
    const ledger = new JobLedger();
    ledger.record(accepted('m1', 'job-1', 'c1'));
    ledger.record({ kind: 'reset', bridgeId: 'b', machineId: 'm1', at });
    ledger.record(accepted('m2', 'job-1', 'c2'));
    ledger.record({ kind: 'job.finished', bridgeId: 'b', machineId: 'm2', jobId: 'job-1', outcome: 'completed', at });
    expect(ledger.violations({ rerunAfter: ['lost'] })).toEqual([]);
    expect(ledger.violations()).toHaveLength(1);
  });
});

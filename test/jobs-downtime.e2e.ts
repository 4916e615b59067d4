import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MachineStateSnapshot } from '@fabrique/firmware-bridge';
import { prusaSlicerGcode } from '../src/jobs/metadata/testing/gcode.fixtures.js';
import { trainedMaker, type Maker } from './support/booking.js';
import { eventually, FakeBridge, FAKE_PRINTER_META as meta } from './support/fake-bridge.js';
import { api, createAccount, loginAdmin } from './support/http.js';
import { asTestApp, startServiceProcess, type ServiceProcess } from './support/service-process.js';
import { issueBridgeCredentials } from './support/simulated-bridges.js';
import { StandaloneBroker } from './support/standalone-broker.js';

// Two boots from source and a broker session resumed: real waits, each one polling.
const SITE = 'saint-ouen';
const PRINTER = 'so-bambu-p1s';
const ALL_DAY = [['00:00', '24:00']];

/**
 * The service crashes while a print runs and the print ends before it is back. On a broker that
 * outlives the service (MQTT_URL, or one the test runs), the `job.finished` the bridge sent in
 * the meantime waits in the service's persistent session; the job keeps what the machine said.
 */
describe('a job that ends while the service is down', () => {
  let broker: StandaloneBroker | undefined;
  let service: ServiceProcess;
  let bridge: FakeBridge;
  let admin: string;
  let staff: string;
  let maker: Maker;
  const http = (token: string) => api(asTestApp(service), token);

  beforeAll(async () => {
    broker = process.env.MQTT_URL ? undefined : await StandaloneBroker.start();
    const mqttUrl = process.env.MQTT_URL ?? broker!.url;
    service = await startServiceProcess({
      mqttUrl,
      configure: (raw) => {
        raw.jobs = { staggerSeconds: 0 };
        const site = raw.sites.find((s: { id: string }) => s.id === SITE);
        site.openingHours = Object.fromEntries(
          ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ALL_DAY]),
        );
        site.closures = [];
        site.machines = site.machines.filter((m: { id: string }) => m.id === PRINTER);
      },
    });
    admin = await loginAdmin(asTestApp(service));
    staff = (await createAccount(asTestApp(service), admin, { role: 'staff', siteIds: [SITE] })).token;
    maker = await trainedMaker(asTestApp(service), admin);
    const password = await issueBridgeCredentials(service, admin, 'downtime-p1s', [PRINTER]);
    bridge = new FakeBridge({
      url: mqttUrl,
      prefix: service.topicPrefix,
      bridgeId: 'downtime-p1s',
      machineIds: [PRINTER],
      password,
    });
    await bridge.connect();
    await bridge.send(bridge.encoder.meta(PRINTER, meta));
    await bridge.send(bridge.encoder.state(PRINTER, { state: 'idle', interventions: [] }));
  });

  afterAll(async () => {
    await bridge?.clearRetained();
    await bridge?.close();
    await service?.close();
    await broker?.close();
  });

  const job = async (id: string) => (await http(staff).get(`/api/v1/jobs/${id}`)).body;

  it('keeps the durations, material and end time of the job.finished sent meanwhile', async () => {
    const draft = await http(maker.token)
      .multipart('/api/v1/jobs')
      .field('siteId', SITE)
      .attach('file', Buffer.from(prusaSlicerGcode()), 'bracket.gcode');
    expect(draft.status).toBe(201);
    const id = draft.body.id as string;
    expect((await http(maker.token).post(`/api/v1/jobs/${id}/queue`, { needs: {} })).status).toBe(200);
    const start = await bridge.nextCommand((c) => c.command === 'start_job' && c.jobId === id, 15_000);
    await bridge.send(
      bridge.encoder.commandResult(PRINTER, { commandId: start.commandId, status: 'accepted', stage: 'accepted' }),
    );
    const running: MachineStateSnapshot = {
      state: 'running',
      interventions: [],
      job: { jobId: id, progressPct: 10, elapsedS: 60, remainingS: 600 },
    };
    await bridge.send(bridge.encoder.event(PRINTER, 'job.started', { jobId: id, startedAt: new Date().toISOString() }));
    await bridge.send(bridge.encoder.state(PRINTER, running));
    await eventually(async () => ((await job(id)).state === 'running' ? true : undefined), 10_000);

    expect(await service.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    const endedAt = new Date().toISOString();
    const results = {
      durations: { totalS: 640, preparingS: 120, runningS: 520 },
      materialUsed: [{ slot: 'ams1-1', material: 'PETG', amount: 18.5, unit: 'g' as const }],
    };
    await bridge.send(
      bridge.encoder.event(PRINTER, 'job.finished', { jobId: id, outcome: 'completed', endedAt, ...results }),
    );
    // An older bridge's state: the outcome alone, so only the queued event can bring the results.
    await bridge.send(
      bridge.encoder.state(PRINTER, {
        state: 'awaiting_clear',
        interventions: [],
        lastJobOutcome: { jobId: id, outcome: 'completed', endedAt },
      }),
    );

    await service.restart();
    const done = await eventually(async () => {
      const body = await job(id);
      return body.state === 'completed' && body.durations !== null ? body : undefined;
    });
    expect(done).toMatchObject({ ...results, endedAt });
    expect(bridge.commands.filter((c) => c.command === 'start_job' && c.jobId === id)).toHaveLength(1);
  });
});

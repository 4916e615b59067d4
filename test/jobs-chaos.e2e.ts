import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { prusaSlicerGcode } from '../src/jobs/metadata/testing/gcode.fixtures.js';
import { eventually } from './support/fake-bridge.js';
import { api, createAccount, loginAdmin } from './support/http.js';
import { asTestApp, startServiceProcess, type ServiceProcess } from './support/service-process.js';
import { JobLedger, startSimulatedBridge, type SimulatedBridge } from './support/simulated-bridges.js';
import { StandaloneBroker } from './support/standalone-broker.js';

// Restarts from source, broker reconnects and bridge births are real waits; each one polls.
const SITE = 'saint-ouen';
const PRINTERS = ['so-prusa-mk4-1', 'so-bambu-p1s', 'so-prusa-mk4-2'];
const TERMINAL = ['completed', 'failed', 'cancelled', 'lost'];
const ALL_DAY = [['00:00', '24:00']];

interface JobBody {
  id: string;
  state: string;
  machineId: string | null;
  transitions: Array<{ from: string | null; to: string; reason: string }>;
  durations: { totalS: number } | null;
  materialUsed: unknown[] | null;
}

/**
 * The failures dispatch must survive, on real parts: the service killed with SIGKILL while it
 * sends jobs, the broker crashing with jobs in flight, a bridge's link cut during a job. After
 * each, every job must end exactly once, and the machines' own record (the ledger the bridge
 * keeps as its adapters accept commands) must show no job started twice and no machine running
 * two jobs at once.
 */
describe('jobs survive crashes', () => {
  let broker: StandaloneBroker;
  let service: ServiceProcess;
  let bridge: SimulatedBridge;
  let admin: string;
  let staff: string;
  let maker: string;
  const ledger = new JobLedger();
  const gcode = Buffer.from(prusaSlicerGcode());
  const http = (token: string) => api(asTestApp(service), token);

  beforeAll(async () => {
    broker = await StandaloneBroker.start();
    service = await startServiceProcess({
      mqttUrl: broker.url,
      configure: (raw) => {
        raw.jobs = { staggerSeconds: 0, dispatch: { answerTimeoutSeconds: 10, resendSeconds: 1 } };
        const site = raw.sites.find((s: { id: string }) => s.id === SITE);
        site.openingHours = Object.fromEntries(
          ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ALL_DAY]),
        );
        site.closures = [];
      },
    });
    admin = await loginAdmin(asTestApp(service));
    staff = (await createAccount(asTestApp(service), admin, { role: 'staff', siteIds: [SITE] })).token;
    const account = await createAccount(asTestApp(service), admin, { role: 'maker' });
    expect((await http(admin).post(`/api/v1/users/${account.id}/trainings`, { training: 'fdm-basics' })).status).toBe(
      201,
    );
    maker = account.token;
    bridge = await startSimulatedBridge({
      service,
      adminToken: admin,
      mqttUrl: broker.url,
      topicPrefix: service.topicPrefix,
      bridgeId: 'chaos-saint-ouen',
      warp: 600,
      seed: 11,
      ledger,
      machines: PRINTERS.map((machineId) => ({
        machineId,
        adapter: 'simulator-fdm' as const,
        options: { job: { slicerEstimateS: 900 } },
      })),
    });
    await eventually(async () => ((await machineStates()).every((s) => s === 'idle') ? true : undefined));
  });

  afterAll(async () => {
    await bridge?.stop();
    await service?.close();
    await broker?.close();
  });

  async function machineStates(): Promise<string[]> {
    return Promise.all(
      PRINTERS.map(async (id) => {
        const response = await http(staff)
          .get(`/api/v1/machines/${id}/live`)
          .catch(() => null);
        return (response?.body?.state as string | undefined) ?? 'unreachable';
      }),
    );
  }

  /**
   * From the machines' own record, which keeps what happened: a printer seen "running" by polling
   * may already have finished and be waiting for its bed to be cleared on a busy machine.
   */
  async function aMachineStarted(ids: string[]): Promise<void> {
    await eventually(async () => {
      if (ledger.starts.some((s) => ids.includes(s.jobId))) return true;
      await clearFinishedPlates();
      return undefined;
    });
  }

  /** Staff at work: whatever printer waits for its bed to be cleared gets cleared. */
  async function clearFinishedPlates(): Promise<void> {
    const states = await machineStates();
    for (const [i, state] of states.entries()) {
      if (state === 'awaiting_clear') await http(staff).post(`/api/v1/machines/${PRINTERS[i]}/clear`);
    }
  }

  async function queueJobs(count: number, label: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const draft = await http(maker)
        .multipart('/api/v1/jobs')
        .field('siteId', SITE)
        .field('name', `${label}-${i}`)
        .attach('file', gcode, `${label}-${i}.gcode`);
      expect(draft.status).toBe(201);
      // `needs: {}`: any printer of the site, whatever its nozzle, so all three share the queue.
      const queued = await http(maker).post(`/api/v1/jobs/${draft.body.id}/queue`, { needs: {} });
      expect(queued.status).toBe(200);
      ids.push(draft.body.id as string);
    }
    return ids;
  }

  /** Staff at work until all jobs end. */
  async function runToTheEnd(ids: string[]): Promise<JobBody[]> {
    return eventually(async () => {
      await clearFinishedPlates();
      const jobs = await Promise.all(
        ids.map(async (id) => (await http(staff).get(`/api/v1/jobs/${id}`)).body as JobBody),
      );
      return jobs.every((job) => TERMINAL.includes(job.state)) ? jobs : undefined;
    });
  }

  /**
   * Exactly once, both as the service records it and as the machines did it, and with what the
   * machine measured, even for a job that ended while the service or the broker was down.
   */
  function expectExactlyOnce(jobs: JobBody[]): void {
    for (const job of jobs) {
      const endings = job.transitions.filter((t) => TERMINAL.includes(t.to));
      expect({
        id: job.id,
        endings: endings.length,
        state: job.state,
        results: job.durations !== null && (job.materialUsed?.length ?? 0) > 0,
      }).toEqual({ id: job.id, endings: 1, state: 'completed', results: true });
      expect(ledger.starts.filter((s) => s.jobId === job.id)).toHaveLength(1);
    }
    expect(ledger.violations()).toEqual([]);
  }

  it('SIGKILL while dispatching: after the restart each job runs once and completes', async () => {
    const ids: string[] = [];
    let onMachinesAtKills = 0;
    // Three kills at different moments of a burst: right after queueing, while the sends may be
    // going out, and once a machine has taken one of the jobs — an event, not a delay, so the last
    // kill lands with a job on a machine however slow this machine is.
    const moments: Array<[string, (batch: string[]) => Promise<void>]> = [
      ['0', async () => undefined],
      ['40ms', () => sleep(40)],
      ['started', aMachineStarted],
    ];
    for (const [label, moment] of moments) {
      const batch = await queueJobs(3, `kill-${label}`);
      ids.push(...batch);
      await moment(batch);
      expect(await service.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      const finished = new Set(ledger.events.filter((e) => e.kind === 'job.finished').map((e) => e.jobId));
      onMachinesAtKills += ledger.starts.filter((s) => ids.includes(s.jobId) && !finished.has(s.jobId)).length;
      await service.restart();
    }
    // The kills did land while jobs were on their way to or on the machines, not only before.
    expect(onMachinesAtKills).toBeGreaterThan(0);
    const jobs = await runToTheEnd(ids);
    expectExactlyOnce(jobs);
  });

  it('the broker crashes with jobs in flight: nothing is lost, nothing runs twice', async () => {
    const ids = await queueJobs(5, 'broker');
    // Once a machine took one of them (more wait in the queue), take the broker away for a while.
    await aMachineStarted(ids);
    await broker.kill();
    await sleep(1_500);
    await broker.restart();
    const jobs = await runToTheEnd(ids);
    expectExactlyOnce(jobs);
  });

  it('a bridge loses its link during a job: the job goes on and ends once', async () => {
    const ids = await queueJobs(3, 'drop');
    await aMachineStarted(ids);
    let reconnect!: () => void;
    bridge.drop({ until: new Promise<void>((resolve) => (reconnect = resolve)) });
    await eventually(async () => ((await machineStates()).every((s) => s === 'offline') ? true : undefined));
    reconnect();
    const jobs = await runToTheEnd(ids);
    expectExactlyOnce(jobs);
  });
});

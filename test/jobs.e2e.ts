import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeDst, twoColourSquares } from '../src/jobs/metadata/testing/embroidery.fixtures.js';
import { prusaSlicerGcode } from '../src/jobs/metadata/testing/gcode.fixtures.js';
import { trainedMaker, type Maker } from './support/booking.js';
import { eventually } from './support/fake-bridge.js';
import { FollowingClock } from './support/following-clock.js';
import { api, createAccount, loginAdmin } from './support/http.js';
import { JobLedger, startSimulatedBridge, type SimulatedBridge } from './support/simulated-bridges.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SITE = 'saint-ouen';
const ALL_DAY = [['00:00', '24:00']];
const TERMINAL = ['completed', 'failed', 'cancelled', 'lost'];

type JobBody = { id: string; state: string; machineId: string | null; [key: string]: unknown };

/**
 * A morning at the Saint-Ouen fablab on simulated machines (a real bridge runtime over MQTT):
 * makers queue prints and an embroidery, the scheduler spreads them over the printers, a clog
 * needs a person, a first layer fails, a maker cancels, and nothing starts on a bed nobody has
 * cleared. Every job ends exactly once, and the machines' own record agrees.
 */
describe('job queue on simulated machines', () => {
  let t: TestApp;
  let admin: string;
  let staff: { token: string };
  let makerA: Maker;
  let makerB: Maker;
  let bridge: SimulatedBridge;
  let scenarios: string;
  const ledger = new JobLedger();

  beforeAll(async () => {
    scenarios = mkdtempSync(join(tmpdir(), 'fabrique-scenarios-'));
    const scenario = (name: string, kind: string, atPct: number) => {
      const file = join(scenarios, `${name}.yaml`);
      writeFileSync(file, `name: ${name}\nfaults:\n  - job: 1\n    atPct: ${atPct}\n    kind: ${kind}\n`);
      return file;
    };
    t = await startTestApp({
      clock: new FollowingClock(),
      configure: (raw) => {
        raw.jobs = { staggerSeconds: 0 };
        const site = raw.sites.find((s: { id: string }) => s.id === SITE);
        site.openingHours = Object.fromEntries(
          ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ALL_DAY]),
        );
        site.closures = [];
      },
    });
    admin = await loginAdmin(t);
    staff = await createAccount(t, admin, { role: 'staff', siteIds: [SITE] });
    makerA = await trainedMaker(t, admin);
    makerB = await trainedMaker(t, admin);
    const printer = { slicerEstimateS: 1200 };
    bridge = await startSimulatedBridge({
      service: t,
      mqttUrl: t.mqttUrl,
      topicPrefix: t.config.mqtt.topicPrefix,
      bridgeId: 'sim-saint-ouen',
      warp: 600,
      seed: 7,
      ledger,
      machines: [
        {
          machineId: 'so-prusa-mk4-1',
          adapter: 'simulator-fdm',
          options: { job: printer, scenario: scenario('clog', 'clog', 50) },
        },
        {
          machineId: 'so-prusa-mk4-2',
          adapter: 'simulator-fdm',
          options: { job: printer, scenario: scenario('first-layer', 'first_layer_failure', 0.5) },
        },
        { machineId: 'so-bambu-p1s', adapter: 'simulator-fdm', options: { job: printer } },
        // Single needle: a person starts the design and re-threads between colours (confirm_step).
        {
          machineId: 'so-brother-pp1',
          adapter: 'simulator-embroidery',
          options: { needles: 1, job: { stitches: 1200, colorBlocks: 2 } },
        },
        {
          machineId: 'so-ricoma-mt1501',
          adapter: 'simulator-embroidery',
          options: { needles: 15, spm: 800, job: { stitches: 3000, colorBlocks: 3 } },
        },
      ],
    });
    await eventually(async () => {
      const live = await api(t, admin).get('/api/v1/machines/so-bambu-p1s/live');
      return live.body.state === 'idle' ? true : undefined;
    });
  });

  afterAll(async () => {
    await bridge?.stop();
    await t?.close();
    rmSync(scenarios, { recursive: true, force: true });
  });

  const upload = (token: string, file: Buffer, name: string, fields: Record<string, string> = {}) => {
    let request = api(t, token).multipart('/api/v1/jobs').field('siteId', SITE);
    for (const [key, value] of Object.entries(fields)) request = request.field(key, value);
    return request.attach('file', file, name);
  };
  const gcode = Buffer.from(prusaSlicerGcode());
  const design = encodeDst(twoColourSquares);
  const MACHINES = ['so-prusa-mk4-1', 'so-prusa-mk4-2', 'so-bambu-p1s', 'so-ricoma-mt1501', 'so-brother-pp1'];

  async function submit(
    maker: Maker,
    name: string,
    queue: object = {},
    file: Buffer = gcode,
    fileName = `${name}.gcode`,
  ) {
    const draft = await upload(maker.token, file, fileName, { name });
    expect(draft.status).toBe(201);
    const queued = await api(t, maker.token).post(`/api/v1/jobs/${draft.body.id}/queue`, queue);
    expect(queued.status).toBe(200);
    return queued.body as JobBody;
  }

  const job = async (id: string): Promise<JobBody> => (await api(t, staff.token).get(`/api/v1/jobs/${id}`)).body;

  it('shows the parsed estimate on upload, before anything is queued', async () => {
    const draft = await upload(makerA.token, gcode, 'bracket.gcode');
    expect(draft.status).toBe(201);
    expect(draft.body).toMatchObject({
      state: 'draft',
      kind: 'fdm_printer',
      estimatedSeconds: 3723,
      needs: { material: 'PLA', nozzleMm: 0.4 },
      file: { format: 'gcode' },
    });
    expect(draft.body.metadata).toMatchObject({
      slicer: expect.stringContaining('PrusaSlicer 2.7.1'),
      layers: 120,
      filamentGrams: 12.29,
    });
    const cancelled = await api(t, makerA.token).post(`/api/v1/jobs/${draft.body.id}/cancel`);
    expect(cancelled.body.state).toBe('cancelled');
  });

  it('refuses what no machine can take, with the field and the reason', async () => {
    const text = await upload(makerA.token, Buffer.from('hello'), 'notes.txt');
    expect(text.status).toBe(415);
    expect(text.body).toMatchObject({ code: 'UNSUPPORTED_FILE', field: 'file' });
    expect(text.body.message).toContain('.gcode');
    const draft = await upload(makerA.token, gcode, 'big.gcode');
    const tooBig = await api(t, makerA.token).post(`/api/v1/jobs/${draft.body.id}/queue`, {
      needs: { buildVolumeMm: [400, 400, 400] },
    });
    expect(tooBig.status).toBe(422);
    expect(tooBig.body).toMatchObject({ code: 'NO_MATCHING_MACHINE', field: 'needs' });
    const strangers = await api(t, makerB.token).post(`/api/v1/jobs/${draft.body.id}/queue`, {});
    expect(strangers.status).toBe(404);
  });

  it('runs a queue across printers and an embroidery machine: intervention, failure, cancel, clear gate', async () => {
    const exact = {};
    const clog = await submit(makerA, 'clogged', { machineId: 'so-prusa-mk4-1', needs: exact });
    const firstLayer = await submit(makerB, 'first-layer', { machineId: 'so-prusa-mk4-2', needs: exact });
    const anyPrinter = [
      await submit(makerA, 'a-1'),
      await submit(makerA, 'a-2'),
      await submit(makerB, 'b-1'),
      await submit(makerB, 'b-2'),
    ];
    const patch = await submit(makerA, 'patch', { machineId: 'so-ricoma-mt1501' }, design, 'patch.dst');
    const badge = await submit(makerB, 'badge', { machineId: 'so-brother-pp1' }, design, 'badge.dst');
    const all = [clog, firstLayer, ...anyPrinter, patch, badge];
    let stepsConfirmed = 0;

    let gateSeen = false;
    let cancelledByMaker: string | null = null;
    const finished = await eventually(async () => {
      const jobs = await Promise.all(all.map((j) => job(j.id)));
      for (const j of jobs) {
        if (j.id === clog.id && j.state === 'needs_attention')
          await api(t, staff.token).post(`/api/v1/jobs/${j.id}/resume`);
        if (j.id === firstLayer.id && j.state === 'needs_attention') {
          await api(t, makerB.token).post(`/api/v1/jobs/${j.id}/cancel`);
        }
        if (j.id === anyPrinter[3].id && j.state === 'running' && !cancelledByMaker) {
          expect((await api(t, makerB.token).post(`/api/v1/jobs/${j.id}/cancel`)).status).toBe(202);
          cancelledByMaker = j.id;
        }
      }
      const live = await Promise.all(
        MACHINES.map(
          async (id) =>
            (await api(t, staff.token).get(`/api/v1/machines/${id}/live`)).body as { machineId: string; state: string },
        ),
      );
      // The operator at the single-needle machine: load the design, re-thread, go on.
      const pp1 = live.find((m) => m.machineId === 'so-brother-pp1') as unknown as {
        snapshot: { interventions: Array<{ id: string; actions: string[] }> } | null;
      };
      const step = pp1.snapshot?.interventions.find((i) => i.actions.includes('confirm_step'));
      const onPp1 = jobs.find((j) => j.machineId === 'so-brother-pp1' && !TERMINAL.includes(j.state));
      if (step && onPp1) {
        const confirmed = await api(t, staff.token).post(`/api/v1/jobs/${onPp1.id}/confirm-step`, {
          interventionId: step.id,
        });
        expect(confirmed.status).toBe(202);
        stepsConfirmed += 1;
      }
      const waitingPrint = jobs.some((j) => j.state === 'queued' && j.kind === 'fdm_printer');
      for (const machine of live.filter((m) => m.state === 'awaiting_clear')) {
        if (waitingPrint && machine.machineId !== 'so-ricoma-mt1501') {
          // The gate: a print is waiting and this printer has finished, yet it took nothing since.
          expect(ledger.of(machine.machineId).at(-1)).toMatchObject({ kind: 'job.finished' });
          gateSeen = true;
        }
        // 409: an earlier round's confirmation reached the machine meanwhile.
        const cleared = await api(t, staff.token).post(`/api/v1/machines/${machine.machineId}/clear`);
        expect([202, 409]).toContain(cleared.status);
      }
      return jobs.every((j) => TERMINAL.includes(j.state)) ? jobs : undefined;
    });

    const byId = new Map(finished.map((j) => [j.id, j]));
    expect(byId.get(clog.id)).toMatchObject({ state: 'completed', machineId: 'so-prusa-mk4-1' });
    expect(byId.get(firstLayer.id)).toMatchObject({ state: 'failed', machineId: 'so-prusa-mk4-2' });
    expect(byId.get(firstLayer.id)!.failureReason).toContain('FIRST_LAYER_DEFECT');
    expect(byId.get(anyPrinter[3].id)).toMatchObject({ state: 'cancelled' });
    for (const j of [anyPrinter[0], anyPrinter[1], anyPrinter[2]]) expect(byId.get(j.id)!.state).toBe('completed');
    expect(byId.get(patch.id)).toMatchObject({ state: 'completed', machineId: 'so-ricoma-mt1501' });
    expect(byId.get(badge.id)).toMatchObject({ state: 'completed', machineId: 'so-brother-pp1' });
    expect(stepsConfirmed).toBeGreaterThanOrEqual(1);
    expect(ledger.starts.find((s) => s.jobId === badge.id)?.command).toBe('load_design');
    expect(gateSeen).toBe(true);

    // The intervention is in the job's history, with the reasons a person can read.
    const clogHistory = (await job(clog.id)) as unknown as { transitions: Array<{ to: string; reason: string }> };
    // The file transfer may be too quick to be reported on its own; every other step is recorded.
    const path = clogHistory.transitions.map((tr) => tr.to).filter((to) => to !== 'transferring');
    expect(path).toEqual([
      'draft',
      'queued',
      'dispatching',
      'accepted',
      'running',
      'needs_attention',
      'running',
      'completed',
    ]);
    expect(clogHistory.transitions.find((tr) => tr.to === 'needs_attention')!.reason).toContain('error');

    // What the machines did agrees: each job started once, one job per machine at a time.
    expect(ledger.violations()).toEqual([]);
    const starts = ledger.starts.map((s) => s.jobId);
    expect(new Set(starts).size).toBe(starts.length);
    expect(starts.sort()).toEqual(all.map((j) => j.id).sort());
  });

  it('keeps a history per machine and per maker, with outcome, duration and material', async () => {
    const mine = await api(t, makerA.token).get('/api/v1/jobs?makerId=me&state=ended');
    expect(mine.status).toBe(200);
    const completed = (mine.body as JobBody[]).filter((j) => j.state === 'completed');
    expect(completed.length).toBeGreaterThanOrEqual(3);
    for (const j of completed) {
      expect((j.durations as { totalS: number }).totalS).toBeGreaterThan(0);
      expect(Array.isArray(j.materialUsed)).toBe(true);
    }
    const printer = await api(t, staff.token).get('/api/v1/jobs?machineId=so-prusa-mk4-2');
    expect((printer.body as JobBody[]).map((j) => j.state)).toContain('failed');
    const notYours = await api(t, makerB.token).get('/api/v1/jobs?machineId=so-prusa-mk4-2');
    expect(notYours.status).toBe(422);
  });
});

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, MachineStateSnapshot } from '@fabrique/firmware-bridge';
import { prusaSlicerGcode } from '../src/jobs/metadata/testing/gcode.fixtures.js';
import { trainedMaker, type Maker } from './support/booking.js';
import { eventually, FakeBridge, FAKE_PRINTER_META as meta } from './support/fake-bridge.js';
import { api, createAccount, loginAdmin } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SITE = 'saint-ouen';
const PRINTER = 'so-bambu-p1s';
const idle: MachineStateSnapshot = { state: 'idle', interventions: [] };

/**
 * The outbox and reconciliation rules of firmware-bridge/CONTRACT.md, driven message by message with a fake bridge
 * and the test's clock: what happens when a machine does not answer, refuses, starts a job by
 * itself, or finishes one while the service was down.
 */
describe('job dispatch, message by message', () => {
  let t: TestApp;
  let admin: string;
  let staff: string;
  let maker: Maker;
  let bridge: FakeBridge;
  let bridgeOptions: ConstructorParameters<typeof FakeBridge>[0];
  const gcode = Buffer.from(prusaSlicerGcode());
  const sha256 = createHash('sha256').update(gcode).digest('hex');

  beforeAll(async () => {
    t = await startTestApp({
      configure: (raw) => {
        raw.jobs = {
          maxFileMb: 0.05,
          staggerSeconds: 0,
          dispatch: { answerTimeoutSeconds: 30, resendSeconds: 5, attempts: 2, giveUpMinutes: 10 },
        };
        // Only the P1S takes prints here, so every job goes to the fake bridge's machine.
        const site = raw.sites.find((s: { id: string }) => s.id === SITE);
        site.machines = site.machines.filter((m: { id: string }) => m.id === PRINTER || m.id.includes('ricoma'));
      },
    });
    admin = await loginAdmin(t);
    staff = (await createAccount(t, admin, { role: 'staff', siteIds: [SITE] })).token;
    maker = await trainedMaker(t, admin);
    const issued = await api(t, admin).post('/api/v1/devices/bridges', {
      bridgeId: 'fake-p1s',
      machineIds: [PRINTER],
      label: 'Fake P1S bridge',
    });
    bridgeOptions = {
      url: t.mqttUrl,
      prefix: t.config.mqtt.topicPrefix,
      bridgeId: 'fake-p1s',
      machineIds: [PRINTER],
      password: issued.body.mqttPassword,
    };
    bridge = new FakeBridge(bridgeOptions);
    await bridge.connect();
    await bridge.send(bridge.encoder.meta(PRINTER, meta));
  });

  afterAll(async () => {
    await bridge?.clearRetained();
    await bridge?.close();
    await t?.close();
  });

  beforeEach(async () => {
    await bridge.send(bridge.encoder.state(PRINTER, idle));
    await eventually(async () => ((await live()).state === 'idle' ? true : undefined));
  });

  afterEach(async () => {
    // Leave no job holding the printer for the next test.
    const active = await api(t, staff).get(`/api/v1/jobs?siteId=${SITE}&state=active`);
    for (const job of active.body as Array<{ id: string }>) await api(t, staff).post(`/api/v1/jobs/${job.id}/cancel`);
    for (const job of active.body as Array<{ id: string; state: string }>) {
      const finished = { jobId: job.id, outcome: 'cancelled', endedAt: new Date(t.clock.now()).toISOString() };
      await bridge.send(
        bridge.encoder.event(PRINTER, 'job.finished', {
          ...finished,
          durations: { totalS: 1 },
          materialUsed: [],
        } as never),
      );
    }
    await eventually(async () =>
      (await api(t, staff).get(`/api/v1/jobs?siteId=${SITE}&state=active`)).body.length === 0 ? true : undefined,
    );
  });

  const live = async () => (await api(t, staff).get(`/api/v1/machines/${PRINTER}/live`)).body;
  const job = async (id: string) => (await api(t, staff).get(`/api/v1/jobs/${id}`)).body;
  const until = (id: string, state: string) =>
    eventually(async () => {
      const body = await job(id);
      return body.state === state ? body : undefined;
    });
  const startsFor = (jobId: string) => bridge.commands.filter((c) => c.command === 'start_job' && c.jobId === jobId);
  const answer = (command: Command, result: object) =>
    bridge.send(bridge.encoder.commandResult(PRINTER, { commandId: command.commandId, ...result } as never));

  async function queueJob(): Promise<string> {
    const draft = await api(t, maker.token)
      .multipart('/api/v1/jobs')
      .field('siteId', SITE)
      .attach('file', gcode, 'part.gcode');
    expect(draft.status).toBe(201);
    expect((await api(t, maker.token).post(`/api/v1/jobs/${draft.body.id}/queue`, { needs: {} })).status).toBe(200);
    return draft.body.id as string;
  }

  it('refuses a file over the size limit, and an empty one, with the field and the reason', async () => {
    const big = await api(t, maker.token)
      .multipart('/api/v1/jobs')
      .field('siteId', SITE)
      .attach('file', Buffer.alloc(60 * 1024, 'G'), 'huge.gcode');
    expect(big.status).toBe(413);
    const empty = await api(t, maker.token)
      .multipart('/api/v1/jobs')
      .field('siteId', SITE)
      .attach('file', Buffer.alloc(0), 'empty.gcode');
    expect(empty.status).toBe(422);
    expect(empty.body).toMatchObject({ code: 'EMPTY_FILE', field: 'file' });
    const none = await api(t, maker.token).multipart('/api/v1/jobs').field('siteId', SITE);
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ field: 'file' });
  });

  it('refuses to queue for a maker whose training expired, saying so, before looking for a machine', async () => {
    const lapsed = await createAccount(t, admin, { role: 'maker' });
    // Just long enough to be granted: the suite's sessions must outlive this test's clock jump.
    const expiresAt = new Date(t.clock.now() + 1_000).toISOString();
    const granted = await api(t, admin).post(`/api/v1/users/${lapsed.id}/trainings`, {
      training: 'fdm-basics',
      expiresAt,
    });
    expect(granted.status).toBe(201);
    t.clock.advance(2_000);
    const draft = await api(t, lapsed.token)
      .multipart('/api/v1/jobs')
      .field('siteId', SITE)
      .attach('file', gcode, 'a.gcode');
    // A nozzle no printer has: the training still comes first, being what the maker cannot fix.
    const queued = await api(t, lapsed.token).post(`/api/v1/jobs/${draft.body.id}/queue`, { needs: { nozzleMm: 1.8 } });
    expect(queued.status).toBe(422);
    expect(queued.body).toMatchObject({ code: 'TRAINING_REQUIRED', field: 'machineId' });
    expect(queued.body.message).toBe("Your 'fdm-basics' training has expired. Ask the fablab staff to renew it.");
  });

  it('keeps French and Arabic file names as written, from a plain filename and from RFC 5987 filename*', async () => {
    const upload = (name: string) =>
      api(t, maker.token).multipart('/api/v1/jobs').field('siteId', SITE).attach('file', gcode, name);
    for (const name of ['Chloé — pièce détachée.gcode', 'قطعة غيار لسلمى.gcode']) {
      const draft = await upload(name);
      expect(draft.status).toBe(201);
      expect(draft.body.name).toBe(name);
      expect((await job(draft.body.id)).name).toBe(name);
    }

    // A client that follows RFC 6266: an ASCII fallback, and the real name percent-encoded.
    const boundary = 'fabrique-test-boundary';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="siteId"\r\n\r\n${SITE}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="Chloe.gcode"; ` +
          `filename*=UTF-8''${encodeURIComponent('Chloé à l’atelier.gcode')}\r\n` +
          `Content-Type: application/octet-stream\r\n\r\n`,
      ),
      gcode,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const encoded = await api(t, maker.token)
      .multipart('/api/v1/jobs')
      .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
      .send(body);
    expect(encoded.status).toBe(201);
    expect(encoded.body.name).toBe('Chloé à l’atelier.gcode');
  });

  it('sends start_job with a download link only that machine may use, while the job is on its way', async () => {
    const id = await queueJob();
    const start = (await bridge.nextCommand((c) => c.command === 'start_job' && c.jobId === id)) as Extract<
      Command,
      { command: 'start_job' }
    >;
    expect(start).toMatchObject({ expectState: ['idle'], params: { sha256, bytes: gcode.length, format: 'gcode' } });
    const link = new URL(start.params.url);
    const local = `${t.url}${link.pathname}${link.search}`;
    const download = await fetch(local);
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256);

    const forged = new URL(local);
    forged.searchParams.set('machine', 'so-prusa-mk4-1');
    expect((await fetch(forged)).status).toBe(403);
    expect((await fetch(`${t.url}${link.pathname}`)).status).toBe(403);

    await answer(start, {
      status: 'error',
      stage: 'rejected',
      error: { code: 'CHECKSUM_MISMATCH', message: 'bad file', retryable: false },
    });
    const failed = await until(id, 'failed');
    expect(failed.failureReason).toContain('CHECKSUM_MISMATCH');
    // The job no longer goes to that machine: its link is dead.
    expect((await fetch(local)).status).toBe(403);
  });

  it('re-sends the same command until answered, and a refused start goes back to the queue', async () => {
    const id = await queueJob();
    const first = await bridge.nextCommand((c) => c.command === 'start_job' && c.jobId === id);
    t.clock.advance(6_000);
    await eventually(() => (startsFor(id).length >= 2 ? true : undefined));
    expect(new Set(startsFor(id).map((c) => c.commandId))).toEqual(new Set([first.commandId]));
    expect((await job(id)).state).toBe('dispatching');

    // The bed was not clear after all: the job waits in the queue and goes out again once it is.
    await answer(first, {
      status: 'error',
      stage: 'rejected',
      error: { code: 'PRECONDITION_FAILED', message: 'not idle', retryable: true },
    });
    await bridge.send(bridge.encoder.state(PRINTER, { state: 'awaiting_clear', interventions: [] }));
    const requeued = await until(id, 'queued');
    expect(requeued.stateReason).toContain('PRECONDITION_FAILED');
    await bridge.send(bridge.encoder.state(PRINTER, idle));
    const second = await bridge.nextCommand(
      (c) => c.command === 'start_job' && c.jobId === id && c.commandId !== first.commandId,
    );
    await answer(second, { status: 'accepted', stage: 'accepted' });
    const accepted = await until(id, 'accepted');
    expect(accepted.attempts).toBe(2);
    expect(accepted.transitions.map((tr: { to: string }) => tr.to)).toEqual([
      'draft',
      'queued',
      'dispatching',
      'queued',
      'dispatching',
      'accepted',
    ]);
  });

  it('a machine that says nothing: retried once it has spoken since, then failed with dispatch_timeout', async () => {
    const id = await queueJob();
    const first = await bridge.nextCommand((c) => c.command === 'start_job' && c.jobId === id);
    // Past the command's expiry, and the machine reports idle without the job: the command is dead.
    t.clock.advance(40_000);
    await bridge.send(bridge.encoder.state(PRINTER, { ...idle, substate: 'heartbeat' }));
    const second = await bridge.nextCommand(
      (c) => c.command === 'start_job' && c.jobId === id && c.commandId !== first.commandId,
    );
    expect((await job(id)).attempts).toBe(2);
    t.clock.advance(40_000);
    await bridge.send(bridge.encoder.state(PRINTER, { ...idle, substate: 'heartbeat 2' }));
    const failed = await until(id, 'failed');
    expect(failed.failureReason).toMatch(/^dispatch_timeout/);
    expect(
      startsFor(id)
        .map((c) => c.commandId)
        .filter((c, i, all) => all.indexOf(c) === i),
    ).toEqual([first.commandId, second.commandId]);
  });

  it('a machine gone silent fails the job with dispatch_timeout, never leaving it pending', async () => {
    const id = await queueJob();
    await bridge.nextCommand((c) => c.command === 'start_job' && c.jobId === id);
    t.clock.advance(5 * 60_000);
    expect((await job(id)).state).toBe('dispatching');
    t.clock.advance(6 * 60_000);
    const failed = await until(id, 'failed');
    expect(failed.failureReason).toContain('dispatch_timeout');
  });

  it('adopts a job started at the machine, and follows it to its end', async () => {
    const startedAt = new Date(t.clock.now()).toISOString();
    await bridge.send(
      bridge.encoder.event(PRINTER, 'job.started', { jobId: null, name: 'from the SD card', startedAt }),
    );
    const adopted = await eventually(async () => {
      const list = (await api(t, staff).get(`/api/v1/jobs?machineId=${PRINTER}&state=running`)).body as Array<{
        id: string;
        source: string;
        name: string;
      }>;
      return list.find((j) => j.source === 'machine');
    });
    expect(adopted).toMatchObject({ name: `Started at Bambu Lab P1S` });
    const finished = {
      jobId: null,
      outcome: 'completed',
      endedAt: startedAt,
      durations: { totalS: 600 },
      materialUsed: [{ amount: 12, unit: 'g' }],
    };
    await bridge.send(bridge.encoder.event(PRINTER, 'job.finished', finished as never));
    const done = await until(adopted.id, 'completed');
    expect(done).toMatchObject({ source: 'machine', durations: { totalS: 600 }, makerId: null });
  });

  // Found by the chaos suite on a busy machine: the service was killed right after a printer took
  // a job, came back after the start command had expired, and read the printer's ending (still in
  // its grace period for the `job.finished` event) as "no answer" — and started the job on another
  // printer. A job the machine reports, running or ended, is never sent again.
  it('a job whose start was never answered but which the machine ran and ended is completed, never sent again', async () => {
    const id = await queueJob();
    const start = await bridge.nextCommand((c) => c.command === 'start_job' && c.jobId === id);
    // The answer is lost; the command expires (30 s) before the machine is heard from again.
    t.clock.advance(45_000);
    await bridge.send(
      bridge.encoder.state(PRINTER, {
        state: 'awaiting_clear',
        interventions: [],
        lastJobOutcome: { jobId: id, outcome: 'completed', endedAt: new Date(t.clock.now()).toISOString() },
      }),
    );
    await eventually(async () => ((await live()).state === 'awaiting_clear' ? true : undefined));
    // Past the grace period for the `job.finished` event, the ending is taken from the state.
    t.clock.advance(10_000);
    const done = await until(id, 'completed');
    expect(done.transitions.map((tr: { to: string }) => tr.to)).not.toContain('lost');
    expect(done.transitions.filter((tr: { to: string }) => tr.to === 'queued')).toHaveLength(1);
    expect(new Set(startsFor(id).map((c) => c.commandId))).toEqual(new Set([start.commandId]));
  });

  /** A job running on the printer; then the service goes down and comes back on a new embedded broker. */
  async function runningThenServiceRestarts(): Promise<{ id: string; ended: string }> {
    const id = await queueJob();
    const start = await bridge.nextCommand((c) => c.command === 'start_job' && c.jobId === id);
    await answer(start, { status: 'accepted', stage: 'accepted' });
    await until(id, 'accepted');
    t.clock.advance(1_000);
    await bridge.send(
      bridge.encoder.state(PRINTER, {
        state: 'running',
        interventions: [],
        job: { jobId: id, progressPct: 40, elapsedS: 60, remainingS: 90 },
      }),
    );
    await until(id, 'running');
    await bridge.close();
    // The job ends while the service is down, which it stays for a while.
    const ended = new Date(t.clock.now()).toISOString();
    t.clock.advance(20_000);
    await t.restart();
    // The embedded broker came back on a new port: the bridge reconnects there, in a new session.
    bridge = new FakeBridge({ ...bridgeOptions, url: t.mqttUrl, session: bridge.session + 1 });
    await bridge.connect();
    await bridge.send(bridge.encoder.meta(PRINTER, meta));
    return { id, ended };
  }

  it('a job the machine finished while the service was down is completed at its own end time, not run again', async () => {
    const { id, ended } = await runningThenServiceRestarts();
    // An older bridge: its state says how the job ended, nothing more.
    await bridge.send(
      bridge.encoder.state(PRINTER, {
        state: 'awaiting_clear',
        interventions: [],
        lastJobOutcome: { jobId: id, outcome: 'completed', endedAt: ended },
      }),
    );
    // The ending is taken from the snapshot once the event it could have overtaken had its chance.
    await eventually(async () => ((await live()).state === 'awaiting_clear' ? true : undefined));
    t.clock.advance(10_000);
    const done = await until(id, 'completed');
    expect(done.stateReason).toContain('ended completed');
    expect(done.endedAt).toBe(ended);
    expect(startsFor(id)).toEqual([]);
  });

  it('a job that ended while the service was down keeps the durations and material its state repeats', async () => {
    const { id, ended } = await runningThenServiceRestarts();
    const results = {
      durations: { totalS: 1_380, preparingS: 300, runningS: 1_080 },
      materialUsed: [{ slot: '0', material: 'PLA', amount: 9.6, unit: 'g' as const }],
    };
    // The `job.finished` event is gone with the old broker; the retained state says it all.
    await bridge.send(
      bridge.encoder.state(PRINTER, {
        state: 'awaiting_clear',
        interventions: [],
        lastJobOutcome: { jobId: id, outcome: 'completed', endedAt: ended, ...results },
      }),
    );
    // Nothing more to wait for: no grace period for an event that could only repeat it.
    const done = await until(id, 'completed');
    expect(done).toMatchObject({ ...results, endedAt: ended });
    expect(startsFor(id)).toEqual([]);
  });

  it('pauses and resumes a running job through the machine, and stores a file once however often it is sent', async () => {
    const id = await queueJob();
    const again = await api(t, maker.token)
      .multipart('/api/v1/jobs')
      .field('siteId', SITE)
      .attach('file', gcode, 'copy.gcode');
    expect(again.body.file.sha256).toBe(sha256);
    expect(readdirSync(join(t.config.dataDir, 'job-files', sha256.slice(0, 2)))).toEqual([sha256]);
    const start = await bridge.nextCommand((c) => c.command === 'start_job' && c.jobId === id);
    await answer(start, { status: 'accepted', stage: 'accepted' });
    const startedAt = new Date(t.clock.now()).toISOString();
    await bridge.send(bridge.encoder.event(PRINTER, 'job.started', { jobId: id, startedAt }));
    await until(id, 'running');

    expect((await api(t, maker.token).post(`/api/v1/jobs/${id}/pause`)).status).toBe(202);
    const pause = await bridge.nextCommand((c) => c.command === 'pause' && c.jobId === id);
    expect(pause.expectState).toEqual(['running']);
    await answer(pause, { status: 'ok', stage: 'completed' });
    await bridge.send(bridge.encoder.event(PRINTER, 'job.paused', { jobId: id, reason: 'user' }));
    await until(id, 'paused');
    // Only a running job can be paused: the answer says what state it is in.
    const twice = await api(t, maker.token).post(`/api/v1/jobs/${id}/pause`);
    expect(twice.status).toBe(409);
    expect(twice.body.message).toContain('paused');

    expect((await api(t, maker.token).post(`/api/v1/jobs/${id}/resume`)).status).toBe(202);
    const resume = await bridge.nextCommand((c) => c.command === 'resume' && c.jobId === id);
    await answer(resume, { status: 'ok', stage: 'completed' });
    await bridge.send(bridge.encoder.event(PRINTER, 'job.resumed', { jobId: id }));
    await until(id, 'running');
    // Someone else's job is not theirs to touch.
    const stranger = await trainedMaker(t, admin);
    expect((await api(t, stranger.token).post(`/api/v1/jobs/${id}/cancel`)).status).toBe(404);
  });

  it('lets staff reorder the queue while the machine is busy; makers may not', async () => {
    await bridge.send(bridge.encoder.state(PRINTER, { state: 'awaiting_clear', interventions: [] }));
    await eventually(async () => ((await live()).state === 'awaiting_clear' ? true : undefined));
    const first = await queueJob();
    const second = await queueJob();
    const order = async () =>
      ((await api(t, staff).get(`/api/v1/jobs?siteId=${SITE}&state=queued`)).body as Array<{ id: string }>).map(
        (j) => j.id,
      );
    expect(await order()).toEqual([first, second]);
    expect((await api(t, maker.token).patch(`/api/v1/jobs/${second}/position`, { beforeJobId: first })).status).toBe(
      403,
    );
    const moved = await api(t, staff).patch(`/api/v1/jobs/${second}/position`, { beforeJobId: first });
    expect(moved.status).toBe(200);
    expect(await order()).toEqual([second, first]);
    expect((await api(t, staff).patch(`/api/v1/jobs/${second}/position`, { beforeJobId: null })).status).toBe(200);
    expect(await order()).toEqual([first, second]);
    // While the bed is not cleared, nothing was sent.
    expect(startsFor(first).concat(startsFor(second))).toEqual([]);
    expect((await job(first)).waitingFor).toBe('machines_busy');
  });

  it('a machine that reports it no longer has the job marks it lost', async () => {
    const id = await queueJob();
    const start = await bridge.nextCommand((c) => c.command === 'start_job' && c.jobId === id);
    await answer(start, { status: 'accepted', stage: 'accepted' });
    await until(id, 'accepted');
    t.clock.advance(20_000);
    await bridge.send(bridge.encoder.state(PRINTER, { ...idle, substate: 'after a power cut' }));
    const lost = await until(id, 'lost');
    expect(lost.stateReason).toContain('without this job');
  });
});

import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../runtime/logger.js';
import { createRealScheduler } from '../../runtime/scheduler.js';
import { buildTestCommand, CheckedRecorder, command } from '../native-kit/testing.js';
import { manualEmbroideryFactory, type ManualEmbroideryAdapter } from './index.js';

const PIN = '2468';

describe('manual embroidery adapter', () => {
  const adapters: ManualEmbroideryAdapter[] = [];
  const cleanups: (() => void)[] = [];
  let adapter: ManualEmbroideryAdapter;
  let rec: CheckedRecorder;

  async function open(options: Record<string, unknown> = {}): Promise<void> {
    adapter = manualEmbroideryFactory.create({
      machineId: 'brother-1',
      options: { port: 0, pin: PIN, reconnect: { initialMs: 20, maxMs: 50 }, ...options },
      configDir: tmpdir(),
      logger: silentLogger,
      scheduler: createRealScheduler(),
    }) as ManualEmbroideryAdapter;
    adapters.push(adapter);
    rec = new CheckedRecorder(adapter);
    await adapter.start();
  }

  const base = () => `http://127.0.0.1:${adapter.address()!.port}`;

  /** What `curl -H 'content-type: application/json' -d '{…}' …/step` does. */
  async function post(
    fields: Record<string, unknown>,
    pin = PIN,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${base()}/step`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin, ...fields }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  afterEach(async () => {
    for (const a of adapters.splice(0)) await a.stop();
    for (const cleanup of cleanups.splice(0)) cleanup();
    expect(rec?.invalid ?? []).toEqual([]);
  });

  it('follows the operator from design loaded to hoop cleared, with a colour change on the way', async () => {
    await open();
    expect(adapter.availability().state).toBe('online');
    expect(await post({ step: 'load', name: 'Logo', stitches: 8000, colors: 3 })).toMatchObject({ status: 200 });
    expect(adapter.snapshot()).toMatchObject({
      state: 'preparing',
      substate: 'DESIGN_LOADED',
      job: { jobId: null, name: 'Logo' },
    });
    await post({ step: 'start' });
    await post({ step: 'progress', stitch: 2500 });
    await post({ step: 'color' });
    expect(adapter.snapshot()).toMatchObject({
      state: 'paused',
      pauseReason: 'program',
      interventions: [
        { kind: 'material_change', nativeCode: 'COLOR_CHANGE_WAIT', actions: ['confirm_step', 'attend_at_machine'] },
      ],
      job: { stitch: { current: 2500, total: 8000, colorBlock: 1, colorBlocks: 3 } },
    });
    await post({ step: 'resume' });
    expect(adapter.snapshot()).toMatchObject({
      state: 'running',
      interventions: [],
      job: { stitch: { colorBlock: 2 } },
    });
    await post({ step: 'finish' });
    expect(adapter.snapshot()).toMatchObject({
      state: 'awaiting_clear',
      lastJobOutcome: { jobId: null, outcome: 'completed' },
    });
    expect(rec.events('job.finished')[0]).toMatchObject({
      outcome: 'completed',
      stitch: { current: 8000, total: 8000 },
      materialUsed: [{ amount: 8000, unit: 'stitches' }],
    });
    expect(await post({ step: 'start' })).toMatchObject({ status: 409 });
    await post({ step: 'clear' });
    expect(adapter.snapshot().state).toBe('idle');
    expect(rec.events('build_area.cleared')).toEqual([{ jobId: null, source: 'at_machine' }]);
    expect(rec.states()).toEqual(['idle', 'preparing', 'running', 'paused', 'running', 'awaiting_clear', 'idle']);
    expect(rec.eventTypes()).toEqual(
      expect.arrayContaining(['job.started', 'job.paused', 'job.resumed', 'job.finished']),
    );
  });

  it('offers a design the service asked for, and takes confirm_step and clear_confirm from the service', async () => {
    await open({ language: 'en' });
    const load = buildTestCommand(
      'load_design',
      {
        url: 'https://fabrique.test/files/rose.pes',
        sha256: 'b'.repeat(64),
        bytes: 4000,
        format: 'pes',
        name: 'Rose <b>',
      },
      { jobId: 'job-7' },
    );
    await expect(adapter.execute(load)).resolves.toEqual({ status: 'accepted' });
    expect(adapter.snapshot()).toMatchObject({
      state: 'preparing',
      substate: 'WAIT_OPERATOR',
      job: { jobId: 'job-7' },
    });
    const page = await (await fetch(`${base()}/`)).text();
    expect(page).toContain('Design requested by the booking');
    expect(page).toContain('Rose &#60;b&#62;');
    expect(page).toContain('href="https://fabrique.test/files/rose.pes"');

    const loadStep = adapter.snapshot().interventions[0];
    await expect(adapter.execute(buildTestCommand('confirm_step', { interventionId: loadStep.id }))).resolves.toEqual({
      status: 'ok',
    });
    expect(rec.events('job.started')).toEqual([expect.objectContaining({ jobId: 'job-7', name: 'Rose <b>' })]);
    await post({ step: 'start' });
    await post({ step: 'thread' });
    const threadBreak = adapter.snapshot().interventions[0];
    expect(threadBreak).toMatchObject({ kind: 'thread_or_feed_fault' });
    await adapter.execute(buildTestCommand('confirm_step', { interventionId: threadBreak.id }));
    expect(adapter.snapshot().state).toBe('running');
    await expect(adapter.execute(command('cancel'))).resolves.toMatchObject({ error: { code: 'PRECONDITION_FAILED' } });
    await post({ step: 'finish' });
    await expect(adapter.execute(command('clear_confirm'))).resolves.toEqual({ status: 'ok' });
    expect(adapter.snapshot().state).toBe('idle');
    await expect(adapter.execute(command('pause'))).resolves.toMatchObject({ error: { code: 'UNSUPPORTED' } });
  });

  it('pauses for the operator, abandons a design, and lets the service cancel a design not loaded yet', async () => {
    await open();
    await post({ step: 'load', name: 'Patch' });
    await post({ step: 'start' });
    await post({ step: 'pause' });
    expect(adapter.snapshot()).toMatchObject({
      state: 'paused',
      pauseReason: 'user',
      substate: 'PAUSED',
      interventions: [],
    });
    await post({ step: 'abort' });
    expect(adapter.snapshot()).toMatchObject({ state: 'awaiting_clear', lastJobOutcome: { outcome: 'cancelled' } });
    await post({ step: 'clear' });

    const load = buildTestCommand(
      'load_design',
      { url: 'https://fabrique.test/files/x.dst', sha256: 'c'.repeat(64), bytes: 900, format: 'dst' },
      { jobId: 'job-8' },
    );
    await adapter.execute(load);
    await expect(adapter.execute(command('cancel'))).resolves.toEqual({ status: 'ok' });
    expect(adapter.snapshot()).toMatchObject({ state: 'idle', interventions: [], job: null });
    expect(rec.events('job.finished').map((e) => [e.jobId, e.outcome])).toEqual([
      [null, 'cancelled'],
      ['job-8', 'cancelled'],
    ]);
    expect(rec.events('job.started').map((e) => e.jobId)).toEqual([null]);
  });

  it('protects the steps with the PIN, locks out guessing, and answers browser forms with a redirect', async () => {
    await open({ maxPinAttempts: 3 });
    expect(await post({ step: 'load' }, '0000')).toMatchObject({ status: 401 });
    expect(await post({ step: 'nonsense' })).toMatchObject({ status: 400 });
    const form = await fetch(`${base()}/step`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ pin: PIN, step: 'start' }).toString(),
      redirect: 'manual',
    });
    expect(form.status).toBe(303);
    expect(form.headers.get('location')).toMatch(/^\/\?lang=fr&msg=/);
    const page = await (await fetch(`${base()}${form.headers.get('location')}`)).text();
    expect(page).toContain('Motif chargé');
    expect(page).toContain('is not possible while the machine is idle');
    for (const wrong of ['1111', '2222', '3333'])
      expect(await post({ step: 'load' }, wrong)).toMatchObject({ status: 401 });
    expect(await post({ step: 'load' })).toMatchObject({ status: 429 });
    expect(adapter.snapshot().state).toBe('idle');
  });

  it('is offline while its port is taken and comes online when the port frees up', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    await open({ port });
    expect(adapter.availability()).toMatchObject({ state: 'offline' });
    expect(adapter.snapshot().state).toBe('offline');
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    await rec.availability('online');
    expect(adapter.snapshot().state).toBe('idle');
    expect(rec.availabilities()).toEqual(['offline', 'online']);
  });

  it('keeps a design in progress across a bridge restart without announcing it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabrique-manual-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    await open({ stateFile: join(dir, 'operator.json') });
    await post({ step: 'load', name: 'Badge', stitches: 3000, colors: 2 });
    await post({ step: 'start' });
    await post({ step: 'color' });
    const before = adapter.snapshot();
    await adapter.stop();

    await open({ stateFile: join(dir, 'operator.json') });
    expect(adapter.snapshot()).toEqual(before);
    expect(rec.eventTypes()).toEqual([]);
    await post({ step: 'resume' });
    expect(rec.eventTypes()).toEqual(['intervention.cleared', 'job.resumed']);
    expect(adapter.snapshot()).toMatchObject({ state: 'running', job: { name: 'Badge', stitch: { colorBlock: 2 } } });
  });

  it('names the bad key when the options are wrong', () => {
    const validate = (options: unknown) => () => manualEmbroideryFactory.validateOptions(options, '.');
    expect(validate({})).toThrow(/^pin: is required/);
    expect(validate({ pin: '12' })).toThrow(/^pin: must match/);
    expect(validate({ pin: PIN, language: 'de' })).toThrow(/^language: must be one of fr, en/);
    expect(validate({ pin: PIN, fileFormats: ['dst', 'gcode'] })).toThrow(/^fileFormats\[1\]:/);
  });
});

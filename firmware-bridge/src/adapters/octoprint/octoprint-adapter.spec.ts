import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { AdapterOptionsError } from '../../runtime/adapter.js';
import { silentLogger } from '../../runtime/logger.js';
import { createRealScheduler } from '../../runtime/scheduler.js';
import { CheckedRecorder, command, FileServer, sleep, startJobFor, type ServedFile } from '../native-kit/testing.js';
import { octoprintFactory } from './index.js';
import { API_KEY, FakeOctoPrint } from './testing/fake-octoprint.js';
import type { MachineAdapter } from '../../runtime/adapter.js';

const FAST = {
  pollIntervalMs: 20,
  outcomeGraceMs: 150,
  reconnect: { initialMs: 20, maxMs: 80 },
  connectTimeoutMs: 2000,
};

describe('OctoPrint adapter', () => {
  let fake: FakeOctoPrint;
  let files: FileServer;
  let gcode: ServedFile;
  let adapter: MachineAdapter;
  let rec: CheckedRecorder;

  async function connect(options: Record<string, unknown> = {}): Promise<void> {
    adapter = octoprintFactory.create({
      machineId: 'prusa-1',
      options: { url: fake.url, apiKey: API_KEY, ...FAST, ...options },
      configDir: '.',
      logger: silentLogger,
      scheduler: createRealScheduler(),
    });
    rec = new CheckedRecorder(adapter);
    await adapter.start();
    await rec.availability('online');
  }

  /** start_job through the fake's REST API until OctoPrint reports `Printing`. */
  async function printJob(jobId = 'job-1'): Promise<void> {
    await expect(adapter.execute(startJobFor(jobId, gcode, 'gcode', 'benchy.gcode'))).resolves.toEqual({
      status: 'accepted',
    });
    await rec.state('running');
  }

  beforeEach(async () => {
    fake = await FakeOctoPrint.start();
    files = await FileServer.start();
    gcode = files.add('benchy.gcode', 'G28\nG1 X10 Y10\n'.repeat(200));
  });

  afterEach(async () => {
    await adapter?.stop();
    await fake.stop();
    await files.close();
    expect(rec?.invalid ?? []).toEqual([]);
  });

  it('uploads, starts, reports progress and waits in awaiting_clear until clear_confirm', async () => {
    await connect();
    expect(adapter.snapshot()).toMatchObject({ state: 'idle', temps: { nozzle: { current: 210.2, target: 210 } } });
    await printJob();

    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]).toMatchObject({ name: 'job-1-benchy.gcode', bytes: gcode.content });
    expect(fake.jobCommands).toEqual([{ command: 'start' }]);
    expect(rec.eventTypes()).toEqual(['job.accepted', 'transfer.completed', 'job.started', 'job.phase']);

    fake.progress = { completion: 42.5, printTime: 300, printTimeLeft: 400, filepos: 1000 };
    fake.pushCurrent();
    await rec.until(() => adapter.snapshot().job?.progressPct === 42.5, 'progress');
    expect(adapter.snapshot().job).toMatchObject({
      jobId: 'job-1',
      name: 'benchy.gcode',
      elapsedS: 300,
      remainingS: 400,
    });

    fake.finishPrint();
    await rec.state('awaiting_clear');
    expect(rec.events('job.finished')).toEqual([expect.objectContaining({ jobId: 'job-1', outcome: 'completed' })]);
    expect(adapter.snapshot()).toMatchObject({
      job: null,
      lastJobOutcome: { jobId: 'job-1', outcome: 'completed' },
      interventions: [{ kind: 'clear_build_area', actions: ['clear_confirm'] }],
    });
    const again = await adapter.execute(startJobFor('job-2', gcode, 'gcode', 'benchy.gcode'));
    expect(again).toMatchObject({ status: 'error', error: { code: 'PRECONDITION_FAILED', retryable: true } });

    const clear = command('clear_confirm');
    await expect(adapter.execute(clear)).resolves.toEqual({ status: 'ok' });
    expect(adapter.snapshot()).toMatchObject({ state: 'idle', interventions: [] });
    expect(rec.events('build_area.cleared')).toEqual([
      { jobId: 'job-1', source: 'command', commandId: clear.commandId },
    ]);
    expect(rec.states()).toEqual(['idle', 'receiving', 'preparing', 'running', 'awaiting_clear', 'idle']);
  });

  it('pauses and resumes on command; a cancel reports one job.finished although OctoPrint fires two events', async () => {
    await connect();
    await printJob();

    await expect(adapter.execute(command('pause'))).resolves.toEqual({ status: 'ok' });
    await rec.state('paused');
    expect(adapter.snapshot()).toMatchObject({ pauseReason: 'user', substate: 'Paused' });
    await expect(adapter.execute(command('pause'))).resolves.toMatchObject({ error: { code: 'PRECONDITION_FAILED' } });
    await expect(adapter.execute(command('resume'))).resolves.toEqual({ status: 'ok' });
    await rec.state('running');
    expect(rec.events('job.paused')).toEqual([{ jobId: 'job-1', reason: 'user' }]);
    expect(rec.events('job.resumed')).toEqual([{ jobId: 'job-1' }]);

    await expect(adapter.execute(command('cancel'))).resolves.toEqual({ status: 'ok' });
    await rec.state('awaiting_clear');
    await sleep(FAST.outcomeGraceMs + 50);
    expect(rec.states().slice(-3)).toEqual(['running', 'stopping', 'awaiting_clear']);
    expect(rec.events('job.finished')).toEqual([
      expect.objectContaining({ jobId: 'job-1', outcome: 'cancelled', nativeCode: 'PrintCancelled' }),
    ]);
  });

  it('turns a runout pause into a material_runout intervention and clears it on resume', async () => {
    await connect();
    await printJob();

    fake.set('Paused', ['Recv: //action:paused filament_runout 0']);
    await rec.state('paused');
    const snapshot = adapter.snapshot();
    expect(snapshot).toMatchObject({
      pauseReason: 'intervention',
      interventions: [{ id: 'runout-1', kind: 'material_runout', blocking: true, resumable: true }],
    });
    expect(rec.events('job.paused')).toEqual([{ jobId: 'job-1', reason: 'intervention', interventionId: 'runout-1' }]);

    await expect(adapter.execute(command('resume'))).resolves.toEqual({ status: 'ok' });
    await rec.state('running');
    expect(adapter.snapshot().interventions).toEqual([]);
    expect(rec.events('intervention.cleared')).toEqual([{ id: 'runout-1', kind: 'material_runout' }]);
  });

  it('goes offline when OctoPrint disappears and comes back with the same job', async () => {
    await connect();
    await printJob();
    const mark = rec.mark;

    await fake.stop();
    await rec.availability('offline');
    expect(adapter.snapshot().state).toBe('offline');
    await fake.restart();
    await rec.availability('online', 5000);

    expect(adapter.snapshot()).toMatchObject({ state: 'running', job: { jobId: 'job-1' } });
    expect(rec.availabilities(mark)).toEqual(expect.arrayContaining(['offline', 'online']));
    expect(rec.eventTypes(mark)).not.toContain('job.finished');
    expect(rec.eventTypes(mark)).not.toContain('job.started');
  });

  it('polls the REST API without the push socket and infers the outcome of a cancel', async () => {
    await connect({ push: false });
    await printJob();

    await expect(adapter.execute(command('cancel'))).resolves.toEqual({ status: 'ok' });
    await rec.state('awaiting_clear');
    expect(rec.events('job.finished')).toEqual([expect.objectContaining({ outcome: 'cancelled' })]);
    expect(adapter.meta().capabilities.pushUpdates).toBe(false);
  });

  it('refuses a file whose checksum does not match and goes back to idle', async () => {
    await connect();
    const bad = { ...gcode, sha256: 'f'.repeat(64) };
    await adapter.execute(startJobFor('job-9', bad, 'gcode', 'benchy.gcode'));
    await rec.until(() => rec.events('job.finished').length === 1, 'job.finished');

    expect(rec.events('transfer.failed')).toEqual([
      { jobId: 'job-9', error: expect.objectContaining({ code: 'CHECKSUM_MISMATCH' }) },
    ]);
    expect(adapter.snapshot().state).toBe('idle');
    expect(fake.uploads).toEqual([]);
  });

  it('ignores malformed push messages and unknown states', async () => {
    await connect();
    fake.pushRaw('not json at all');
    fake.pushRaw(JSON.stringify({ current: 42 }));
    fake.pushRaw(JSON.stringify({ event: { payload: {} } }));
    fake.set('Some future state');
    await rec.state('unknown');
    fake.set('Operational');
    await rec.state('idle');
    await printJob();
    expect(adapter.snapshot().state).toBe('running');
  });

  it('names the bad key when the options are wrong', () => {
    const validate = (options: unknown) => () => octoprintFactory.validateOptions(options, '.');
    expect(validate({ apiKey: 'k' })).toThrow(new AdapterOptionsError('url', 'is required'));
    expect(validate({ url: 'ftp://x', apiKey: 'k' })).toThrow(/^url: must start with http/);
    expect(validate({ url: 'http://x' })).toThrow(new AdapterOptionsError('apiKey', 'is required'));
    expect(validate({ url: 'http://x', apiKey: 'k', pollIntervalMs: -1 })).toThrow(/^pollIntervalMs:/);
    expect(validate({ url: 'http://x', apiKey: 'k', reconect: {} })).toThrow(/^reconect: is not a known option/);
  });
});

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { MachineAdapter } from '../../runtime/adapter.js';
import { AdapterOptionsError } from '../../runtime/adapter.js';
import { silentLogger } from '../../runtime/logger.js';
import { createRealScheduler } from '../../runtime/scheduler.js';
import { CheckedRecorder, command, FileServer, sleep, startJobFor, type ServedFile } from '../native-kit/testing.js';
import { moonrakerFactory } from './index.js';
import { FakeMoonraker } from './testing/fake-moonraker.js';

const FAST = { reconnect: { initialMs: 20, maxMs: 80 }, connectTimeoutMs: 2000, requestTimeoutMs: 1000 };

describe('Moonraker adapter', () => {
  let fake: FakeMoonraker;
  let files: FileServer;
  let gcode: ServedFile;
  let adapter: MachineAdapter;
  let rec: CheckedRecorder;

  async function connect(options: Record<string, unknown> = {}): Promise<void> {
    adapter = moonrakerFactory.create({
      machineId: 'voron-1',
      options: { url: fake.url, ...FAST, ...options },
      configDir: '.',
      logger: silentLogger,
      scheduler: createRealScheduler(),
    });
    rec = new CheckedRecorder(adapter);
    await adapter.start();
    await rec.availability('online');
  }

  /** start_job until Klipper prints (first extrusion done). */
  async function printJob(jobId = 'job-1'): Promise<void> {
    await expect(adapter.execute(startJobFor(jobId, gcode, 'gcode', 'cube.gcode'))).resolves.toEqual({
      status: 'accepted',
    });
    await rec.until(() => rec.events('job.started').some((e) => e.jobId === jobId), 'job.started');
    expect(adapter.snapshot()).toMatchObject({ state: 'preparing', substate: 'heating' });
    fake.update({
      print_stats: { filament_used: 12.5, print_duration: 30, info: { current_layer: 1, total_layer: 50 } },
    });
    await rec.state('running');
  }

  beforeEach(async () => {
    fake = await FakeMoonraker.start();
    files = await FileServer.start();
    gcode = files.add('cube.gcode', 'G28\nG1 Z0.2 E1\n'.repeat(300));
  });

  afterEach(async () => {
    await adapter?.stop();
    await fake.stop();
    await files.close();
    expect(rec?.invalid ?? []).toEqual([]);
  });

  it('uploads with a checksum, prepares, prints, and waits in awaiting_clear after complete', async () => {
    await connect();
    expect(adapter.snapshot()).toMatchObject({
      state: 'idle',
      temps: { nozzle: { current: 24.5 }, bed: { current: 23.1 } },
    });
    await printJob();

    expect(fake.uploads).toEqual([{ path: 'fabrique/job-1-cube.gcode', bytes: gcode.content }]);
    expect(fake.calls.find((c) => c.method === 'printer.print.start')?.params).toEqual({
      filename: 'fabrique/job-1-cube.gcode',
    });
    fake.update({
      display_status: { progress: 0.5 },
      print_stats: { print_duration: 600, info: { current_layer: 25 } },
    });
    await rec.until(() => adapter.snapshot().job?.progressPct === 50, 'progress');
    expect(adapter.snapshot().job).toMatchObject({
      jobId: 'job-1',
      elapsedS: 600,
      remainingS: 600,
      layer: { current: 25, total: 50 },
    });

    fake.update({ print_stats: { state: 'complete', filament_used: 1234.4 }, display_status: { progress: 1 } });
    await rec.state('awaiting_clear');
    expect(rec.eventTypes()).toEqual([
      'job.accepted',
      'transfer.completed',
      'job.started',
      'job.phase',
      'job.phase',
      'job.finished',
      'intervention.raised',
    ]);
    expect(rec.events('job.finished')[0]).toMatchObject({
      jobId: 'job-1',
      outcome: 'completed',
      materialUsed: [{ slot: '0', amount: 1234, unit: 'mm' }],
      layer: { current: 25, total: 50 },
    });
    await expect(adapter.execute(command('clear_confirm'))).resolves.toEqual({ status: 'ok' });
    expect(adapter.snapshot()).toMatchObject({
      state: 'idle',
      lastJobOutcome: { jobId: 'job-1', outcome: 'completed' },
    });
    expect(rec.states()).toEqual(['idle', 'receiving', 'preparing', 'running', 'awaiting_clear', 'idle']);
  });

  it('pauses, resumes and cancels through JSON-RPC, with one job.finished', async () => {
    await connect();
    await printJob();
    await expect(adapter.execute(command('pause'))).resolves.toEqual({ status: 'ok' });
    await rec.state('paused');
    expect(adapter.snapshot()).toMatchObject({ pauseReason: 'user', substate: 'paused' });
    await expect(adapter.execute(command('resume'))).resolves.toEqual({ status: 'ok' });
    await rec.state('running');
    await expect(adapter.execute(command('cancel'))).resolves.toEqual({ status: 'ok' });
    await rec.state('awaiting_clear');
    fake.update({ print_stats: { print_duration: 700 } }); // the kept `cancelled` keeps coming
    await sleep(30);
    expect(rec.events('job.paused')).toEqual([{ jobId: 'job-1', reason: 'user' }]);
    expect(rec.events('job.resumed')).toEqual([{ jobId: 'job-1' }]);
    expect(rec.events('job.finished')).toEqual([
      expect.objectContaining({ outcome: 'cancelled', nativeCode: 'cancelled' }),
    ]);
  });

  it('reports a runout sensor pause as a material_runout intervention', async () => {
    await connect();
    await printJob();
    fake.update({ 'filament_switch_sensor runout': { filament_detected: false }, print_stats: { state: 'paused' } });
    await rec.state('paused');
    expect(adapter.snapshot()).toMatchObject({
      pauseReason: 'intervention',
      interventions: [
        { id: 'runout-runout', kind: 'material_runout', blocking: true, nativeCode: 'filament_switch_sensor runout' },
      ],
    });
    expect(rec.events('job.paused')).toEqual([
      { jobId: 'job-1', reason: 'intervention', interventionId: 'runout-runout' },
    ]);

    fake.update({ 'filament_switch_sensor runout': { filament_detected: true } });
    await expect(adapter.execute(command('resume'))).resolves.toEqual({ status: 'ok' });
    await rec.state('running');
    expect(adapter.snapshot().interventions).toEqual([]);
  });

  it('survives a lost connection, reports a job that ended meanwhile once, and never again', async () => {
    await connect();
    await printJob();
    await fake.stop();
    await rec.availability('offline');
    expect(adapter.snapshot().state).toBe('offline');
    await fake.restart();
    await rec.availability('online', 5000);
    expect(adapter.snapshot()).toMatchObject({ state: 'running', job: { jobId: 'job-1' } });

    await fake.stop();
    await rec.availability('offline');
    fake.objects = { ...fake.objects, print_stats: { ...(fake.objects.print_stats as object), state: 'complete' } };
    await fake.restart();
    await rec.state('awaiting_clear', 5000);
    await adapter.execute(command('clear_confirm'));

    await fake.stop();
    await rec.availability('offline');
    await fake.restart();
    await rec.availability('online', 5000);
    expect(adapter.snapshot().state).toBe('idle');
    expect(rec.events('job.finished')).toEqual([expect.objectContaining({ jobId: 'job-1', outcome: 'completed' })]);
    expect(rec.events('job.started')).toHaveLength(1);
  });

  it('waits for clear_confirm when Klipper still shows a finished job at start-up, without reporting it', async () => {
    fake.objects = { ...fake.objects, print_stats: { state: 'complete', filename: 'old.gcode', filament_used: 10 } };
    await connect();
    expect(adapter.snapshot()).toMatchObject({
      state: 'awaiting_clear',
      interventions: [{ kind: 'clear_build_area' }],
    });
    expect(rec.events('job.finished')).toEqual([]);
    await adapter.execute(command('clear_confirm'));
    expect(adapter.snapshot().state).toBe('idle');
  });

  it('fails the job as CHECKSUM_MISMATCH when Moonraker answers 422', async () => {
    await connect();
    fake.corruptUploads = true;
    await adapter.execute(startJobFor('job-2', gcode, 'gcode', 'cube.gcode'));
    await rec.until(() => rec.events('job.finished').length === 1, 'job.finished');
    expect(rec.events('transfer.failed')).toEqual([
      { jobId: 'job-2', error: expect.objectContaining({ code: 'CHECKSUM_MISMATCH', retryable: true }) },
    ]);
    expect(adapter.snapshot().state).toBe('idle');
  });

  it('turns a Klipper shutdown mid-print into a failed job and an error state', async () => {
    await connect();
    await printJob();
    fake.pushRaw('{not json');
    fake.notify('notify_status_update', ['not an object']);
    fake.update({ webhooks: { state: 'shutdown', state_message: 'Heater extruder not heating at expected rate' } });
    await rec.state('error');
    expect(rec.events('job.finished')).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        nativeCode: 'klippy_shutdown',
        message: expect.stringContaining('Heater'),
      }),
    ]);
    expect(
      adapter
        .snapshot()
        .interventions.map((i) => i.kind)
        .sort(),
    ).toEqual(['clear_build_area', 'thermal_fault']);
    expect(rec.events('fault.raised')).toHaveLength(1);
  });

  it('names the bad key when the options are wrong', () => {
    const validate = (options: unknown) => () => moonrakerFactory.validateOptions(options, '.');
    expect(validate({})).toThrow(new AdapterOptionsError('url', 'is required'));
    expect(validate({ url: 'http://x', uploadFolder: '../etc' })).toThrow(/^uploadFolder: must match/);
    expect(validate({ url: 'http://x', reconnect: { initialMs: 500, maxMs: 100 } })).toThrow(/^reconnect\.maxMs:/);
  });
});

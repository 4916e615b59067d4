import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { MachineAdapter } from '../../runtime/adapter.js';
import { silentLogger } from '../../runtime/logger.js';
import { createRealScheduler } from '../../runtime/scheduler.js';
import {
  buildTestCommand,
  CheckedRecorder,
  command,
  sleep,
  startJobFor,
  type ServedFile,
} from '../native-kit/testing.js';
import { bambuLanFactory } from './index.js';
import { ACCESS_CODE, FakeBambu, SERIAL } from './testing/fake-bambu.js';

const FAST = { reconnect: { initialMs: 20, maxMs: 80 }, connectTimeoutMs: 2000, commandTimeoutMs: 1000 };
/** Bambu starts files already on the SD card: the URL and checksum are not used. */
const ON_SD: ServedFile = {
  url: 'http://127.0.0.1:9/unused',
  sha256: 'a'.repeat(64),
  bytes: 1000,
  content: Buffer.alloc(0),
};

describe('Bambu LAN adapter', () => {
  let fake: FakeBambu;
  let adapter: MachineAdapter;
  let rec: CheckedRecorder;

  async function connect(options: Record<string, unknown> = {}): Promise<void> {
    adapter = bambuLanFactory.create({
      machineId: 'p1s-1',
      options: { host: '127.0.0.1', port: fake.mqttPort, serial: SERIAL, accessCode: ACCESS_CODE, ...FAST, ...options },
      configDir: '/',
      logger: silentLogger,
      scheduler: createRealScheduler(),
    });
    rec = new CheckedRecorder(adapter);
    await adapter.start();
    await rec.availability('online');
  }

  async function printJob(jobId = 'job-1'): Promise<void> {
    const start = buildTestCommand('start_job', { ...startParams(), plate: 2 }, { jobId });
    await expect(adapter.execute(start)).resolves.toEqual({ status: 'accepted' });
    await rec.until(() => rec.events('job.started').some((e) => e.jobId === jobId), 'job.started');
    fake.report({
      gcode_state: 'RUNNING',
      stg_cur: 0,
      mc_percent: 40,
      mc_remaining_time: 25,
      layer_num: 10,
      total_layer_num: 100,
    });
    await rec.state('running');
  }

  const startParams = () => {
    const { url, sha256, bytes } = ON_SD;
    return { url, sha256, bytes, format: '3mf' as const, name: 'benchy.3mf' };
  };

  beforeEach(async () => {
    fake = await FakeBambu.start();
  });

  afterEach(async () => {
    await adapter?.stop();
    await fake.close();
    expect(rec?.invalid ?? []).toEqual([]);
  });

  it('verifies the printer against a pinned CA, merges P1 deltas and runs an SD-card job to awaiting_clear', async () => {
    fake.state = { ...fake.state, print_error: 0x07008011 }; // stale from an old job: ignored while IDLE
    await connect({ caFile: fake.certPath });
    expect(adapter.snapshot()).toMatchObject({
      state: 'idle',
      interventions: [],
      temps: { nozzle: { current: 26, target: 0 } },
      materials: [
        { slot: 'ams1-1', kind: 'filament', material: 'PLA', color: '#FF6A13', remainingPct: 80, loaded: true },
      ],
    });
    await printJob();

    const request = fake.requests.find((r) => rec_(r).command === 'project_file');
    expect(rec_(request)).toMatchObject({
      url: 'file:///sdcard/benchy.3mf',
      param: 'Metadata/plate_2.gcode',
      subtask_name: 'benchy',
      use_ams: false,
    });
    expect(adapter.snapshot().job).toMatchObject({
      jobId: 'job-1',
      progressPct: 40,
      remainingS: 1500,
      layer: { current: 10, total: 100 },
    });

    fake.report({ mc_percent: 100, layer_num: 100, gcode_state: 'FINISH' });
    await rec.state('awaiting_clear');
    expect(rec.states()).toEqual(['idle', 'preparing', 'running', 'awaiting_clear']);
    expect(rec.events('job.finished')).toEqual([
      expect.objectContaining({ jobId: 'job-1', outcome: 'completed', layer: { current: 100, total: 100 } }),
    ]);
    fake.report({ nozzle_temper: 40 }); // the kept FINISH keeps coming: no second job.finished
    await sleep(20);
    await expect(adapter.execute(command('clear_confirm'))).resolves.toEqual({ status: 'ok' });
    expect(adapter.snapshot().state).toBe('idle');
    expect(rec.events('job.finished')).toHaveLength(1);
  });

  it('correlates pause, resume and stop with their sequence_id replies; a stop ends as cancelled', async () => {
    await connect();
    await printJob();
    await expect(adapter.execute(command('pause'))).resolves.toEqual({ status: 'ok' });
    await rec.state('paused');
    expect(adapter.snapshot()).toMatchObject({ pauseReason: 'user', substate: 'PAUSE' });
    await expect(adapter.execute(command('resume'))).resolves.toEqual({ status: 'ok' });
    await rec.state('running');
    await expect(adapter.execute(command('cancel'))).resolves.toEqual({ status: 'ok' });
    await rec.state('awaiting_clear');
    const sent = fake.requests.map((r) => rec_(r).command).filter(Boolean);
    expect(sent).toEqual(['project_file', 'pause', 'resume', 'stop']);
    expect(rec.events('job.finished')).toEqual([
      expect.objectContaining({ outcome: 'cancelled', nativeCode: '0300400C' }),
    ]);
  });

  it('turns a runout pause (stage 6, HMS 0700_2000_0002_0001) into one material_runout intervention', async () => {
    await connect();
    await printJob();
    fake.report({
      gcode_state: 'PAUSE',
      stg_cur: 6,
      print_error: 0x07008011,
      hms: [{ attr: 0x07002000, code: 0x00020001 }],
    });
    await rec.state('paused');
    expect(adapter.snapshot()).toMatchObject({
      pauseReason: 'intervention',
      interventions: [
        { id: 'hms-0700_2000_0002_0001', kind: 'material_runout', severity: 'error', blocking: true, resumable: true },
      ],
    });
    expect(rec.events('job.paused')).toEqual([
      { jobId: 'job-1', reason: 'intervention', interventionId: 'hms-0700_2000_0002_0001' },
    ]);
    await expect(adapter.execute(command('resume'))).resolves.toEqual({ status: 'ok' });
    fake.report({ hms: [] });
    await rec.until(() => adapter.snapshot().interventions.length === 0, 'intervention cleared');
    expect(rec.events('fault.cleared')).toEqual([{ id: 'hms-0700_2000_0002_0001', nativeCode: '0700_2000_0002_0001' }]);
  });

  it('goes offline when the printer drops off and resumes the same job when it is back (X1 full reports)', async () => {
    fake.mode = 'full';
    await connect();
    await printJob();
    const mark = rec.mark;
    await fake.stop();
    await rec.availability('offline');
    expect(adapter.snapshot().state).toBe('offline');
    fake.state = { ...fake.state, mc_percent: 55 };
    await fake.restart();
    await rec.availability('online', 5000);
    expect(adapter.snapshot()).toMatchObject({ state: 'running', job: { jobId: 'job-1', progressPct: 55 } });
    expect(rec.eventTypes(mark)).toEqual([]);
  });

  it('becomes read-only when the printer refuses control, answering CONTROL_LOCKED', async () => {
    await connect();
    await printJob();
    fake.lockControl = true;
    await expect(adapter.execute(command('pause'))).resolves.toMatchObject({ error: { code: 'CONTROL_LOCKED' } });
    expect(adapter.availability()).toMatchObject({
      state: 'degraded',
      reason: expect.stringContaining('verify failed'),
    });
    const sent = fake.requests.length;
    await expect(adapter.execute(command('cancel'))).resolves.toMatchObject({ error: { code: 'CONTROL_LOCKED' } });
    expect(fake.requests).toHaveLength(sent);
    expect(adapter.snapshot().state).toBe('running');
  });

  it('refuses control when configured read-only, and starts only files named on the SD card', async () => {
    await connect({ readOnly: true });
    await expect(adapter.execute(command('pause'))).resolves.toMatchObject({ error: { code: 'CONTROL_LOCKED' } });
    await adapter.stop();
    rec.stop();
    await connect({ sdStart: false });
    const start = startJobFor('job-3', ON_SD, '3mf', 'x.3mf');
    await expect(adapter.execute(start)).resolves.toMatchObject({ error: { code: 'UNSUPPORTED' } });
    await adapter.stop();
    rec.stop();
    await connect();
    const noName = buildTestCommand('start_job', { ...startParams(), name: '../etc/passwd.3mf' }, { jobId: 'job-4' });
    await expect(adapter.execute(noName)).resolves.toMatchObject({ error: { code: 'UNSUPPORTED' } });
    expect(adapter.snapshot().state).toBe('idle');
  });

  it('waits for clear_confirm when the printer still shows FINISH at start-up, and ignores malformed reports', async () => {
    fake.state = { ...fake.state, gcode_state: 'FINISH', subtask_name: 'old' };
    await connect();
    fake.sendRaw('{"print": not json');
    fake.sendRaw(JSON.stringify({ print: { command: 'push_status', mc_percent: 'lots', hms: 'none' } }));
    fake.sendRaw(JSON.stringify({ info: { command: 'get_version' } }));
    await sleep(30);
    expect(adapter.snapshot()).toMatchObject({
      state: 'awaiting_clear',
      interventions: [{ kind: 'clear_build_area' }],
    });
    expect(rec.events('job.finished')).toEqual([]);
  });

  it('stays offline with the reason when the access code is refused', async () => {
    adapter = bambuLanFactory.create({
      machineId: 'p1s-1',
      options: { host: '127.0.0.1', port: fake.mqttPort, serial: SERIAL, accessCode: 'wrong-code', ...FAST },
      configDir: '/',
      logger: silentLogger,
      scheduler: createRealScheduler(),
    });
    rec = new CheckedRecorder(adapter);
    await adapter.start();
    await rec.until(() => /Bad username or password/.test(adapter.availability().reason ?? ''), 'refusal reason');
    expect(adapter.availability().state).toBe('offline');
    expect(adapter.availability().reason).not.toContain('wrong-code');
  });

  it('names the bad key when the options are wrong', () => {
    const validate = (options: unknown) => () => bambuLanFactory.validateOptions(options, '/nowhere');
    const base = { host: '192.168.1.20', serial: SERIAL, accessCode: ACCESS_CODE };
    expect(validate({ ...base, serial: undefined })).toThrow(/^serial: is required/);
    expect(validate({ ...base, accessCode: '' })).toThrow(/^accessCode:/);
    expect(validate({ ...base, caFile: 'missing.pem' })).toThrow(/^caFile: cannot be read/);
    expect(validate({ ...base, port: 70000 })).toThrow(/^port:/);
  });
});

/** The `print` part of a request the fake received. */
function rec_(request: unknown): Record<string, unknown> {
  const value = (request as { print?: Record<string, unknown> } | undefined)?.print;
  return value ?? {};
}

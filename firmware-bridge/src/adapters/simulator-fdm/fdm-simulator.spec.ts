import { describe, expect, it } from '@jest/globals';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBridgeEncoder } from '../../contract/index.js';
import { VirtualScheduler } from '../../runtime/scheduler.js';
import { buildTestCommand, startJob, UpdateRecorder } from '../simulator-kit/testing.js';
import { parseFdmOptions } from './fdm-options.js';
import { FdmSimulator } from './fdm-simulator.js';

const here = dirname(fileURLToPath(import.meta.url));
const NO_FAULTS = { firstLayerFailureRate: 0, clogRate: 0, userCancelRate: 0, transferFailureRate: 0 };
const HOUR = 3_600_000;

async function printer(options: Record<string, unknown> = {}) {
  const scheduler = new VirtualScheduler();
  const parsed = parseFdmOptions(
    { seed: 7, faults: NO_FAULTS, job: { slicerEstimateS: 3600, filamentG: 30, layers: 120 }, ...options },
    'printer-1',
    here,
  );
  const sim = new FdmSimulator('printer-1', scheduler, parsed);
  const rec = new UpdateRecorder(sim, () => scheduler.now());
  await sim.start();
  return {
    sim,
    scheduler,
    rec,
    until: (state: string) => scheduler.runUntil(() => sim.snapshot().state === state, 10 * HOUR),
  };
}

describe('FdmSimulator', () => {
  it('prints for the estimate, layers and filament the file states when no profile is configured', async () => {
    const { sim, rec, until } = await printer({ job: {} });
    const estimate = { durationS: 3720, layers: 21, filamentG: 12.3 };
    const command = startJob('job-1', 'gcode', 2_000_000);
    await sim.execute({ ...command, params: { ...command.params, estimate } } as typeof command);
    expect(until('running')).toBe(true);
    // At the start of printing the printer announces the file's own figures, as the upload did.
    expect(sim.snapshot().job).toMatchObject({ remainingS: 3720, layer: { current: 0, total: 21 } });
    expect(rec.events().find((e) => e.event.type === 'job.started')!.event.data).toMatchObject({ estimatedS: 3720 });
    expect(until('awaiting_clear')).toBe(true);
    const end = rec.events().find((e) => e.event.type === 'job.finished')!.event.data as {
      durations: { runningS: number };
      layer: { total: number };
      materialUsed: Array<{ amount: number }>;
    };
    // Slicer estimate × 1.02 (PrusaSlicer runs a little long), jittered ±2 %: well within 10 %.
    expect(Math.abs(end.durations.runningS / 3720 - 1)).toBeLessThan(0.1);
    expect(end.layer.total).toBe(21);
    expect(end.materialUsed[0].amount).toBe(12.3);
  });

  it('keeps a configured job profile over the file (tests and benches fix their durations)', async () => {
    const { sim, until } = await printer();
    const command = startJob('job-1', 'gcode', 2_000_000);
    await sim.execute({
      ...command,
      params: { ...command.params, estimate: { durationS: 60, layers: 2 } },
    } as typeof command);
    expect(until('running')).toBe(true);
    expect(sim.snapshot().job).toMatchObject({ remainingS: 3600, layer: { total: 120 } });
  });

  it('runs a job through receiving, preparing and running, then waits for the bed to be cleared', async () => {
    const { sim, scheduler, rec, until } = await printer();
    const t0 = scheduler.now();
    await expect(sim.execute(startJob('job-1', 'gcode', 2_000_000))).resolves.toEqual({ status: 'accepted' });
    expect(until('awaiting_clear')).toBe(true);

    expect(rec.states()).toEqual([
      'idle',
      'receiving/TRANSFER',
      'preparing/heating',
      'preparing/levelling',
      'preparing/purging',
      'running/printing',
      'awaiting_clear',
    ]);
    const started = rec.timeOf('job.started')!;
    const running = rec.events().find((e) => e.event.type === 'job.phase' && e.event.data.state === 'running')!.at;
    const finished = rec.timeOf('job.finished')!;
    expect(started - t0).toBe(2000); // 2 MB at 1 MB/s
    expect((running - started) / 60_000).toBeGreaterThanOrEqual(5.7);
    expect((running - started) / 60_000).toBeLessThanOrEqual(7.9);
    // Slicer estimate × per-machine ratio 1.02, jittered ±2 %.
    expect((finished - running) / 1000).toBeGreaterThan(3600 * 1.02 * 0.98);
    expect((finished - running) / 1000).toBeLessThan(3600 * 1.02 * 1.02);

    const end = rec.events().find((e) => e.event.type === 'job.finished')!.event;
    expect(end.data).toMatchObject({ jobId: 'job-1', outcome: 'completed', layer: { current: 120, total: 120 } });
    expect(end.data).toMatchObject({ materialUsed: [{ slot: '0', material: 'PLA', amount: 30, unit: 'g' }] });
    expect(sim.snapshot()).toMatchObject({
      state: 'awaiting_clear',
      job: null,
      lastJobOutcome: { jobId: 'job-1', outcome: 'completed' },
      interventions: [{ kind: 'clear_build_area', actions: ['clear_confirm'] }],
    });

    // The bed stays occupied until staff confirm: a new job is refused, retryably.
    const again = await sim.execute(startJob('job-2'));
    expect(again).toMatchObject({ status: 'error', error: { code: 'PRECONDITION_FAILED', retryable: true } });
    scheduler.advance(HOUR);
    expect(sim.snapshot().state).toBe('awaiting_clear');

    const clear = buildTestCommand('clear_confirm', {});
    await expect(sim.execute(clear)).resolves.toEqual({ status: 'ok' });
    expect(sim.snapshot()).toMatchObject({ state: 'idle', interventions: [] });
    expect(rec.events().at(-1)!.event).toEqual({
      type: 'build_area.cleared',
      data: { jobId: 'job-1', source: 'command', commandId: clear.commandId },
    });
  });

  it('heats the nozzle and the bed along first-order curves and cools after the job', async () => {
    const { sim, scheduler, rec } = await printer();
    await sim.execute(startJob('job-1'));
    scheduler.runUntil(() => rec.states().includes('preparing/heating'), HOUR);
    scheduler.advance(10_000);
    const early = sim.snapshot().temps!;
    expect(early.nozzle.target).toBe(215);
    expect(early.nozzle.current).toBeGreaterThan(80);
    expect(early.nozzle.current).toBeLessThan(215);
    expect(early.bed.current).toBeLessThan(early.nozzle.current); // τ 180 s vs 30 s
    scheduler.runUntil(() => rec.states().includes('preparing/levelling'), HOUR);
    expect(sim.snapshot().temps).toEqual({
      nozzle: { current: 215, target: 215 },
      bed: { current: 60, target: 60 },
    });
    scheduler.runUntil(() => sim.snapshot().state === 'awaiting_clear', 10 * HOUR);
    scheduler.advance(600_000);
    expect(sim.snapshot().temps!.nozzle).toMatchObject({ target: null });
    expect(sim.snapshot().temps!.nozzle.current).toBeLessThan(60);
  });

  it('replays exactly the same updates for the same seed, and different ones for another seed', async () => {
    const run = async (seed: number) => {
      const { sim, rec, until } = await printer({ seed, job: {}, faults: { ...NO_FAULTS, clogRate: 0.5 } });
      await sim.execute(startJob('job-1', '3mf', 900_000, { commandId: 'cmd-same' }));
      until('awaiting_clear');
      return JSON.stringify(rec.updates);
    };
    const first = await run(42);
    expect(first.length).toBeGreaterThan(10_000);
    expect(first === (await run(42))).toBe(true); // not toEqual: a diff of 1,800 samples is unreadable
    expect(first === (await run(43))).toBe(false);
  });

  it('pauses for a filament runout when the spool is short, and resumes on a new spool', async () => {
    const { sim, scheduler, rec, until } = await printer({ spool: { grams: 1000, remainingGrams: 12 } });
    await sim.execute(startJob('job-1'));
    expect(until('paused')).toBe(true);
    const snap = sim.snapshot();
    expect(snap).toMatchObject({ state: 'paused', pauseReason: 'intervention', substate: 'FILAMENT_RUNOUT' });
    expect(snap.interventions).toEqual([
      expect.objectContaining({
        kind: 'material_runout',
        blocking: true,
        resumable: true,
        nativeCode: 'FILAMENT_RUNOUT',
      }),
    ]);
    expect(snap.job!.progressPct).toBeCloseTo(40, 0); // 12 g of 30 g
    expect(snap.materials![0]).toMatchObject({ remainingPct: 0, loaded: false });
    const paused = rec.events().find((e) => e.event.type === 'job.paused')!.event;
    expect(paused.data).toEqual({ jobId: 'job-1', reason: 'intervention', interventionId: snap.interventions[0].id });

    scheduler.advance(20 * 60_000); // nobody there for 20 min: the job waits
    expect(sim.snapshot().state).toBe('paused');
    await expect(sim.execute(buildTestCommand('resume', {}))).resolves.toEqual({ status: 'ok' });
    expect(rec.eventTypes().slice(-3)).toEqual(['intervention.cleared', 'materials.changed', 'job.resumed']);
    expect(until('awaiting_clear')).toBe(true);
    const end = rec.events().find((e) => e.event.type === 'job.finished')!.event;
    expect(end.data).toMatchObject({ outcome: 'completed', durations: { pausedS: 1200 } });
    expect(sim.snapshot().materials![0].remainingPct).toBeCloseTo(98.2, 1); // 1000 g − 18 g
  });

  it('fails the first layer early from a scenario: resume is refused, cancel ends the job as failed', async () => {
    const { sim, rec, until } = await printer({ scenario: 'scenarios/first-layer-failure.yaml' });
    await sim.execute(startJob('job-1'));
    expect(until('paused')).toBe(true);
    expect(sim.snapshot()).toMatchObject({ pauseReason: 'error', interventions: [{ kind: 'quality_defect' }] });
    expect(sim.snapshot().job!.layer!.current).toBe(1);
    expect(rec.eventTypes()).toContain('fault.raised');
    const resume = await sim.execute(buildTestCommand('resume', {}));
    expect(resume).toMatchObject({ status: 'error', error: { code: 'PRECONDITION_FAILED' } });
    await sim.execute(buildTestCommand('cancel', {}));
    expect(sim.snapshot().state).toBe('stopping');
    expect(until('awaiting_clear')).toBe(true);
    const end = rec.events().find((e) => e.event.type === 'job.finished')!.event;
    expect(end.data).toMatchObject({ outcome: 'failed', nativeCode: 'FIRST_LAYER_DEFECT' });
    expect(rec.eventTypes()).toEqual(expect.arrayContaining(['intervention.cleared', 'fault.cleared']));
  });

  it('clogs mid-print at the configured rate and carries on after resume', async () => {
    const { sim, rec, until } = await printer({ faults: { ...NO_FAULTS, clogRate: 1 } });
    await sim.execute(startJob('job-1'));
    expect(until('paused')).toBe(true);
    expect(sim.snapshot().interventions[0]).toMatchObject({ kind: 'thread_or_feed_fault', nativeCode: 'NOZZLE_CLOG' });
    const pct = sim.snapshot().job!.progressPct;
    expect(pct).toBeGreaterThanOrEqual(10);
    expect(pct).toBeLessThanOrEqual(90);
    await sim.execute(buildTestCommand('resume', {}));
    expect(until('awaiting_clear')).toBe(true);
    expect(rec.events().find((e) => e.event.type === 'job.finished')!.event.data).toMatchObject({
      outcome: 'completed',
    });
  });

  it('pauses and resumes on user command, and cancels to awaiting_clear', async () => {
    const { sim, scheduler, rec, until } = await printer();
    await sim.execute(startJob('job-1'));
    until('running');
    scheduler.advance(60_000);
    await expect(sim.execute(buildTestCommand('pause', {}))).resolves.toEqual({ status: 'ok' });
    expect(sim.snapshot()).toMatchObject({ state: 'pausing', pauseReason: 'user' });
    expect(until('paused')).toBe(true);
    await sim.execute(buildTestCommand('resume', {}));
    expect(sim.snapshot().state).toBe('running');
    await sim.execute(buildTestCommand('cancel', {}));
    expect(until('awaiting_clear')).toBe(true);
    expect(rec.eventTypes().filter((t) => t.startsWith('job.'))).toEqual([
      'job.accepted',
      'job.started',
      'job.phase',
      'job.phase',
      'job.phase',
      'job.phase',
      'job.paused',
      'job.resumed',
      'job.finished',
    ]);
    expect(rec.events().at(-2)!.event.data).toMatchObject({ outcome: 'cancelled' });
  });

  it('reports a failed transfer and returns to idle without waiting for a clear bed', async () => {
    const { sim, rec, until } = await printer({ faults: { ...NO_FAULTS, transferFailureRate: 1 } });
    await sim.execute(startJob('job-1'));
    expect(until('idle')).toBe(true);
    expect(rec.eventTypes().filter((t) => t !== 'transfer.progress')).toEqual([
      'job.accepted',
      'transfer.failed',
      'job.finished',
    ]);
    expect(sim.snapshot().lastJobOutcome).toMatchObject({ jobId: 'job-1', outcome: 'failed' });
  });

  it('reports only snapshots, samples and events the contract encoder accepts', async () => {
    const { sim, rec, until } = await printer({ faults: { ...NO_FAULTS, clogRate: 1 }, spool: { remainingGrams: 5 } });
    await sim.execute(startJob('job-1'));
    until('paused');
    await sim.execute(buildTestCommand('cancel', {}));
    until('awaiting_clear');
    const encoder = createBridgeEncoder({ bridgeId: 'bridge-1', session: 1, version: 'test' });
    encoder.meta('printer-1', sim.meta());
    for (const { update } of rec.updates) {
      if (update.kind === 'state') encoder.state('printer-1', update.snapshot);
      else if (update.kind === 'telemetry') encoder.telemetry('printer-1', update.sample);
      else if (update.kind === 'event') encoder.event('printer-1', update.event.type, update.event.data);
    }
    expect(rec.updates.length).toBeGreaterThan(100);
  });
});

import { describe, expect, it } from '@jest/globals';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBridgeEncoder, type Command } from '../../contract/index.js';
import { VirtualScheduler } from '../../runtime/scheduler.js';
import { buildTestCommand, startJob, UpdateRecorder } from '../simulator-kit/testing.js';
import { parseEmbroideryOptions } from './embroidery-options.js';
import { EmbroiderySimulator } from './embroidery-simulator.js';

const here = dirname(fileURLToPath(import.meta.url));
const NO_FAULTS = { threadBreaksPer10k: 0, rehoopRate: 0, userCancelRate: 0, transferFailureRate: 0 };
const HOUR = 3_600_000;

async function machine(options: Record<string, unknown> = {}) {
  const scheduler = new VirtualScheduler();
  const parsed = parseEmbroideryOptions({ seed: 3, faults: NO_FAULTS, ...options }, 'emb-1', here);
  const sim = new EmbroiderySimulator('emb-1', scheduler, parsed);
  const rec = new UpdateRecorder(sim, () => scheduler.now());
  await sim.start();
  const until = (done: () => boolean) => scheduler.runUntil(done, 10 * HOUR);
  const untilState = (state: string) => until(() => sim.snapshot().state === state);
  return { sim, scheduler, rec, until, untilState };
}

function loadDesign(jobId: string, bytes = 20_000): Command {
  const file = { url: 'https://fabrique.test/files/logo', sha256: 'b'.repeat(64), bytes, format: 'pes' as const };
  return buildTestCommand('load_design', { ...file, name: 'club-logo.pes' }, { jobId });
}

const confirm = (interventionId: string) => buildTestCommand('confirm_step', { interventionId });

describe('EmbroiderySimulator, single needle', () => {
  it('refuses start_job: a person starts the machine after load_design', async () => {
    const { sim } = await machine();
    expect(sim.meta().capabilities).toMatchObject({ remoteStart: false, needles: 1 });
    const result = await sim.execute(startJob('job-1', 'pes'));
    expect(result).toMatchObject({ status: 'error', error: { code: 'UNSUPPORTED' } });
  });

  it('sews the stitches and colour blocks the design states when no profile is configured', async () => {
    const { sim, until, untilState } = await machine();
    const command = loadDesign('job-1');
    const estimate = { stitches: 1200, colorBlocks: 2 };
    await sim.execute({ ...command, params: { ...command.params, estimate } } as Command);
    expect(until(() => sim.snapshot().substate === 'WAIT_START')).toBe(true);
    await sim.execute(confirm('start-1'));
    expect(untilState('paused')).toBe(true);
    // One colour change for two blocks: the operator is asked for colour 2 of 2.
    expect(sim.snapshot().job!.stitch).toMatchObject({ colorBlock: 2, colorBlocks: 2, total: 1200 });
    await sim.execute(confirm('ccw-2'));
    expect(untilState('awaiting_clear')).toBe(true);
  });

  it('pauses at each colour change for the operator and goes on after confirm_step or resume', async () => {
    const { sim, scheduler, rec, until, untilState } = await machine({ job: { stitches: 3000, colorBlocks: 3 } });
    await expect(sim.execute(loadDesign('job-1'))).resolves.toEqual({ status: 'accepted' });
    expect(until(() => sim.snapshot().substate === 'WAIT_START')).toBe(true);
    expect(sim.snapshot()).toMatchObject({ state: 'preparing', interventions: [{ kind: 'hoop_or_plate' }] });
    expect(rec.timeOf('job.started')).toBeUndefined();

    await expect(sim.execute(confirm('start-1'))).resolves.toEqual({ status: 'ok' });
    expect(untilState('paused')).toBe(true);
    const sewingFrom = rec.events().find((e) => e.event.type === 'job.phase' && e.event.data.state === 'running')!.at;
    const first = sim.snapshot();
    expect(first).toMatchObject({ pauseReason: 'program', substate: 'COLOR_CHANGE_WAIT' });
    expect(first.interventions).toEqual([
      expect.objectContaining({
        id: 'ccw-2',
        kind: 'material_change',
        nativeCode: 'COLOR_CHANGE_WAIT',
        actions: ['confirm_step', 'resume', 'attend_at_machine'],
      }),
    ]);
    const block1 = first.job!.stitch!;
    // Waiting for colour 2: the block about to be sewn, as in the contract's COLOR_CHANGE_WAIT example.
    expect(block1).toMatchObject({ colorBlock: 2, colorBlocks: 3, total: 3000 });
    // 400 spm = 150 ms per stitch, plus 3 s to trim and move into the block (Respira's PP1 timing).
    expect(scheduler.now() - sewingFrom).toBeCloseTo(3000 + block1.current * 150, -1);

    scheduler.advance(5 * 60_000); // the operator takes their time: the machine waits
    expect(sim.snapshot().job!.stitch!.current).toBe(block1.current);
    await expect(sim.execute(confirm('ccw-2'))).resolves.toEqual({ status: 'ok' });
    expect(rec.eventTypes().slice(-3)).toEqual(['intervention.cleared', 'materials.changed', 'job.resumed']);
    // The needle now carries the colour the intervention asked for.
    expect(first.interventions[0].message).toMatch(new RegExp(`: ${sim.snapshot().materials![0].name}$`));

    expect(untilState('paused')).toBe(true);
    expect(sim.snapshot().interventions[0].id).toBe('ccw-3');
    await expect(sim.execute(buildTestCommand('resume', {}))).resolves.toEqual({ status: 'ok' });
    expect(untilState('awaiting_clear')).toBe(true);

    const end = rec.events().find((e) => e.event.type === 'job.finished')!.event;
    expect(end.data).toMatchObject({
      outcome: 'completed',
      stitch: { current: 3000, total: 3000, colorBlock: 3, colorBlocks: 3 },
      materialUsed: [
        { slot: 'needle1', amount: 3000, unit: 'stitches' },
        { slot: 'bobbin', amount: 3000, unit: 'stitches' },
      ],
    });
    const durations = (end.data as { durations: { runningS: number; pausedS: number } }).durations;
    expect(durations.runningS).toBe(3 * 3 + 3000 * 0.15); // 459 s of sewing
    expect(durations.pausedS).toBeGreaterThanOrEqual(300);
    expect(sim.snapshot().interventions).toEqual([expect.objectContaining({ kind: 'clear_build_area' })]);
    await sim.execute(buildTestCommand('clear_confirm', {}));
    expect(sim.snapshot().state).toBe('idle');
  });

  it('refuses confirm_step for an intervention that is not waiting', async () => {
    const { sim } = await machine();
    const result = await sim.execute(confirm('ccw-9'));
    expect(result).toMatchObject({ status: 'error', error: { code: 'PRECONDITION_FAILED' } });
  });

  it('empties the bobbin when it is short and resumes with a full one', async () => {
    const { sim, untilState, rec } = await machine({
      job: { stitches: 5000, colorBlocks: 1 },
      bobbin: { capacity: 60_000, remaining: 1200 },
    });
    await sim.execute(loadDesign('job-1'));
    untilState('preparing');
    await sim.execute(confirm('start-1'));
    expect(untilState('paused')).toBe(true);
    expect(sim.snapshot()).toMatchObject({ pauseReason: 'intervention', substate: 'BOBBIN_EMPTY' });
    expect(sim.snapshot().job!.stitch!.current).toBe(1200);
    expect(sim.snapshot().materials!.at(-1)).toMatchObject({ slot: 'bobbin', remainingPct: 0, loaded: false });
    await sim.execute(buildTestCommand('resume', {}));
    expect(rec.eventTypes()).toContain('materials.changed');
    expect(untilState('awaiting_clear')).toBe(true);
    expect(sim.snapshot().materials!.at(-1)!.remainingPct).toBeCloseTo(((60_000 - 3800) / 60_000) * 100, 1);
  });
});

describe('EmbroiderySimulator, commercial multi-needle', () => {
  it('sews 7,500 stitches in 6 colours at 800 spm in about 13 minutes without stopping', async () => {
    const { sim, rec, untilState } = await machine({ needles: 12, job: { stitches: 7500, colorBlocks: 6 } });
    expect(sim.meta().capabilities).toMatchObject({ remoteStart: true, stitchesPerMinute: 800 });
    await sim.execute(startJob('job-1', 'dst', 30_000));
    expect(untilState('awaiting_clear')).toBe(true);
    expect(rec.states()).toEqual([
      'idle',
      'receiving/TRANSFER',
      'preparing/positioning',
      'preparing/trace',
      'running/sewing',
      'awaiting_clear',
    ]);
    const running = rec.events().find((e) => e.event.type === 'job.phase' && e.event.data.state === 'running')!.at;
    const minutes = (rec.timeOf('job.finished')! - running) / 60_000;
    expect(minutes).toBeGreaterThan(12.5);
    expect(minutes).toBeLessThan(13.5);
    expect(rec.eventTypes()).not.toContain('job.paused');
  });

  it('recovers from a thread break in about a minute, the operator re-threading at the machine', async () => {
    const { sim, scheduler, rec, untilState } = await machine({
      needles: 12,
      job: { stitches: 20_000, colorBlocks: 4 },
      faults: { ...NO_FAULTS, threadBreaksPer10k: 1 },
    });
    await sim.execute(startJob('job-1', 'dst'));
    expect(untilState('paused')).toBe(true);
    expect(sim.snapshot()).toMatchObject({ pauseReason: 'error', substate: 'THREAD_BREAK' });
    expect(sim.snapshot().interventions[0]).toMatchObject({ kind: 'thread_or_feed_fault', nativeCode: 'THREAD_BREAK' });
    const pausedAt = scheduler.now();
    expect(untilState('running')).toBe(true);
    const recoveredS = (scheduler.now() - pausedAt) / 1000;
    expect(recoveredS).toBeGreaterThanOrEqual(45);
    expect(recoveredS).toBeLessThanOrEqual(75);
    expect(rec.eventTypes().slice(-2)).toEqual(['intervention.cleared', 'job.resumed']);
  });

  it('asks for a re-hoop from a scenario file, and the same seed replays the same events', async () => {
    const run = async () => {
      const { sim, rec, until } = await machine({
        needles: 6,
        scenario: 'scenarios/club-logo-demo.yaml',
        job: { stitches: 6000 },
      });
      for (const job of ['job-1', 'job-2', 'job-3']) {
        await sim.execute(startJob(job, 'dst', 20_000, { commandId: `cmd-${job}` }));
        const waiting = () => ['awaiting_clear', 'paused'].includes(sim.snapshot().state);
        while (until(waiting) && sim.snapshot().state === 'paused') {
          // Nobody is simulated for an empty bobbin: staff load one and resume.
          if (sim.snapshot().substate === 'BOBBIN_EMPTY')
            await sim.execute(buildTestCommand('resume', {}, { commandId: `r-${job}` }));
          else until(() => sim.snapshot().state !== 'paused');
        }
        await sim.execute(buildTestCommand('clear_confirm', {}, { commandId: `clear-${job}` }));
      }
      return rec;
    };
    const rec = await run();
    const natives = rec
      .events()
      .flatMap((e) => (e.event.type === 'intervention.raised' ? [e.event.data.intervention.nativeCode] : []));
    expect(natives).toEqual([
      'THREAD_BREAK',
      undefined, // clear_build_area
      'BOBBIN_EMPTY',
      undefined,
      'REHOOP',
      undefined,
    ]);
    expect(JSON.stringify(rec.updates) === JSON.stringify((await run()).updates)).toBe(true);
  });

  it('reports only snapshots, samples and events the contract encoder accepts', async () => {
    const { sim, rec, untilState } = await machine({ needles: 4, faults: { ...NO_FAULTS, threadBreaksPer10k: 3 } });
    await sim.execute(startJob('job-1', 'exp', 40_000));
    untilState('awaiting_clear');
    const encoder = createBridgeEncoder({ bridgeId: 'bridge-1', session: 1, version: 'test' });
    encoder.meta('emb-1', sim.meta());
    for (const { update } of rec.updates) {
      if (update.kind === 'state') encoder.state('emb-1', update.snapshot);
      else if (update.kind === 'telemetry') encoder.telemetry('emb-1', update.sample);
      else if (update.kind === 'event') encoder.event('emb-1', update.event.type, update.event.data);
    }
    expect(rec.eventTypes()).toContain('job.finished');
  });
});

import { describe, expect, it } from '@jest/globals';
import type { AdapterUpdate } from '../../runtime/adapter.js';
import { JobTracker, type NativeView } from './job-tracker.js';

function tracker() {
  let now = Date.UTC(2025, 0, 6, 9, 0, 0);
  const updates: AdapterUpdate[] = [];
  const t = new JobTracker({ now: () => now, emit: (u) => updates.push(u) });
  t.setAvailability({ state: 'online' });
  const events = () => updates.flatMap((u) => (u.kind === 'event' ? [u.event.type] : []));
  const see = (view: NativeView, advanceS = 1) => {
    now += advanceS * 1000;
    t.observe(view);
  };
  return { t, updates, events, see };
}

const printing: NativeView = {
  phase: 'running',
  substate: 'printing',
  jobName: 'cube.gcode',
  progress: { progressPct: 10 },
};

describe('JobTracker', () => {
  it('opens a job started at the machine, and a kept terminal view never reports it twice', () => {
    const { t, events, see } = tracker();
    see({ phase: 'idle' });
    see(printing);
    expect(t.snapshot()).toMatchObject({ state: 'running', job: { jobId: null, name: 'cube.gcode' } });
    expect(t.finish('completed')).toBe(true);
    // The firmware still says "printing" for a moment, then keeps its `complete` state.
    see(printing);
    see({ phase: 'idle', jobName: 'cube.gcode' });
    see({ phase: 'idle', jobName: 'cube.gcode' });
    expect(t.finish('completed')).toBe(false);
    expect(events().filter((e) => e === 'job.finished')).toHaveLength(1);
    expect(t.snapshot()).toMatchObject({
      state: 'awaiting_clear',
      job: null,
      lastJobOutcome: { outcome: 'completed' },
    });
  });

  it('counts pauses once and reports the blocking intervention that caused them', () => {
    const { t, updates, see } = tracker();
    see(printing);
    const runout = {
      id: 'runout-1',
      kind: 'material_runout' as const,
      severity: 'warning' as const,
      blocking: true,
      resumable: true,
      message: 'Filament ran out',
      actions: ['resume' as const],
    };
    see({ ...printing, phase: 'paused', pauseReason: 'intervention', interventions: [runout] }, 60);
    see({ ...printing, phase: 'paused', pauseReason: 'intervention', interventions: [runout] }, 60);
    see(printing, 60);
    t.finish('completed');
    const data = updates.flatMap((u) => (u.kind === 'event' ? [u.event] : []));
    expect(data.filter((e) => e.type === 'job.paused').map((e) => e.data)).toEqual([
      { jobId: null, reason: 'intervention', interventionId: 'runout-1' },
    ]);
    expect(data.filter((e) => e.type === 'job.resumed')).toHaveLength(1);
    expect(data.find((e) => e.type === 'job.finished')?.data).toMatchObject({ durations: { pausedS: 120 } });
  });

  it('keeps an accepted job in its local state until the machine starts it, and ends it without a gate', () => {
    const { t, events, see } = tracker();
    t.accept('job-1', 'cmd-1', 'cube.gcode', 'fabrique/job-1-cube.gcode');
    see({ phase: 'idle' });
    expect(t.snapshot()).toMatchObject({ state: 'receiving', substate: 'TRANSFER', job: { jobId: 'job-1' } });
    t.finish('failed', { nativeCode: 'CHECKSUM_MISMATCH' });
    expect(t.snapshot().state).toBe('idle');
    expect(events()).toEqual(['job.accepted', 'job.finished']);
  });

  it('treats a job started at the machine while the bed waits as the bed cleared by hand', () => {
    const { t, updates, see } = tracker();
    see(printing);
    t.finish('completed');
    see({ phase: 'idle' });
    see({ ...printing, jobName: 'next.gcode' });
    const cleared = updates.flatMap((u) =>
      u.kind === 'event' && u.event.type === 'build_area.cleared' ? [u.event.data] : [],
    );
    expect(cleared).toEqual([{ jobId: null, source: 'at_machine' }]);
    expect(t.snapshot()).toMatchObject({ state: 'running', interventions: [] });
  });

  it('reports offline while the link is down and restores without announcing anything', () => {
    const { t, see } = tracker();
    see(printing);
    t.setAvailability({ state: 'offline', reason: 'gone' });
    expect(t.snapshot().state).toBe('offline');
    const memory = t.memory();
    const other = tracker();
    other.t.restore(memory, printing);
    other.t.setAvailability({ state: 'online' });
    other.see(printing);
    expect(other.events()).toEqual([]);
    expect(other.t.snapshot()).toMatchObject({ state: 'running', job: { jobId: null } });
  });

  it('refuses clear_confirm unless the bed is waiting', () => {
    const { t } = tracker();
    expect(t.clear('command', 'cmd-1')).toMatchObject({ status: 'error', error: { code: 'PRECONDITION_FAILED' } });
    t.assumeOccupied('still shows a finished job');
    expect(t.snapshot().state).toBe('awaiting_clear');
    expect(t.clear('command', 'cmd-2')).toEqual({ status: 'ok' });
  });
});

import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { CommandErrorCode, CommandResult, MachineStateSnapshot } from '@fabrique/firmware-bridge';
import {
  canMove,
  isTerminal,
  JOB_STATES,
  MACHINE_TAKEN_STATES,
  machineLostJob,
  ON_MACHINE_STATES,
  reportedByEvent,
  reportedBySnapshot,
  startAnswer,
  TERMINAL_STATES,
  type JobState,
} from './job-state.rules.js';

const JOB = 'job-7';

const snapshot = (o: Partial<MachineStateSnapshot> = {}): MachineStateSnapshot => ({
  state: 'idle',
  interventions: [],
  ...o,
});
const progress = (jobId: string | null) => ({ jobId, progressPct: 40, elapsedS: 600, remainingS: 900 });
const ended = (jobId: string | null, outcome: 'completed' | 'failed' | 'cancelled' | 'lost') => ({
  jobId,
  outcome,
  endedAt: '2025-03-01T09:30:00Z',
});

const refused = (code: CommandErrorCode, retryable: boolean, message = 'refused'): CommandResult => ({
  commandId: 'cmd-1',
  status: 'error',
  stage: 'rejected',
  error: { code, message, retryable },
});

describe('job states', () => {
  it('knows the four endings as terminal and nothing else', () => {
    expect(JOB_STATES.filter(isTerminal)).toEqual(['completed', 'failed', 'cancelled', 'lost']);
    expect([...TERMINAL_STATES].sort()).toEqual(['cancelled', 'completed', 'failed', 'lost']);
  });

  it('holds the machine from the moment a start command is written until the job ends', () => {
    expect(MACHINE_TAKEN_STATES).toContain('dispatching');
    for (const state of ON_MACHINE_STATES) expect(MACHINE_TAKEN_STATES).toContain(state);
    for (const state of ['draft', 'queued', ...TERMINAL_STATES] as JobState[]) {
      expect(MACHINE_TAKEN_STATES).not.toContain(state);
    }
  });

  it('never lets a job leave a terminal state', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TERMINAL_STATES), fc.constantFrom(...JOB_STATES), (from, to) => {
        expect(canMove(from, to)).toBe(false);
      }),
    );
  });

  it('never moves a job to the state it is already in (a repeated report records nothing)', () => {
    for (const state of JOB_STATES) expect(canMove(state, state)).toBe(false);
  });

  it('lets every live job end: cancelled by a person, or finished, failed or lost on the machine', () => {
    for (const state of ON_MACHINE_STATES) {
      for (const end of TERMINAL_STATES) expect(canMove(state, end)).toBe(true);
    }
    expect(canMove('draft', 'cancelled')).toBe(true);
    expect(canMove('queued', 'cancelled')).toBe(true);
    expect(canMove('dispatching', 'cancelled')).toBe(true);
  });

  it('walks the happy path of a print from upload to completion', () => {
    const path: JobState[] = ['draft', 'queued', 'dispatching', 'accepted', 'transferring', 'running', 'completed'];
    for (let k = 1; k < path.length; k++) expect(canMove(path[k - 1], path[k])).toBe(true);
  });

  it('sends a start the machine refused or never saw back to the queue, but never a job already on a machine', () => {
    expect(canMove('dispatching', 'queued')).toBe(true);
    for (const state of ON_MACHINE_STATES) expect(canMove(state, 'queued')).toBe(false);
  });

  it('fails a job that never reaches a machine (dispatch_timeout) but a draft is only ever cancelled', () => {
    expect(canMove('dispatching', 'failed')).toBe(true);
    expect(canMove('queued', 'failed')).toBe(true);
    expect(canMove('draft', 'failed')).toBe(false);
    expect(canMove('draft', 'running')).toBe(false);
  });

  it('accepts a machine report that skips ahead (job.started before the command result)', () => {
    expect(canMove('dispatching', 'running')).toBe(true);
    expect(canMove('dispatching', 'completed')).toBe(true);
    expect(canMove('accepted', 'running')).toBe(true);
  });

  it('ignores a late report that would take a job back to an earlier step', () => {
    expect(canMove('running', 'accepted')).toBe(false);
    expect(canMove('running', 'transferring')).toBe(false);
    expect(canMove('transferring', 'accepted')).toBe(false);
    expect(canMove('running', 'dispatching')).toBe(false);
  });

  it('lets a paused or stuck job resume, and a stuck job be paused by a person', () => {
    expect(canMove('paused', 'running')).toBe(true);
    expect(canMove('needs_attention', 'running')).toBe(true);
    expect(canMove('needs_attention', 'paused')).toBe(true);
    expect(canMove('paused', 'needs_attention')).toBe(true);
  });

  it('keeps every sequence of moves inside the machine: once terminal, always terminal', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...JOB_STATES), { maxLength: 30 }), (attempts) => {
        let state: JobState = 'draft';
        let ended = false;
        for (const to of attempts) {
          if (canMove(state, to)) state = to;
          if (ended) expect(isTerminal(state)).toBe(true);
          ended = ended || isTerminal(state);
        }
      }),
    );
  });
});

describe('what a bridge event means for a job', () => {
  it('follows the start: accepted, file transferring, started', () => {
    expect(reportedByEvent('job.accepted', { jobId: JOB, commandId: 'c' })?.to).toBe('accepted');
    expect(reportedByEvent('transfer.progress', { jobId: JOB, bytesDone: 10, bytesTotal: 100 })?.to).toBe(
      'transferring',
    );
    expect(reportedByEvent('transfer.completed', { jobId: JOB, bytes: 100, sha256: 'ab' })?.to).toBe('transferring');
    expect(reportedByEvent('job.started', { jobId: JOB, startedAt: 'x' })?.to).toBe('running');
  });

  it('counts heating and levelling as the job running', () => {
    const heating = reportedByEvent('job.phase', { jobId: JOB, state: 'preparing', phase: 'heating' });
    expect(heating).toEqual({ to: 'running', reason: 'the machine is heating' });
    expect(reportedByEvent('job.phase', { jobId: JOB, state: 'running', phase: 'printing' })?.to).toBe('running');
  });

  it('does not let a pause or stop phase pull a paused job back to running', () => {
    for (const state of ['paused', 'pausing', 'stopping', 'error', 'idle']) {
      expect(reportedByEvent('job.phase', { jobId: JOB, state, phase: 'x' })).toBeNull();
    }
  });

  it('reads a receiving phase as the file still being sent', () => {
    expect(reportedByEvent('job.phase', { jobId: JOB, state: 'receiving', phase: 'upload' })?.to).toBe('transferring');
  });

  it('tells a pause someone asked for from a machine that stopped and needs a person', () => {
    expect(reportedByEvent('job.paused', { jobId: JOB, reason: 'user' })).toEqual({
      to: 'paused',
      reason: 'paused on request',
    });
    const runout = reportedByEvent('job.paused', { jobId: JOB, reason: 'intervention' });
    expect(runout).toEqual({ to: 'needs_attention', reason: 'the machine stopped: intervention' });
    // A single-needle machine waiting for the next thread colour needs someone at it.
    expect(reportedByEvent('job.paused', { jobId: JOB, reason: 'program' })?.to).toBe('needs_attention');
    expect(reportedByEvent('job.paused', { jobId: JOB, reason: 'error' })?.to).toBe('needs_attention');
  });

  it('resumes a job', () => {
    expect(reportedByEvent('job.resumed', { jobId: JOB })?.to).toBe('running');
  });

  it('ends a job with the outcome the machine reports, keeping the native code and message as the reason', () => {
    for (const outcome of ['completed', 'failed', 'cancelled', 'lost']) {
      expect(reportedByEvent('job.finished', { jobId: JOB, outcome })?.to).toBe(outcome);
    }
    const failed = reportedByEvent('job.finished', {
      jobId: JOB,
      outcome: 'failed',
      nativeCode: 'THERMAL_RUNAWAY',
      message: 'nozzle temperature dropped',
    });
    expect(failed?.reason).toBe('failed: THERMAL_RUNAWAY: nozzle temperature dropped');
    expect(reportedByEvent('job.finished', { jobId: JOB, outcome: 'completed' })?.reason).toBe(
      'the machine reported the job completed',
    );
  });

  it('does not move jobs on events about the machine rather than the job', () => {
    for (const type of [
      'intervention.raised',
      'intervention.cleared',
      'fault.raised',
      'fault.cleared',
      'build_area.cleared',
      'materials.changed',
      'maintenance.counter',
      'transfer.failed',
    ] as const) {
      expect(reportedByEvent(type, { jobId: JOB })).toBeNull();
    }
  });
});

describe('what a machine snapshot says about a job', () => {
  it('finds the job running, heating or receiving its file', () => {
    expect(reportedBySnapshot(snapshot({ state: 'running', job: progress(JOB) }), JOB)?.to).toBe('running');
    expect(reportedBySnapshot(snapshot({ state: 'preparing', job: progress(JOB) }), JOB)?.to).toBe('running');
    expect(reportedBySnapshot(snapshot({ state: 'receiving', job: progress(JOB) }), JOB)?.to).toBe('transferring');
  });

  it('tells a paused job from one waiting for a person', () => {
    const paused = snapshot({ state: 'paused', pauseReason: 'user', job: progress(JOB) });
    expect(reportedBySnapshot(paused, JOB)?.to).toBe('paused');
    const runout = snapshot({ state: 'paused', pauseReason: 'intervention', job: progress(JOB) });
    expect(reportedBySnapshot(runout, JOB)?.to).toBe('needs_attention');
    expect(reportedBySnapshot(snapshot({ state: 'pausing', job: progress(JOB) }), JOB)?.to).toBe('paused');
  });

  it('records a pause in the same words whether the snapshot or the event comes first', () => {
    for (const reason of ['user', 'intervention', 'error', 'program'] as const) {
      const fromSnapshot = reportedBySnapshot(
        snapshot({ state: 'paused', pauseReason: reason, job: progress(JOB) }),
        JOB,
      );
      expect(fromSnapshot).toEqual(reportedByEvent('job.paused', { jobId: JOB, reason }));
    }
  });

  it('does not call a job running while the machine holding it is in error', () => {
    expect(reportedBySnapshot(snapshot({ state: 'error', job: progress(JOB) }), JOB)?.to).toBe('needs_attention');
  });

  it('completes a job the machine finished while the service was down, instead of re-running it', () => {
    const waiting = snapshot({ state: 'awaiting_clear', lastJobOutcome: ended(JOB, 'completed') });
    expect(reportedBySnapshot(waiting, JOB)).toEqual({
      to: 'completed',
      reason: 'the machine reports the job ended completed',
      ending: ended(JOB, 'completed'),
    });
    expect(reportedBySnapshot(snapshot({ lastJobOutcome: ended(JOB, 'failed') }), JOB)?.to).toBe('failed');
  });

  it('hands on the results and the machine’s reason the state repeats from job.finished', () => {
    const failed = {
      ...ended(JOB, 'failed'),
      durations: { totalS: 300 },
      materialUsed: [{ amount: 2.5, unit: 'g' as const }],
      nativeCode: 'HMS_0300',
      message: 'Nozzle clog',
    };
    expect(reportedBySnapshot(snapshot({ state: 'awaiting_clear', lastJobOutcome: failed }), JOB)).toEqual({
      to: 'failed',
      reason: 'failed: HMS_0300: Nozzle clog',
      ending: failed,
    });
  });

  it('trusts the outcome over leftover progress once the machine is back at rest', () => {
    const leftover = snapshot({ state: 'awaiting_clear', job: progress(JOB), lastJobOutcome: ended(JOB, 'completed') });
    expect(reportedBySnapshot(leftover, JOB)?.to).toBe('completed');
  });

  it('says nothing about a job the machine has neither in progress nor as its last outcome', () => {
    const other = snapshot({ state: 'running', job: progress('other'), lastJobOutcome: ended('older', 'completed') });
    expect(reportedBySnapshot(other, JOB)).toBeNull();
  });

  it('follows a job started at the machine (no id of ours) by its null id', () => {
    expect(reportedBySnapshot(snapshot({ state: 'running', job: progress(null) }), null)?.to).toBe('running');
    expect(reportedBySnapshot(snapshot({ state: 'running', job: progress(JOB) }), null)).toBeNull();
  });
});

describe('when a machine has lost a job', () => {
  it('declares a job lost when the machine sits idle with neither the job nor its outcome (power cut, reflash)', () => {
    expect(machineLostJob(snapshot({ state: 'idle' }), JOB)).toBe(true);
    expect(machineLostJob(snapshot({ state: 'running', job: progress('someone-else') }), JOB)).toBe(true);
  });

  it('keeps a job the machine still shows, or whose outcome it still shows', () => {
    expect(machineLostJob(snapshot({ state: 'running', job: progress(JOB) }), JOB)).toBe(false);
    expect(machineLostJob(snapshot({ state: 'awaiting_clear', lastJobOutcome: ended(JOB, 'completed') }), JOB)).toBe(
      false,
    );
  });

  it('waits for a settled state: an offline, paused or erroring machine may still have the job', () => {
    for (const state of [
      'offline',
      'unknown',
      'initializing',
      'paused',
      'pausing',
      'stopping',
      'error',
      'busy',
    ] as const) {
      expect(machineLostJob(snapshot({ state }), JOB)).toBe(false);
    }
  });
});

describe('what the answer to a start command means', () => {
  it('accepts an accepted or completed start', () => {
    expect(startAnswer({ commandId: 'c', status: 'accepted', stage: 'accepted' }).kind).toBe('accepted');
    expect(startAnswer({ commandId: 'c', status: 'ok', stage: 'completed' }).kind).toBe('accepted');
  });

  it('treats "I already have this job" as the job being on the machine, never as a second start', () => {
    const answer = startAnswer(refused('DUPLICATE', false, 'job already started'));
    expect(answer.kind).toBe('accepted');
    expect(answer.reason).toContain('DUPLICATE');
  });

  it('puts a start refused because the bed is not clear back in the queue', () => {
    expect(startAnswer(refused('PRECONDITION_FAILED', false, 'build area not clear'))).toEqual({
      kind: 'retry',
      reason: 'PRECONDITION_FAILED: build area not clear',
    });
  });

  it('retries a start that came too late, timed out, or found the printer locked, whatever "retryable" says', () => {
    for (const code of ['EXPIRED', 'TIMEOUT', 'CONTROL_LOCKED'] as const) {
      expect(startAnswer(refused(code, false)).kind).toBe('retry');
    }
  });

  it('fails a job whose file does not match its checksum, even if the bridge would retry', () => {
    expect(startAnswer(refused('CHECKSUM_MISMATCH', true, 'sha256 differs'))).toEqual({
      kind: 'fail',
      reason: 'CHECKSUM_MISMATCH: sha256 differs',
    });
  });

  it('lets the bridge decide for transfer and native refusals', () => {
    expect(startAnswer(refused('TRANSFER_FAILED', true)).kind).toBe('retry');
    expect(startAnswer(refused('TRANSFER_FAILED', false)).kind).toBe('fail');
    expect(startAnswer(refused('NATIVE_REJECTED', false)).kind).toBe('fail');
    expect(startAnswer(refused('UNSUPPORTED', false)).kind).toBe('fail');
  });

  it('does not crash on a refusal that forgot its error, and does not count it as a start', () => {
    expect(startAnswer({ commandId: 'c', status: 'error', stage: 'rejected' }).kind).toBe('retry');
  });
});

import type {
  BridgeMachineState,
  CommandResult,
  EventType,
  JobOutcome,
  LastJobOutcome,
  MachineStateSnapshot,
  PauseReason,
} from '@fabrique/firmware-bridge';

/**
 * A job's life: `draft` (uploaded, estimate shown, not yet queued) → `queued` → `dispatching`
 * (a `start_job` is in the outbox) → on the machine (`accepted`, `transferring`, `running`,
 * `paused`, `needs_attention`) → exactly one terminal state.
 */
export const JOB_STATES = [
  'draft',
  'queued',
  'dispatching',
  'accepted',
  'transferring',
  'running',
  'paused',
  'needs_attention',
  'completed',
  'failed',
  'cancelled',
  'lost',
] as const;
export type JobState = (typeof JOB_STATES)[number];

export const TERMINAL_STATES: readonly JobState[] = ['completed', 'failed', 'cancelled', 'lost'];
/**
 * A job still going for its maker: waiting in the queue or holding a machine. Every state but a
 * draft and an ending, so a state added above counts as underway unless it is one of those.
 */
export const UNDERWAY_STATES: readonly JobState[] = JOB_STATES.filter(
  (state) => state !== 'draft' && !TERMINAL_STATES.includes(state),
);
/** The machine holds the job: it must end there (finish, cancel, loss), never be sent again. */
export const ON_MACHINE_STATES: readonly JobState[] = [
  'accepted',
  'transferring',
  'running',
  'paused',
  'needs_attention',
];
/** The job owns its machine: nothing else may be started on it. */
export const MACHINE_TAKEN_STATES: readonly JobState[] = ['dispatching', ...ON_MACHINE_STATES];

const ENDINGS: JobState[] = ['completed', 'failed', 'cancelled', 'lost'];

/**
 * Moves a job may make. Reports from a machine can arrive out of order (a `job.started` before the
 * command result), so a state may skip ahead; it never goes back to an earlier step, except
 * `dispatching` → `queued` when the machine refused or never saw the command.
 */
const NEXT: Record<JobState, readonly JobState[]> = {
  draft: ['queued', 'cancelled'],
  queued: ['dispatching', 'cancelled', 'failed'],
  dispatching: ['queued', ...ON_MACHINE_STATES, ...ENDINGS],
  accepted: ['transferring', 'running', 'paused', 'needs_attention', ...ENDINGS],
  transferring: ['running', 'paused', 'needs_attention', ...ENDINGS],
  running: ['paused', 'needs_attention', ...ENDINGS],
  paused: ['running', 'needs_attention', ...ENDINGS],
  needs_attention: ['running', 'paused', ...ENDINGS],
  completed: [],
  failed: [],
  cancelled: [],
  lost: [],
};

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.includes(state);
}

export function canMove(from: JobState, to: JobState): boolean {
  return NEXT[from].includes(to);
}

/** Where a report from the machine says the job is, and why (recorded on the transition). */
export interface Reported {
  to: JobState;
  reason: string;
  /** The machine's record of how the job ended, when the report is that ending (a snapshot's). */
  ending?: LastJobOutcome;
}

/** A paused job waits for a person when the machine stopped by itself. */
/**
 * A pause, in the same words whether the machine's `job.paused` event or its snapshot arrives
 * first: which one wins is a race of two topics, and the job's history must not depend on it.
 */
function paused(reason: PauseReason | undefined): Reported {
  if (reason === undefined) return { to: 'paused', reason: 'the machine reports the job paused' };
  if (reason === 'user') return { to: 'paused', reason: 'paused on request' };
  return { to: 'needs_attention', reason: `the machine stopped: ${reason}` };
}

const WORKING_PHASES: readonly BridgeMachineState[] = ['preparing', 'running', 'busy'];

/** What an edge event about a job means for it; null for events that do not move jobs. */
export function reportedByEvent(type: EventType, data: Record<string, unknown>): Reported | null {
  switch (type) {
    case 'job.accepted':
      return { to: 'accepted', reason: 'the machine accepted the job' };
    case 'transfer.progress':
    case 'transfer.completed':
      return { to: 'transferring', reason: 'the file is being sent to the machine' };
    case 'job.started':
      return { to: 'running', reason: 'the machine started the job' };
    case 'job.phase': {
      // Only a working phase moves the job: pauses and ends come as their own events, and a
      // `pausing` or `stopping` phase must not pull a paused job back to running.
      const state = data.state as BridgeMachineState;
      if (state === 'receiving') return { to: 'transferring', reason: 'the file is being sent to the machine' };
      return WORKING_PHASES.includes(state) ? { to: 'running', reason: `the machine is ${String(data.phase)}` } : null;
    }
    case 'job.paused':
      return paused(data.reason as PauseReason);
    case 'job.resumed':
      return { to: 'running', reason: 'the job resumed' };
    case 'job.finished':
      return { to: data.outcome as JobOutcome, reason: finishedReason(data, 'the machine reported the job') };
    default:
      return null;
  }
}

/** The machine's own code and message when it gave them, else `${plain} ${outcome}`. */
function finishedReason(data: Partial<Record<'outcome' | 'nativeCode' | 'message', unknown>>, plain: string): string {
  const outcome = data.outcome as JobOutcome;
  const detail = [data.nativeCode, data.message].filter((x) => typeof x === 'string' && x !== '').join(': ');
  return detail ? `${outcome}: ${detail}` : `${plain} ${outcome}`;
}

/**
 * What the machine's full snapshot says about job `jobId` (null: the job the machine runs without
 * an id of ours, started at the machine); null when it says nothing about it.
 */
export function reportedBySnapshot(snapshot: MachineStateSnapshot, jobId: string | null): Reported | null {
  const ending = snapshot.lastJobOutcome?.jobId === jobId ? snapshot.lastJobOutcome : undefined;
  const ended = ending?.outcome ?? null;
  // A machine back at rest that still shows the job's progress has finished it: the outcome wins.
  const holds = snapshot.job?.jobId === jobId && !(ended !== null && AT_REST.includes(snapshot.state));
  if (snapshot.job && holds) {
    switch (snapshot.state) {
      case 'receiving':
        return { to: 'transferring', reason: 'the machine reports it is receiving the file' };
      case 'paused':
      case 'pausing':
        return paused(snapshot.pauseReason);
      case 'error':
        // A machine in error holding the job waits for a person; it is not running it.
        return { to: 'needs_attention', reason: 'the machine reports an error during the job' };
      default:
        return { to: 'running', reason: `the machine reports the job ${snapshot.state}` };
    }
  }
  if (ending)
    return { to: ending.outcome, reason: finishedReason(ending, 'the machine reports the job ended'), ending };
  return null;
}

const AT_REST: readonly BridgeMachineState[] = ['idle', 'awaiting_clear'];

/** Snapshot states in which a machine would show a job it was running. */
const SHOWS_ITS_JOB: readonly BridgeMachineState[] = ['idle', 'awaiting_clear', 'receiving', 'preparing', 'running'];

/**
 * A machine that reports a settled state with neither this job in progress nor as its last
 * outcome no longer has it (a power cut, a reflash, someone cleared it at the machine).
 */
export function machineLostJob(snapshot: MachineStateSnapshot, jobId: string | null): boolean {
  return SHOWS_ITS_JOB.includes(snapshot.state) && reportedBySnapshot(snapshot, jobId) === null;
}

export type StartAnswer =
  | { kind: 'accepted'; reason: string }
  /**
   * The machine did not take it (busy, not clear, too late): the job may go to another machine;
   * with `avoidMachine`, not to this one again.
   */
  | { kind: 'retry'; reason: string; avoidMachine?: boolean }
  | { kind: 'fail'; reason: string };

/** What a `start_job` result means for the job (firmware-bridge/CONTRACT.md: results and error codes). */
export function startAnswer(result: CommandResult): StartAnswer {
  if (result.status !== 'error') return { kind: 'accepted', reason: 'the machine accepted the job' };
  const error = result.error;
  // The schema requires `error` with `status: error`; a bridge that leaves it out still refused.
  if (!error) return { kind: 'retry', reason: 'the machine refused the job without saying why' };
  const said = `${error.code}: ${error.message}`;
  switch (error.code) {
    // The bridge refuses a jobId it already has: the job is on the machine.
    case 'DUPLICATE':
      return { kind: 'accepted', reason: `the machine already has the job (${said})` };
    case 'PRECONDITION_FAILED':
    case 'EXPIRED':
    case 'TIMEOUT':
    case 'CONTROL_LOCKED':
      return { kind: 'retry', reason: said };
    // The file is content-addressed: bytes that do not match its sha256 will not match on another
    // try or another machine either, whatever the bridge says about retrying.
    case 'CHECKSUM_MISMATCH':
      return { kind: 'fail', reason: said };
    // Something about this machine (its transfer, its firmware): another one may do better.
    default:
      return error.retryable ? { kind: 'retry', reason: said, avoidMachine: true } : { kind: 'fail', reason: said };
  }
}

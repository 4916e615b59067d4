// The vocabulary between a protocol adapter and the JobTracker: a NativeView is one reading of the
// machine, already normalized (phase, progress, interventions); a TrackedJob is what the tracker
// knows about the job in progress.
import type {
  Counter,
  Intervention,
  LastJobOutcome,
  MaterialSlot,
  MaterialUsage,
  PauseReason,
  StitchProgress,
  Temperatures,
} from '../../contract/index.js';

export type NativePhase =
  'unknown' | 'initializing' | 'idle' | 'busy' | 'preparing' | 'running' | 'pausing' | 'paused' | 'stopping' | 'error';

const JOB_PHASES: readonly NativePhase[] = ['preparing', 'running', 'pausing', 'paused', 'stopping'];
export const isJobPhase = (phase: string | undefined): boolean =>
  (JOB_PHASES as readonly (string | undefined)[]).includes(phase);

export type InterventionSpec = Omit<Intervention, 'since'>;

export interface NativeProgress {
  progressPct: number;
  elapsedS?: number;
  remainingS?: number | null;
  layer?: Counter;
  stitch?: StitchProgress;
}

/** One reading of the machine, already normalized by the adapter. */
export interface NativeView {
  phase: NativePhase;
  substate?: string;
  pauseReason?: PauseReason;
  /** The native job (file) name: names jobs started at the machine and tells two jobs apart. */
  jobName?: string;
  progress?: NativeProgress;
  temps?: Temperatures;
  materials?: MaterialSlot[];
  /** Level-triggered: what the machine reports now. The tracker raises and clears by `id`. */
  interventions?: InterventionSpec[];
}

export interface TrackedJob {
  number: number;
  /** Null for a job started at the machine. */
  jobId: string | null;
  name?: string;
  /** The adapter's own handle on the native job (the uploaded file name). */
  ref?: string;
  acceptedAt: number;
  /** `job.started`: the machine began, so something may now occupy the bed. */
  startedAt: number | null;
  runningAt: number | null;
  pausedMs: number;
  pauseStartedAt: number | null;
  pausedReported: boolean;
  /** The last `job.phase` announced (`running/printing`), so a stage is announced once. */
  phaseKey: string;
  /** What the adapter is doing before the machine reports the job (transfer, start request). */
  localState: 'receiving' | 'preparing';
  localSubstate: string;
}

export interface FinishDetail {
  nativeCode?: string;
  message?: string;
  materialUsed?: MaterialUsage[];
  /** The reading that ended the job, when it carries the final layer / stitch count. */
  progress?: NativeProgress;
}

/** What a tracker must remember across a bridge restart (the manual adapter persists it). */
export interface TrackerMemory {
  job: TrackedJob | null;
  jobCount: number;
  gate: Intervention | null;
  lastOutcome?: LastJobOutcome;
  interventions: Intervention[];
}

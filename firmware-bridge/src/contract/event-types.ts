// Events on `machines/{machineId}/events`: edge-triggered, one envelope each, `type` = event name.
import type { Counter, Intervention, IsoDateTime, MachineEnvelope, MaterialSlot, StitchProgress } from './types.js';
import type { CommandError } from './command-types.js';
import type {
  BridgeMachineState,
  BuildAreaClearSource,
  CounterUnit,
  EventType,
  InterventionKind,
  JobOutcome,
  MaterialUnit,
  PauseReason,
  Severity,
} from './vocabulary.js';

export interface JobAcceptedEvent {
  jobId: string;
  commandId: string;
}

export interface TransferProgressEvent {
  jobId: string;
  bytesDone: number;
  bytesTotal: number;
}

export interface TransferCompletedEvent {
  jobId: string;
  bytes: number;
  /** Verified against `start_job.params.sha256`. */
  sha256: string;
}

export interface TransferFailedEvent {
  jobId: string;
  error: CommandError;
}

export interface JobStartedEvent {
  /** Null for a job started at the machine. */
  jobId: string | null;
  name?: string;
  startedAt: IsoDateTime;
  estimatedS?: number | null;
}

export interface JobPhaseEvent {
  jobId: string | null;
  state: BridgeMachineState;
  /** Native or normalized stage: `heating`, `levelling`, `trace`, `COLOR_CHANGE_WAIT`. */
  phase: string;
}

export interface JobPausedEvent {
  jobId: string | null;
  reason: PauseReason;
  interventionId?: string;
}

export interface JobResumedEvent {
  jobId: string | null;
}

export interface JobDurations {
  totalS: number;
  preparingS?: number;
  runningS?: number;
  pausedS?: number;
}

export interface MaterialUsage {
  slot?: string;
  material?: string;
  amount: number;
  unit: MaterialUnit;
}

export interface JobFinishedEvent {
  jobId: string | null;
  outcome: JobOutcome;
  startedAt?: IsoDateTime;
  endedAt: IsoDateTime;
  durations: JobDurations;
  materialUsed: MaterialUsage[];
  /** Final progress, useful for `failed` / `cancelled` / `lost`. */
  layer?: Counter;
  stitch?: StitchProgress;
  nativeCode?: string;
  message?: string;
}

export interface InterventionRaisedEvent {
  intervention: Intervention;
}

export interface InterventionClearedEvent {
  id: string;
  kind: InterventionKind;
}

export interface FaultRaisedEvent {
  id: string;
  severity: Severity;
  nativeCode?: string;
  message: string;
  since: IsoDateTime;
}

export interface FaultClearedEvent {
  id: string;
  nativeCode?: string;
}

export interface BuildAreaClearedEvent {
  /** The job whose parts were removed, when known. */
  jobId: string | null;
  source: BuildAreaClearSource;
  /** The `clear_confirm` command, when `source` is `command`. */
  commandId?: string;
}

export interface MaterialsChangedEvent {
  /** The full list after the change, not a delta. */
  materials: MaterialSlot[];
}

export interface MaintenanceCounterEvent {
  /** `nozzle_hours`, `needle_stitches`, `belt_km`. */
  counter: string;
  value: number;
  unit: CounterUnit;
  threshold?: number | null;
  due?: boolean;
}

export interface EventDataMap {
  'job.accepted': JobAcceptedEvent;
  'transfer.progress': TransferProgressEvent;
  'transfer.completed': TransferCompletedEvent;
  'transfer.failed': TransferFailedEvent;
  'job.started': JobStartedEvent;
  'job.phase': JobPhaseEvent;
  'job.paused': JobPausedEvent;
  'job.resumed': JobResumedEvent;
  'job.finished': JobFinishedEvent;
  'intervention.raised': InterventionRaisedEvent;
  'intervention.cleared': InterventionClearedEvent;
  'fault.raised': FaultRaisedEvent;
  'fault.cleared': FaultClearedEvent;
  'build_area.cleared': BuildAreaClearedEvent;
  'materials.changed': MaterialsChangedEvent;
  'maintenance.counter': MaintenanceCounterEvent;
}

export type EventMessage<T extends EventType = EventType> = MachineEnvelope<T, EventDataMap[T]>;

/** Discriminated on `type`: `if (m.type === 'job.finished') m.data.outcome`. */
export type EventEnvelope = { [T in EventType]: EventMessage<T> }[EventType];

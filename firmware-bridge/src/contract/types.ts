// Payload types of the MQTT contract v1. Every payload is an envelope around `data`; the JSON
// Schemas in `schemas.ts` say the same thing for the wire (kept in step by schemas.spec.ts).
import type { CommandEnvelope, CommandResultEnvelope } from './command-types.js';
import type { EventEnvelope, JobFinishedEvent } from './event-types.js';
import type {
  AvailabilityState,
  BridgeMachineState,
  InterventionAction,
  InterventionKind,
  JobOutcome,
  LinkState,
  MachineKind,
  MaterialKind,
  MESSAGE_TYPES,
  PauseReason,
  Severity,
  CommandName,
  FileFormat,
} from './vocabulary.js';

/** An ISO-8601 / RFC 3339 instant, e.g. `2025-03-01T12:00:00.000Z` (encoders always emit UTC). */
export type IsoDateTime = string;

/**
 * `{v, type, msgId, ts, bridgeId, machineId?, session, seq, data}` as in CONTRACT.md.
 * - `msgId`: UUIDv7 or ULID, the dedupe key.
 * - `session`: the sender's connection counter, incremented at every (re)connect; rides in the
 *   last will, so a will carries the session it ends.
 * - `seq`: counts from 0 per topic within a session (gaps on `state` / `events` trigger resync).
 */
export interface Envelope<TType extends string = string, TData = unknown> {
  v: 1;
  type: TType;
  msgId: string;
  ts: IsoDateTime;
  bridgeId: string;
  machineId?: string;
  session: number;
  seq: number;
  data: TData;
}

/** Envelopes on `machines/{machineId}/…`: `machineId` is required and must equal the topic's. */
export interface MachineEnvelope<TType extends string = string, TData = unknown> extends Envelope<TType, TData> {
  machineId: string;
}

/** `service/status` comes from the service, not a bridge: no `bridgeId`, no `machineId`. */
export type ServiceEnvelope<TType extends string, TData> = Omit<Envelope<TType, TData>, 'bridgeId' | 'machineId'>;

// ---- service/status and bridges/{bridgeId}/status -------------------------------------------

export interface ServiceStatus {
  state: LinkState;
  /** Must equal the envelope's `session`. */
  session: number;
  version: string;
}
export type ServiceStatusMessage = ServiceEnvelope<typeof MESSAGE_TYPES.serviceStatus, ServiceStatus>;

export interface BridgeStatus {
  state: LinkState;
  /** Must equal the envelope's `session`. */
  session: number;
  version: string;
  /** The machines this bridge serves (informative: the broker ACL comes from the service). */
  machines: string[];
}
/** `bridges/{bridgeId}/status`: `bridgeId` must equal the topic's; no `machineId`. */
export type BridgeStatusMessage = Omit<Envelope<typeof MESSAGE_TYPES.bridgeStatus, BridgeStatus>, 'machineId'>;

// ---- machines/{machineId}/meta ----------------------------------------------------------------

export type CapabilityValue = boolean | number | string | readonly string[];

/** Open record (keys `^[a-z][a-zA-Z0-9_]{0,63}$`) with a few well-known keys. */
export interface Capabilities {
  /** Commands the adapter implements; anything else is answered `UNSUPPORTED`. */
  commands?: readonly CommandName[];
  fileFormats?: readonly FileFormat[];
  /** False when a person must start the job at the machine (`load_design` path). */
  remoteStart?: boolean;
  [key: string]: CapabilityValue | undefined;
}

export interface MachineMeta {
  kind: MachineKind;
  vendor: string;
  model: string;
  /** Adapter id, e.g. `bambu-lan`, `moonraker`, `octoprint`, `prusalink`, `pp1-ble`. */
  adapter: string;
  firmware?: string;
  capabilities: Capabilities;
}
export type MachineMetaMessage = MachineEnvelope<typeof MESSAGE_TYPES.meta, MachineMeta>;

// ---- machines/{machineId}/availability ------------------------------------------------------

export interface Availability {
  state: AvailabilityState;
  reason?: string;
}
export type AvailabilityMessage = MachineEnvelope<typeof MESSAGE_TYPES.availability, Availability>;

// ---- machines/{machineId}/state ---------------------------------------------------------------

export interface Counter {
  current: number;
  total: number;
}

export interface StitchProgress extends Counter {
  /** 1-based colour block being sewn. */
  colorBlock: number;
  colorBlocks: number;
}

export interface JobProgress {
  /** Echoed from `start_job`; null for a job started at the machine. */
  jobId: string | null;
  name?: string;
  progressPct: number;
  elapsedS: number;
  /** Null while the bridge has no estimate. */
  remainingS: number | null;
  /** Printers report layers, embroidery machines stitches; never both. */
  layer?: Counter;
  stitch?: StitchProgress;
}

export interface Intervention {
  id: string;
  kind: InterventionKind;
  severity: Severity;
  /** The machine cannot continue until someone acts. */
  blocking: boolean;
  /** The job can continue afterwards (otherwise it will end as failed / cancelled). */
  resumable: boolean;
  nativeCode?: string;
  message: string;
  since: IsoDateTime;
  actions: InterventionAction[];
}

/** Heater name (`nozzle`, `nozzle1`, `bed`, `chamber`) → degrees Celsius. */
export type Temperatures = Record<string, { current: number; target: number | null }>;

export interface MaterialSlot {
  /** `0`, `ams1-2`, `needle3`, `bobbin`. */
  slot: string;
  kind: MaterialKind;
  /** `PLA`, `PETG`, `polyester 40wt`. */
  material?: string;
  /** `#RRGGBB`. */
  color?: string;
  name?: string;
  remainingPct?: number | null;
  loaded: boolean;
}

/**
 * How the machine's last job ended. The other fields of its `job.finished` (durations, material,
 * the machine's code and message) ride along when the bridge has them, so a service that missed
 * the event (down, or its broker lost it) still records the job's results from the retained
 * state. All optional: a bridge that restarted since, or an older one, sends the outcome alone.
 */
export interface LastJobOutcome extends Partial<Omit<JobFinishedEvent, 'jobId' | 'outcome' | 'endedAt'>> {
  jobId: string | null;
  outcome: JobOutcome;
  endedAt: IsoDateTime;
}

export interface MachineStateSnapshot {
  state: BridgeMachineState;
  /** Only while `pausing` / `paused`. */
  pauseReason?: PauseReason;
  /** The native stage name (`PREPARE`, `COLOR_CHANGE_WAIT`, …). */
  substate?: string;
  job?: JobProgress | null;
  interventions: Intervention[];
  temps?: Temperatures;
  materials?: MaterialSlot[];
  /** Set while `awaiting_clear`; may remain afterwards so a restarted service can reconcile. */
  lastJobOutcome?: LastJobOutcome;
}
export type MachineStateMessage = MachineEnvelope<typeof MESSAGE_TYPES.state, MachineStateSnapshot>;

// ---- machines/{machineId}/telemetry -----------------------------------------------------------

export interface Telemetry {
  temps?: Temperatures;
  progressPct?: number;
  elapsedS?: number;
  remainingS?: number | null;
  /** Speed override in percent (100 = as sliced). */
  speedPct?: number;
  stitchesPerMinute?: number;
  fanPct?: number;
  layer?: Counter;
  stitch?: StitchProgress;
}
export type TelemetryMessage = MachineEnvelope<typeof MESSAGE_TYPES.telemetry, Telemetry>;

// ---- everything, by topic ---------------------------------------------------------------------

/** Every message a bridge publishes. */
export type BridgeMessage =
  | BridgeStatusMessage
  | MachineMetaMessage
  | AvailabilityMessage
  | MachineStateMessage
  | TelemetryMessage
  | EventEnvelope
  | CommandResultEnvelope;

/** Every message the service publishes. */
export type ServiceMessage = ServiceStatusMessage | CommandEnvelope;

export type ContractMessage = BridgeMessage | ServiceMessage;

/** The message type carried on each machine channel. */
export interface MachineChannelMessages {
  meta: MachineMetaMessage;
  availability: AvailabilityMessage;
  state: MachineStateMessage;
  telemetry: TelemetryMessage;
  events: EventEnvelope;
  cmd: CommandEnvelope;
  'cmd/res': CommandResultEnvelope;
}

// Commands on `machines/{machineId}/cmd` (service → bridge) and their results on `…/cmd/res`.
import type { IsoDateTime, MachineEnvelope } from './types.js';
import type {
  BridgeMachineState,
  CommandErrorCode,
  CommandName,
  FileFormat,
  MESSAGE_TYPES,
  ResultStage,
  ResultStatus,
  ResyncReason,
} from './vocabulary.js';

/** A file the bridge fetches itself: files never travel over MQTT. */
export interface FileReference {
  /** `http(s)://` URL the bridge downloads from (the service's file store, signed). */
  url: string;
  /** Lowercase hex SHA-256 of the file; the bridge refuses a mismatch (`CHECKSUM_MISMATCH`). */
  sha256: string;
  bytes: number;
  format: FileFormat;
  /** Display name on the machine's screen. */
  name?: string;
  /**
   * What the service read in the file. A real machine reads the file itself and may ignore it;
   * a simulator cannot, and follows it, so the demo's print lasts what the upload announced.
   */
  estimate?: FileEstimate;
}

/** Each value only when the file states it. */
export interface FileEstimate {
  /** The slicer's print time, preheating excluded. */
  durationS?: number;
  layers?: number;
  filamentG?: number;
  stitches?: number;
  colorBlocks?: number;
}

export interface StartJobParams extends FileReference {
  /** Plate number inside a multi-plate 3MF (Bambu). */
  plate?: number;
}

export type LoadDesignParams = FileReference;

export type EmptyParams = Record<string, never>;

export interface ResyncParams {
  reason?: ResyncReason;
}

export interface SetTelemetryRateParams {
  intervalS: number;
  /** Back to the default cadence after this long; absent = until the next reconnect. */
  durationS?: number;
}

export interface ConfirmStepParams {
  /** The intervention (e.g. `COLOR_CHANGE_WAIT`) the operator has dealt with. */
  interventionId: string;
}

export interface CommandParamsMap {
  start_job: StartJobParams;
  pause: EmptyParams;
  resume: EmptyParams;
  cancel: EmptyParams;
  clear_confirm: EmptyParams;
  resync: ResyncParams;
  ping: EmptyParams;
  set_telemetry_rate: SetTelemetryRateParams;
  load_design: LoadDesignParams;
  confirm_step: ConfirmStepParams;
}

export interface CommandOf<C extends CommandName> {
  command: C;
  /** Stable across re-sends from the outbox: the bridge's dedupe key. */
  commandId: string;
  /** Required for `start_job` / `load_design`; elsewhere a guard ("the job I mean"). */
  jobId?: string;
  issuedAt: IsoDateTime;
  /** The bridge refuses the command (`EXPIRED`) after this instant. */
  expiresAt: IsoDateTime;
  /** The bridge refuses (`PRECONDITION_FAILED`) unless the machine is in one of these states. */
  expectState?: BridgeMachineState[];
  params: CommandParamsMap[C];
}

/** Discriminated on `command`. */
export type Command = { [C in CommandName]: CommandOf<C> }[CommandName];

export type CommandEnvelope = MachineEnvelope<typeof MESSAGE_TYPES.command, Command>;

export interface CommandError {
  code: CommandErrorCode;
  message: string;
  retryable: boolean;
}

/**
 * Consistency the schema enforces: `error` is present exactly when `status` is `error`;
 * stage `accepted` ⇒ status `accepted`; `rejected` / `expired` ⇒ `error`; `completed` ⇒ `ok` or
 * `error`; `duplicate` replays the stored result's status.
 */
export interface CommandResult {
  commandId: string;
  status: ResultStatus;
  stage: ResultStage;
  error?: CommandError;
}

export type CommandResultEnvelope = MachineEnvelope<typeof MESSAGE_TYPES.commandResult, CommandResult>;

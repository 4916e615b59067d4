// The closed word lists of the MQTT contract v1 (docs: ../../CONTRACT.md).
// Each list is the single source for both the TypeScript union and the JSON Schema `enum`,
// so the two cannot drift. Adding a word is a contract change: bridges and the service must
// both be upgraded before anyone sends it.

export const CONTRACT_VERSION = 1 as const;

/** States a bridge may report. `maintenance` is deliberately absent: only the service sets it. */
export const BRIDGE_MACHINE_STATES = [
  'unknown',
  'offline',
  'initializing',
  'idle',
  'awaiting_clear',
  'busy',
  'receiving',
  'preparing',
  'running',
  'pausing',
  'paused',
  'stopping',
  'error',
] as const;
export type BridgeMachineState = (typeof BRIDGE_MACHINE_STATES)[number];

/** Every state the service knows: the bridge states plus the service-only `maintenance`. */
export const MACHINE_STATES = [...BRIDGE_MACHINE_STATES, 'maintenance'] as const;
export type MachineState = (typeof MACHINE_STATES)[number];

/** States in which `pauseReason` may be present. */
export const PAUSE_STATES = ['pausing', 'paused'] as const satisfies readonly BridgeMachineState[];

export const PAUSE_REASONS = ['user', 'intervention', 'error', 'program'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

export const MACHINE_KINDS = ['fdm_printer', 'embroidery', 'laser_cutter', 'cnc', 'other'] as const;
export type MachineKind = (typeof MACHINE_KINDS)[number];

export const LINK_STATES = ['online', 'offline'] as const;
export type LinkState = (typeof LINK_STATES)[number];

export const AVAILABILITY_STATES = ['online', 'offline', 'degraded'] as const;
export type AvailabilityState = (typeof AVAILABILITY_STATES)[number];

export const INTERVENTION_KINDS = [
  'clear_build_area',
  'material_runout',
  'material_change',
  'thread_or_feed_fault',
  'quality_defect',
  'program_stop',
  'hoop_or_plate',
  'door_or_safety',
  'motion_fault',
  'thermal_fault',
  'power_loss_resume',
  'maintenance_due',
] as const;
export type InterventionKind = (typeof INTERVENTION_KINDS)[number];

export const SEVERITIES = ['info', 'warning', 'error', 'fatal'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * What staff can do about an intervention (CONTRACT.md, `actions[]`). They map
 * one-to-one onto commands, except `attend_at_machine` (only a person at the machine can act,
 * e.g. re-threading a needle), so the UI never offers a button the bridge cannot honour.
 */
export const INTERVENTION_ACTIONS = ['resume', 'cancel', 'clear_confirm', 'confirm_step', 'attend_at_machine'] as const;
export type InterventionAction = (typeof INTERVENTION_ACTIONS)[number];

export const JOB_OUTCOMES = ['completed', 'failed', 'cancelled', 'lost'] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

export const MATERIAL_KINDS = ['filament', 'thread', 'bobbin', 'sheet', 'stock', 'other'] as const;
export type MaterialKind = (typeof MATERIAL_KINDS)[number];

export const MATERIAL_UNITS = ['g', 'mm', 'm', 'stitches'] as const;
export type MaterialUnit = (typeof MATERIAL_UNITS)[number];

export const COUNTER_UNITS = ['h', 'count', 'stitches', 'mm', 'g'] as const;
export type CounterUnit = (typeof COUNTER_UNITS)[number];

/** File formats `start_job` / `load_design` may reference (the file travels by URL, never MQTT). */
export const FILE_FORMATS = ['gcode', 'bgcode', '3mf', 'dst', 'pes', 'exp', 'jef', 'vp3', 'svg', 'dxf', 'nc'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

export const EVENT_TYPES = [
  'job.accepted',
  'transfer.progress',
  'transfer.completed',
  'transfer.failed',
  'job.started',
  'job.phase',
  'job.paused',
  'job.resumed',
  'job.finished',
  'intervention.raised',
  'intervention.cleared',
  'fault.raised',
  'fault.cleared',
  'build_area.cleared',
  'materials.changed',
  'maintenance.counter',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const COMMAND_NAMES = [
  'start_job',
  'pause',
  'resume',
  'cancel',
  'clear_confirm',
  'resync',
  'ping',
  'set_telemetry_rate',
  'load_design',
  'confirm_step',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Commands whose schema requires `jobId` (the bridge refuses a `jobId` it already started). */
export const COMMANDS_REQUIRING_JOB_ID = ['start_job', 'load_design'] as const satisfies readonly CommandName[];

export const RESYNC_REASONS = ['seq_gap', 'service_online', 'manual'] as const;
export type ResyncReason = (typeof RESYNC_REASONS)[number];

export const BUILD_AREA_CLEAR_SOURCES = ['at_machine', 'command'] as const;
export type BuildAreaClearSource = (typeof BUILD_AREA_CLEAR_SOURCES)[number];

export const RESULT_STATUSES = ['accepted', 'ok', 'error'] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

export const RESULT_STAGES = ['accepted', 'completed', 'rejected', 'expired', 'duplicate'] as const;
export type ResultStage = (typeof RESULT_STAGES)[number];

export const COMMAND_ERROR_CODES = [
  'PRECONDITION_FAILED',
  'UNSUPPORTED',
  'EXPIRED',
  'DUPLICATE',
  'TRANSFER_FAILED',
  'CHECKSUM_MISMATCH',
  'NATIVE_REJECTED',
  'CONTROL_LOCKED',
  'TIMEOUT',
] as const;
export type CommandErrorCode = (typeof COMMAND_ERROR_CODES)[number];

/** The `type` of every non-event envelope; events use their event name as `type`. */
export const MESSAGE_TYPES = {
  serviceStatus: 'service.status',
  bridgeStatus: 'bridge.status',
  meta: 'machine.meta',
  availability: 'machine.availability',
  state: 'machine.state',
  telemetry: 'machine.telemetry',
  command: 'command',
  commandResult: 'command.result',
} as const;

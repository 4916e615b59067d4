// Complete, valid example payloads: documentation that is tested (schemas.spec.ts validates every
// one), and factories for tests on both sides of the contract (`buildX({ ...overrides })`).
// Every optional field is filled in, so a schema that forgot a field fails on these.
import type { Command, CommandOf, CommandResult } from './command-types.js';
import type { EventDataMap } from './event-types.js';
import type {
  Availability,
  Intervention,
  MachineMeta,
  MachineStateSnapshot,
  MaterialSlot,
  Telemetry,
} from './types.js';
import type { CommandName, EventType } from './vocabulary.js';

const AT = '2025-03-01T12:00:00.000Z';
const JOB = 'job-01jn8k3v5b';
const SHA = 'a'.repeat(64);

export const buildMeta = (o: Partial<MachineMeta> = {}): MachineMeta => ({
  kind: 'fdm_printer',
  vendor: 'Bambu Lab',
  model: 'P1S',
  adapter: 'bambu-lan',
  firmware: '01.07.00.00',
  capabilities: {
    commands: ['start_job', 'pause', 'resume', 'cancel', 'resync', 'ping'],
    fileFormats: ['3mf', 'gcode'],
    remoteStart: true,
    materialSlots: 4,
    chamberCamera: false,
    nozzleDiameterMm: 0.4,
    buildPlate: 'textured_pei',
    plateTypes: ['textured_pei', 'cool_plate'],
  },
  ...o,
});

export const buildAvailability = (o: Partial<Availability> = {}): Availability => ({
  state: 'degraded',
  reason: 'P1 pushes deltas only; full status every 5 min',
  ...o,
});

export const buildIntervention = (o: Partial<Intervention> = {}): Intervention => ({
  id: 'hms-0300-0100',
  kind: 'material_runout',
  severity: 'warning',
  blocking: true,
  resumable: true,
  nativeCode: '0300_0100_0001_0007',
  message: 'Filament ran out in AMS slot 2',
  since: AT,
  actions: ['resume', 'cancel', 'attend_at_machine'],
  ...o,
});

export const buildMaterialSlot = (o: Partial<MaterialSlot> = {}): MaterialSlot => ({
  slot: 'ams1-2',
  kind: 'filament',
  material: 'PETG',
  color: '#1E90FF',
  name: 'Generic PETG blue',
  remainingPct: 12.5,
  loaded: true,
  ...o,
});

/** A paused FDM printer with a job reporting layers. */
export const buildPrinterState = (o: Partial<MachineStateSnapshot> = {}): MachineStateSnapshot => ({
  state: 'paused',
  pauseReason: 'intervention',
  substate: 'PAUSE',
  job: {
    jobId: JOB,
    name: 'bracket-v3.3mf',
    progressPct: 41.5,
    elapsedS: 1830,
    remainingS: 2570,
    layer: { current: 83, total: 200 },
  },
  interventions: [buildIntervention()],
  temps: { nozzle: { current: 219.6, target: 220 }, bed: { current: 70, target: 70 } },
  materials: [buildMaterialSlot(), buildMaterialSlot({ slot: 'ams1-1', material: 'PLA' })],
  lastJobOutcome: {
    jobId: null,
    outcome: 'completed',
    startedAt: '2025-03-01T08:00:00Z',
    endedAt: '2025-03-01T09:30:00Z',
    durations: { totalS: 5400, preparingS: 420, runningS: 4980, pausedS: 0 },
    materialUsed: [{ slot: '0', material: 'PETG', amount: 21.4, unit: 'g' }],
    layer: { current: 200, total: 200 },
    nativeCode: 'FINISH',
    message: 'Print finished',
  },
  ...o,
});

/** An embroidery machine waiting for a colour change, with a job reporting stitches. */
export const buildEmbroideryState = (o: Partial<MachineStateSnapshot> = {}): MachineStateSnapshot => ({
  state: 'paused',
  pauseReason: 'program',
  substate: 'COLOR_CHANGE_WAIT',
  job: {
    jobId: 'job-emb-7',
    name: 'club-logo.pes',
    progressPct: 50,
    elapsedS: 600,
    remainingS: null,
    stitch: { current: 3750, total: 7500, colorBlock: 3, colorBlocks: 6 },
  },
  interventions: [
    buildIntervention({
      id: 'ccw-3',
      kind: 'material_change',
      severity: 'info',
      resumable: true,
      nativeCode: 'COLOR_CHANGE_WAIT',
      message: 'Thread colour 3 of 6: red',
      actions: ['confirm_step', 'attend_at_machine'],
    }),
  ],
  temps: {},
  materials: [buildMaterialSlot({ slot: 'needle1', kind: 'thread', material: 'polyester 40wt' })],
  ...o,
});

export const buildTelemetry = (o: Partial<Telemetry> = {}): Telemetry => ({
  temps: { nozzle: { current: 220.1, target: 220 }, chamber: { current: 31, target: null } },
  progressPct: 42,
  elapsedS: 1860,
  remainingS: 2540,
  speedPct: 100,
  stitchesPerMinute: 0,
  fanPct: 80,
  layer: { current: 84, total: 200 },
  ...o,
});

export const exampleEvents: { [T in EventType]: EventDataMap[T] } = {
  'job.accepted': { jobId: JOB, commandId: 'cmd-1' },
  'transfer.progress': { jobId: JOB, bytesDone: 524_288, bytesTotal: 2_097_152 },
  'transfer.completed': { jobId: JOB, bytes: 2_097_152, sha256: SHA },
  'transfer.failed': {
    jobId: JOB,
    error: { code: 'CHECKSUM_MISMATCH', message: 'sha256 differs', retryable: true },
  },
  'job.started': { jobId: null, name: 'benchy.gcode', startedAt: AT, estimatedS: 3600 },
  'job.phase': { jobId: JOB, state: 'preparing', phase: 'levelling' },
  'job.paused': { jobId: JOB, reason: 'intervention', interventionId: 'hms-0300-0100' },
  'job.resumed': { jobId: JOB },
  'job.finished': {
    jobId: JOB,
    outcome: 'completed',
    startedAt: '2025-03-01T11:00:00Z',
    endedAt: AT,
    durations: { totalS: 3600, preparingS: 400, runningS: 3100, pausedS: 100 },
    materialUsed: [{ slot: 'ams1-2', material: 'PETG', amount: 31.4, unit: 'g' }],
    layer: { current: 200, total: 200 },
    nativeCode: 'FINISH',
    message: 'Print finished',
  },
  'intervention.raised': { intervention: buildIntervention() },
  'intervention.cleared': { id: 'hms-0300-0100', kind: 'material_runout' },
  'fault.raised': {
    id: 'fault-1',
    severity: 'error',
    nativeCode: '0C00_0300_0002_0001',
    message: 'First layer defect detected',
    since: AT,
  },
  'fault.cleared': { id: 'fault-1', nativeCode: '0C00_0300_0002_0001' },
  'build_area.cleared': { jobId: JOB, source: 'command', commandId: 'cmd-9' },
  'materials.changed': { materials: [buildMaterialSlot()] },
  'maintenance.counter': {
    counter: 'nozzle_hours',
    value: 412.5,
    unit: 'h',
    threshold: 500,
    due: false,
  },
};

const file = {
  url: 'https://fabrique.local/files/aaaa?sig=x',
  sha256: SHA,
  bytes: 2_097_152,
  name: 'bracket-v3',
};

const commandBase = (commandId: string) => ({
  commandId,
  jobId: JOB,
  issuedAt: AT,
  expiresAt: '2025-03-01T12:05:00.000Z',
  expectState: ['idle' as const],
});

export const exampleCommands: { [C in CommandName]: CommandOf<C> } = {
  start_job: {
    ...commandBase('cmd-start'),
    command: 'start_job',
    params: { ...file, format: '3mf', plate: 1, estimate: { durationS: 3720, layers: 120, filamentG: 12.3 } },
  },
  pause: { ...commandBase('cmd-pause'), command: 'pause', params: {} },
  resume: { ...commandBase('cmd-resume'), command: 'resume', params: {} },
  cancel: { ...commandBase('cmd-cancel'), command: 'cancel', params: {} },
  clear_confirm: { ...commandBase('cmd-clear'), command: 'clear_confirm', params: {} },
  resync: { ...commandBase('cmd-resync'), command: 'resync', params: { reason: 'seq_gap' } },
  ping: { ...commandBase('cmd-ping'), command: 'ping', params: {} },
  set_telemetry_rate: {
    ...commandBase('cmd-rate'),
    command: 'set_telemetry_rate',
    params: { intervalS: 2, durationS: 600 },
  },
  load_design: {
    ...commandBase('cmd-load'),
    command: 'load_design',
    params: { ...file, format: 'pes', estimate: { stitches: 7500, colorBlocks: 6 } },
  },
  confirm_step: {
    ...commandBase('cmd-step'),
    command: 'confirm_step',
    params: { interventionId: 'ccw-3' },
  },
};

export const buildCommand = <C extends CommandName = 'start_job'>(
  name: C = 'start_job' as C,
  o: Partial<CommandOf<C>> = {},
): Command => ({ ...exampleCommands[name], ...o }) as Command;

export const buildCommandResult = (o: Partial<CommandResult> = {}): CommandResult => ({
  commandId: 'cmd-start',
  status: 'error',
  stage: 'rejected',
  error: { code: 'PRECONDITION_FAILED', message: 'machine is running', retryable: false },
  ...o,
});

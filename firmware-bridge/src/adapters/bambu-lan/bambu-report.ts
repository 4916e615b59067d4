// A Bambu printer's merged `print` report mapped onto a NativeView. `gcode_state` is the job
// truth; `print_error` is only read while it says PAUSE or FAILED (it stays stale while idle).
// Stage numbers (`stg_cur`) and HMS layout follow ha-bambulab's pybambu (const.py
// CURRENT_STAGE_IDS, HMS severity = code >> 16, module = attr >> 24). Pure, never throws.
import type {
  Counter,
  InterventionKind,
  MaterialSlot,
  PauseReason,
  Severity,
  Temperatures,
} from '../../contract/index.js';
import type { InterventionSpec, NativePhase, NativeView } from '../native-kit/job-tracker.js';
import { isRecord, list, num, rec, str, type JsonObject } from '../native-kit/read.js';

/** `print_error` when a print was stopped on purpose ("the task was cancelled"). */
export const CANCELLED_ERROR = 0x0300400c;

const PHASES: Record<string, NativePhase> = {
  IDLE: 'idle',
  INIT: 'initializing',
  SLICING: 'busy',
  PREPARE: 'preparing',
  RUNNING: 'running',
  PAUSE: 'paused',
  FINISH: 'idle',
  FAILED: 'idle',
};

/** RUNNING stages that are still preparation (heating, levelling, calibrating). */
const PREPARING_STAGES = new Set([1, 2, 3, 7, 8, 9, 11, 12, 13, 14, 15, 18, 19, 25, 29]);

const STAGE_NAMES: Record<number, string> = {
  0: 'printing',
  1: 'auto_bed_leveling',
  2: 'heatbed_preheating',
  3: 'sweeping_xy_mech_mode',
  4: 'changing_filament',
  6: 'paused_filament_runout',
  7: 'heating_hotend',
  8: 'calibrating_extrusion',
  9: 'scanning_bed_surface',
  13: 'homing_toolhead',
  14: 'cleaning_nozzle_tip',
  16: 'paused_user',
  30: 'paused_user_gcode',
};

/** Stages in which the printer paused itself, and what a person has to do about it. */
const PAUSE_STAGES: Record<number, { kind: InterventionKind; message: string }> = {
  6: { kind: 'material_runout', message: 'Filament ran out: load new filament, then resume' },
  17: { kind: 'door_or_safety', message: 'The front cover fell off: refit it, then resume' },
  20: { kind: 'thermal_fault', message: 'Nozzle temperature malfunction' },
  21: { kind: 'thermal_fault', message: 'Heatbed temperature malfunction' },
  23: { kind: 'motion_fault', message: 'Skipped steps detected' },
  26: { kind: 'thread_or_feed_fault', message: 'The AMS was disconnected' },
  27: { kind: 'thermal_fault', message: 'Heatbreak fan speed too low' },
  28: { kind: 'thermal_fault', message: 'Chamber temperature control error' },
  32: { kind: 'quality_defect', message: 'Filament is covering the nozzle' },
  33: { kind: 'thread_or_feed_fault', message: 'Filament cutter error' },
  34: { kind: 'quality_defect', message: 'First layer defects detected' },
  35: { kind: 'thread_or_feed_fault', message: 'Nozzle clog detected' },
};

const hex4 = (n: number) => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
/** `0700_2000_0002_0001`, the way the printer's screen and Bambu's wiki write HMS codes. */
export const hmsCode = (attr: number, code: number) => {
  const a = hex4(attr);
  const c = hex4(code);
  return `${a.slice(0, 4)}_${a.slice(4)}_${c.slice(0, 4)}_${c.slice(4)}`;
};

/** AMS / AMS HT slot runout as `print_error` (0x07SS8011, 0x18SS8011, external spool 0x07FF8011). */
const isRunoutError = (e: number) => (e >>> 24 === 0x07 || e >>> 24 === 0x18) && (e & 0xffff) === 0x8011;
/** AMS slot runout as HMS: attr 0x07UU2S00 (slot S), code 0x00020001. */
const isRunoutHms = (attr: number, code: number) =>
  (attr >>> 24 === 0x07 || attr >>> 24 === 0x18) && ((attr >>> 12) & 0xf) === 2 && code === 0x00020001;

function hmsKind(attr: number, code: number): InterventionKind | undefined {
  if (isRunoutHms(attr, code)) return 'material_runout';
  const module = attr >>> 24;
  if (module === 0x07 || module === 0x18) return 'thread_or_feed_fault';
  if (module === 0x0c) return 'quality_defect';
  if (module === 0x03) return 'motion_fault';
  return undefined; // mainboard, toolhead, …: shown on the printer, not an intervention here
}

const HMS_SEVERITY: Record<number, Severity> = { 1: 'fatal', 2: 'error', 3: 'warning', 4: 'info' };

export interface BambuReading {
  gcodeState: string | undefined;
  printError: number;
  jobName: string | undefined;
  /** Also read after the job: FINISH carries the final layer. */
  progress: NonNullable<NativeView['progress']>;
  view: NativeView;
}

export function readReport(print: JsonObject): BambuReading {
  const gcodeState = str(print.gcode_state);
  const stage = num(print.stg_cur) ?? -1;
  let phase: NativePhase = gcodeState === undefined ? 'unknown' : (PHASES[gcodeState] ?? 'unknown');
  if (phase === 'running' && PREPARING_STAGES.has(stage)) phase = 'preparing';
  const paused = phase === 'paused';
  // print_error stays set after the job (stale while idle): only PAUSE and FAILED give it meaning.
  const printError = gcodeState === 'PAUSE' || gcodeState === 'FAILED' ? (num(print.print_error) ?? 0) : 0;
  const actions: InterventionSpec['actions'] = paused
    ? ['resume', 'cancel', 'attend_at_machine']
    : ['attend_at_machine'];
  const byKind = new Map<InterventionKind, InterventionSpec>();
  const add = (spec: Omit<InterventionSpec, 'actions' | 'blocking'>) => {
    if (!byKind.has(spec.kind)) byKind.set(spec.kind, { ...spec, blocking: paused, actions });
  };

  for (const entry of list(print.hms).filter(isRecord)) {
    const attr = num(entry.attr);
    const code = num(entry.code);
    if (attr === undefined || code === undefined) continue;
    const kind = hmsKind(attr, code);
    if (!kind) continue;
    const severity = HMS_SEVERITY[code >>> 16] ?? 'warning';
    const id = hmsCode(attr, code);
    const message = kind === 'material_runout' ? 'AMS filament ran out: load new filament, then resume' : `HMS ${id}`;
    add({ id: `hms-${id}`, kind, severity, resumable: severity !== 'fatal', nativeCode: id, message });
  }
  const errorKind = isRunoutError(printError) ? 'material_runout' : hmsKind(printError, 0);
  if (printError !== 0 && paused && errorKind) {
    const code = hex4(printError);
    const message =
      errorKind === 'material_runout'
        ? 'Filament ran out: load new filament, then resume'
        : `Paused with error ${code}`;
    add({
      id: `print-error-${code}`,
      kind: errorKind,
      severity: 'warning',
      resumable: true,
      nativeCode: code,
      message,
    });
  }
  const stagePause = paused ? PAUSE_STAGES[stage] : undefined;
  if (stagePause)
    add({ id: `stage-${stage}`, severity: 'warning', resumable: true, nativeCode: `stg_cur ${stage}`, ...stagePause });

  const interventions = [...byKind.values()];
  let pauseReason: PauseReason | undefined;
  if (paused) {
    if (stage === 16) pauseReason = 'user';
    else if (stage === 30) pauseReason = 'program';
    else if (interventions.length > 0) pauseReason = 'intervention';
    else pauseReason = printError !== 0 ? 'error' : 'user';
  }
  const substate = phase === 'running' || phase === 'preparing' ? (STAGE_NAMES[stage] ?? gcodeState) : gcodeState;
  const jobName = str(print.subtask_name) || str(print.gcode_file) || undefined;
  const temps = temperatures(print);
  const materials = amsMaterials(print);
  const active = phase === 'running' || phase === 'preparing' || paused;
  const progress = progressOf(print);
  const view: NativeView = {
    phase,
    ...(substate && { substate }),
    ...(pauseReason && { pauseReason }),
    ...(jobName && { jobName }),
    ...(active && { progress }),
    ...(temps && { temps }),
    ...(materials && { materials }),
    interventions,
  };
  return { gcodeState, printError, jobName, progress, view };
}

function progressOf(print: JsonObject): NonNullable<NativeView['progress']> {
  const percent = num(print.mc_percent);
  const minutes = num(print.mc_remaining_time);
  const current = num(print.layer_num);
  const total = num(print.total_layer_num);
  const layer: Counter | undefined =
    current !== undefined && total !== undefined && total > 0
      ? { current: Math.max(0, Math.round(current)), total: Math.round(total) }
      : undefined;
  return {
    progressPct: Math.min(100, Math.max(0, percent ?? 0)),
    remainingS: minutes === undefined || minutes < 0 ? null : minutes * 60,
    ...(layer && { layer }),
  };
}

/**
 * Newer firmware (H2D, P2S, X1E…) reports heaters under `device`, each as one integer: the current
 * °C in the low 16 bits, the target in the high 16 (ha-bambulab's pybambu, models.py Temperature).
 */
function packedTemperature(value: unknown): { current: number; target: number } | undefined {
  const n = num(value);
  return n === undefined || !Number.isInteger(n) || n < 0 ? undefined : { current: n & 0xffff, target: n >>> 16 };
}

/**
 * The dual-nozzle H2D lists one `device.extruder.info` entry per nozzle (id 0 right, 1 left); the
 * low 4 bits of `extruder.state` count them and the next 4 name the active one. `nozzle_temper`
 * then holds a nozzle that may not be printing (ha-bambulab's H2D sample: 40 °C while the active
 * right nozzle is at 264 °C, target 225).
 */
function activeNozzle(device: JsonObject): unknown {
  const extruder = rec(device.extruder);
  const active = ((num(extruder.state) ?? 0) >> 4) & 0xf;
  return list(extruder.info)
    .filter(isRecord)
    .find((entry) => num(entry.id) === active)?.temp;
}

function temperatures(print: JsonObject): Temperatures | undefined {
  const temps: Temperatures = {};
  const device = rec(print.device);
  const put = (name: string, current: unknown, target: unknown) => {
    const c = num(current);
    if (c === undefined || c < -100 || c > 2000) return;
    const t = num(target);
    temps[name] = { current: c, target: t === undefined || t < -100 || t > 2000 ? null : t };
  };
  const putPacked = (name: string, value: unknown, fallback: () => void) => {
    const packed = packedTemperature(value);
    if (packed) put(name, packed.current, packed.target);
    else fallback();
  };
  putPacked('nozzle', activeNozzle(device), () => put('nozzle', print.nozzle_temper, print.nozzle_target_temper));
  putPacked('bed', rec(rec(device.bed).info).temp, () => put('bed', print.bed_temper, print.bed_target_temper));
  // Newer firmware moved the chamber (its heater controller, "ctc") there and stopped updating `chamber_temper`.
  putPacked('chamber', rec(rec(device.ctc).info).temp, () => put('chamber', print.chamber_temper, undefined));
  return Object.keys(temps).length > 0 ? temps : undefined;
}

function slot(id: string, tray: JsonObject): MaterialSlot {
  const type = str(tray.tray_type);
  const color = str(tray.tray_color)?.slice(0, 6);
  const remain = num(tray.remain);
  return {
    slot: id,
    kind: 'filament',
    ...(type && { material: type.slice(0, 64) }),
    ...(color && /^[0-9A-Fa-f]{6}$/.test(color) && { color: `#${color.toUpperCase()}` }),
    remainingPct: remain === undefined || remain < 0 || remain > 100 ? null : remain,
    loaded: Boolean(type),
  };
}

/** AMS trays as `ams1-1` … and the external spool as `external`. */
function amsMaterials(print: JsonObject): MaterialSlot[] | undefined {
  const slots: MaterialSlot[] = [];
  for (const unit of list(rec(print.ams).ams).filter(isRecord)) {
    const u = (num(unit.id) ?? 0) + 1;
    for (const tray of list(unit.tray).filter(isRecord)) slots.push(slot(`ams${u}-${(num(tray.id) ?? 0) + 1}`, tray));
  }
  if (isRecord(print.vt_tray)) slots.push(slot('external', print.vt_tray));
  return slots.length > 0 ? slots.slice(0, 32) : undefined;
}

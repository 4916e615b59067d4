// Klipper's printer objects (as Moonraker's `printer.objects.subscribe` delivers them, merged with
// every `notify_status_update` delta) mapped onto a NativeView. Pure: no I/O, never throws.
import type { Counter, JobOutcome, Temperatures } from '../../contract/index.js';
import type { InterventionSpec, NativePhase, NativeView } from '../native-kit/job-tracker.js';
import { bool, isRecord, num, rec, str, type JsonObject } from '../native-kit/read.js';

/** The objects the adapter subscribes to; runout sensors are added from `printer.objects.list`. */
export const SUBSCRIBED = [
  'webhooks',
  'print_stats',
  'display_status',
  'virtual_sdcard',
  'extruder',
  'heater_bed',
  'pause_resume',
] as const;

export const isRunoutSensor = (name: string): boolean =>
  name.startsWith('filament_switch_sensor ') || name.startsWith('filament_motion_sensor ');

/** `print_stats.state`: kept after the job ends (complete / cancelled / error) until the next one. */
export type PrintState = 'standby' | 'printing' | 'paused' | 'complete' | 'cancelled' | 'error';
const PRINT_STATES: readonly string[] = ['standby', 'printing', 'paused', 'complete', 'cancelled', 'error'];

export interface KlipperReading {
  /** `webhooks.state`: ready, startup, shutdown, error. */
  klippy: string | undefined;
  klippyMessage: string | undefined;
  print: PrintState | undefined;
  printMessage: string | undefined;
  filename: string | undefined;
  filamentUsedMm: number | undefined;
  /** Also read after the job: the kept `complete` carries the final layer. */
  progress: NonNullable<NativeView['progress']>;
  view: NativeView;
}

export function printStateOf(status: JsonObject): PrintState | undefined {
  const state = str(rec(status.print_stats).state);
  return state !== undefined && PRINT_STATES.includes(state) ? (state as PrintState) : undefined;
}

/** The outcome a kept terminal state tells, or undefined while the job still runs. */
export function terminalOutcome(print: PrintState | undefined): JobOutcome | undefined {
  if (print === 'complete') return 'completed';
  if (print === 'cancelled') return 'cancelled';
  if (print === 'error') return 'failed';
  return undefined;
}

function temperatures(status: JsonObject): Temperatures | undefined {
  const temps: Temperatures = {};
  for (const [object, name] of [
    ['extruder', 'nozzle'],
    ['extruder1', 'nozzle1'],
    ['heater_bed', 'bed'],
  ] as const) {
    const heater = status[object];
    if (!isRecord(heater)) continue;
    const current = num(heater.temperature);
    if (current === undefined || current < -100 || current > 2000) continue;
    const target = num(heater.target);
    temps[name] = { current, target: target === undefined || target < -100 || target > 2000 ? null : target };
  }
  return Object.keys(temps).length > 0 ? temps : undefined;
}

function layers(info: JsonObject): Counter | undefined {
  const current = num(info.current_layer);
  const total = num(info.total_layer);
  if (current === undefined || total === undefined || total <= 0) return undefined;
  return { current: Math.max(0, Math.min(Math.round(current), 1e9)), total: Math.min(Math.round(total), 1e9) };
}

function runouts(status: JsonObject, paused: boolean): InterventionSpec[] {
  const out: InterventionSpec[] = [];
  for (const [name, value] of Object.entries(status)) {
    if (!isRunoutSensor(name) || !isRecord(value)) continue;
    if (bool(value.enabled) === false || bool(value.filament_detected) !== false) continue;
    const sensor = name.slice(name.indexOf(' ') + 1);
    out.push({
      id: `runout-${sensor.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 48)}`,
      kind: 'material_runout',
      severity: 'warning',
      blocking: paused,
      resumable: true,
      nativeCode: name.slice(0, 64),
      message: `Filament sensor "${sensor}" reports no filament: load filament, then resume`,
      actions: ['resume', 'cancel', 'attend_at_machine'],
    });
  }
  return out;
}

/** A Klipper shutdown names its cause; heater faults get their own intervention kind. */
function klippyFault(klippy: string, message: string | undefined): InterventionSpec[] {
  if (!message || !/heat|temp|thermal|adc/i.test(message)) return [];
  return [
    {
      id: `klippy-${klippy}`,
      kind: 'thermal_fault',
      severity: 'fatal',
      blocking: true,
      resumable: false,
      nativeCode: `klippy_${klippy}`,
      message: message.slice(0, 512),
      actions: ['attend_at_machine'],
    },
  ];
}

export function readKlipper(status: JsonObject): KlipperReading {
  const webhooks = rec(status.webhooks);
  const stats = rec(status.print_stats);
  const klippy = str(webhooks.state);
  const klippyMessage = str(webhooks.state_message);
  const print = printStateOf(status);
  const filamentUsedMm = num(stats.filament_used);
  const filename = str(stats.filename) || undefined;
  let phase: NativePhase;
  let substate: string | undefined = print;
  if (klippy === 'shutdown' || klippy === 'error') {
    phase = 'error';
    substate = `klippy ${klippy}`;
  } else if (klippy === 'startup') {
    phase = 'initializing';
    substate = 'klippy startup';
  } else if (print === 'printing') {
    // Klipper counts print time from the first extrusion: before it, the start macro heats and levels.
    phase = (filamentUsedMm ?? 0) > 0 ? 'running' : 'preparing';
    if (phase === 'preparing') substate = 'heating';
  } else if (print === 'paused') phase = 'paused';
  else if (print === undefined) phase = 'unknown';
  else phase = 'idle';

  const paused = phase === 'paused';
  const active = phase === 'running' || phase === 'preparing' || paused;
  const interventions = [...(active ? runouts(status, paused) : []), ...klippyFault(klippy ?? '', klippyMessage)];
  const printDuration = num(stats.print_duration);
  const display = num(rec(status.display_status).progress);
  const file = num(rec(status.virtual_sdcard).progress);
  const fraction = display !== undefined && display > 0 ? display : (file ?? 0);
  const layer = layers(rec(stats.info));
  const remainingS =
    printDuration !== undefined && fraction > 0.01 && fraction < 1 ? (printDuration / fraction) * (1 - fraction) : null;
  const temps = temperatures(status);

  const progress = {
    progressPct: Math.min(100, Math.max(0, fraction * 100)),
    ...(printDuration !== undefined && { elapsedS: printDuration }),
    remainingS,
    ...(layer && { layer }),
  };
  const view: NativeView = {
    phase,
    ...(substate && { substate }),
    ...(paused && { pauseReason: interventions.some((i) => i.kind === 'material_runout') ? 'intervention' : 'user' }),
    ...(filename && { jobName: filename }),
    ...(active && { progress }),
    ...(temps && { temps }),
    interventions,
  };
  return {
    klippy,
    klippyMessage,
    print,
    printMessage: str(stats.message) || undefined,
    filename,
    filamentUsedMm,
    progress,
    view,
  };
}

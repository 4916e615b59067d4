// OctoPrint's status, from either source (the push socket's `current` / `history` messages or the
// REST pair `GET /api/printer` + `GET /api/job`), normalized into one shape, and the mapping of
// its state strings onto the contract's phases. Pure: no I/O, never throws.
import type { Temperatures } from '../../contract/index.js';
import type { NativePhase } from '../native-kit/job-tracker.js';
import { bool, isRecord, list, num, rec, str, type JsonObject } from '../native-kit/read.js';

export interface OctoStatus {
  /** `Operational`, `Printing`, `Paused`, `Error: …` */
  text: string;
  flags: Record<string, boolean>;
  /** Display name and storage path of the selected file. */
  fileName?: string;
  filePath?: string;
  completion: number | null;
  printTimeS: number | null;
  printTimeLeftS: number | null;
  filepos: number | null;
  temps?: Temperatures;
  /** Serial log lines since the last update (push only): where firmware host actions show up. */
  logs: string[];
  error?: string;
}

/** `offline`: OctoPrint answers but has no serial link to the printer. */
export type OctoPhase = NativePhase | 'offline';

const BY_TEXT: Record<string, OctoPhase> = {
  Operational: 'idle',
  Starting: 'preparing',
  'Starting print from SD': 'preparing',
  Printing: 'running',
  'Printing from SD': 'running',
  Resuming: 'running',
  Finishing: 'running',
  Pausing: 'pausing',
  Paused: 'paused',
  Cancelling: 'stopping',
  'Sending file to SD': 'busy',
  'Starting to send file to SD': 'busy',
  'Transferring file to SD': 'busy',
  // OctoPrint 2.0's printer connectors (printer/connection.py ConnectedPrinterState). A transfer
  // counts as operational and ready there, so its flags alone would read as idle.
  'Transferring file to printer': 'busy',
  Detecting: 'initializing',
  'Opening serial connection': 'initializing',
  'Detecting serial connection': 'initializing',
  'Detecting serial port': 'initializing',
  'Detecting baudrate': 'initializing',
  Connecting: 'initializing',
  Offline: 'offline',
  Closed: 'offline',
  Error: 'error',
  'Offline after error': 'error',
  'Closed with error': 'error',
};

/** The state string first (it is the most specific), then the flags for strings we do not know. */
export function phaseOf(status: OctoStatus): OctoPhase | undefined {
  const known = BY_TEXT[status.text];
  if (known) return known;
  if (/^error\b/i.test(status.text) || /\(error\b/i.test(status.text)) return 'error';
  const f = status.flags;
  if (f.error) return 'error';
  if (f.cancelling) return 'stopping';
  if (f.pausing) return 'pausing';
  if (f.paused) return 'paused';
  if (f.printing || f.resuming || f.finishing) return 'running';
  if (f.closedOrError) return 'offline';
  if (f.operational || f.ready) return 'idle';
  return undefined;
}

const HEATERS: Record<string, string> = {
  tool0: 'nozzle',
  tool1: 'nozzle1',
  tool2: 'nozzle2',
  bed: 'bed',
  chamber: 'chamber',
};

function temperatures(source: JsonObject): Temperatures | undefined {
  const temps: Temperatures = {};
  for (const [native, name] of Object.entries(HEATERS)) {
    const t = source[native];
    if (!isRecord(t)) continue;
    const current = num(t.actual);
    if (current === undefined || current < -100 || current > 2000) continue;
    const target = num(t.target);
    temps[name] = { current, target: target === undefined || target < -100 || target > 2000 ? null : target };
  }
  return Object.keys(temps).length > 0 ? temps : undefined;
}

function flagsOf(v: unknown): Record<string, boolean> {
  const flags: Record<string, boolean> = {};
  for (const [key, value] of Object.entries(rec(v))) {
    const b = bool(value);
    if (b !== undefined) flags[key] = b;
  }
  return flags;
}

function jobAndProgress(jobSource: JsonObject, progressSource: JsonObject): Partial<OctoStatus> {
  const file = rec(rec(jobSource).file);
  const progress = rec(progressSource);
  const nullableNum = (v: unknown) => num(v) ?? null;
  return {
    ...(str(file.name) && { fileName: str(file.name) }),
    ...(str(file.path) && { filePath: str(file.path) }),
    completion: nullableNum(progress.completion),
    printTimeS: nullableNum(progress.printTime),
    printTimeLeftS: nullableNum(progress.printTimeLeft),
    filepos: nullableNum(progress.filepos),
  };
}

/** A push `current` / `history` payload; undefined when it carries no state. */
export function fromPush(payload: unknown): OctoStatus | undefined {
  const p = rec(payload);
  const state = rec(p.state);
  const text = str(state.text);
  if (text === undefined) return undefined;
  const samples = list(p.temps).filter(isRecord);
  const latest = samples.at(-1);
  const temps = latest ? temperatures(latest) : undefined;
  return {
    text,
    flags: flagsOf(state.flags),
    completion: null,
    printTimeS: null,
    printTimeLeftS: null,
    filepos: null,
    ...jobAndProgress(rec(p.job), rec(p.progress)),
    ...(temps && { temps }),
    logs: list(p.logs).filter((l): l is string => typeof l === 'string'),
    ...(str(state.error) && { error: str(state.error) }),
  };
}

/**
 * The REST pair. `printer` is null when `GET /api/printer` answered 409 ("printer is not
 * operational"): OctoPrint is up but not connected to the printer.
 */
export function fromRest(printer: JsonObject | null, job: JsonObject): OctoStatus {
  const state = rec(printer?.state);
  const text = printer === null ? 'Offline' : (str(state.text) ?? str(job.state) ?? 'Unknown');
  const temps = printer === null ? undefined : temperatures(rec(printer.temperature));
  return {
    text,
    flags: flagsOf(state.flags),
    completion: null,
    printTimeS: null,
    printTimeLeftS: null,
    filepos: null,
    ...jobAndProgress(rec(job.job), rec(job.progress)),
    ...(temps && { temps }),
    logs: [],
    ...(str(job.error) && { error: str(job.error) }),
  };
}

/** Marlin's host action for a runout: `//action:paused filament_runout 0` (or `…:filament_runout T0`). */
export const RUNOUT_LINE = /action:.*(filament_runout|out_of_filament)/i;

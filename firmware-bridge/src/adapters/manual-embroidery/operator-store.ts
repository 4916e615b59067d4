// The operator's machine lives only in the adapter: without a file, a bridge restart in the middle
// of a design would show the machine idle while it sews. Written atomically (temp file + rename)
// after every change; an unreadable file is ignored (and reported), never fatal.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TrackerMemory } from '../native-kit/job-tracker.js';
import { isRecord, parseObject } from '../native-kit/read.js';
import type { Operator } from './operator-steps.js';

/** A design the service asked for (`load_design`), waiting for the operator. */
export interface Waiting {
  jobId: string;
  name: string;
  url: string;
}

export interface SavedState {
  version: 1;
  operator: Operator;
  waiting?: Waiting;
  tracker: TrackerMemory;
}

const PHASES: readonly string[] = ['idle', 'preparing', 'running', 'paused'];

/** The saved state, `undefined` when there is none, or the reason it cannot be used. */
export function loadState(path: string): SavedState | undefined | string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? undefined : `cannot read ${path} (${code ?? 'error'})`;
  }
  const value = parseObject(text);
  if (!value || value.version !== 1) return `${path} is not a saved operator state`;
  const { operator, tracker } = value;
  if (!isRecord(operator) || typeof operator.phase !== 'string' || !PHASES.includes(operator.phase)) {
    return `${path}: unknown operator phase`;
  }
  if (!isRecord(tracker) || !Array.isArray(tracker.interventions) || typeof tracker.jobCount !== 'number') {
    return `${path}: incomplete tracker memory`;
  }
  // The file is the adapter's own, written by saveState: its shape is trusted past these checks.
  return value as unknown as SavedState;
}

export function saveState(path: string, state: SavedState): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(state), { mode: 0o600 });
  renameSync(temporary, path);
}

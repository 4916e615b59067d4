// What the operator says happened at an embroidery machine that has no network protocol, as a
// small state machine: design loaded → sewing → colour change / thread break / pause → sewing →
// finished (or abandoned) → hoop cleared. Pure: the adapter feeds the result to the JobTracker.
import type { StitchProgress } from '../../contract/index.js';
import type { InterventionSpec, NativeView } from '../native-kit/job-tracker.js';

export const STEPS = [
  'load',
  'start',
  'color',
  'thread',
  'pause',
  'resume',
  'progress',
  'finish',
  'abort',
  'clear',
] as const;
export type Step = (typeof STEPS)[number];

export interface Operator {
  phase: 'idle' | 'preparing' | 'running' | 'paused';
  /** Why the machine stands still while `paused`. */
  hold?: 'color' | 'thread' | 'user';
  design?: { name: string; stitches?: number; colors?: number };
  /** 1-based colour block being sewn. */
  colorBlock: number;
  stitch?: number;
  /** Counts holds, so each colour change or thread break has its own intervention id. */
  holds: number;
}

export const IDLE: Operator = { phase: 'idle', colorBlock: 1, holds: 0 };

export interface StepInput {
  step: Step;
  name?: string;
  stitches?: number;
  colors?: number;
  stitch?: number;
}

/** `finish` / `abort` end the job, `clear` frees the hoop: the adapter tells the tracker. */
export type StepEffect = 'finish' | 'abort' | 'clear';
export type StepResult = { ok: true; next: Operator; effect?: StepEffect } | { ok: false; reason: string };

const refused = (reason: string): StepResult => ({ ok: false, reason });

/** Which steps make sense now: the page shows exactly these buttons. */
export function allowedSteps(op: Operator, awaitingClear: boolean): Step[] {
  switch (op.phase) {
    case 'idle':
      return awaitingClear ? ['clear', 'load'] : ['load'];
    case 'preparing':
      return ['start', 'abort'];
    case 'running':
      return ['color', 'thread', 'pause', 'progress', 'finish', 'abort'];
    case 'paused':
      return ['resume', 'progress', 'finish', 'abort'];
  }
}

export function applyStep(op: Operator, input: StepInput, awaitingClear: boolean, pendingName?: string): StepResult {
  if (!allowedSteps(op, awaitingClear).includes(input.step)) {
    return refused(
      `"${input.step}" is not possible while the machine is ${op.phase}${awaitingClear ? ' (hoop not cleared)' : ''}`,
    );
  }
  switch (input.step) {
    case 'load': {
      const name = input.name?.trim() || pendingName || 'design';
      const design = {
        name,
        ...(input.stitches && { stitches: input.stitches }),
        ...(input.colors && { colors: input.colors }),
      };
      return { ok: true, next: { ...IDLE, phase: 'preparing', design, holds: op.holds } };
    }
    case 'start':
      return { ok: true, next: { ...op, phase: 'running' } };
    case 'color':
    case 'thread':
    case 'pause': {
      const hold = input.step === 'pause' ? 'user' : input.step;
      return { ok: true, next: { ...op, phase: 'paused', hold, holds: op.holds + 1, ...stitchOf(input) } };
    }
    case 'resume': {
      const colorBlock = op.hold === 'color' ? op.colorBlock + 1 : op.colorBlock;
      return { ok: true, next: { ...op, phase: 'running', hold: undefined, colorBlock } };
    }
    case 'progress':
      if (input.stitch === undefined) return refused('"progress" needs the number of stitches sewn');
      return { ok: true, next: { ...op, ...stitchOf(input) } };
    case 'finish': {
      const stitch = op.design?.stitches ?? op.stitch;
      return { ok: true, next: { ...op, ...(stitch !== undefined && { stitch }) }, effect: 'finish' };
    }
    case 'abort':
      return { ok: true, next: op, effect: 'abort' };
    case 'clear':
      return { ok: true, next: { ...IDLE, holds: op.holds }, effect: 'clear' };
  }
}

function stitchOf(input: StepInput): { stitch?: number } {
  return input.stitch === undefined ? {} : { stitch: input.stitch };
}

function stitchProgress(op: Operator): StitchProgress | undefined {
  const total = op.design?.stitches;
  if (total === undefined) return undefined;
  const colorBlocks = Math.max(op.design?.colors ?? 0, op.colorBlock);
  return { current: Math.min(op.stitch ?? 0, total), total, colorBlock: op.colorBlock, colorBlocks };
}

export function holdIntervention(op: Operator): InterventionSpec | undefined {
  if (op.phase !== 'paused' || op.hold === undefined || op.hold === 'user') return undefined;
  const actions: InterventionSpec['actions'] = ['confirm_step', 'attend_at_machine'];
  if (op.hold === 'color') {
    const of = op.design?.colors ? ` of ${op.design.colors}` : '';
    return {
      id: `color-change-${op.holds}`,
      kind: 'material_change',
      severity: 'info',
      blocking: true,
      resumable: true,
      nativeCode: 'COLOR_CHANGE_WAIT',
      message: `Change the thread for colour ${op.colorBlock + 1}${of}, then resume`,
      actions,
    };
  }
  return {
    id: `thread-break-${op.holds}`,
    kind: 'thread_or_feed_fault',
    severity: 'warning',
    blocking: true,
    resumable: true,
    nativeCode: 'THREAD_BREAK',
    message: 'Thread break: re-thread the needle, then resume',
    actions,
  };
}

const SUBSTATES: Record<Operator['phase'], string> = {
  idle: 'IDLE',
  preparing: 'DESIGN_LOADED',
  running: 'SEWING',
  paused: 'PAUSED',
};
const HOLD_SUBSTATES = { color: 'COLOR_CHANGE_WAIT', thread: 'THREAD_BREAK', user: 'PAUSED' } as const;

/** The operator's machine as the tracker sees it; `waiting` is a design the service asked for. */
export function viewOf(op: Operator, waiting?: InterventionSpec): NativeView {
  const hold = holdIntervention(op);
  const stitch = stitchProgress(op);
  const paused = op.phase === 'paused';
  return {
    phase: op.phase,
    substate: paused ? HOLD_SUBSTATES[op.hold ?? 'user'] : SUBSTATES[op.phase],
    ...(paused && { pauseReason: op.hold === 'color' ? 'program' : op.hold === 'thread' ? 'intervention' : 'user' }),
    ...(op.design && { jobName: op.design.name }),
    ...(op.phase !== 'idle' && {
      progress: {
        progressPct: stitch && stitch.total > 0 ? (stitch.current / stitch.total) * 100 : 0,
        remainingS: null,
        ...(stitch && { stitch }),
      },
    }),
    interventions: [...(hold ? [hold] : []), ...(waiting && op.phase === 'idle' ? [waiting] : [])],
  };
}

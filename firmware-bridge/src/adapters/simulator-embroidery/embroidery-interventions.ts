// What an embroidery machine asks of its operator, as contract interventions. Native codes follow
// the PP1 reverse-engineered states where one exists (COLOR_CHANGE_WAIT).
import type { InterventionSpec } from '../simulator-kit/simulated-machine.js';

const ATTEND: InterventionSpec['actions'] = ['resume', 'cancel', 'attend_at_machine'];

export const START_AT_MACHINE = 'START_AT_MACHINE';

export const startAtMachine = (job: number): InterventionSpec => ({
  id: `start-${job}`,
  kind: 'hoop_or_plate',
  severity: 'info',
  blocking: true,
  resumable: true,
  nativeCode: START_AT_MACHINE,
  message: 'Design loaded: hoop the fabric and press start at the machine',
  actions: ['confirm_step', 'cancel', 'attend_at_machine'],
});

export const colorChange = (block: number, blocks: number, color: string): InterventionSpec => ({
  id: `ccw-${block}`,
  kind: 'material_change',
  severity: 'info',
  blocking: true,
  resumable: true,
  nativeCode: 'COLOR_CHANGE_WAIT',
  message: `Change thread to colour ${block} of ${blocks}: ${color}`,
  actions: ['confirm_step', 'resume', 'attend_at_machine'],
});

export const threadBreak = (id: string, needle: number): InterventionSpec => ({
  id,
  kind: 'thread_or_feed_fault',
  severity: 'warning',
  blocking: true,
  resumable: true,
  nativeCode: 'THREAD_BREAK',
  message: `Upper thread broke on needle ${needle}: re-thread and resume`,
  actions: ATTEND,
});

export const rehoop = (id: string): InterventionSpec => ({
  id,
  kind: 'hoop_or_plate',
  severity: 'info',
  blocking: true,
  resumable: true,
  nativeCode: 'REHOOP',
  message: 'The design continues beyond the hoop: re-hoop the fabric and confirm',
  actions: ['confirm_step', 'resume', 'attend_at_machine'],
});

export const bobbinEmpty = (id: string): InterventionSpec => ({
  id,
  kind: 'material_runout',
  severity: 'warning',
  blocking: true,
  resumable: true,
  nativeCode: 'BOBBIN_EMPTY',
  message: 'Bobbin empty: put in a full bobbin and resume',
  actions: ATTEND,
});

// OctoPrint reports a filament runout or a filament change once (a serial log line, an event),
// not as a state: the adapter keeps them until the print resumes or ends, and turns them into
// interventions.
import { isJobPhase, type InterventionSpec } from '../native-kit/job-tracker.js';
import { RUNOUT_LINE, type OctoPhase, type OctoStatus } from './octoprint-status.js';

export class StickyInterventions {
  private runout = false;
  /** M600 sent through OctoPrint: over once the printer reads the file again (filepos moves). */
  private filamentChange: { filepos: number | null } | null = null;

  /** Runout sensor plugins fire their own events; their names all say "runout". */
  pluginEvent(type: string): boolean {
    if (!/runout/i.test(type)) return false;
    this.runout = true;
    return true;
  }

  filamentChangeRequested(): void {
    this.filamentChange = { filepos: null };
  }

  resumed(): void {
    this.reset();
  }

  reset(): void {
    this.runout = false;
    this.filamentChange = null;
  }

  follow(p: OctoPhase, previous: OctoPhase | undefined, status: OctoStatus, jobOpen: boolean): void {
    if (status.logs.some((line) => RUNOUT_LINE.test(line))) this.runout = true;
    else if (p === 'running' && previous === 'paused') this.runout = false;
    const change = this.filamentChange;
    if (change && status.filepos !== null) {
      if (change.filepos === null) change.filepos = status.filepos;
      else if (status.filepos > change.filepos) this.filamentChange = null;
    }
    if (!jobOpen && !isJobPhase(p)) this.reset();
  }

  specs(jobNumber: number, paused: boolean): InterventionSpec[] {
    const specs: InterventionSpec[] = [];
    if (this.runout) {
      specs.push({
        id: `runout-${jobNumber}`,
        kind: 'material_runout',
        severity: 'warning',
        blocking: paused,
        resumable: true,
        nativeCode: 'filament_runout',
        message: 'Filament ran out: load new filament, then resume',
        actions: ['resume', 'cancel', 'attend_at_machine'],
      });
    }
    if (this.filamentChange) {
      specs.push({
        id: `filament-change-${jobNumber}`,
        kind: 'material_change',
        severity: 'info',
        blocking: true,
        resumable: true,
        nativeCode: 'M600',
        message: 'Filament change requested: swap the filament and confirm on the printer',
        actions: ['attend_at_machine'],
      });
    }
    return specs;
  }
}

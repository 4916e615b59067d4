// The results of each machine's last job, kept so the retained state can repeat them: a service
// that was down when `job.finished` went out (or whose broker dropped it) reads durations and
// material from the next state instead (CONTRACT.md, `lastJobOutcome`). Adapters report the outcome
// alone; the runtime, which sees every event, adds the rest.
import type { JobFinishedEvent, MachineStateSnapshot } from '../contract/index.js';

export class JobEndings {
  private readonly last = new Map<string, JobFinishedEvent>();

  /** Called with every `job.finished` an adapter emits. */
  finished(machineId: string, event: JobFinishedEvent): void {
    this.last.set(machineId, event);
  }

  /**
   * The snapshot with its `lastJobOutcome` completed from the matching `job.finished`. It must be
   * the same ending (job, outcome and end time): after a bridge restart, or for an outcome the
   * adapter restored from its own memory, there is nothing to add and the outcome goes alone.
   */
  complete(machineId: string, snapshot: MachineStateSnapshot): MachineStateSnapshot {
    const outcome = snapshot.lastJobOutcome;
    const event = this.last.get(machineId);
    if (!outcome || !event) return snapshot;
    const same =
      event.jobId === outcome.jobId && event.outcome === outcome.outcome && event.endedAt === outcome.endedAt;
    return same ? { ...snapshot, lastJobOutcome: { ...event, ...outcome } } : snapshot;
  }
}

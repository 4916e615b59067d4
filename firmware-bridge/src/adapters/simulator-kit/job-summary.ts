// The `job.finished` payload: outcome, durations and material, from a simulated job's record.
import type { JobFinishedEvent, JobOutcome, MaterialUsage } from '../../contract/index.js';
import type { FinalProgress, SimJob } from './job-simulator.js';
import { iso } from './simulated-machine.js';

export interface JobUsage {
  materialUsed: MaterialUsage[];
  progress: FinalProgress;
  /** Time the machine actually worked (printing / sewing), ms. */
  workMs: number;
}

const seconds = (ms: number) => Math.round(ms / 1000);

export function finishedEvent(
  job: SimJob,
  outcome: JobOutcome,
  end: number,
  usage: JobUsage,
  detail: { nativeCode?: string; message?: string },
): JobFinishedEvent {
  const started = job.startedAt;
  return {
    jobId: job.jobId,
    outcome,
    ...(started !== null && { startedAt: iso(started) }),
    endedAt: iso(end),
    durations: {
      totalS: seconds(end - job.acceptedAt),
      ...(started !== null && { preparingS: seconds((job.runningAt ?? end) - started) }),
      runningS: seconds(usage.workMs),
      pausedS: seconds(job.pausedMs),
    },
    materialUsed: usage.materialUsed,
    ...usage.progress,
    ...(detail.nativeCode !== undefined && { nativeCode: detail.nativeCode }),
    ...(detail.message !== undefined && { message: detail.message }),
  };
}

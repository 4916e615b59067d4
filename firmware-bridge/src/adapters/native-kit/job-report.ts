// The job records the tracker publishes: the `job.finished` payload, the snapshot's `job`, and the
// clear-the-bed intervention. Pure functions of a TrackedJob and a reading.
import type { Intervention, JobFinishedEvent, JobOutcome, JobProgress } from '../../contract/index.js';
import { LIMITS } from '../../contract/index.js';
import type { FinishDetail, NativeProgress, TrackedJob } from './native-view.js';
import { clampPct, clip, wholeS } from './read.js';

export const iso = (ms: number): string => new Date(ms).toISOString();

export function finishedEvent(
  job: TrackedJob,
  outcome: JobOutcome,
  detail: FinishDetail,
  progress: NativeProgress | undefined,
  end: number,
): JobFinishedEvent {
  return {
    jobId: job.jobId,
    outcome,
    ...(job.startedAt !== null && { startedAt: iso(job.startedAt) }),
    endedAt: iso(end),
    durations: {
      totalS: wholeS((end - job.acceptedAt) / 1000),
      ...(job.startedAt !== null && { preparingS: wholeS(((job.runningAt ?? end) - job.startedAt) / 1000) }),
      ...(job.runningAt !== null && { runningS: wholeS((end - job.runningAt - job.pausedMs) / 1000) }),
      pausedS: wholeS(job.pausedMs / 1000),
    },
    materialUsed: detail.materialUsed ?? [],
    ...(progress?.layer && { layer: progress.layer }),
    ...(progress?.stitch && !progress.layer && { stitch: progress.stitch }),
    ...(detail.nativeCode && { nativeCode: clip(detail.nativeCode, LIMITS.shortText) }),
    ...(detail.message && { message: clip(detail.message, LIMITS.message) }),
  };
}

/** The snapshot's `job`: the machine's own numbers when it has them, the tracker's clock otherwise. */
export function jobProgress(job: TrackedJob, progress: NativeProgress | undefined, now: number): JobProgress {
  const elapsed = progress?.elapsedS ?? (now - (job.startedAt ?? job.acceptedAt)) / 1000;
  return {
    jobId: job.jobId,
    ...(job.name !== undefined && { name: clip(job.name, LIMITS.name) }),
    progressPct: clampPct(progress?.progressPct ?? 0),
    elapsedS: wholeS(elapsed),
    remainingS: progress?.remainingS == null ? null : wholeS(progress.remainingS),
    ...(progress?.layer && { layer: progress.layer }),
    ...(progress?.stitch && !progress.layer && { stitch: progress.stitch }),
  };
}

/** The build-area gate, as an intervention only `clear_confirm` resolves. */
export function gateIntervention(message: string, now: number): Intervention {
  return {
    id: `clear-${now}`,
    kind: 'clear_build_area',
    severity: 'info',
    blocking: true,
    resumable: false,
    message: clip(message, LIMITS.message),
    since: iso(now),
    actions: ['clear_confirm'],
  };
}

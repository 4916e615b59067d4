import type { LastJobOutcome } from '@fabrique/firmware-bridge';
import type { Job, JobProgressView } from './job.entity.js';

/**
 * What a machine's account of a job's end writes on the job, whether it came as `job.finished`
 * or as a state's `lastJobOutcome`: the end time the machine stamped, and its results (durations,
 * material, final progress) when the account carries them (an older bridge's state does not).
 */
export function endingPatch(
  ending: LastJobOutcome,
  job: Pick<Job, 'startedAt' | 'firstDispatchedAt' | 'createdAt'>,
  now: number,
): Partial<Job> {
  const patch: Partial<Job> = { endedAt: endedAt(ending.endedAt, job, now) };
  if (!carriesResults(ending)) return patch;
  const progress: JobProgressView = { pct: null, elapsedS: ending.durations?.totalS ?? null, remainingS: 0 };
  if (ending.layer) progress.layer = ending.layer;
  if (ending.stitch) progress.stitch = { current: ending.stitch.current, total: ending.stitch.total };
  return {
    ...patch,
    durations: ending.durations ?? null,
    materialUsed: Array.isArray(ending.materialUsed) ? ending.materialUsed : [],
    progress,
  };
}

/** True when the ending says what the job took (a bridge that saw its `job.finished` repeats it). */
export function carriesResults(ending: LastJobOutcome): boolean {
  return ending.durations !== undefined;
}

/**
 * The machine's end time, which may be well before we hear of it (the service was down). A time
 * ahead of ours, or before the job could have begun, says the machine's clock is off (or warped,
 * in simulation): then the moment we heard is the best we know.
 */
function endedAt(reported: string, job: Pick<Job, 'startedAt' | 'firstDispatchedAt' | 'createdAt'>, now: number) {
  const at = Date.parse(reported);
  const earliest = job.startedAt ?? job.firstDispatchedAt ?? job.createdAt;
  return Number.isFinite(at) && at >= earliest && at <= now ? at : now;
}

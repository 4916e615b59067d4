import type { EntityManager } from 'typeorm';
import { uuidv7 } from '@fabrique/firmware-bridge';
import { canMove, isTerminal, type JobState } from './job-state.rules.js';
import { JobTransition } from './job-transition.entity.js';
import { Job } from './job.entity.js';

/** Every write to jobs takes this lock (WriteLock): on PostgreSQL, several instances queue on it too. */
export const JOB_LOCK = ['jobs'];

export interface JobMove {
  to: JobState;
  reason: string;
  /** `user:{id}`, `machine:{id}` or `scheduler`. */
  actor: string;
  /** Other fields that change with the move. */
  patch?: Partial<Job>;
}

export interface JobChange {
  job: Job;
  from: JobState | null;
}

const clip = (text: string) => (text.length > 500 ? `${text.slice(0, 497)}...` : text);

/**
 * The only way a job changes state: checked against the state machine, written only if the row
 * is still in the state we read (so two writers cannot both move it), and recorded with its reason.
 * Returns null when the move is not allowed or someone else moved the job first.
 */
export async function moveJob(manager: EntityManager, job: Job, move: JobMove, now: number): Promise<JobChange | null> {
  if (!canMove(job.state, move.to)) return null;
  const reason = clip(move.reason);
  const changes: Partial<Job> = { ...move.patch, state: move.to, stateReason: reason, stateSince: now };
  if (move.to === 'queued') changes.waitingFor = null;
  if (['running', 'paused', 'needs_attention'].includes(move.to) && job.startedAt === null) {
    changes.startedAt ??= now;
  }
  if (isTerminal(move.to)) {
    changes.endedAt ??= now;
    if (move.to !== 'completed') changes.failureReason ??= reason;
  }
  const result = await manager.getRepository(Job).update({ id: job.id, state: job.state }, changes);
  if (!result.affected) return null;
  const from = job.state;
  await manager
    .getRepository(JobTransition)
    .insert({ id: uuidv7(), jobId: job.id, from, to: move.to, reason, actor: move.actor, at: now });
  return { job: Object.assign(job, changes), from };
}

/** The first record of a job (created as a draft, or adopted from a machine). */
export async function recordNewJob(manager: EntityManager, job: Job, actor: string): Promise<JobChange> {
  await manager.getRepository(Job).insert(job);
  await manager.getRepository(JobTransition).insert({
    id: uuidv7(),
    jobId: job.id,
    from: null,
    to: job.state,
    reason: job.stateReason,
    actor,
    at: job.stateSince,
  });
  return { job, from: null };
}

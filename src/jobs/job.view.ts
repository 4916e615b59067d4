import type { MachineLive } from '../machines/machine-live.model.js';
import { iso, isoOrNull } from '../common/instants.js';
import type { JobCommand } from './job-command.entity.js';
import { isTerminal } from './job-state.rules.js';
import type { JobTransition } from './job-transition.entity.js';
import type { Job, JobProgressView } from './job.entity.js';

/**
 * A job as makers and staff read it; `progress` is live while the machine runs it. `makerName`
 * only for staff of the job's site (see JobsService.makerNames), null otherwise.
 */
export function toJobView(job: Job, live: MachineLive | null, makerName: string | null = null) {
  return {
    id: job.id,
    siteId: job.siteId,
    makerId: job.ownerId,
    makerName,
    source: job.source,
    name: job.name,
    kind: job.kind,
    file: job.fileSha256 ? { sha256: job.fileSha256, format: job.format } : null,
    metadata: job.metadata,
    estimatedSeconds: job.estimatedSeconds,
    machineId: job.machineId,
    targetMachineId: job.targetMachineId,
    reservationId: job.reservationId,
    needs: job.needs,
    staffPriority: job.staffPriority,
    state: job.state,
    stateReason: job.stateReason,
    stateSince: iso(job.stateSince),
    waitingFor: job.state === 'queued' ? job.waitingFor : null,
    outcome: isTerminal(job.state) ? job.state : null,
    failureReason: job.failureReason,
    cancelRequested: job.cancelRequestedAt !== null,
    attempts: job.attempts,
    progress: liveProgress(job, live) ?? job.progress,
    durations: job.durations,
    materialUsed: job.materialUsed,
    createdAt: iso(job.createdAt),
    queuedAt: isoOrNull(job.queuedAt),
    startedAt: isoOrNull(job.startedAt),
    endedAt: isoOrNull(job.endedAt),
  };
}

export type JobView = ReturnType<typeof toJobView>;

function liveProgress(job: Job, live: MachineLive | null): JobProgressView | null {
  const running = live?.snapshot?.job;
  if (isTerminal(job.state) || !running || job.machineId !== live?.machineId) return null;
  const ref = job.source === 'machine' ? job.machineJobRef : job.id;
  if (running.jobId !== ref) return null;
  // Telemetry comes every few seconds, snapshots only on change: the newer one speaks.
  const telemetry = live.telemetry && live.telemetry.at >= (live.snapshotAt ?? 0) ? live.telemetry.sample : null;
  const view: JobProgressView = {
    pct: telemetry?.progressPct ?? running.progressPct ?? null,
    elapsedS: telemetry?.elapsedS ?? running.elapsedS ?? null,
    remainingS: telemetry?.remainingS ?? running.remainingS ?? null,
  };
  const layer = telemetry?.layer ?? running.layer;
  const stitch = telemetry?.stitch ?? running.stitch;
  if (layer) view.layer = layer;
  if (stitch) view.stitch = { current: stitch.current, total: stitch.total };
  return view;
}

export function toTransitionView(t: JobTransition) {
  return { from: t.from, to: t.to, reason: t.reason, actor: t.actor, at: iso(t.at) };
}

export function toCommandView(c: JobCommand) {
  return {
    commandId: c.commandId,
    command: c.command,
    machineId: c.machineId,
    attempt: c.attempt,
    status: c.status,
    sends: c.sends,
    issuedAt: iso(c.issuedAt),
    expiresAt: iso(c.expiresAt),
    answeredAt: isoOrNull(c.answeredAt),
    result: c.result,
  };
}

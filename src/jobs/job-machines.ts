import type { MachineLive } from '../machines/machine-live.model.js';
import type { Machine } from '../machines/machine.entity.js';
import type { Job } from './job.entity.js';
import type { EmbroideryMetadata } from './metadata/job-metadata.js';
import type { MachineCapabilities, QueuedJob, SchedulableMachine } from './scheduler.rules.js';

/** A machine as the scheduler sees it: what it can do (registry + bridge), and whether it is free now. */
export function schedulableMachine(
  machine: Machine,
  live: MachineLive | null,
  durationRatio: number,
  taken: ReadonlySet<string>,
): SchedulableMachine {
  const free =
    machine.adminStatus === 'active' &&
    live?.state === 'idle' &&
    live.bridge?.online === true &&
    !taken.has(machine.id);
  return {
    id: machine.id,
    siteId: machine.siteId,
    kind: machine.kind,
    free,
    capabilities: machine.capabilities as MachineCapabilities,
    fileFormats: live?.meta?.capabilities.fileFormats ?? null,
    loadedMaterials: (live?.snapshot?.materials ?? [])
      .filter((slot) => slot.loaded && slot.material)
      .map((slot) => slot.material!),
    durationRatio,
    busy: [],
  };
}

/** A queued job as the scheduler sees it. */
export function queuedJob(job: Job, reservation: QueuedJob['reservation']): QueuedJob {
  const design = job.kind === 'embroidery' ? (job.metadata as EmbroideryMetadata | null) : null;
  return {
    id: job.id,
    siteId: job.siteId,
    kind: job.kind,
    format: job.format ?? '',
    ownerKey: job.ownerId ?? `job:${job.id}`,
    staffPriority: job.staffPriority,
    position: job.position,
    targetMachineId: job.targetMachineId,
    reservation,
    needs: job.needs,
    estimatedSeconds: job.estimatedSeconds,
    design: design ? { stitches: design.stitches, colorChanges: design.colorChanges, trims: design.trims } : null,
    designSizeMm: design ? { widthMm: design.widthMm, heightMm: design.heightMm } : null,
    avoidMachineIds: job.avoidMachineIds,
  };
}

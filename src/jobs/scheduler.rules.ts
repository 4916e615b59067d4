import type { MachineKind } from '../config/app-config.js';
import { overlaps, unionCovers, type Interval } from '../reservations/intervals.js';
import { estimateEmbroiderySeconds, fitsHoop } from './metadata/embroidery-duration.js';

/** What a job asks of a machine beyond its kind; each absent need matches any machine. */
export interface JobNeeds {
  /** Filament or thread, e.g. "PETG"; matched case-insensitively against what the machine offers. */
  material?: string;
  nozzleMm?: number;
  /** The print's bounding box, [x, y, z] in mm. */
  buildVolumeMm?: [number, number, number];
}

export interface QueuedJob {
  id: string;
  siteId: string;
  kind: MachineKind;
  format: string;
  /** Who the queue is fair to: each maker gets a turn before anyone gets a second one. */
  ownerKey: string;
  /** Staff jobs go first. */
  staffPriority: boolean;
  /** Order within the queue (reorderable by staff); earlier first. */
  position: number;
  targetMachineId: string | null;
  /** A job attached to a maker's reservation runs on that machine, inside that booking. */
  reservation: { id: string; machineId: string; start: number; end: number } | null;
  needs: JobNeeds;
  /** The slicer's estimate (printers), before the machine's learned correction. */
  estimatedSeconds: number | null;
  /** From the design file (embroidery): the duration depends on the machine's speed. */
  design: { stitches: number | null; colorChanges: number | null; trims: number | null } | null;
  designSizeMm: { widthMm: number | null; heightMm: number | null } | null;
  /** Machines this job must not go to again (they refused it). */
  avoidMachineIds: readonly string[];
}

export interface MachineCapabilities {
  materials?: string[];
  nozzleMm?: number;
  buildVolumeMm?: [number, number, number];
  hoopsMm?: Array<[number, number]>;
  needles?: number;
  stitchesPerMinute?: number;
  /** The machine needs a person beside it (single-needle embroidery): staffed hours only. */
  needsOperator?: boolean;
}

export interface SchedulableMachine {
  id: string;
  siteId: string;
  kind: MachineKind;
  /** Idle, clear, bridge online, active and with no job of ours on it. */
  free: boolean;
  capabilities: MachineCapabilities;
  /** Formats the bridge says the machine takes; null when the bridge did not say. */
  fileFormats: readonly string[] | null;
  /** Materials loaded right now, from the machine's own report. */
  loadedMaterials: readonly string[];
  /** Learned actual / estimated duration; 1 until jobs have finished on it. */
  durationRatio: number;
  /** Reservations and blocks from now on, each with the reservation it is (null for a block). */
  busy: ReadonlyArray<Interval & { reservationId: string | null }>;
}

export interface SchedulerPolicy {
  /** Kept free after the estimated end, for the estimate's error and the person who clears. */
  marginMs: number;
  /** What an unknown estimate is assumed to take. */
  unknownEstimateMs: number;
  /** Two starts on one site are at least this far apart (heaters on one circuit). */
  staggerMs: number;
}

export interface SchedulerInput {
  now: number;
  jobs: readonly QueuedJob[];
  machines: readonly SchedulableMachine[];
  /** Staffed (open) time of each site from now on. */
  staffed: ReadonlyMap<string, readonly Interval[]>;
  lastStartBySite: ReadonlyMap<string, number>;
  /** When each maker last had a job started: the longest-waiting maker goes first among equals. */
  lastServedByOwner: ReadonlyMap<string, number>;
  policy: SchedulerPolicy;
}

export interface Assignment {
  jobId: string;
  machineId: string;
  /** The duration the start was judged on, corrected for the machine. */
  expectedMs: number;
}

/** Why a queued job is waiting, for the maker: the first reason that ruled out every machine. */
export type WaitReason =
  | 'no_matching_machine'
  | 'machines_busy'
  | 'not_enough_time'
  | 'outside_staffed_hours'
  | 'outside_reservation'
  | 'staggered_start';

/**
 * Which queued jobs start now, on which machines. Pure: the same input gives the same answer.
 * Order is fair: staff jobs first, then one job per maker per round (the maker served longest ago
 * first), then queue position. A job that cannot start now never holds up the ones behind it.
 */
export function planStarts(input: SchedulerInput): { starts: Assignment[]; waiting: Map<string, WaitReason> } {
  const { now, policy } = input;
  const taken = new Set<string>();
  const lastStart = new Map(input.lastStartBySite);
  const starts: Assignment[] = [];
  const waiting = new Map<string, WaitReason>();
  for (const job of fairOrder(input.jobs, input.lastServedByOwner)) {
    const place = placeJob(job, input, taken);
    if (typeof place === 'string') {
      waiting.set(job.id, place);
      continue;
    }
    // Checked only once a machine would take the job, so the maker is told the real reason
    // (no printer free, not enough time) rather than a stagger that would not start it anyway.
    const previous = lastStart.get(job.siteId);
    if (previous !== undefined && now - previous < policy.staggerMs) {
      waiting.set(job.id, 'staggered_start');
      continue;
    }
    starts.push({ jobId: job.id, machineId: place.machineId, expectedMs: place.expectedMs });
    taken.add(place.machineId);
    lastStart.set(job.siteId, now);
  }
  return { starts, waiting };
}

/** The first machine that can start the job now, or why none can. */
function placeJob(
  job: QueuedJob,
  input: SchedulerInput,
  taken: ReadonlySet<string>,
): { machineId: string; expectedMs: number } | WaitReason {
  const { now, policy } = input;
  let why: WaitReason = 'no_matching_machine';
  for (const machine of input.machines) {
    if (machine.siteId !== job.siteId || !matches(job, machine) || !materialLoaded(job, machine)) continue;
    if (!machine.free || taken.has(machine.id)) {
      why = worse(why, 'machines_busy');
      continue;
    }
    const expectedMs = expectedDurationMs(job, machine, policy);
    const verdict = fits(job, machine, now, expectedMs, policy.marginMs, input.staffed.get(job.siteId) ?? []);
    if (verdict === 'ok') return { machineId: machine.id, expectedMs };
    why = worse(why, verdict);
  }
  return why;
}

/** The most telling reason wins: "not enough time" says more than "busy", which says more than "none". */
const REASON_RANK: WaitReason[] = [
  'no_matching_machine',
  'machines_busy',
  'outside_reservation',
  'not_enough_time',
  'outside_staffed_hours',
  'staggered_start',
];
function worse(a: WaitReason, b: WaitReason): WaitReason {
  return REASON_RANK.indexOf(b) > REASON_RANK.indexOf(a) ? b : a;
}

export function fairOrder(jobs: readonly QueuedJob[], lastServed: ReadonlyMap<string, number>): QueuedJob[] {
  const byPosition = [...jobs].sort((a, b) => a.position - b.position || compareIds(a.id, b.id));
  const round = new Map<string, number>();
  const seen = new Map<string, number>();
  for (const job of byPosition) {
    const n = seen.get(job.ownerKey) ?? 0;
    round.set(job.id, n);
    seen.set(job.ownerKey, n + 1);
  }
  const served = (job: QueuedJob) => lastServed.get(job.ownerKey) ?? -Infinity;
  return byPosition.sort(
    (a, b) =>
      Number(b.staffPriority) - Number(a.staffPriority) ||
      round.get(a.id)! - round.get(b.id)! ||
      served(a) - served(b) ||
      a.position - b.position ||
      compareIds(a.id, b.id),
  );
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether the machine can do the job at all, whatever it is doing now. */
export function matches(job: QueuedJob, machine: SchedulableMachine): boolean {
  if (machine.kind !== job.kind) return false;
  if (job.avoidMachineIds.includes(machine.id)) return false;
  if (job.targetMachineId !== null && job.targetMachineId !== machine.id) return false;
  if (job.reservation && job.reservation.machineId !== machine.id) return false;
  if (machine.fileFormats && !machine.fileFormats.includes(job.format)) return false;
  const caps = machine.capabilities;
  const { material, nozzleMm, buildVolumeMm } = job.needs;
  if (material !== undefined) {
    const wanted = material.trim().toLowerCase();
    const offered = [...(caps.materials ?? []), ...machine.loadedMaterials].map((m) => m.trim().toLowerCase());
    if (!offered.includes(wanted)) return false;
  }
  if (nozzleMm !== undefined && (caps.nozzleMm === undefined || Math.abs(caps.nozzleMm - nozzleMm) > 0.001)) {
    return false;
  }
  if (buildVolumeMm !== undefined) {
    const volume = caps.buildVolumeMm;
    if (!volume || buildVolumeMm.some((size, axis) => size > volume[axis])) return false;
  }
  if (job.designSizeMm && caps.hoopsMm && fitsHoop(job.designSizeMm, caps.hoopsMm) === false) return false;
  return true;
}

/**
 * A machine that reports what is loaded starts only a job for that material (a PETG print on a
 * printer loaded with PLA fails); one that reports nothing is trusted with what it is declared to
 * take. `matches` stays with the declared materials: a job may wait for a spool change.
 */
function materialLoaded(job: QueuedJob, machine: SchedulableMachine): boolean {
  const { material } = job.needs;
  if (material === undefined || machine.loadedMaterials.length === 0) return true;
  const wanted = material.trim().toLowerCase();
  return machine.loadedMaterials.some((m) => m.trim().toLowerCase() === wanted);
}

/** The job's duration on this machine: its own estimate times what the machine has shown so far. */
export function expectedDurationMs(
  job: Pick<QueuedJob, 'estimatedSeconds' | 'design'>,
  machine: Pick<SchedulableMachine, 'capabilities' | 'durationRatio'>,
  policy: Pick<SchedulerPolicy, 'unknownEstimateMs'>,
): number {
  const seconds = baseEstimateSeconds(job, machine.capabilities);
  return seconds === null ? policy.unknownEstimateMs : Math.round(seconds * 1000 * machine.durationRatio);
}

/** The uncorrected estimate: the slicer's, or for a design the machine's speed over its stitches. */
export function baseEstimateSeconds(
  job: Pick<QueuedJob, 'estimatedSeconds' | 'design'>,
  caps: MachineCapabilities,
): number | null {
  if (job.estimatedSeconds !== null) return job.estimatedSeconds;
  const { stitchesPerMinute, needles = 1 } = caps;
  if (!job.design) return null;
  // Capabilities are free-form staff input: a speed the estimate would throw on is no estimate,
  // not a scheduler that stops for every machine of every site.
  const validSpeed =
    typeof stitchesPerMinute === 'number' && Number.isFinite(stitchesPerMinute) && stitchesPerMinute > 0;
  if (!validSpeed || !Number.isInteger(needles) || needles < 1) return null;
  return estimateEmbroiderySeconds(job.design, { stitchesPerMinute, needles });
}

type Fit = 'ok' | 'not_enough_time' | 'outside_staffed_hours' | 'outside_reservation';

/** Whether the job, started now, ends (with the margin) before anyone else needs the machine. */
function fits(
  job: QueuedJob,
  machine: SchedulableMachine,
  now: number,
  expectedMs: number,
  marginMs: number,
  staffed: readonly Interval[],
): Fit {
  const run = { start: now, end: now + expectedMs + marginMs };
  const own = job.reservation;
  if (own) {
    // Inside the maker's own booking: the booking's end is the limit, the margin is theirs to use.
    if (now < own.start || now >= own.end) return 'outside_reservation';
    if (now + expectedMs > own.end) return 'not_enough_time';
  }
  const others = machine.busy.filter((b) => own === null || b.reservationId !== own.id);
  if (others.some((b) => overlaps(b, own ? { start: now, end: Math.min(run.end, own.end) } : run))) {
    return 'not_enough_time';
  }
  if (machine.capabilities.needsOperator && !unionCovers(staffed, run)) {
    return 'outside_staffed_hours';
  }
  return 'ok';
}

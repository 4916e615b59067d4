import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { JobDurations, MaterialUsage } from '@fabrique/firmware-bridge';
import type { MachineKind } from '../config/app-config.js';
import { epochMs, json } from '../database/columns.js';
import type { JobState } from './job-state.rules.js';
import type { JobNeeds, WaitReason } from './scheduler.rules.js';
import type { EmbroideryMetadata, PrintMetadata } from './metadata/job-metadata.js';

/** `upload`: a maker or staff queued a file; `machine`: started at the machine and adopted. */
export type JobSource = 'upload' | 'machine';

export interface JobProgressView {
  pct: number | null;
  elapsedS: number | null;
  remainingS: number | null;
  /** While the file is sent to the machine. */
  transferPct?: number | null;
  layer?: { current: number; total: number | null };
  stitch?: { current: number; total: number | null };
}

@Entity('jobs')
@Index(['state'])
@Index(['machineId', 'createdAt'])
@Index(['ownerId', 'createdAt'])
export class Job {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'site_id', type: 'varchar', length: 64 })
  siteId!: string;

  /** The maker the job is for; null for a job adopted from the machine. */
  @Column({ name: 'owner_id', type: 'varchar', length: 36, nullable: true })
  ownerId!: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy!: string | null;

  @Column({ type: 'varchar', length: 16 })
  source!: JobSource;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ name: 'file_sha256', type: 'varchar', length: 64, nullable: true })
  fileSha256!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  format!: string | null;

  @Column({ type: 'varchar', length: 32 })
  kind!: MachineKind;

  @Column(json({ nullable: true }))
  metadata!: PrintMetadata | EmbroideryMetadata | null;

  /** The file's own estimate (slicer), before any machine's correction. */
  @Column({ name: 'estimated_seconds', type: 'integer', nullable: true })
  estimatedSeconds!: number | null;

  @Column({ name: 'target_machine_id', type: 'varchar', length: 64, nullable: true })
  targetMachineId!: string | null;

  @Column({ name: 'reservation_id', type: 'varchar', length: 36, nullable: true })
  reservationId!: string | null;

  @Column(json())
  needs!: JobNeeds;

  @Column({ name: 'staff_priority', type: 'boolean' })
  staffPriority!: boolean;

  /** Queue order (earlier first); staff reorder by changing it. */
  @Column(epochMs())
  position!: number;

  @Column({ type: 'varchar', length: 20 })
  state!: JobState;

  @Column({ name: 'state_reason', type: 'varchar', length: 500 })
  stateReason!: string;

  @Column(epochMs({ name: 'state_since' }))
  stateSince!: number;

  /** Why a queued job has not started yet (the scheduler's last word). */
  @Column({ name: 'waiting_for', type: 'varchar', length: 32, nullable: true })
  waitingFor!: WaitReason | null;

  /** The machine it was sent to (or adopted from). */
  @Column({ name: 'machine_id', type: 'varchar', length: 64, nullable: true })
  machineId!: string | null;

  /** What the machine calls the job when it was not started by us (null: it gave no id). */
  @Column({ name: 'machine_job_ref', type: 'varchar', length: 128, nullable: true })
  machineJobRef!: string | null;

  /** Start attempts so far (each one `start_job` command). */
  @Column({ type: 'integer' })
  attempts!: number;

  @Column(json({ name: 'avoid_machine_ids' }))
  avoidMachineIds!: string[];

  @Column(json({ nullable: true }))
  progress!: JobProgressView | null;

  @Column(epochMs({ name: 'cancel_requested_at', nullable: true }))
  cancelRequestedAt!: number | null;

  @Column(epochMs({ name: 'created_at' }))
  createdAt!: number;

  @Column(epochMs({ name: 'queued_at', nullable: true }))
  queuedAt!: number | null;

  @Column(epochMs({ name: 'first_dispatched_at', nullable: true }))
  firstDispatchedAt!: number | null;

  @Column(epochMs({ name: 'started_at', nullable: true }))
  startedAt!: number | null;

  @Column(epochMs({ name: 'ended_at', nullable: true }))
  endedAt!: number | null;

  /** For `failed` / `lost` / `cancelled`: what the machine or the service said. */
  @Column({ name: 'failure_reason', type: 'varchar', length: 500, nullable: true })
  failureReason!: string | null;

  @Column(json({ nullable: true }))
  durations!: JobDurations | null;

  @Column(json({ name: 'material_used', nullable: true }))
  materialUsed!: MaterialUsage[] | null;
}

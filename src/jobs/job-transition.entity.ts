import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns.js';
import type { JobState } from './job-state.rules.js';

/** Every move of every job, with who or what moved it and why: the job's history. */
@Entity('job_transitions')
@Index(['jobId', 'at'])
export class JobTransition {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'job_id', type: 'varchar', length: 36 })
  jobId!: string;

  @Column({ name: 'from_state', type: 'varchar', length: 20, nullable: true })
  from!: JobState | null;

  @Column({ name: 'to_state', type: 'varchar', length: 20 })
  to!: JobState;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  /** `user:{id}`, `machine:{id}` or `scheduler`. */
  @Column({ type: 'varchar', length: 80 })
  actor!: string;

  @Column(epochMs())
  at!: number;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs, json } from '../database/columns.js';
import type { JobFileMetadata } from './metadata/job-metadata.js';

/** An uploaded file, stored once by content (its SHA-256) however many jobs use it. */
@Entity('job_files')
export class JobFile {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  sha256!: string;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  bytes!: number;

  @Column({ type: 'varchar', length: 16 })
  format!: string;

  @Column(json())
  metadata!: JobFileMetadata;

  @Column(epochMs({ name: 'stored_at' }))
  storedAt!: number;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs, json } from '../database/columns.js';

/** Who booked, moved, cancelled, overrode or blocked what, and when. Append-only. */
@Entity('audit_log')
export class AuditEntry {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column(epochMs())
  at!: number;

  /** Null for the service itself (a no-show release). */
  @Column({ name: 'actor_id', type: 'varchar', length: 36, nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ name: 'subject_type', type: 'varchar', length: 32 })
  subjectType!: string;

  @Column({ name: 'subject_id', type: 'varchar', length: 64 })
  subjectId!: string;

  @Column({ name: 'site_id', type: 'varchar', length: 64, nullable: true })
  siteId!: string | null;

  @Column(json({ nullable: true }))
  details!: Record<string, unknown> | null;
}

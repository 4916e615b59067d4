import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns.js';
import type { AdminStatus } from './machine.entity.js';

/** Every admin status change of a machine, with who and why: the machine's maintenance log. */
@Entity('machine_status_log')
@Index(['machineId', 'at'])
export class MaintenanceLogEntry {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'machine_id', type: 'varchar', length: 64 })
  machineId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: AdminStatus;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @Column({ name: 'changed_by', type: 'varchar', length: 36, nullable: true })
  changedBy!: string | null;

  @Column(epochMs())
  at!: number;
}

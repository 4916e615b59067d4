import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Command, CommandResult } from '@fabrique/firmware-bridge';
import { epochMs, json } from '../database/columns.js';

export type OutboxStatus = 'pending' | 'answered' | 'dead';

/**
 * The outbox: each job command is written here in the job change's own transaction and sent from
 * here, again with the same `commandId`, until the bridge answers or the command expires.
 */
@Entity('job_commands')
@Index(['status'])
@Index(['jobId'])
export class JobCommand {
  @PrimaryColumn({ name: 'command_id', type: 'varchar', length: 36 })
  commandId!: string;

  @Column({ name: 'job_id', type: 'varchar', length: 36 })
  jobId!: string;

  @Column({ name: 'machine_id', type: 'varchar', length: 64 })
  machineId!: string;

  @Column({ type: 'varchar', length: 32 })
  command!: Command['command'];

  @Column(json())
  payload!: Command;

  /** Which start attempt of the job this is (start_job only). */
  @Column({ type: 'integer' })
  attempt!: number;

  @Column(epochMs({ name: 'issued_at' }))
  issuedAt!: number;

  @Column(epochMs({ name: 'expires_at' }))
  expiresAt!: number;

  @Column({ type: 'integer' })
  sends!: number;

  @Column(epochMs({ name: 'last_sent_at', nullable: true }))
  lastSentAt!: number | null;

  @Column({ type: 'varchar', length: 16 })
  status!: OutboxStatus;

  @Column(json({ nullable: true }))
  result!: CommandResult | null;

  @Column(epochMs({ name: 'answered_at', nullable: true }))
  answeredAt!: number | null;
}

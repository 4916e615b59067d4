import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs, json } from '../database/columns.js';
import type { WeeklyBlockPattern } from './blocks.rules.js';

export type BlockCategory = 'workshop' | 'maintenance' | 'other';
export const BLOCK_CATEGORIES: readonly BlockCategory[] = ['workshop', 'maintenance', 'other'];

/** Staff take machines out of booking: once (start/end) or every week (weekly, in local time). */
@Entity('blocks')
export class Block {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'site_id', type: 'varchar', length: 64 })
  siteId!: string;

  @Column(json({ name: 'machine_ids' }))
  machineIds!: string[];

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @Column({ type: 'varchar', length: 16 })
  category!: BlockCategory;

  @Column(epochMs({ name: 'start_ms', nullable: true }))
  start!: number | null;

  @Column(epochMs({ name: 'end_ms', nullable: true }))
  end!: number | null;

  @Column(json({ nullable: true }))
  weekly!: WeeklyBlockPattern | null;

  @Column({ name: 'created_by', type: 'varchar', length: 36 })
  createdBy!: string;

  @Column(epochMs({ name: 'created_at' }))
  createdAt!: number;

  @Column(epochMs({ name: 'cancelled_at', nullable: true }))
  cancelledAt!: number | null;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns.js';

export type WaitlistStatus = 'waiting' | 'offered' | 'withdrawn' | 'expired';

/** A maker waiting for any machine of a kind at a site, at any time within [start, end). */
@Entity('waitlist_entries')
export class WaitlistEntry {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'maker_id', type: 'varchar', length: 36 })
  makerId!: string;

  @Column({ name: 'site_id', type: 'varchar', length: 64 })
  siteId!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: string;

  @Column(epochMs({ name: 'start_ms' }))
  start!: number;

  @Column(epochMs({ name: 'end_ms' }))
  end!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: WaitlistStatus;

  @Column({ name: 'offered_machine_id', type: 'varchar', length: 64, nullable: true })
  offeredMachineId!: string | null;

  @Column(epochMs({ name: 'offered_start_ms', nullable: true }))
  offeredStart!: number | null;

  @Column(epochMs({ name: 'offered_end_ms', nullable: true }))
  offeredEnd!: number | null;

  @Column(epochMs({ name: 'created_at' }))
  createdAt!: number;

  @Column(epochMs({ name: 'updated_at' }))
  updatedAt!: number;
}

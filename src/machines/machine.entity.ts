import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { MachineKind } from '../config/app-config.js';
import { epochMs, json } from '../database/columns.js';
import { Site } from '../sites/site.entity.js';

export type AdminStatus = 'active' | 'maintenance' | 'retired';
export const ADMIN_STATUSES: readonly AdminStatus[] = ['active', 'maintenance', 'retired'];

@Entity('machines')
@Index(['siteId'])
export class Machine {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'site_id', type: 'varchar', length: 64 })
  siteId!: string;

  @ManyToOne(() => Site, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'site_id' })
  site?: Relation<Site>;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: MachineKind;

  @Column({ type: 'varchar', length: 200, nullable: true })
  vendor!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  model!: string | null;

  @Column(json())
  capabilities!: Record<string, unknown>;

  @Column({ name: 'admin_status', type: 'varchar', length: 16 })
  adminStatus!: AdminStatus;

  @Column({ name: 'admin_status_reason', type: 'varchar', length: 500, nullable: true })
  adminStatusReason!: string | null;

  /** Out of service: why, in words for the public (kiosk, makers' app); never a person's name. */
  @Column({ name: 'public_reason', type: 'varchar', length: 200, nullable: true })
  publicReason!: string | null;

  /** Out of service: when staff expect it back, if they know. */
  @Column(epochMs({ name: 'expected_back_at', nullable: true }))
  expectedBackAt!: number | null;

  /** Values from config at the last boot; null for machines staff created at runtime. */
  @Column(json({ nullable: true }))
  declared!: Record<string, unknown> | null;

  @Column(epochMs({ name: 'created_at' }))
  createdAt!: number;

  @Column(epochMs({ name: 'updated_at' }))
  updatedAt!: number;
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ClosureConfig, SiteConfig, WeeklyHours } from '../config/app-config.js';
import { epochMs, json } from '../database/columns.js';

@Entity('sites')
export class Site {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'time_zone', type: 'varchar', length: 64 })
  timeZone!: string;

  @Column(json())
  locales!: string[];

  @Column(json({ name: 'opening_hours' }))
  openingHours!: WeeklyHours;

  @Column(json())
  closures!: ClosureConfig[];

  @Column(json({ nullable: true }))
  booking!: SiteConfig['booking'] | null;

  /** The values config last declared, so a boot can tell config edits from staff edits. */
  @Column(json({ nullable: true }))
  declared!: Record<string, unknown> | null;

  @Column(epochMs({ name: 'created_at' }))
  createdAt!: number;

  @Column(epochMs({ name: 'updated_at' }))
  updatedAt!: number;
}

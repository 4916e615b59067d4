import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs, json } from '../database/columns.js';

export type DeviceKind = 'kiosk' | 'bridge';

/**
 * A kiosk token (read-only, one site) or a bridge's MQTT credentials (its own machines only).
 * Only a SHA-256 of the 256-bit random secret is kept: it is shown once, at issue time.
 */
@Entity('device_credentials')
export class DeviceCredential {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: DeviceKind;

  @Column({ type: 'varchar', length: 200 })
  label!: string;

  @Column({ name: 'site_id', type: 'varchar', length: 64, nullable: true })
  siteId!: string | null;

  /** The MQTT username of a bridge; unique among live bridge credentials. */
  @Column({ name: 'bridge_id', type: 'varchar', length: 64, nullable: true })
  bridgeId!: string | null;

  @Column(json({ name: 'machine_ids' }))
  machineIds!: string[];

  @Column({ name: 'secret_hash', type: 'varchar', length: 64 })
  secretHash!: string;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy!: string | null;

  @Column(epochMs({ name: 'created_at' }))
  createdAt!: number;

  @Column(epochMs({ name: 'revoked_at', nullable: true }))
  revokedAt!: number | null;
}

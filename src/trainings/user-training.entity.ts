import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns.js';

/** A training a person holds; valid at every site of the network until it expires. */
@Entity('user_trainings')
export class UserTraining {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  training!: string;

  @Column({ name: 'granted_by', type: 'varchar', length: 36, nullable: true })
  grantedBy!: string | null;

  @Column(epochMs({ name: 'granted_at' }))
  grantedAt!: number;

  @Column(epochMs({ name: 'expires_at', nullable: true }))
  expiresAt!: number | null;
}

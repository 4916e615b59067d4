import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns.js';

/** Refresh tokens are stored hashed and rotated on each use; a reused one revokes the family. */
@Entity('refresh_tokens')
@Index(['userId'])
export class RefreshToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ name: 'secret_hash', type: 'varchar', length: 64 })
  secretHash!: string;

  @Column(epochMs({ name: 'expires_at' }))
  expiresAt!: number;

  @Column(epochMs({ name: 'revoked_at', nullable: true }))
  revokedAt!: number | null;

  @Column(epochMs({ name: 'created_at' }))
  createdAt!: number;
}

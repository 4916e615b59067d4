import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs, json } from '../database/columns.js';
import type { DeclaredAnswers } from './people.rules.js';

export type Role = 'maker' | 'staff' | 'admin';
export const ROLES: readonly Role[] = ['maker', 'staff', 'admin'];

@Entity('users')
export class User {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Lower-cased; many makers have none and sign in with their member code instead. */
  @Column({ type: 'varchar', length: 254, nullable: true, unique: true })
  email!: string | null;

  /** Upper-cased code printed on the card staff hand out at the desk. */
  @Column({ name: 'member_code', type: 'varchar', length: 32, nullable: true, unique: true })
  memberCode!: string | null;

  @Column({ name: 'display_name', type: 'varchar', length: 200 })
  displayName!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 200 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  /** Sites a staff member runs; empty for makers (who may book anywhere) and admins (everywhere). */
  @Column(json({ name: 'site_ids' }))
  siteIds!: string[];

  @Column({ type: 'varchar', length: 16, nullable: true })
  locale!: string | null;

  @Column({ type: 'boolean' })
  active!: boolean;

  /** Reservations released because nobody checked in: staff see it, the policy may use it. */
  @Column({ name: 'no_show_count', type: 'integer', default: 0 })
  noShowCount!: number;

  /** Secret of the maker's personal iCalendar feed URL; null until first asked for. */
  @Column({ name: 'calendar_token', type: 'varchar', length: 64, nullable: true })
  calendarToken!: string | null;

  /**
   * The only way statistics refer to this person: random, not derived from the id, and kept when
   * the account is deleted so that its anonymised reservations and jobs still count.
   */
  @Column({ name: 'maker_key', type: 'varchar', length: 32, unique: true })
  makerKey!: string;

  /** Programme / cohort tags staff put on the person (e.g. a pre-qualification course). */
  @Column(json())
  tags!: string[];

  /** Self-declared categories, only while the person consents; null otherwise. */
  @Column(json({ nullable: true }))
  declared!: DeclaredAnswers | null;

  /**
   * Goes up when every session of the account must end (a replayed refresh token): access tokens
   * signed under an older value stop working at once, not when they expire.
   */
  @Column({ name: 'session_generation', type: 'integer', default: 0 })
  sessionGeneration!: number;

  /** Set when the person's data was erased; the row stays for the statistics' makerKey. */
  @Column(epochMs({ name: 'deleted_at', nullable: true }))
  deletedAt!: number | null;

  @Column(epochMs({ name: 'created_at' }))
  createdAt!: number;

  @Column(epochMs({ name: 'updated_at' }))
  updatedAt!: number;
}

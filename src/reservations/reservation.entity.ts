import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs, json } from '../database/columns.js';
import type { BookingPolicy } from './booking.policy.js';

/** `active` holds the machine (checked in or not); the others are settled. */
export type ReservationStatus = 'active' | 'completed' | 'cancelled' | 'no_show';

@Entity('reservations')
export class Reservation {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'machine_id', type: 'varchar', length: 64 })
  machineId!: string;

  @Column({ name: 'site_id', type: 'varchar', length: 64 })
  siteId!: string;

  @Column({ name: 'maker_id', type: 'varchar', length: 36 })
  makerId!: string;

  @Column(epochMs({ name: 'start_ms' }))
  start!: number;

  @Column(epochMs({ name: 'end_ms' }))
  end!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: ReservationStatus;

  @Column(epochMs({ name: 'checked_in_at', nullable: true }))
  checkedInAt!: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note!: string | null;

  /** The policy in force when it was booked: later config edits never change its rules. */
  @Column(json())
  policy!: BookingPolicy;

  /** Set when staff booked past the policy, with their reason. */
  @Column({ name: 'override_reason', type: 'varchar', length: 500, nullable: true })
  overrideReason!: string | null;

  @Column({ name: 'booked_by', type: 'varchar', length: 36 })
  bookedBy!: string;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 128, nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: 'request_hash', type: 'varchar', length: 64, nullable: true })
  requestHash!: string | null;

  /**
   * Programme / cohort tags staff put on this booking (statistics add the maker's own). The
   * default lets the booking path insert without naming them.
   */
  @Column({ ...json(), default: () => `'[]'` })
  tags!: string[];

  @Column(epochMs({ name: 'created_at' }))
  createdAt!: number;

  @Column(epochMs({ name: 'updated_at' }))
  updatedAt!: number;
}

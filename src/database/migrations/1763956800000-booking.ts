import type { MigrationInterface, QueryRunner } from 'typeorm';

const ACTIVE = `status = 'active'`;

/**
 * Trainings held, reservations, staff blocks, the waiting list and the audit log. Each database
 * also refuses two overlapping active reservations on one machine by itself, as a backstop
 * behind the service's serialized check: PostgreSQL with an exclusion constraint, SQLite (which
 * has none) with triggers.
 */
export class Booking1763956800000 implements MigrationInterface {
  name = 'Booking1763956800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const statements = [
      `ALTER TABLE users ADD COLUMN no_show_count integer NOT NULL DEFAULT 0`,
      `ALTER TABLE users ADD COLUMN calendar_token varchar(64)`,
      `CREATE UNIQUE INDEX users_calendar_token ON users (calendar_token)`,
      `CREATE TABLE user_trainings (
        user_id varchar(36) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        training varchar(64) NOT NULL,
        granted_by varchar(36),
        granted_at bigint NOT NULL,
        expires_at bigint,
        PRIMARY KEY (user_id, training))`,
      `CREATE TABLE reservations (
        id varchar(36) PRIMARY KEY,
        machine_id varchar(64) NOT NULL REFERENCES machines(id) ON DELETE RESTRICT,
        site_id varchar(64) NOT NULL REFERENCES sites(id) ON DELETE RESTRICT,
        maker_id varchar(36) NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
        start_ms bigint NOT NULL,
        end_ms bigint NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('active', 'completed', 'cancelled', 'no_show')),
        checked_in_at bigint,
        note varchar(500),
        policy text NOT NULL,
        override_reason varchar(500),
        booked_by varchar(36) NOT NULL,
        idempotency_key varchar(128),
        request_hash varchar(64),
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        CHECK (end_ms > start_ms))`,
      // Bounds "active and overlapping" per machine (the booking check, the overlap triggers,
      // availability) instead of walking a machine's whole, ever-growing history.
      `CREATE INDEX reservations_machine_active ON reservations (machine_id, status, end_ms)`,
      `CREATE INDEX reservations_site_time ON reservations (site_id, start_ms)`,
      `CREATE INDEX reservations_maker ON reservations (maker_id, status, start_ms)`,
      `CREATE INDEX reservations_pending_check_in ON reservations (status, checked_in_at, start_ms)`,
      `CREATE UNIQUE INDEX reservations_idempotency ON reservations (booked_by, idempotency_key)`,
      `CREATE TABLE blocks (
        id varchar(36) PRIMARY KEY,
        site_id varchar(64) NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        machine_ids text NOT NULL,
        reason varchar(500) NOT NULL,
        category varchar(16) NOT NULL CHECK (category IN ('workshop', 'maintenance', 'other')),
        start_ms bigint,
        end_ms bigint,
        weekly text,
        created_by varchar(36) NOT NULL,
        created_at bigint NOT NULL,
        cancelled_at bigint)`,
      `CREATE INDEX blocks_site ON blocks (site_id)`,
      `CREATE TABLE waitlist_entries (
        id varchar(36) PRIMARY KEY,
        maker_id varchar(36) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        site_id varchar(64) NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        kind varchar(32) NOT NULL,
        start_ms bigint NOT NULL,
        end_ms bigint NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('waiting', 'offered', 'withdrawn', 'expired')),
        offered_machine_id varchar(64),
        offered_start_ms bigint,
        offered_end_ms bigint,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL)`,
      `CREATE INDEX waitlist_site_kind ON waitlist_entries (site_id, kind, status, created_at)`,
      `CREATE TABLE audit_log (
        id varchar(36) PRIMARY KEY,
        at bigint NOT NULL,
        actor_id varchar(36),
        action varchar(64) NOT NULL,
        subject_type varchar(32) NOT NULL,
        subject_id varchar(64) NOT NULL,
        site_id varchar(64),
        details text)`,
      `CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id, at)`,
      `CREATE INDEX audit_log_site ON audit_log (site_id, at)`,
      ...(postgres
        ? [
            // In public, never in the current schema: dropping a schema (a test suite's) would
            // otherwise drop the extension and, by cascade, every other schema's constraint.
            `CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public`,
            `ALTER TABLE reservations ADD CONSTRAINT reservations_no_overlap
               EXCLUDE USING gist (machine_id WITH =, int8range(start_ms, end_ms) WITH &&) WHERE (${ACTIVE})`,
          ]
        : ['INSERT', 'UPDATE'].map(
            (event) => `CREATE TRIGGER reservations_no_overlap_${event.toLowerCase()}
               BEFORE ${event} ON reservations
               WHEN NEW.${ACTIVE} AND EXISTS (
                 SELECT 1 FROM reservations other
                 WHERE other.machine_id = NEW.machine_id AND other.${ACTIVE} AND other.id <> NEW.id
                   AND other.start_ms < NEW.end_ms AND NEW.start_ms < other.end_ms)
               BEGIN SELECT RAISE(ABORT, 'reservations_no_overlap'); END`,
          )),
    ];
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['audit_log', 'waitlist_entries', 'blocks', 'reservations', 'user_trainings']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
    await queryRunner.query(`DROP INDEX users_calendar_token`);
    await queryRunner.query(`ALTER TABLE users DROP COLUMN calendar_token`);
    await queryRunner.query(`ALTER TABLE users DROP COLUMN no_show_count`);
  }
}

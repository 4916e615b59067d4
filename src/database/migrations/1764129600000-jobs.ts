import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Jobs, their history and their outbox. `job_commands` is written in the same transaction as the
 * job change it carries out, so a command is never lost between the database and the broker.
 */
export class Jobs1764129600000 implements MigrationInterface {
  name = 'Jobs1764129600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE job_files (
        sha256 varchar(64) PRIMARY KEY,
        bytes bigint NOT NULL,
        format varchar(16) NOT NULL,
        metadata text NOT NULL,
        stored_at bigint NOT NULL)`,
      `CREATE TABLE jobs (
        id varchar(36) PRIMARY KEY,
        site_id varchar(64) NOT NULL REFERENCES sites(id) ON DELETE RESTRICT,
        owner_id varchar(36) REFERENCES users(id) ON DELETE SET NULL,
        created_by varchar(36) REFERENCES users(id) ON DELETE SET NULL,
        source varchar(16) NOT NULL,
        name varchar(255) NOT NULL,
        file_sha256 varchar(64) REFERENCES job_files(sha256) ON DELETE RESTRICT,
        format varchar(16),
        kind varchar(32) NOT NULL,
        metadata text,
        estimated_seconds integer,
        target_machine_id varchar(64) REFERENCES machines(id) ON DELETE SET NULL,
        reservation_id varchar(36) REFERENCES reservations(id) ON DELETE SET NULL,
        needs text NOT NULL,
        staff_priority boolean NOT NULL,
        position bigint NOT NULL,
        state varchar(20) NOT NULL,
        state_reason varchar(500) NOT NULL,
        state_since bigint NOT NULL,
        waiting_for varchar(32),
        machine_id varchar(64) REFERENCES machines(id) ON DELETE SET NULL,
        machine_job_ref varchar(128),
        attempts integer NOT NULL,
        avoid_machine_ids text NOT NULL,
        progress text,
        cancel_requested_at bigint,
        created_at bigint NOT NULL,
        queued_at bigint,
        first_dispatched_at bigint,
        started_at bigint,
        ended_at bigint,
        failure_reason varchar(500),
        durations text,
        material_used text)`,
      `CREATE INDEX jobs_state ON jobs (state)`,
      `CREATE INDEX jobs_machine ON jobs (machine_id, created_at)`,
      `CREATE INDEX jobs_owner ON jobs (owner_id, created_at)`,
      // The backstop for "no job starts twice on a machine": one job holding a machine at a time.
      `CREATE UNIQUE INDEX jobs_one_per_machine ON jobs (machine_id)
        WHERE state IN ('dispatching', 'accepted', 'transferring', 'running', 'paused', 'needs_attention')`,
      `CREATE TABLE job_transitions (
        id varchar(36) PRIMARY KEY,
        job_id varchar(36) NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        from_state varchar(20),
        to_state varchar(20) NOT NULL,
        reason varchar(500) NOT NULL,
        actor varchar(80) NOT NULL,
        at bigint NOT NULL)`,
      `CREATE INDEX job_transitions_job ON job_transitions (job_id, at)`,
      `CREATE TABLE job_commands (
        command_id varchar(36) PRIMARY KEY,
        job_id varchar(36) NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        machine_id varchar(64) NOT NULL REFERENCES machines(id) ON DELETE CASCADE,
        command varchar(32) NOT NULL,
        payload text NOT NULL,
        attempt integer NOT NULL,
        issued_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        sends integer NOT NULL,
        last_sent_at bigint,
        status varchar(16) NOT NULL,
        result text,
        answered_at bigint)`,
      `CREATE INDEX job_commands_status ON job_commands (status)`,
      `CREATE INDEX job_commands_job ON job_commands (job_id)`,
      `CREATE TABLE machine_duration_ratios (
        machine_id varchar(64) PRIMARY KEY REFERENCES machines(id) ON DELETE CASCADE,
        ratio double precision NOT NULL,
        samples integer NOT NULL)`,
    ];
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['machine_duration_ratios', 'job_commands', 'job_transitions', 'jobs', 'job_files']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}

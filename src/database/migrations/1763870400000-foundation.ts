import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sites, machines and their maintenance log, accounts, refresh tokens, device credentials.
 * The same SQL serves SQLite and PostgreSQL: instants are BIGINT epoch ms, JSON is text.
 */
export class Foundation1763870400000 implements MigrationInterface {
  name = 'Foundation1763870400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE sites (
        id varchar(64) PRIMARY KEY,
        name varchar(200) NOT NULL,
        time_zone varchar(64) NOT NULL,
        locales text NOT NULL,
        opening_hours text NOT NULL,
        closures text NOT NULL,
        booking text,
        declared text,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL)`,
      `CREATE TABLE machines (
        id varchar(64) PRIMARY KEY,
        site_id varchar(64) NOT NULL REFERENCES sites(id) ON DELETE RESTRICT,
        name varchar(200) NOT NULL,
        kind varchar(32) NOT NULL,
        vendor varchar(200),
        model varchar(200),
        capabilities text NOT NULL,
        admin_status varchar(16) NOT NULL CHECK (admin_status IN ('active', 'maintenance', 'retired')),
        admin_status_reason varchar(500),
        declared text,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL)`,
      `CREATE INDEX machines_site ON machines (site_id)`,
      `CREATE TABLE machine_status_log (
        id varchar(36) PRIMARY KEY,
        machine_id varchar(64) NOT NULL REFERENCES machines(id) ON DELETE CASCADE,
        status varchar(16) NOT NULL,
        reason varchar(500),
        changed_by varchar(36),
        at bigint NOT NULL)`,
      `CREATE INDEX machine_status_log_machine ON machine_status_log (machine_id, at)`,
      `CREATE TABLE users (
        id varchar(36) PRIMARY KEY,
        email varchar(254) UNIQUE,
        member_code varchar(32) UNIQUE,
        display_name varchar(200) NOT NULL,
        password_hash varchar(200) NOT NULL,
        role varchar(16) NOT NULL CHECK (role IN ('maker', 'staff', 'admin')),
        site_ids text NOT NULL,
        locale varchar(16),
        active boolean NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        CHECK (email IS NOT NULL OR member_code IS NOT NULL))`,
      `CREATE TABLE refresh_tokens (
        id varchar(36) PRIMARY KEY,
        user_id varchar(36) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        secret_hash varchar(64) NOT NULL,
        expires_at bigint NOT NULL,
        revoked_at bigint,
        created_at bigint NOT NULL)`,
      `CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id)`,
      `CREATE TABLE device_credentials (
        id varchar(36) PRIMARY KEY,
        kind varchar(16) NOT NULL CHECK (kind IN ('kiosk', 'bridge')),
        label varchar(200) NOT NULL,
        site_id varchar(64) REFERENCES sites(id) ON DELETE CASCADE,
        bridge_id varchar(64),
        machine_ids text NOT NULL,
        secret_hash varchar(64) NOT NULL,
        created_by varchar(36),
        created_at bigint NOT NULL,
        revoked_at bigint)`,
      `CREATE INDEX device_credentials_bridge ON device_credentials (bridge_id)`,
    ];
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['device_credentials', 'refresh_tokens', 'users', 'machine_status_log', 'machines', 'sites']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}

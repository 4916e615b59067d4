import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What bridges report, kept beyond memory: each machine's latest snapshot (one row per machine,
 * rewritten only when it changes) and edge events (one row per `msgId`, so a redelivered QoS 1
 * message is stored once). Telemetry is never stored row by row.
 */
export class MachineLive1764043200000 implements MigrationInterface {
  name = 'MachineLive1764043200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE machine_live (
        machine_id varchar(64) PRIMARY KEY REFERENCES machines(id) ON DELETE CASCADE,
        bridge_id varchar(64) NOT NULL,
        state varchar(32) NOT NULL,
        snapshot text NOT NULL,
        reported_at bigint NOT NULL,
        received_at bigint NOT NULL)`,
      `CREATE TABLE machine_events (
        msg_id varchar(36) PRIMARY KEY,
        machine_id varchar(64) NOT NULL REFERENCES machines(id) ON DELETE CASCADE,
        bridge_id varchar(64) NOT NULL,
        type varchar(32) NOT NULL,
        session bigint NOT NULL,
        seq bigint NOT NULL,
        reported_at bigint NOT NULL,
        received_at bigint NOT NULL,
        data text NOT NULL)`,
      `CREATE INDEX machine_events_machine ON machine_events (machine_id, received_at)`,
    ];
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['machine_events', 'machine_live']) await queryRunner.query(`DROP TABLE ${table}`);
  }
}

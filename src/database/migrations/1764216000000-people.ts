import { randomBytes } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People data for the statistics (issue 7): a random pseudonym per account (`maker_key`), staff's
 * programme / cohort tags on accounts and reservations, self-declared categories kept only with
 * consent, and the moment an account's personal data was erased (the row itself stays, so its
 * anonymised reservations and jobs still count).
 */
export class People1764216000000 implements MigrationInterface {
  name = 'People1764216000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users ADD COLUMN maker_key varchar(32)`);
    await queryRunner.query(`ALTER TABLE users ADD COLUMN tags text NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE users ADD COLUMN declared text`);
    await queryRunner.query(`ALTER TABLE users ADD COLUMN deleted_at bigint`);
    // Each existing account gets its own random key, drawn here rather than by the database so
    // both drivers do the same; a one-off pass over the accounts, before the index needs them.
    const rows = (await queryRunner.query(`SELECT id FROM users`)) as Array<{ id: string }>;
    const postgres = queryRunner.connection.options.type === 'postgres';
    for (const { id } of rows) {
      await queryRunner.query(
        `UPDATE users SET maker_key = ${postgres ? '$1' : '?'} WHERE id = ${postgres ? '$2' : '?'}`,
        [randomBytes(16).toString('hex'), id],
      );
    }
    await queryRunner.query(`CREATE UNIQUE INDEX users_maker_key ON users (maker_key)`);
    await queryRunner.query(`ALTER TABLE reservations ADD COLUMN tags text NOT NULL DEFAULT '[]'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE reservations DROP COLUMN tags`);
    await queryRunner.query(`DROP INDEX users_maker_key`);
    for (const column of ['deleted_at', 'declared', 'tags', 'maker_key']) {
      await queryRunner.query(`ALTER TABLE users DROP COLUMN ${column}`);
    }
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ending every session of an account must end its access tokens too, not only its refresh
 * tokens (issue 15): each access token carries the account's session generation at signing, and
 * a token of an older generation is refused. Existing tokens carry none and count as generation 0.
 */
export class SessionGeneration1764302400000 implements MigrationInterface {
  name = 'SessionGeneration1764302400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users ADD COLUMN session_generation integer NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users DROP COLUMN session_generation`);
  }
}

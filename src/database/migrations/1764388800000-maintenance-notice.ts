import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the kiosk and the makers' app say about a machine out of service (issue 17): a reason
 * written for the public and when staff expect it back. Kept apart from `admin_status_reason`,
 * which is staff's own note and may name people or suppliers.
 */
export class MaintenanceNotice1764388800000 implements MigrationInterface {
  name = 'MaintenanceNotice1764388800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE machines ADD COLUMN public_reason varchar(200)`);
    await queryRunner.query(`ALTER TABLE machines ADD COLUMN expected_back_at bigint`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE machines DROP COLUMN expected_back_at`);
    await queryRunner.query(`ALTER TABLE machines DROP COLUMN public_reason`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-site detection settings (windows, thresholds, tick), merged over the defaults of libs/detect. */
export class SiteDetectConfig1764000400000 implements MigrationInterface {
  name = 'SiteDetectConfig1764000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sites ADD COLUMN detect_config jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sites DROP COLUMN detect_config`);
  }
}

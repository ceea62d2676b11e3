import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The latest verdict of each detector per site x source x route x metric (regressed, ok, or not enough data with
 * the smallest change it could have seen), so that thin traffic is visible instead of silent.
 */
export class DetectionStatus1764000500000 implements MigrationInterface {
  name = 'DetectionStatus1764000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE detection_status (
        site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        source text NOT NULL CHECK (source IN ('rum', 'synthetic')),
        route text NOT NULL,
        metric text NOT NULL,
        status text NOT NULL CHECK (status IN ('regressed', 'ok', 'insufficient')),
        evidence jsonb NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (site_id, source, route, metric)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS detection_status`);
  }
}

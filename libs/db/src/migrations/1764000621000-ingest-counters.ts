import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per site and minute, beacons the collector stored and refused (by reason), and the last time it stored one.
 * Each replica counts in memory and adds its counts here every few seconds (no database round trip per beacon),
 * so the sums cover every replica. Kept for two days by the retention job; read by the onboarding status.
 */
export class IngestCounters1764000621000 implements MigrationInterface {
  name = 'IngestCounters1764000621000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ingest_counters (
        site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        minute timestamptz NOT NULL,
        accepted integer NOT NULL DEFAULT 0,
        rejected_origin integer NOT NULL DEFAULT 0,
        rejected_key integer NOT NULL DEFAULT 0,
        rejected_size integer NOT NULL DEFAULT 0,
        rejected_rate integer NOT NULL DEFAULT 0,
        rejected_invalid integer NOT NULL DEFAULT 0,
        last_beacon_at timestamptz,
        PRIMARY KEY (site_id, minute)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS ingest_counters');
  }
}

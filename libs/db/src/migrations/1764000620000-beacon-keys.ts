import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotent ingest: one row per (site, page view, seq) a beacon was first stored under. The collector inserts
 * into it and into `beacons` in one statement (ON CONFLICT DO NOTHING), so a body a client sends again after a
 * 503, a timeout or a reset is acknowledged but stored and counted once. `beacons` stays partitioned by the
 * day it was received (its key cannot be unique across days); this small table holds the keys of the retry
 * horizon only and is pruned by the retention job. No foreign key: it would cost a lookup per beacon, and
 * keys of a deleted site expire with the horizon.
 */
export class BeaconKeys1764000620000 implements MigrationInterface {
  name = 'BeaconKeys1764000620000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE beacon_keys (
        site_id uuid NOT NULL,
        page_view_id text NOT NULL,
        seq integer NOT NULL,
        first_received_at timestamptz NOT NULL,
        PRIMARY KEY (site_id, page_view_id, seq)
      )`);
    // Keys arrive in time order: a BRIN index makes pruning by age cheap at almost no cost per insert.
    await q.query(`CREATE INDEX beacon_keys_received ON beacon_keys USING brin (first_received_at)`);
    // Beacons already stored within the horizon keep their retries from being stored again after the upgrade.
    await q.query(`
      INSERT INTO beacon_keys (site_id, page_view_id, seq, first_received_at)
      SELECT site_id, page_view_id, seq, min(received_at) FROM beacons
      WHERE received_at > now() - interval '2 days' GROUP BY 1, 2, 3
      ON CONFLICT DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS beacon_keys');
  }
}

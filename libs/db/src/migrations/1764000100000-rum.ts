import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Real-user data: raw beacons partitioned by day (retention drops partitions), per-minute rollup sketches,
 * and the daily salts that pseudonymise session ids (deleted after two days so days cannot be linked).
 */
export class Rum1764000100000 implements MigrationInterface {
  name = 'Rum1764000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE beacons (
        site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        received_at timestamptz NOT NULL,
        page_view_id text NOT NULL,
        seq integer NOT NULL,
        session_hash text,
        synthetic_run_id text,
        route text NOT NULL,
        path text NOT NULL,
        nav_type text,
        country text NOT NULL,
        device text NOT NULL,
        browser text NOT NULL,
        browser_major text NOT NULL,
        os text NOT NULL,
        connection text NOT NULL,
        release text,
        lcp double precision, inp double precision, cls double precision, fcp double precision, ttfb double precision,
        dns double precision, tcp double precision, tls double precision, request double precision, response double precision,
        dom_content_loaded double precision, load double precision,
        rtt_ms double precision, save_data boolean, device_memory_gb double precision, viewport_w integer, viewport_h integer,
        events jsonb,
        attribution jsonb,
        PRIMARY KEY (site_id, received_at, page_view_id, seq)
      ) PARTITION BY RANGE (received_at)`);
    await q.query(`CREATE INDEX beacons_page_view ON beacons (site_id, page_view_id)`);
    await q.query(`CREATE INDEX beacons_synthetic_run ON beacons (site_id, synthetic_run_id) WHERE synthetic_run_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE rollups (
        site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        source text NOT NULL CHECK (source IN ('rum', 'synthetic')),
        route text NOT NULL,
        metric text NOT NULL,
        dim text NOT NULL,
        dim_value text NOT NULL,
        minute timestamptz NOT NULL,
        part bigint NOT NULL,
        count integer NOT NULL,
        sketch bytea NOT NULL,
        PRIMARY KEY (site_id, source, route, metric, dim, dim_value, minute, part)
      )`);
    await q.query(`CREATE INDEX rollups_minute ON rollups (minute)`);
    // Each flush of in-memory fragments takes a fresh part number; part 0 is the compacted row.
    await q.query(`CREATE SEQUENCE rollup_parts START 1`);
    await q.query(`CREATE INDEX rollups_unmerged ON rollups (minute) WHERE part <> 0`);
    await q.query(`
      CREATE TABLE daily_salts (
        day date PRIMARY KEY,
        salt bytea NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS daily_salts');
    await q.query('DROP TABLE IF EXISTS rollups');
    await q.query('DROP SEQUENCE IF EXISTS rollup_parts');
    await q.query('DROP TABLE IF EXISTS beacons');
  }
}

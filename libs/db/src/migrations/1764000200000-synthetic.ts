import { MigrationInterface, QueryRunner } from 'typeorm';

/** Synthetic monitoring: locations, agents, journeys, runs (scheduled idempotently) and run artifacts. */
export class Synthetic1764000200000 implements MigrationInterface {
  name = 'Synthetic1764000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE locations (
        name text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        region text NOT NULL DEFAULT '',
        device jsonb,
        network jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO locations (name, region) VALUES ('local', 'this machine')`);
    await q.query(`
      CREATE TABLE agents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        location text NOT NULL REFERENCES locations(name) ON DELETE CASCADE,
        name text NOT NULL,
        version text NOT NULL,
        concurrency integer NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX agents_location ON agents (location, last_seen_at)`);
    await q.query(`
      CREATE TABLE journeys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        name text NOT NULL,
        origin text NOT NULL CHECK (origin IN ('file', 'api')),
        file_path text,
        source_yaml text NOT NULL,
        definition jsonb NOT NULL,
        content_hash text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        interval_ms integer,
        cron text,
        locations text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (site_id, name)
      )`);
    await q.query(`
      CREATE TABLE runs (
        site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        journey_id uuid NOT NULL REFERENCES journeys(id) ON DELETE CASCADE,
        location text NOT NULL,
        slot timestamptz NOT NULL,
        attempt integer NOT NULL DEFAULT 0,
        trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual', 'retry')),
        retry_of uuid,
        due_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'passed', 'failed', 'degraded', 'retried', 'lost')),
        requeues integer NOT NULL DEFAULT 0,
        agent_id uuid,
        claimed_at timestamptz,
        lease_expires_at timestamptz,
        started_at timestamptz,
        finished_at timestamptz,
        duration_ms integer,
        journey_hash text NOT NULL,
        error text,
        steps jsonb,
        marks jsonb,
        console_errors jsonb,
        failed_requests jsonb,
        PRIMARY KEY (site_id, id),
        UNIQUE (site_id, journey_id, location, slot, attempt)
      )`);
    await q.query(`CREATE INDEX runs_due ON runs (location, due_at) WHERE status = 'queued'`);
    await q.query(`CREATE INDEX runs_leased ON runs (lease_expires_at) WHERE status = 'running'`);
    await q.query(`CREATE INDEX runs_by_journey ON runs (journey_id, due_at DESC)`);
    await q.query(`CREATE INDEX runs_id ON runs (id)`);
    await q.query(`
      CREATE TABLE run_artifacts (
        site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        run_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('screenshot', 'trace')),
        content_type text NOT NULL,
        data bytea NOT NULL CHECK (octet_length(data) <= 1048576),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (site_id, run_id, kind)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['run_artifacts', 'runs', 'journeys', 'agents', 'locations']) await q.query(`DROP TABLE IF EXISTS ${table}`);
  }
}

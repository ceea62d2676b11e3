import { MigrationInterface, QueryRunner } from 'typeorm';

/** Correlation: deployments and other changes, incidents with their lifecycle, webhooks and their delivery log. */
export class Correlation1764000300000 implements MigrationInterface {
  name = 'Correlation1764000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE deployments (
        site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        version text NOT NULL,
        commit text,
        description text,
        kind text NOT NULL CHECK (kind IN ('deployment', 'config', 'other')),
        at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (site_id, id)
      )`);
    await q.query(`CREATE INDEX deployments_at ON deployments (site_id, at DESC)`);
    await q.query(`
      CREATE TABLE incidents (
        site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        route text NOT NULL,
        metric text NOT NULL,
        label text NOT NULL CHECK (label IN ('both', 'rum_only', 'synthetic_only', 'failing')),
        status text NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
        summary text NOT NULL,
        onset_at timestamptz NOT NULL,
        opened_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        acknowledged_at timestamptz,
        resolved_at timestamptz,
        evidence jsonb NOT NULL,
        segments jsonb NOT NULL DEFAULT '[]',
        locations text[] NOT NULL DEFAULT '{}',
        suspected_deployment_id uuid,
        PRIMARY KEY (site_id, id)
      )`);
    // One open (or acknowledged) incident per site x route x metric x label.
    await q.query(`CREATE UNIQUE INDEX incidents_one_open ON incidents (site_id, route, metric, label) WHERE status <> 'resolved'`);
    await q.query(`CREATE INDEX incidents_recent ON incidents (site_id, opened_at DESC)`);
    await q.query(`CREATE INDEX incidents_id ON incidents (id)`);
    await q.query(`
      CREATE TABLE detector_state (
        site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        key text NOT NULL,
        state jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (site_id, key)
      )`);
    await q.query(`
      CREATE TABLE webhooks (
        site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        url text NOT NULL,
        events text[] NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (site_id, id)
      )`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL,
        event text NOT NULL,
        body text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_status_code integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        PRIMARY KEY (site_id, id)
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['webhook_deliveries', 'webhooks', 'detector_state', 'incidents', 'deployments']) await q.query(`DROP TABLE IF EXISTS ${t}`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** Sites and the socket.io postgres adapter's table. */
export class Init1764000000000 implements MigrationInterface {
  name = 'Init1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sites (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        site_key text NOT NULL UNIQUE,
        allowed_origins text[] NOT NULL DEFAULT '{}',
        sampling_rate double precision NOT NULL DEFAULT 1 CHECK (sampling_rate >= 0 AND sampling_rate <= 1),
        retention_days integer NOT NULL DEFAULT 30 CHECK (retention_days >= 1),
        allowed_query_params text[] NOT NULL DEFAULT '{}',
        route_rules jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS socket_io_attachments (
        id bigserial UNIQUE,
        created_at timestamptz DEFAULT now(),
        payload bytea
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS socket_io_attachments');
    await q.query('DROP TABLE IF EXISTS sites');
  }
}

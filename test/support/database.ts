import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { inject } from 'vitest';
import { createDataSource, runMigrations } from '@parallax/db';

/** A database of one's own on the test PostgreSQL, migrated, dropped by `drop()`. */
export interface TestDatabase {
  name: string;
  url: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database (no migrations) and returns its URL. */
export async function createEmptyDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `parallax_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: withDatabase(inject('pgAdminUrl'), name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** Creates a database with every migration applied. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const db = await createEmptyDatabase();
  const dataSource = createDataSource(db.url, { poolSize: 5, applicationName: 'parallax-test' });
  await dataSource.initialize();
  await runMigrations(dataSource);
  return {
    ...db,
    dataSource,
    async drop() {
      await dataSource.destroy().catch(() => undefined);
      await db.drop();
    },
  };
}

import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource, EmbeddedDatabase, startEmbeddedPostgres } from '@parallax/db';
import { AppConfig } from '../config/config';

const EMBEDDED_DATABASE = 'parallax';

/** An initialised DataSource on the configured PostgreSQL, embedded or external. */
export interface OpenDatabase {
  url: string;
  dataSource: DataSource;
  embedded?: EmbeddedDatabase;
  /** Closes the pool, then stops the embedded PostgreSQL if one was started. */
  close(): Promise<void>;
}

/** Creates `name` on the server of `serverUrl` when it does not exist yet. */
async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

/** Starts the embedded PostgreSQL when DATABASE_URL is unset, then opens a DataSource on it. */
export async function openDatabase(config: AppConfig, log: (message: string) => void, applicationName = 'parallax-server'): Promise<OpenDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log, ownProcessGroup: true });
    await ensureDatabase(embedded.url, EMBEDDED_DATABASE);
    url = embedded.url.replace(/\/postgres$/, `/${EMBEDDED_DATABASE}`);
  }
  const dataSource = createDataSource(url, { poolSize: config.dbPoolSize, applicationName });
  try {
    await dataSource.initialize();
  } catch (error) {
    await embedded?.stop();
    throw new Error(`Cannot connect to PostgreSQL${config.databaseUrl ? ' at DATABASE_URL' : ''}: ${(error as Error).message}`);
  }
  let closed = false;
  return {
    url,
    dataSource,
    embedded,
    async close() {
      if (closed) return;
      closed = true;
      await dataSource.destroy().catch(() => undefined);
      await embedded?.stop();
    },
  };
}

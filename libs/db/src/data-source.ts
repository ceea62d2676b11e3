import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import { entities } from './entities';
import { migrations } from './migrations';

/** The one DataSource definition used by the server, the migration CLI and the tests. */
/**
 * Time bounds on every connection, so a database that stops answering (SIGSTOP, a network partition) turns into
 * errors the server answers with 503 instead of requests and pool slots that wait forever:
 * - connecting (and waiting for a free pool slot) gives up after `connectTimeoutMs`;
 * - PostgreSQL cancels a statement after `statementTimeoutMs` and ends a session idle inside a transaction;
 * - node-postgres itself gives up reading an answer a little later (the server may be unable to cancel anything).
 */
export interface PoolTimeouts {
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}

export const DEFAULT_POOL_TIMEOUTS: PoolTimeouts = { connectTimeoutMs: 3_000, statementTimeoutMs: 30_000, idleInTransactionTimeoutMs: 60_000 };

/** How much later than PostgreSQL's statement_timeout the client stops waiting. */
const CLIENT_READ_GRACE_MS = 2_000;

export function dataSourceOptions(
  url: string,
  overrides: Partial<{ poolSize: number; applicationName: string; timeouts: PoolTimeouts | null }> = {},
): DataSourceOptions {
  // null: no statement bounds (migrations, which may rightly run long on a big database).
  const timeouts = overrides.timeouts === undefined ? DEFAULT_POOL_TIMEOUTS : overrides.timeouts;
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    logging: false,
    extra: {
      max: overrides.poolSize ?? 10,
      application_name: overrides.applicationName ?? 'parallax',
      connectionTimeoutMillis: timeouts?.connectTimeoutMs ?? 10_000,
      keepAlive: true,
      ...(timeouts
        ? {
            statement_timeout: timeouts.statementTimeoutMs,
            query_timeout: timeouts.statementTimeoutMs + CLIENT_READ_GRACE_MS,
            idle_in_transaction_session_timeout: timeouts.idleInTransactionTimeoutMs,
          }
        : {}),
    },
  };
}

/** A DataSource for `url`, not yet initialised. */
export function createDataSource(url: string, overrides?: Parameters<typeof dataSourceOptions>[1]): DataSource {
  return new DataSource(dataSourceOptions(url, overrides));
}

/**
 * Applies pending migrations; returns the names of those applied. They run on a connection of their own
 * without the pool's statement timeout: building an index on a big table may rightly take minutes.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const options = dataSource.options as DataSourceOptions & { url: string; extra?: Record<string, unknown> };
  const unbounded = new DataSource({
    ...dataSourceOptions(options.url, { poolSize: 1, timeouts: null }),
    extra: { ...options.extra, max: 1, statement_timeout: undefined, query_timeout: undefined, idle_in_transaction_session_timeout: undefined },
  } as DataSourceOptions);
  await unbounded.initialize();
  try {
    const applied = await unbounded.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await unbounded.destroy();
  }
}

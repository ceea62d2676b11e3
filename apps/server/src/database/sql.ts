import type { Pool, QueryConfig } from 'pg';
import type { DataSource } from 'typeorm';

/** The pg pool under TypeORM's DataSource: plain rows for every statement (TypeORM's query() wraps UPDATE/DELETE results). */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

/** Runs one statement and returns its rows. */
export async function queryRows<T>(dataSource: DataSource, text: string, params: unknown[] = []): Promise<T[]> {
  const result = await poolOf(dataSource).query(text, params);
  return result.rows as T[];
}

/**
 * A statement config with a client-side read timeout: node-postgres gives up after `timeoutMs` even when the
 * server never answers (stopped, partitioned), which PostgreSQL's own statement_timeout cannot do. The
 * connection is then dropped from the pool.
 */
export function withReadTimeout(text: string, values: unknown[] | undefined, timeoutMs: number): QueryConfig {
  return { text, values, query_timeout: timeoutMs } as QueryConfig;
}

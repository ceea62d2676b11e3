import type { Pool } from 'pg';
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

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_TABLES, createDataSource, migrations, runMigrations, TRAFFIC_TABLES } from '@parallax/db';
import { DataSource } from 'typeorm';
import { createEmptyDatabase } from '../support/database';

async function tables(ds: DataSource): Promise<string[]> {
  const rows: { tablename: string }[] = await ds.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
  return rows.map((r) => r.tablename);
}

describe('migrations', () => {
  let db: Awaited<ReturnType<typeof createEmptyDatabase>>;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createEmptyDatabase();
    ds = createDataSource(db.url, { poolSize: 2 });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('apply every migration on an empty database, then nothing on a second run', async () => {
    const applied = await runMigrations(ds);
    expect(applied).toEqual(migrations.map((m) => m.name));
    expect(await tables(ds)).toEqual(expect.arrayContaining(['sites', 'socket_io_attachments', 'migrations']));
    expect(await runMigrations(ds)).toEqual([]);
  });

  it('revert every migration down to an empty schema, and apply again', async () => {
    for (let i = 0; i < migrations.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    expect(await tables(ds)).toEqual(['migrations']);
    expect(await runMigrations(ds)).toHaveLength(migrations.length);
    expect(await tables(ds)).toContain('sites');
  });

  it('lead the primary key of every table that grows with traffic with site_id, and classify every table', async () => {
    const rows: { table_name: string; first_key: string }[] = await ds.query(`
      SELECT tc.table_name, kcu.column_name AS first_key
      FROM information_schema.table_constraints tc
      JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
      WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = 'public' AND kcu.ordinal_position = 1`);
    const firstKey = new Map(rows.map((r) => [r.table_name, r.first_key]));
    for (const table of TRAFFIC_TABLES) expect({ table, firstKey: firstKey.get(table) }).toEqual({ table, firstKey: 'site_id' });
    const all = (await tables(ds)).filter((t) => !/^beacons_p\d{8}$/.test(t));
    for (const table of all) expect([...TRAFFIC_TABLES, ...CONFIG_TABLES], `unclassified table ${table}`).toContain(table);
  });
});

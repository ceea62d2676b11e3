/**
 * A logical backup of a Parallax database through the PostgreSQL client protocol alone, so it works on the
 * embedded PostgreSQL (its package ships no pg_dump, and a system pg_dump older than the server refuses it) and
 * on any external one. One consistent snapshot (REPEATABLE READ), written as gzip'd JSON lines:
 *   header (format, migrations applied), partition (day partitions of beacons), table + rows (in foreign-key
 *   order, batches of BATCH_ROWS), sequence (their values), end (row counts: a truncated file is refused).
 * Restore migrates an empty database to the backup's migrations, loads the rows, sets the sequences, then applies
 * any newer migrations of this version. Data only, no roles or settings.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import type { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, migrations as knownMigrations } from '@parallax/db';

export const BACKUP_FORMAT = 'parallax-backup';
export const BACKUP_VERSION = 1;
const BATCH_ROWS = 1_000;
/** Tables whose rows are not data: the migrations table is rebuilt by migrating; socket.io's are transient. */
const SKIPPED_TABLES = new Set(['migrations', 'socket_io_attachments']);

type Record_ =
  | { type: 'header'; format: string; version: number; createdAt: string; migrations: string[]; serverVersion: string }
  | { type: 'partition'; parent: string; name: string; bound: string }
  | { type: 'table'; name: string; columns: string[] }
  | { type: 'rows'; table: string; rows: unknown[] }
  | { type: 'sequence'; name: string; value: string; isCalled: boolean }
  | { type: 'end'; rowCounts: Record<string, number> };

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Ordinary and partitioned tables of the public schema (partitions excluded: their rows are read through the parent), parents first. */
async function tablesInDependencyOrder(client: Client): Promise<string[]> {
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
  );
  const { rows: edges } = await client.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
     JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE k.contype = 'f' AND n.nspname = 'public' AND NOT c.relispartition`,
  );
  const names = tables.map((t) => t.name).filter((n) => !SKIPPED_TABLES.has(n));
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (ordered.includes(name) || visiting.has(name)) return;
    visiting.add(name);
    for (const e of edges) if (e.child === name && e.parent !== name && names.includes(e.parent)) visit(e.parent);
    visiting.delete(name);
    ordered.push(name);
  };
  for (const n of names) visit(n);
  return ordered;
}

async function appliedMigrations(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY timestamp, id');
  return rows.map((r) => r.name);
}

/** Writes a backup of the database `client` is connected to into `file`; returns the row counts. */
export async function writeBackup(client: Client, file: string): Promise<Record<string, number>> {
  async function* records(): AsyncGenerator<string> {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const { rows: version } = await client.query<{ v: string }>('SHOW server_version');
      const header: Record_ = {
        type: 'header',
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        createdAt: new Date().toISOString(),
        migrations: await appliedMigrations(client),
        serverVersion: version[0].v,
      };
      yield JSON.stringify(header) + '\n';
      const { rows: partitions } = await client.query<{ parent: string; name: string; bound: string }>(
        `SELECT p.relname AS parent, c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relispartition AND c.relkind IN ('r', 'p') ORDER BY 2`,
      );
      for (const p of partitions) yield JSON.stringify({ type: 'partition', ...p } satisfies Record_) + '\n';
      const rowCounts: Record<string, number> = {};
      for (const table of await tablesInDependencyOrder(client)) {
        const { rows: cols } = await client.query<{ name: string }>(
          `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
          [ident(table)],
        );
        const columns = cols.map((c) => c.name);
        yield JSON.stringify({ type: 'table', name: table, columns } satisfies Record_) + '\n';
        // A cursor keeps memory flat whatever the table's size; json keeps every type exact (bytea as \x hex).
        await client.query(`DECLARE backup_cursor NO SCROLL CURSOR FOR SELECT json_build_array(${columns.map(ident).join(', ')}) AS r FROM ${ident(table)}`);
        let count = 0;
        for (;;) {
          const { rows } = await client.query<{ r: unknown[] }>(`FETCH ${BATCH_ROWS} FROM backup_cursor`);
          if (rows.length === 0) break;
          count += rows.length;
          yield JSON.stringify({ type: 'rows', table, rows: rows.map((r) => r.r) } satisfies Record_) + '\n';
        }
        await client.query('CLOSE backup_cursor');
        rowCounts[table] = count;
      }
      const { rows: sequences } = await client.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY 1`,
      );
      for (const s of sequences) {
        const { rows } = await client.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text, is_called FROM ${ident(s.name)}`);
        yield JSON.stringify({ type: 'sequence', name: s.name, value: rows[0].last_value, isCalled: rows[0].is_called } satisfies Record_) + '\n';
      }
      yield JSON.stringify({ type: 'end', rowCounts } satisfies Record_) + '\n';
      counts = rowCounts;
    } finally {
      await client.query('COMMIT');
    }
  }
  let counts: Record<string, number> = {};
  await pipeline(Readable.from(records()), createGzip(), createWriteStream(file, { mode: 0o600 }));
  return counts;
}

/** Applies exactly `names` (in the order of this version's migrations) to the database at `url`. */
async function migrateTo(url: string, names: readonly string[] | 'all'): Promise<string[]> {
  const wanted = names === 'all' ? knownMigrations : knownMigrations.filter((m) => names.includes(new m().name));
  const ds = new DataSource({ ...dataSourceOptions(url, { poolSize: 1, timeouts: null }), migrations: wanted });
  await ds.initialize();
  try {
    return (await ds.runMigrations({ transaction: 'each' })).map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

async function* readRecords(file: string): AsyncGenerator<Record_> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) if (line) yield JSON.parse(line) as Record_;
}

/**
 * Restores `file` into the empty database at `url` (`client` connected to it). Returns the row counts and the
 * migrations applied after the data (those newer than the backup).
 */
export async function restoreBackup(client: Client, url: string, file: string): Promise<{ rowCounts: Record<string, number>; upgraded: string[] }> {
  const { rows: existing } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`,
  );
  if (existing[0].n > 0) throw new Error('the target database is not empty: restore into a new database (or pass --replace to drop its public schema first)');

  const known = new Set<string>(knownMigrations.map((m) => new m().name));
  const rowCounts: Record<string, number> = {};
  let columns: string[] = [];
  let table: string;
  let ended: Record<string, number> | undefined;
  let started = false;
  for await (const record of readRecords(file)) {
    switch (record.type) {
      case 'header': {
        if (record.format !== BACKUP_FORMAT || record.version !== BACKUP_VERSION)
          throw new Error(`not a Parallax backup (format ${record.format} ${record.version})`);
        const unknown = record.migrations.filter((m) => !known.has(m));
        if (unknown.length) throw new Error(`the backup was made by a newer Parallax (migrations ${unknown.join(', ')}): restore it with that version`);
        await migrateTo(url, record.migrations);
        await client.query('BEGIN');
        started = true;
        break;
      }
      case 'partition':
        await client.query(`CREATE TABLE IF NOT EXISTS ${ident(record.name)} PARTITION OF ${ident(record.parent)} ${record.bound}`);
        break;
      case 'table':
        table = record.name;
        columns = record.columns;
        rowCounts[table] = 0;
        // Rows a migration seeded (default locations...) are replaced by the backup's own.
        await client.query(`DELETE FROM ${ident(table)}`);
        break;
      case 'rows': {
        // One statement per batch: the rows travel as one json parameter and are typed by the table's own row type.
        const list = columns.map(ident).join(', ');
        const objects = record.rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, (r as unknown[])[i]])));
        await client.query(
          `INSERT INTO ${ident(record.table)} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM json_populate_recordset(NULL::${ident(record.table)}, $1)`,
          [JSON.stringify(objects)],
        );
        rowCounts[record.table] += record.rows.length;
        break;
      }
      case 'sequence':
        await client.query('SELECT setval($1::regclass, $2::bigint, $3)', [ident(record.name), record.value, record.isCalled]);
        break;
      case 'end':
        ended = record.rowCounts;
        break;
    }
  }
  if (!started) throw new Error('the file holds no backup header');
  if (!ended) {
    await client.query('ROLLBACK');
    throw new Error('the backup file is truncated (no end record): nothing was restored');
  }
  for (const [name, n] of Object.entries(ended)) {
    if (rowCounts[name] !== n) {
      await client.query('ROLLBACK');
      throw new Error(`table ${name}: ${rowCounts[name] ?? 0} rows read, the backup says ${n}: nothing was restored`);
    }
  }
  await client.query('COMMIT');
  const upgraded = await migrateTo(url, 'all');
  return { rowCounts, upgraded };
}

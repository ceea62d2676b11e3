import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createDataSource, freePort, runMigrations, startEmbeddedPostgres } from '@parallax/db';
import { RollupService } from '../../apps/server/src/ingest/rollup.service';
import { sendBeacon } from '../support/beacons';
import { createEmptyDatabase } from '../support/database';
import { json } from '../support/json';
import { startTestServer, type TestServer } from '../support/server';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');

/** `npm run backup` / `npm run restore` as an operator runs them (through tsx, in a process of their own). */
async function cli(args: string[], env: Record<string, string>): Promise<string> {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/backup.ts', ...args], { cwd: ROOT, env: { ...base, ...env }, timeout: 120_000 });
  return stdout;
}

/** Every table's rows (as text, sorted) and every sequence's value: equal snapshots mean equal data. */
async function snapshot(url: string): Promise<Record<string, string>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, string> = {};
    const { rows: tables } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname NOT IN ('socket_io_attachments') ORDER BY 1`,
    );
    for (const { name } of tables) {
      const { rows } = await client.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM "${name}" t`);
      out[name] = `${rows[0].n}:${rows[0].h}`;
    }
    const { rows: sequences } = await client.query<{ name: string }>(
      `SELECT relname AS name FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace`,
    );
    for (const { name } of sequences) out[`seq ${name}`] = String((await client.query(`SELECT last_value FROM "${name}"`)).rows[0].last_value);
    return out;
  } finally {
    await client.end();
  }
}

describe('npm run backup and npm run restore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parallax-backup-'));
  chmodSync(dir, 0o711); // as root, the embedded PostgreSQL runs as "postgres" and must be able to enter it
  let server: TestServer | undefined;
  const drops: (() => Promise<void>)[] = [];

  afterAll(async () => {
    await server?.close().catch(() => undefined);
    for (const drop of drops) await drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('backs up a database with real data and restores it into a fresh one, equal row for row', { timeout: 180_000 }, async () => {
    const source = await createEmptyDatabase();
    drops.push(source.drop);
    server = await startTestServer({ PARALLAX_COLLECT_RATE_PER_SEC: '100000' }, { databaseUrl: source.url });
    const site = await json(
      await server.api('/api/sites', {
        method: 'POST',
        json: { name: 'Backed up', allowedOrigins: ['https://b.example'], routeRules: [{ pattern: '/p/:id', template: '/p/:id' }] },
      }),
    );
    for (let i = 0; i < 30; i++) {
      const res = await sendBeacon(
        `${server.url}/_p/e`,
        {
          v: 1,
          siteKey: site.siteKey,
          pageViewId: `pv_backup_${i}`,
          sessionId: 'session-backup-0001',
          seq: 0,
          url: `https://b.example/p/${i}`,
          metrics: { lcp: 1000 + i },
          events: [{ name: 'buy', props: { sku: `s${i}` } }],
        },
        { origin: 'https://b.example' },
      );
      expect(res.status).toBe(204);
    }
    await server.app.get(RollupService).flush();
    expect((await server.api('/api/deployments', { method: 'POST', json: { siteId: site.id, version: 'v1.2.3' } })).status).toBe(201);
    await server.close();
    server = undefined;

    const file = join(dir, 'external.jsonl.gz');
    expect(await cli(['backup', file], { DATABASE_URL: source.url })).toMatch(/Backup written to .*: \d+ rows/);
    expect(statSync(file).mode & 0o077).toBe(0); // the backup holds secrets (site keys): owner only

    const target = await createEmptyDatabase();
    drops.push(target.drop);
    expect(await cli(['restore', file], { DATABASE_URL: target.url })).toMatch(/Restored \d+ rows/);
    const [before, after] = [await snapshot(source.url), await snapshot(target.url)];
    expect(Number(before.beacons.split(':')[0])).toBe(30);
    expect(after).toEqual(before);

    // A second restore into the same database refuses (it is not empty) unless told to replace it.
    await expect(cli(['restore', file], { DATABASE_URL: target.url })).rejects.toThrow(/not empty/);
    await cli(['restore', file, '--replace'], { DATABASE_URL: target.url });
    expect(await snapshot(target.url)).toEqual(before);
  });

  it('works on the embedded default (no pg_dump needed), starting the embedded PostgreSQL itself', { timeout: 180_000 }, async () => {
    const dataDir = join(dir, 'data');
    const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), log: () => undefined });
    try {
      const admin = new Client({ connectionString: pg.url });
      await admin.connect();
      await admin.query('CREATE DATABASE parallax');
      await admin.end();
      const ds = createDataSource(pg.url.replace(/\/postgres$/, '/parallax'));
      await ds.initialize();
      await runMigrations(ds);
      await ds.query(`INSERT INTO sites (name, site_key) VALUES ('Embedded', 'pk_embeddedbackup0001')`);
      await ds.destroy();
    } finally {
      await pg.stop();
    }
    const before = { sites: 1 };
    const file = join(dir, 'embedded.jsonl.gz');
    expect(await cli(['backup', file], { PARALLAX_DATA_DIR: dataDir, PARALLAX_EMBEDDED_PG_PORT: String(await freePort()) })).toMatch(/Backup written/);
    const target = await createEmptyDatabase();
    drops.push(target.drop);
    await cli(['restore', file], { DATABASE_URL: target.url });
    const client = new Client({ connectionString: target.url });
    await client.connect();
    const { rows } = await client.query<{ name: string }>('SELECT name FROM sites');
    await client.end();
    expect(rows.map((r) => r.name)).toEqual(['Embedded']);
    expect(rows.length).toBe(before.sites);
  });
});

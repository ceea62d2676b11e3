/**
 * `npm run backup [-- file]` writes a consistent logical backup of the Parallax database;
 * `npm run restore -- file [--replace]` loads one into an empty database (see scripts/backup-format.ts).
 * The database is DATABASE_URL when set, else the embedded PostgreSQL in PARALLAX_DATA_DIR: the running one when
 * the server is up (a backup then runs beside it), else started for the command and stopped after it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '@parallax/db';
import { loadConfig } from '../apps/server/src/config/config';
import { restoreBackup, writeBackup } from './backup-format';

const EMBEDDED_DATABASE = 'parallax';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A connection URL for the configured database, and whether the server is using it right now. */
async function database(log: (m: string) => void): Promise<{ url: string; serverRunning: boolean; embedded?: EmbeddedDatabase }> {
  const config = loadConfig();
  if (config.databaseUrl) return { url: config.databaseUrl, serverRunning: false };
  const dataDir = resolve(config.dataDir);
  const clusterDir = join(dataDir, 'pg');
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) throw new Error(`no embedded database in ${dataDir} (set PARALLAX_DATA_DIR or DATABASE_URL)`);
  const password = readFileSync(join(dataDir, 'pg-password'), 'utf8').trim();
  const pidFile = join(clusterDir, 'postmaster.pid');
  const ownerFile = join(dataDir, 'server.pid');
  if (existsSync(pidFile)) {
    const lines = readFileSync(pidFile, 'utf8').split('\n');
    const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, 'utf8').trim()) : 0;
    if (isAlive(Number(lines[0])) && owner && isAlive(owner)) {
      log(`Using the embedded PostgreSQL of the running server (port ${lines[3]}).`);
      return { url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${Number(lines[3])}/${EMBEDDED_DATABASE}`, serverRunning: true };
    }
  }
  const embedded = await startEmbeddedPostgres({ dataDir, port: config.embeddedPgPort, log });
  return { url: embedded.url.replace(/\/postgres$/, `/${EMBEDDED_DATABASE}`), serverRunning: false, embedded };
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const args = rest.filter((a) => !a.startsWith('--'));
  const log = (m: string) => process.stderr.write(`${m}\n`);
  if (command !== 'backup' && command !== 'restore') throw new Error('usage: backup [file] | restore <file> [--replace]');
  if (command === 'restore' && !args[0]) throw new Error('usage: npm run restore -- <file> [--replace]');
  if (command === 'restore' && !existsSync(args[0])) throw new Error(`no such file: ${args[0]}`);

  const db = await database(log);
  const client = new Client({ connectionString: db.url, application_name: `parallax-${command}` });
  try {
    if (command === 'restore' && db.serverRunning) throw new Error('the server is running on this database: stop it before restoring');
    await client.connect();
    if (command === 'backup') {
      const file = args[0] ?? `parallax-backup-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl.gz`;
      const started = Date.now();
      const counts = await writeBackup(client, file);
      const rows = Object.values(counts).reduce((a, b) => a + b, 0);
      process.stdout.write(
        `Backup written to ${file}: ${rows} rows in ${Object.keys(counts).length} tables, ${statSync(file).size} bytes, ${Date.now() - started} ms.\n`,
      );
    } else {
      if (rest.includes('--replace')) {
        log('Dropping the public schema of the target database (--replace).');
        await client.query('DROP SCHEMA public CASCADE');
        await client.query('CREATE SCHEMA public');
      }
      const { rowCounts, upgraded } = await restoreBackup(client, db.url, args[0]);
      const rows = Object.values(rowCounts).reduce((a, b) => a + b, 0);
      process.stdout.write(
        `Restored ${rows} rows in ${Object.keys(rowCounts).length} tables from ${args[0]}${upgraded.length ? `; then applied ${upgraded.join(', ')}` : ''}.\n`,
      );
    }
  } finally {
    await client.end().catch(() => undefined);
    await db.embedded?.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${process.argv[2] ?? 'backup'} failed: ${(error as Error).message}\n`);
  process.exit(1);
});

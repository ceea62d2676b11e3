import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startEmbeddedPostgres } from '@parallax/db';

const asRoot = process.getuid?.() === 0;

/** A clone in /root (mode 0700): the `postgres` user the embedded PostgreSQL runs as (as root) cannot enter it. */
describe('the embedded PostgreSQL under a folder others cannot enter', () => {
  const closed = mkdtempSync(join(tmpdir(), 'parallax-e2e-closed-'));
  const relocateRoot = mkdtempSync(join(tmpdir(), 'parallax-e2e-relocated-'));
  const dataDir = join(closed, 'clone', '.parallax');
  const savedRelocate = process.env.PARALLAX_PG_RELOCATE_DIR;

  afterAll(() => {
    if (savedRelocate === undefined) delete process.env.PARALLAX_PG_RELOCATE_DIR;
    else process.env.PARALLAX_PG_RELOCATE_DIR = savedRelocate;
    rmSync(closed, { recursive: true, force: true });
    rmSync(relocateRoot, { recursive: true, force: true });
  });

  it('starts, keeps its cluster where PostgreSQL can reach it, says where, and finds it again on the next start', async () => {
    chmodSync(closed, 0o700);
    mkdirSync(dataDir, { recursive: true });
    process.env.PARALLAX_PG_RELOCATE_DIR = relocateRoot;
    const logs: string[] = [];
    const first = await startEmbeddedPostgres({ dataDir, port: await freePort(), log: (m) => logs.push(m) });
    try {
      const client = new Client({ connectionString: first.url });
      await client.connect();
      await client.query('CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
      await client.end();
    } finally {
      await first.stop();
    }
    expect(statSync(closed).mode & 0o777).toBe(0o700); // the user's folder is left as it was
    if (asRoot) {
      expect(first.clusterDir.startsWith(relocateRoot)).toBe(true);
      expect(logs.join('\n')).toContain(`cannot enter ${closed}: its cluster is kept in ${first.clusterDir} instead`);
    } else {
      expect(first.clusterDir).toBe(join(dataDir, 'pg'));
    }
    expect(existsSync(join(first.clusterDir, 'PG_VERSION'))).toBe(true);

    const second = await startEmbeddedPostgres({ dataDir, port: await freePort(), log: () => undefined });
    try {
      expect(second.clusterDir).toBe(first.clusterDir);
      const client = new Client({ connectionString: second.url });
      await client.connect();
      expect((await client.query('SELECT n FROM kept')).rows).toEqual([{ n: 42 }]);
      await client.end();
    } finally {
      await second.stop();
    }
  });
});

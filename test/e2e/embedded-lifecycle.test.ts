import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { json } from '../support/json';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@parallax/db';
import { spawnServer, type ServerProcess } from '../support/process';

const RUNNING = /"msg":"Parallax is running","url":"([^"]+)"/;
// The plain-text banner printed last; its final row is the database.
const BANNER_END = /\n {2}Database: +[^\n]+\n/;

describe('the server on its embedded PostgreSQL (built output, real processes)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parallax-e2e-embedded-'));
  const running: ServerProcess[] = [];
  let env: Record<string, string>;

  async function start(options: { ownGroup?: boolean } = {}): Promise<{ server: ServerProcess; url: string }> {
    const server = spawnServer(env, options);
    running.push(server);
    const [, url] = await server.waitFor(RUNNING, 60_000);
    await server.waitFor(BANNER_END, 30_000);
    return { server, url };
  }

  afterAll(async () => {
    for (const s of running) if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGTERM');
    await Promise.all(running.map((s) => s.exited));
    // A postmaster orphaned by a failed assertion must not outlive the test.
    const pidFile = join(dataDir, 'pg', 'postmaster.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        /* already gone */
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts, prints the admin token once, keeps data across a restart, and recovers from a kill -9', async () => {
    env = { PORT: String(await freePort()), HOST: '127.0.0.1', PARALLAX_DATA_DIR: dataDir, PARALLAX_EMBEDDED_PG_PORT: String(await freePort()) };

    // First start: initialises the cluster, migrates, generates and prints the admin token.
    const first = await start();
    const output = first.server.output();
    const printed = output.match(/ {2}Admin token: +(pxa_\S+)\n +\(shown once; kept in ([^)]+)\)/);
    expect(printed, output).not.toBeNull();
    expect(printed![2]).toBe(join(dataDir, 'admin-token'));
    // The banner is last and readable: Nest's route listing is at debug, not in front of it.
    const banner = output.slice(output.lastIndexOf('  Parallax is running at'));
    expect(banner).toMatch(
      /^ {2}Parallax is running at http:\/\/localhost:\d+\n\n {2}Dashboard: .*\n {2}API docs: .*\n {2}Admin token: .*\n.*\n {2}Browser: .*\n {2}Database: +embedded PostgreSQL on 127\.0\.0\.1:\d+, data in .*\n/,
    );
    expect(output).not.toContain('RouterExplorer');
    const token = printed![1];
    expect(readFileSync(join(dataDir, 'admin-token'), 'utf8').trim()).toBe(token);
    expect(first.server.output()).toContain(`port ${env.PARALLAX_EMBEDDED_PG_PORT}`);
    const created = await fetch(`${first.url}/api/sites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Kept' }),
    });
    expect(created.status).toBe(201);
    const site = await json(created);

    // SIGTERM stops the server and PostgreSQL cleanly.
    first.server.proc.kill('SIGTERM');
    expect((await first.server.exited).code).toBe(0);
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    // Second start on the same folder: same data, same token, not printed again.
    const second = await start();
    expect(second.server.output()).not.toContain(token);
    expect(second.server.output()).toMatch(/ {2}Admin token: +in .*admin-token\n/);
    const read = await fetch(`${second.url}/api/sites/${site.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(await json(read)).toMatchObject({ id: site.id, name: 'Kept' });

    // kill -9 orphans the postmaster; the next start finds it, stops it, and carries on.
    second.server.proc.kill('SIGKILL');
    await second.server.exited;
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(true);
    const third = await start({ ownGroup: true });
    expect(third.server.output()).toMatch(/left running by an earlier run that was killed/);
    const again = await fetch(`${third.url}/api/sites/${site.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(again.status).toBe(200);
    // Ctrl-C in a terminal: SIGINT to the whole process group. PostgreSQL is in a group of its
    // own, so it is stopped last by the server's ordered shutdown, not at once under it.
    process.kill(-third.server.proc.pid!, 'SIGINT');
    expect((await third.server.exited).code).toBe(0);
    const shutdown = third.server.output().split('"msg":"Shutting down"')[1] ?? '';
    expect(shutdown).not.toMatch(/"level":"(warn|error)"/);
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  }, 240_000); // four starts of the built server; a busy two-core machine needs minutes, not seconds

  it('refuses to start with a bad configuration, naming every bad variable', async () => {
    const server = spawnServer({ PORT: 'eighty', DATABASE_URL: 'mysql://nope', PARALLAX_ADMIN_TOKEN: 'short' });
    running.push(server);
    const { code } = await server.exited;
    expect(code).toBe(2);
    for (const name of ['PORT', 'DATABASE_URL', 'PARALLAX_ADMIN_TOKEN']) expect(server.output()).toContain(name);
  });
});

import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@parallax/db';
import { postRaw, realisticBeacon, seededRandom } from '../support/beacons';
import { createEmptyDatabase } from '../support/database';
import { spawnServer, type ServerProcess } from '../support/process';

const RUNNING = /"msg":"Parallax is running"/;
const TOKEN = 'crash-test-admin-token-0123456789';
const CONCURRENCY = 32;

describe('kill -9 while beacons are being sent (built server, real process)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parallax-e2e-crash-'));
  const running: ServerProcess[] = [];
  let drop: (() => Promise<void>) | undefined;

  afterAll(async () => {
    for (const s of running) if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGKILL');
    await Promise.all(running.map((s) => s.exited));
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has stored every beacon it acknowledged with a 204', async () => {
    const db = await createEmptyDatabase();
    drop = db.drop;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      PARALLAX_DATA_DIR: dataDir,
      PARALLAX_ADMIN_TOKEN: TOKEN,
      PARALLAX_COLLECT_RATE_PER_SEC: '1000000',
      PARALLAX_JOURNEYS_DIR: 'none',
      PARALLAX_LOCAL_AGENT: 'false',
    };
    const start = async () => {
      const server = spawnServer(env);
      running.push(server);
      await server.waitFor(RUNNING, 60_000);
      return server;
    };
    const server = await start();
    const created = await fetch(`${base}/api/sites`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Crash' }) });
    expect(created.status).toBe(201);
    const site = (await created.json()) as { siteKey: string };

    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const rand = seededRandom(9);
    const acknowledged: string[] = [];
    let failed = 0;
    let otherStatus = 0;
    let next = 0;
    let stop = false;
    const sender = async () => {
      while (!stop) {
        const n = next++;
        const { beacon, userAgent } = realisticBeacon(rand, { siteKey: site.siteKey, origin: 'https://crash.example', pageViewId: `crash${n.toString(36).padStart(8, '0')}`, seq: n % 3 });
        try {
          const res = await postRaw(`${base}/_p/e`, JSON.stringify(beacon), { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': userAgent.ua }, agent);
          if (res.status === 204) acknowledged.push(`${beacon.pageViewId}/${beacon.seq}`);
          else otherStatus++;
        } catch {
          failed++; // connection reset or refused: never acknowledged, so no promise was made
          if (stop) return;
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    };
    const senders = Array.from({ length: CONCURRENCY }, sender);

    // Let the stream get going, then kill the server mid-stream with requests in flight.
    const deadline = Date.now() + 20_000;
    while (acknowledged.length < 2_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const inFlightAtKill = next - acknowledged.length - failed - otherStatus;
    server.proc.kill('SIGKILL');
    expect((await server.exited).signal).toBe('SIGKILL');
    await new Promise((r) => setTimeout(r, 200)); // senders see resets and refusals: none may be counted as stored
    stop = true;
    await Promise.all(senders);
    agent.destroy();

    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ page_view_id: string; seq: number }>('SELECT page_view_id, seq FROM beacons');
      const stored = new Set(rows.map((r) => `${r.page_view_id}/${r.seq}`));
      const missing = acknowledged.filter((k) => !stored.has(k));
      console.log(`crash: ${acknowledged.length} acknowledged, ${inFlightAtKill} in flight at the kill, ${failed} failed, ${otherStatus} other answers; ${stored.size} stored, ${missing.length} acknowledged but missing`);
      expect(acknowledged.length).toBeGreaterThan(500);
      expect(otherStatus).toBe(0);
      expect(missing).toEqual([]);
      expect(rows.length).toBe(stored.size); // and none twice
    } finally {
      await client.end();
    }

    // The next start on the same database carries on.
    const again = await start();
    const res = await postRaw(`${base}/_p/e`, JSON.stringify(realisticBeacon(rand, { siteKey: site.siteKey, origin: 'https://crash.example' }).beacon), { 'content-type': 'text/plain' }, new http.Agent());
    expect(res.status).toBe(204);
    // Graceful shutdown is another test's subject (embedded-lifecycle); this one only needed the restart.
    again.proc.kill('SIGKILL');
    await again.exited;
  });
});

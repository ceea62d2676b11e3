import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '@parallax/db';
import { json } from '../support/json';
import { startTestServer, type TestServer } from '../support/server';

/**
 * PostgreSQL goes down under the collector: it answers 503 with Retry-After (never acknowledging what it could not
 * store), stays up with bounded memory, and recovers by itself when the database returns. This test needs a
 * PostgreSQL it may stop, so it starts an embedded one of its own in every run.
 */
describe('the collector when PostgreSQL goes away and comes back', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parallax-outage-'));
  let pg: EmbeddedDatabase | undefined;
  let server: TestServer | undefined;

  afterAll(async () => {
    await server?.close().catch(() => undefined);
    await pg?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 + Retry-After while the database is down, stores only what it acknowledged, and recovers', async () => {
    const port = await freePort();
    pg = await startEmbeddedPostgres({ dataDir, port, log: () => undefined });
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    await admin.query('CREATE DATABASE outage');
    await admin.end();
    const databaseUrl = pg.url.replace(/\/postgres$/, '/outage');
    server = await startTestServer({ PARALLAX_COLLECT_RATE_PER_SEC: '100000', PARALLAX_DB_POOL_SIZE: '4' }, { databaseUrl });
    const site = await json(await server.api('/api/sites', { method: 'POST', json: { name: 'Outage' } }));
    let seq = 0;
    const send = () =>
      fetch(`${server!.url}/_p/e`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ v: 1, siteKey: site.siteKey, pageViewId: `pv_outage_${seq}`, seq: seq++ % 1000, url: 'https://shop.example/', metrics: { lcp: 1000 } }),
      });
    const acknowledged: number[] = [];
    const record = async () => {
      const id = seq;
      const res = await send();
      if (res.status === 204) acknowledged.push(id);
      return res;
    };

    expect((await record()).status).toBe(204);

    await pg.stop();
    pg = undefined;
    const logsAtStop = server.logs.length;
    const stoppedMs = Date.now();
    const during = await Promise.all(
      Array.from({ length: 40 }, async () => {
        const t = Date.now();
        const res = await record();
        return Object.assign(res, { tookMs: Date.now() - t });
      }),
    );
    const timeTo503Ms = during.map((r) => r.tookMs).sort((a, b) => a - b);
    for (const res of during) {
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await json(res)).code).toBe('unavailable');
    }
    // Every API endpoint answers 503 + Retry-After too, not 500 "internal".
    const apiPaths = [
      '/api/sites',
      `/api/sites/${site.id}`,
      `/api/sites/${site.id}/detection`,
      `/api/sites/${site.id}/rum/routes`,
      `/api/sites/${site.id}/rum/series?metric=lcp`,
      `/api/sites/${site.id}/snippet`,
      '/api/journeys',
      '/api/runs',
      '/api/incidents',
      '/api/deployments',
      '/api/webhooks',
      '/api/locations',
    ];
    for (const path of apiPaths) {
      const res = await server.api(path);
      expect(res.status, path).toBe(503);
      expect(Number(res.headers.get('retry-after')), path).toBeGreaterThan(0);
      expect((await json(res)).code, path).toBe('unavailable');
    }
    const create = await server.api('/api/sites', { method: 'POST', json: { name: 'During the outage' } });
    expect(create.status).toBe(503);
    // The outage is logged when it starts, not once per refused request.
    expect(server.logs.filter((l) => /"level":"(warn|error)"/.test(l) && !l.includes('"context":"Database"'))).toEqual([]);

    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(503);
    expect(await json(health)).toMatchObject({ database: 'down' });

    pg = await startEmbeddedPostgres({ dataDir, port, log: () => undefined });
    const deadline = Date.now() + 20_000;
    let recovered = false;
    while (!recovered && Date.now() < deadline) {
      recovered = (await record()).status === 204;
      if (!recovered) await new Promise((r) => setTimeout(r, 200));
    }
    expect(recovered).toBe(true);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);

    const stored: { page_view_id: string }[] = await server.dataSource.query('SELECT page_view_id FROM beacons');
    const outageLines = server.logs.slice(logsAtStop).filter((l) => !/"level":"debug"/.test(l));
    console.log(
      `outage (pg stop): ${JSON.stringify({ statuses: [...new Set(during.map((r) => r.status))], timeTo503MedianMs: timeTo503Ms[20], timeTo503MaxMs: timeTo503Ms[39], acknowledged: acknowledged.length, stored: stored.length, lost: acknowledged.filter((id) => !stored.some((r) => Number(r.page_view_id.split('_')[2]) === id)).length, outageLogLines: outageLines.length, outageMs: Date.now() - stoppedMs })}`,
    );
    expect(outageLines.length).toBeLessThanOrEqual(3); // start, end, and nothing per request
    expect(stored.map((r) => Number(r.page_view_id.split('_')[2])).sort((a, b) => a - b)).toEqual([...acknowledged].sort((a, b) => a - b));
  });
});

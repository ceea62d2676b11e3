import { afterAll, describe, expect, it } from 'vitest';
import { RollupService } from '../../apps/server/src/ingest/rollup.service';
import { sendBeacon } from '../support/beacons';
import { createEmptyDatabase } from '../support/database';
import { json } from '../support/json';
import { startTestServer, type TestServer } from '../support/server';

const ORIGIN = 'https://retry.example';

/**
 * A client that did not get (or did not read) the answer sends the same body again: after a 503, a timeout or a
 * connection reset. The collector is idempotent per (site, page view, seq): acknowledged every time, stored
 * and rolled up once, also when the retry reaches another server process (here: a restart on the same database).
 */
describe('the same beacon sent five times across a server restart', () => {
  let server: TestServer | undefined;
  let drop: (() => Promise<void>) | undefined;

  afterAll(async () => {
    await server?.close().catch(() => undefined);
    await drop?.();
  });

  it('is stored once and counted once in the rollups', async () => {
    const db = await createEmptyDatabase();
    drop = db.drop;
    const env = { PARALLAX_COLLECT_RATE_PER_SEC: '100000', PARALLAX_ROLLUP_COMPACT_MS: '3600000' };
    server = await startTestServer(env, { databaseUrl: db.url });
    const site = await json(await server.api('/api/sites', { method: 'POST', json: { name: 'Retries', allowedOrigins: [ORIGIN] } }));
    const body = { v: 1, siteKey: site.siteKey, pageViewId: 'pv_retried_0001', seq: 0, url: `${ORIGIN}/cart`, metrics: { lcp: 1234 } };
    const other = { ...body, seq: 1, metrics: { cls: 0.1 } }; // the next beacon of the page view is a different one

    const send = async (b: unknown) => (await sendBeacon(`${server!.url}/_p/e`, b, { origin: ORIGIN })).status;
    expect([await send(body), await send(body), await send(other)]).toEqual([204, 204, 204]);
    // Twice in one request too (a client that batches its retries with new beacons).
    expect(await send([body, body])).toBe(204);
    await server.app.get(RollupService).flush();
    await server.close(); // graceful: flushes what is still in memory
    server = undefined;

    server = await startTestServer(env, { databaseUrl: db.url });
    expect([await send(body), await send(body)]).toEqual([204, 204]);
    await server.app.get(RollupService).flush();

    const rows: { seq: number }[] = await server.dataSource.query('SELECT seq FROM beacons WHERE page_view_id = $1 ORDER BY seq', [body.pageViewId]);
    expect(rows.map((r) => r.seq)).toEqual([0, 1]);
    const [counted] = await server.dataSource.query(
      `SELECT coalesce(sum(count) FILTER (WHERE metric = 'beacons'), 0)::int AS beacons, coalesce(sum(count) FILTER (WHERE metric = 'lcp' AND dim = 'all'), 0)::int AS lcp
       FROM rollups WHERE site_id = $1`,
      [site.id],
    );
    expect(counted).toEqual({ beacons: 2, lcp: 1 });
  });
});

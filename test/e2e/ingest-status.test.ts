import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestStatus } from '@parallax/contracts';
import { IngestStatusService } from '../../apps/server/src/ingest/ingest-status.service';
import { postRaw, sendBeacon } from '../support/beacons';
import { json } from '../support/json';
import { startTestServer, type TestServer } from '../support/server';

const ORIGIN = 'https://onboarding.example';

/** Onboarding truth: the last beacon and the refusals by reason, counted in memory and flushed to the table. */
describe('GET /api/sites/:id/ingest-status', () => {
  let server: TestServer;

  beforeAll(async () => {
    // A small burst (10 x 3/s) so that the rate limit is reached within the test.
    server = await startTestServer({ PARALLAX_COLLECT_RATE_PER_SEC: '3' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('says when the last beacon came and why others were refused', async () => {
    const site = await json(await server.api('/api/sites', { method: 'POST', json: { name: 'Onboarding', allowedOrigins: [ORIGIN] } }));
    const fresh: IngestStatus = await json(await server.api(`/api/sites/${site.id}/ingest-status`));
    expect(fresh).toEqual({ lastBeaconAt: null, acceptedLastHour: 0, rejected: { origin: 0, key: 0, size: 0, rate: 0, invalid: 0 } });

    const collect = `${server.url}/_p/e`;
    const good = (i: number) => ({ v: 1, siteKey: site.siteKey, pageViewId: `pv_onboard_${i}`, seq: 0, url: `${ORIGIN}/` });
    const statuses: number[] = [];
    const send = async (body: unknown, origin = ORIGIN) => statuses.push((await sendBeacon(collect, body, { origin })).status);
    const before = Date.now();
    await send(good(1));
    await send(good(2));
    await send(good(3), 'https://elsewhere.example'); // wrong origin
    await send({ ...good(4), siteKey: 'pk_typoInTheKey000000' }); // unknown key, from the site's origin
    await send({ ...good(5), seq: 'x' }); // invalid
    statuses.push((await postRaw(collect, 'x'.repeat(70_000), { 'content-type': 'text/plain', origin: ORIGIN })).status); // too large
    expect(statuses).toEqual([204, 204, 403, 404, 400, 413]);
    for (let i = 0; i < 30 && !statuses.includes(429); i++) await send(good(100 + i));
    expect(statuses).toContain(429);

    const expectAccepted = statuses.filter((s) => s === 204).length;
    const expectRate = statuses.filter((s) => s === 429).length;
    const check = (s: IngestStatus) => {
      expect(s.acceptedLastHour).toBe(expectAccepted);
      expect(s.rejected).toEqual({ origin: 1, key: 1, size: 1, rate: expectRate, invalid: 1 });
      expect(Date.parse(s.lastBeaconAt!)).toBeGreaterThanOrEqual(before - 1_000);
    };
    // Before the counters are flushed (this replica's own counts) and after (from the table, as other replicas see them).
    await server.app.get(IngestStatusService).flush();
    check(await json(await server.api(`/api/sites/${site.id}/ingest-status`)));
    const [row] = await server.dataSource.query(
      'SELECT sum(accepted)::int AS accepted, sum(rejected_key)::int AS key FROM ingest_counters WHERE site_id = $1',
      [site.id],
    );
    expect(row).toEqual({ accepted: expectAccepted, key: 1 });

    expect((await server.api('/api/sites/00000000-0000-4000-8000-000000000000/ingest-status')).status).toBe(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymiseSession } from '@parallax/privacy';
import { QuantileSketch } from '@parallax/sketch';
import { BeaconRepository, partitionName } from '../../apps/server/src/ingest/beacon.repository';
import { IngestService, isRowRefused } from '../../apps/server/src/ingest/ingest.service';
import { RetentionService } from '../../apps/server/src/ingest/retention.service';
import { RollupRepository } from '../../apps/server/src/ingest/rollup.repository';
import { RollupService } from '../../apps/server/src/ingest/rollup.service';
import { keepAliveAgent, postRaw, randomId, realisticBeacon, seededRandom, sendBeacon, storedRow, USER_AGENTS } from '../support/beacons';
import { json } from '../support/json';
import { startTestServer, type TestServer } from '../support/server';

const ORIGIN = 'https://shop.example';
const CHROME = USER_AGENTS[0];
const DAY_MS = 86_400_000;

interface Site {
  id: string;
  siteKey: string;
}

/** A minimal valid beacon; every test gives its own page view id. */
function beacon(siteKey: string, extra: Record<string, unknown> = {}) {
  return { v: 1, siteKey, pageViewId: `pv${randomId(Math.random, 14)}`, seq: 0, url: `${ORIGIN}/`, metrics: { lcp: 1234.5 }, ...extra };
}

describe('the beacon collector over real HTTP', () => {
  let server: TestServer;
  let site: Site;
  let collect: string;
  const rand = seededRandom(7);

  async function createSite(body: Record<string, unknown>): Promise<Site> {
    const res = await server.api('/api/sites', { method: 'POST', json: body });
    expect(res.status).toBe(201);
    return json(res);
  }
  const rowsOf = (pageViewId: string) => server.dataSource.query('SELECT * FROM beacons WHERE page_view_id = $1 ORDER BY seq', [pageViewId]);
  const count = async (sql: string, params: unknown[]) => Number((await server.dataSource.query(sql, params))[0].n);

  beforeAll(async () => {
    // Compaction off: tests drive RollupService themselves.
    server = await startTestServer({ PARALLAX_REGION_HEADER: 'CF-IPCountry', PARALLAX_COLLECT_RATE_PER_SEC: '100000', PARALLAX_ROLLUP_COMPACT_MS: '3600000' });
    site = await createSite({ name: 'Shop', allowedOrigins: [ORIGIN], allowedQueryParams: ['utm_source'], routeRules: [{ pattern: '/p/:slug', template: '/product/:slug' }] });
    collect = `${server.url}/_p/e`;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('stores a valid beacon enriched and pseudonymised: route, redacted path, country, UA segments, hashed session', async () => {
    const b = beacon(site.siteKey, {
      sessionId: 'raw-session-id-0123456789',
      url: `${ORIGIN}/p/red-shoes?utm_source=news&email=jane%40example.com#reviews`,
      timeZone: 'Europe/Berlin',
      connection: { effectiveType: '3g', rttMs: 300, saveData: false },
      release: 'v2.3.1',
      metrics: { lcp: 2500, fcp: 900.5, ttfb: 210, cls: 0.12, inp: 180 },
      timings: { dns: 12, load: 2100 },
      viewport: { w: 390, h: 844 },
    });
    const res = await sendBeacon(collect, b, { origin: ORIGIN, userAgent: CHROME.ua });
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);

    const [row] = await rowsOf(b.pageViewId);
    expect(row).toMatchObject({
      site_id: site.id,
      seq: 0,
      route: '/product/:slug',
      path: '/p/red-shoes?utm_source=news',
      country: 'DE',
      browser: 'chrome',
      browser_major: 'chrome 124',
      os: 'windows',
      device: 'desktop',
      connection: '3g',
      release: 'v2.3.1',
      lcp: 2500,
      fcp: 900.5,
      ttfb: 210,
      cls: 0.12,
      inp: 180,
      dns: 12,
      load: 2100,
      viewport_w: 390,
      synthetic_run_id: null,
    });
    const [{ salt }] = await server.dataSource.query('SELECT salt FROM daily_salts WHERE day = $1', [new Date().toISOString().slice(0, 10)]);
    expect(row.session_hash).toBe(pseudonymiseSession('raw-session-id-0123456789', site.id, salt));
    expect(row.session_hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const text = JSON.stringify(row);
    for (const leaked of ['raw-session-id', 'email', 'jane', 'reviews', CHROME.ua, 'Mozilla', 'AppleWebKit']) expect(text).not.toContain(leaked);
  });

  it('takes the country from the trusted edge header when set, else from the time zone, and reads UAs into segments', async () => {
    const cases = [
      { header: 'BR', zone: 'Europe/Berlin', country: 'BR' },
      { header: 'xx', zone: 'Asia/Calcutta', country: 'IN' }, // a placeholder header falls back to the time zone
      { header: undefined, zone: 'America/New_York', country: 'US' },
      { header: undefined, zone: 'Etc/UTC', country: 'unknown' },
    ];
    for (const [i, c] of cases.entries()) {
      const ua = USER_AGENTS[i + 1];
      const b = beacon(site.siteKey, { timeZone: c.zone, url: `${ORIGIN}/cart?q=secret#frag` });
      const res = await sendBeacon(collect, b, { origin: ORIGIN, userAgent: ua.ua, headers: c.header ? { 'cf-ipcountry': c.header } : {} });
      expect(res.status).toBe(204);
      const [row] = await rowsOf(b.pageViewId);
      expect(row).toMatchObject({ country: c.country, path: '/cart', route: '/cart', browser: ua.browser, browser_major: ua.browserMajor, os: ua.os, device: ua.device, session_hash: null });
    }
  });

  it('accepts the body as text whatever the content type (sendBeacon sends text/plain;charset=UTF-8)', async () => {
    for (const type of ['text/plain;charset=UTF-8', 'application/json', 'application/x-www-form-urlencoded', 'application/octet-stream', 'multipart/form-data']) {
      const b = beacon(site.siteKey);
      const res = await postRaw(collect, JSON.stringify(b), { 'content-type': type, origin: ORIGIN });
      expect(res.status, type).toBe(204);
      expect(await rowsOf(b.pageViewId)).toHaveLength(1);
    }
  });

  it('stores text PostgreSQL cannot hold (NUL, lone surrogates) cleaned, without failing the beacons batched with it', async () => {
    const odd = beacon(site.siteKey, { release: 'v1\u0000beta', syntheticRunId: 'run\ud800', events: [{ name: 'buy\u0000', props: { ['k\u0000']: 'x\udc00y' } }], attribution: { lcpElement: 'img\u0000' } });
    const normal = beacon(site.siteKey);
    const answers = await Promise.all([odd, normal].map((b) => sendBeacon(collect, b, { origin: ORIGIN })));
    expect(answers.map((a) => a.status)).toEqual([204, 204]);
    const [row] = await rowsOf(odd.pageViewId);
    expect(row).toMatchObject({ release: 'v1beta', synthetic_run_id: 'run\ufffd', events: [{ name: 'buy', props: { k: 'x\ufffdy' } }], attribution: { lcpElement: 'img' } });
    expect(await rowsOf(normal.pageViewId)).toHaveLength(1);
  });

  it('commits the rest of a group-commit batch when PostgreSQL refuses one row in it', async () => {
    // A row that got past every check and still is not storable (here a NUL, which the collector
    // would have cleaned): only its write fails, and it fails as refused data, not as an outage.
    const writer = server.app.get(IngestService).writer;
    const now = new Date();
    const ids = Array.from({ length: 12 }, (_, i) => `pvsplit${i}${randomId(rand, 10)}`);
    const rows = ids.map((id, i) => storedRow(site.id, now, id, 0, i === 5 ? { route: '/bad\u0000route' } : {}));
    const results = await Promise.allSettled(rows.map((r) => writer.write(r)));
    expect(results.map((r) => r.status)).toEqual(ids.map((_, i) => (i === 5 ? 'rejected' : 'fulfilled')));
    expect(isRowRefused((results[5] as PromiseRejectedResult).reason)).toBe(true);
    const stored = await server.dataSource.query('SELECT page_view_id FROM beacons WHERE page_view_id = ANY($1)', [ids]);
    expect(stored.map((r: { page_view_id: string }) => r.page_view_id).sort()).toEqual(ids.filter((_, i) => i !== 5).sort());
  });

  it('reflects an origin in CORS headers only when the site the key names allows it, never on a preflight', async () => {
    // The snippet's text/plain beacons need no preflight; a preflight has no key, so it names no site to check.
    for (const origin of [ORIGIN, 'https://evil.example']) {
      const pre = await fetch(collect, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(pre.headers.get('vary')).toMatch(/origin/i);
    }
    // Allowed: reflected on success and on errors found after the site and origin were checked.
    const ok = await sendBeacon(collect, beacon(site.siteKey), { origin: ORIGIN });
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(ok.headers.vary).toMatch(/origin/i);
    const badUrl = await sendBeacon(collect, beacon(site.siteKey, { url: 'not a url at all' }), { origin: ORIGIN });
    expect(badUrl.status).toBe(400);
    expect(badUrl.headers['access-control-allow-origin']).toBe(ORIGIN);
    // Not reflected: another origin (403), an unknown key (404), a body that names no site (400).
    const evil = await sendBeacon(collect, beacon(site.siteKey), { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const unknown = await sendBeacon(collect, beacon('pk_NoSuchSiteKey000000'), { origin: ORIGIN });
    expect(unknown.status).toBe(404);
    expect(unknown.headers['access-control-allow-origin']).toBeUndefined();
    const bad = await sendBeacon(collect, { v: 1 }, { origin: ORIGIN });
    expect(bad.status).toBe(400);
    expect(bad.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers 413 for bodies over 64 KB and takes one of exactly 64 KB', async () => {
    const b = beacon(site.siteKey);
    const text = JSON.stringify(b);
    const exact = text.slice(0, -1) + ' '.repeat(64 * 1024 - Buffer.byteLength(text)) + '}';
    expect(Buffer.byteLength(exact)).toBe(64 * 1024);
    expect((await postRaw(collect, exact, { 'content-type': 'text/plain', origin: ORIGIN })).status).toBe(204);
    for (const body of [exact + ' ', 'x'.repeat(200_000), JSON.stringify({ ...beacon(site.siteKey), release: 'é'.repeat(33_000) })]) {
      const res = await postRaw(collect, body, { 'content-type': 'text/plain', origin: ORIGIN });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body)).toMatchObject({ statusCode: 413, code: 'payload_too_large' });
    }
  });

  it('answers 400 naming the bad field', async () => {
    const k = site.siteKey;
    const cases: [string, string][] = [
      ['{not json', 'body'],
      ['[]', 'body'],
      [JSON.stringify(Array.from({ length: 21 }, () => beacon(k))), 'body'],
      [JSON.stringify(beacon(k, { v: 2 })), 'v'],
      [JSON.stringify(beacon(k, { seq: -1 })), 'seq'],
      [JSON.stringify(beacon(k, { seq: 'one' })), 'seq'],
      [JSON.stringify(beacon(k, { pageViewId: 'a b' })), 'pageViewId'],
      [JSON.stringify(beacon(k, { metrics: { lcp: 'fast' } })), 'metrics.lcp'],
      [JSON.stringify(beacon(k, { metrics: { lcp: -5 } })), 'metrics.lcp'],
      [JSON.stringify(beacon(k, { url: 'not a url' })), 'url'],
      [JSON.stringify(beacon(k, { url: 'javascript:alert(1)' })), 'url'],
      [JSON.stringify(beacon(k, { viewport: { w: 1.5, h: 2 } })), 'viewport.w'],
      [JSON.stringify(beacon(k, { events: [{ name: '' }] })), 'events.0.name'],
      [JSON.stringify(beacon(k, { navType: 'teleport' })), 'navType'],
      [JSON.stringify(beacon(k, { sneaky: true })), 'sneaky'],
      [JSON.stringify([beacon(k), beacon(k, { seq: 1.5 })]), '1.seq'],
      [JSON.stringify([beacon(k), beacon(k, { url: 'nope' })]), '1.url'],
      [JSON.stringify([beacon(k), beacon('pk_other_site_key_12345')]), 'siteKey'],
      [JSON.stringify({ ...beacon(k), siteKey: undefined }), 'siteKey'],
    ];
    for (const [body, field] of cases) {
      const res = await postRaw(collect, body, { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN });
      expect(res.status, body.slice(0, 80)).toBe(400);
      const answer = JSON.parse(res.body);
      expect(answer).toMatchObject({ statusCode: 400, code: 'validation_failed' });
      expect(answer.message, body.slice(0, 80)).toContain(field);
    }
  });

  it('answers 404 for an unknown site key and 403 for an origin the site does not allow', async () => {
    const unknown = await sendBeacon(collect, beacon('pk_NoSuchSiteKey000000'), { origin: ORIGIN });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ statusCode: 404, code: 'unknown_site_key' });
    for (const origin of ['https://evil.example', 'http://shop.example', undefined]) {
      const b = beacon(site.siteKey);
      const res = await sendBeacon(collect, b, { origin });
      expect(res.status, String(origin)).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ statusCode: 403, code: 'origin_not_allowed' });
      expect(await rowsOf(b.pageViewId)).toHaveLength(0);
    }
  });

  it('stores synthetic beacons as synthetic and rolls them up apart from real users', async () => {
    const route = '/synthetic-check';
    const send = (lcp: number, syntheticRunId?: string) =>
      sendBeacon(collect, beacon(site.siteKey, { url: `${ORIGIN}${route}`, timeZone: 'Europe/Berlin', metrics: { lcp }, ...(syntheticRunId ? { syntheticRunId } : {}) }), { origin: ORIGIN, userAgent: CHROME.ua });
    for (const lcp of [1000, 1100, 1200, 1300, 1400]) expect((await send(lcp)).status).toBe(204);
    for (const lcp of [5000, 5100, 5200]) expect((await send(lcp, 'run-42')).status).toBe(204);
    expect(await count(`SELECT count(*) AS n FROM beacons WHERE route = $1 AND synthetic_run_id = 'run-42'`, [route])).toBe(3);
    await server.app.get(RollupService).flush();

    const series = async (extra: string) => {
      const q = `route=${encodeURIComponent(route)}&metric=lcp&from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}&bucketMinutes=1440${extra}`;
      const res = await server.api(`/api/sites/${site.id}/rum/series?${q}`);
      expect(res.status).toBe(200);
      const points: { count: number; p50: number | null }[] = (await json(res)).points;
      return { count: points.reduce((s, p) => s + p.count, 0), p50: points.find((p) => p.count)?.p50 ?? null };
    };
    const rum = await series('');
    expect(rum.count).toBe(5);
    expect(rum.p50).toBeGreaterThan(1150);
    expect(rum.p50).toBeLessThan(1250);
    const synthetic = await series('&source=synthetic');
    expect(synthetic.count).toBe(3);
    expect(synthetic.p50).toBeGreaterThan(5050);
    expect((await series('&segment=country:DE')).count).toBe(5);
    expect((await series('&source=synthetic&segment=country:DE')).count).toBe(0);
  });

  it("keeps a page view's beacons joinable by page_view_id, also when several come in one request", async () => {
    const pageViewId = `pv${randomId(rand, 20)}`;
    const base = { sessionId: 'tab-session-abcdefgh', url: `${ORIGIN}/product/123` };
    expect((await sendBeacon(collect, beacon(site.siteKey, { ...base, pageViewId, seq: 0, metrics: { ttfb: 200, fcp: 800 } }), { origin: ORIGIN })).status).toBe(204);
    const later = [
      beacon(site.siteKey, { ...base, pageViewId, seq: 1, metrics: { lcp: 2100, cls: 0.02 } }),
      beacon(site.siteKey, { ...base, pageViewId, seq: 2, metrics: { inp: 140 }, events: [{ name: 'checkout_completed', props: { value: 42 } }] }),
    ];
    expect((await sendBeacon(collect, later, { origin: ORIGIN })).status).toBe(204);
    const rows = await rowsOf(pageViewId);
    expect(rows.map((r: { seq: number }) => r.seq)).toEqual([0, 1, 2]);
    expect(new Set(rows.map((r: { session_hash: string }) => r.session_hash)).size).toBe(1);
    expect(rows.every((r: { route: string }) => r.route === '/product/:id')).toBe(true);
    const [view] = await server.dataSource.query(
      `SELECT max(ttfb) AS ttfb, max(lcp) AS lcp, max(inp) AS inp, bool_or(events @> '[{"name":"checkout_completed"}]') AS converted
       FROM beacons WHERE site_id = $1 AND page_view_id = $2`,
      [site.id, pageViewId],
    );
    expect(view).toEqual({ ttfb: 200, lcp: 2100, inp: 140, converted: true });
  });

  it("deletes a site's beacons and rollups with the site, and keeps ingesting for other sites", async () => {
    const doomed = await createSite({ name: 'Doomed' });
    for (let i = 0; i < 5; i++) {
      const g = realisticBeacon(rand, { siteKey: doomed.siteKey, origin: 'https://doomed.example' });
      expect((await sendBeacon(collect, g.beacon, { userAgent: g.userAgent.ua })).status).toBe(204);
    }
    const rollups = server.app.get(RollupService);
    await rollups.flush();
    const beaconsOf = (id: string) => count('SELECT count(*) AS n FROM beacons WHERE site_id = $1', [id]);
    const rollupsOf = (id: string) => count('SELECT count(*) AS n FROM rollups WHERE site_id = $1', [id]);
    expect(await beaconsOf(doomed.id)).toBe(5);
    expect(await rollupsOf(doomed.id)).toBeGreaterThan(0);

    // Beacons that arrive just before the delete leave fragments in memory that can no longer be stored.
    expect((await sendBeacon(collect, beacon(doomed.siteKey), {})).status).toBe(204);
    expect((await server.api(`/api/sites/${doomed.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await beaconsOf(doomed.id)).toBe(0);
    expect(await rollupsOf(doomed.id)).toBe(0);
    // ...and beacons sent right after it (the key is still cached) must not break other sites' writes either.
    const late = await sendBeacon(collect, beacon(doomed.siteKey), {});
    expect([204, 404]).toContain(late.status);

    const b = beacon(site.siteKey, { url: `${ORIGIN}/after-delete` });
    expect((await sendBeacon(collect, b, { origin: ORIGIN })).status).toBe(204);
    await rollups.flush();
    expect(await beaconsOf(doomed.id)).toBe(0);
    expect(await rollupsOf(doomed.id)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM rollups WHERE site_id = $1 AND route = '/after-delete'`, [site.id])).toBeGreaterThan(0);
  });

  it("enforces retention: drops day partitions past the longest retention and deletes rows past each site's own", async () => {
    const short = await createSite({ name: 'Short memory', retentionDays: 7 });
    const now = Date.now();
    const old = new Date(now - 40 * DAY_MS);
    const mid = new Date(now - 10 * DAY_MS);
    const beacons = server.app.get(BeaconRepository);
    await beacons.ensurePartition(Math.floor(old.getTime() / DAY_MS) * DAY_MS);
    const rows = [];
    for (const s of [site, short]) for (const [i, at] of [old, mid, new Date(now)].entries()) rows.push(storedRow(s.id, at, `ret${i}${s.id.slice(0, 8)}`));
    await beacons.insertBatch(rows);
    const sketch = new QuantileSketch();
    sketch.add(2000);
    const fragment = (siteId: string, at: Date) => ({ siteId, source: 'rum' as const, route: '/', metric: 'lcp', dim: 'all' as const, dimValue: 'all', minute: Math.floor(at.getTime() / 60_000) * 60_000, count: 1, sketch });
    await server.app.get(RollupRepository).insertFragments([site, short].flatMap((s) => [fragment(s.id, old), fragment(s.id, mid)]));

    const oldPartition = partitionName(Math.floor(old.getTime() / DAY_MS) * DAY_MS);
    expect(await count(`SELECT count(*) AS n FROM pg_class WHERE relname = $1`, [oldPartition])).toBe(1);
    const result = await server.app.get(RetentionService).run(now);
    expect(result?.droppedPartitions).toContain(oldPartition);
    expect(await count(`SELECT count(*) AS n FROM pg_class WHERE relname = $1`, [oldPartition])).toBe(0);
    const at = async (s: Site, when: Date) => count('SELECT count(*) AS n FROM beacons WHERE site_id = $1 AND received_at = $2', [s.id, when]);
    expect([await at(site, old), await at(site, mid), await at(site, new Date(now))]).toEqual([0, 1, 1]);
    expect([await at(short, old), await at(short, mid), await at(short, new Date(now))]).toEqual([0, 0, 1]);
    const rollupsAt = async (s: Site, when: Date) => count(`SELECT count(*) AS n FROM rollups WHERE site_id = $1 AND minute = date_trunc('minute', $2::timestamptz)`, [s.id, when]);
    expect([await rollupsAt(site, old), await rollupsAt(site, mid)]).toEqual([0, 1]);
    expect([await rollupsAt(short, old), await rollupsAt(short, mid)]).toEqual([0, 0]);
    // Today's and the next days' partitions exist, so the hot path never waits for DDL.
    expect(await count(`SELECT count(*) AS n FROM pg_class WHERE relname = $1`, [partitionName(Math.floor(now / DAY_MS) * DAY_MS + DAY_MS)])).toBe(1);
  });
});

describe('the collector token bucket', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ PARALLAX_COLLECT_RATE_PER_SEC: '1' });
  });
  afterAll(async () => {
    await server?.close();
    keepAliveAgent.destroy();
  });

  it('answers 429 with Retry-After once a client has used its burst (10 x the rate)', async () => {
    const site: Site = await json(await server.api('/api/sites', { method: 'POST', json: { name: 'Limited' } }));
    const answers = [];
    for (let i = 0; i < 14; i++) answers.push(await sendBeacon(`${server.url}/_p/e`, beacon(site.siteKey)));
    const ok = answers.filter((a) => a.status === 204).length;
    expect(answers.slice(0, 10).map((a) => a.status)).toEqual(Array(10).fill(204));
    expect(ok).toBeLessThanOrEqual(11); // at most one token refilled while sending
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBe(14 - ok);
    for (const a of limited) {
      expect(Number(a.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(a.body)).toMatchObject({ statusCode: 429, code: 'rate_limited' });
    }
    expect(Number((await server.dataSource.query('SELECT count(*) AS n FROM beacons WHERE site_id = $1', [site.id]))[0].n)).toBe(ok);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetentionService } from '../../apps/server/src/ingest/retention.service';
import { RollupService } from '../../apps/server/src/ingest/rollup.service';
import { inParallel, keepAliveAgent, postRaw, realisticBeacon, seededRandom, sendBeacon } from '../support/beacons';
import { json } from '../support/json';
import { startTestServer, type TestServer } from '../support/server';

const ORIGIN = 'https://private.example';
const IPS = ['203.0.113.77', '198.51.100.23', '2001:db8:cafe::17', '2001:0db8:cafe:0000:0000:0000:0000:0017', '127.0.0.1'];
const RAW_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 PrivacyProbe/9.8.7';
const RAW_SESSION = 'raw-session-id-leakcheck';
const SECRET_QUERY = 'leaky%40example.com';
/** An email address in the path: the route templater names it :email, and the stored path must not keep it. */
const PATH_EMAIL = 'pathleak.person@example.com';

/** Headers a proxy chain or a client might add, all naming the client's address. */
const IP_HEADERS = {
  'x-forwarded-for': '203.0.113.77, 198.51.100.23',
  'x-real-ip': '203.0.113.77',
  forwarded: 'for="[2001:db8:cafe::17]";proto=https, for=203.0.113.77',
  'cf-connecting-ip': '2001:db8:cafe::17',
  'true-client-ip': '198.51.100.23',
  'x-client-ip': '2001:0db8:cafe:0000:0000:0000:0000:0017',
  'cf-ipcountry': 'FR',
};

describe('the client IP and raw user agent are never kept', () => {
  let server: TestServer;
  beforeAll(async () => {
    // A low rate so the token bucket (keyed by the client address, in memory only) also says 429.
    server = await startTestServer({ PARALLAX_COLLECT_RATE_PER_SEC: '4', PARALLAX_REGION_HEADER: 'cf-ipcountry', PARALLAX_LOG_LEVEL: 'debug' });
  });
  afterAll(async () => {
    await server?.close();
    keepAliveAgent.destroy();
  });

  it('appears in no table, no column and no log line after valid, invalid, refused and rate-limited traffic', async () => {
    const site = await json(await server.api('/api/sites', { method: 'POST', json: { name: 'Private', allowedOrigins: [ORIGIN] } }));
    const collect = `${server.url}/_p/e`;
    const rand = seededRandom(5);
    const statuses: number[] = [];
    const send = async (body: unknown, origin = ORIGIN) => {
      const res = await sendBeacon(collect, body, { origin, userAgent: RAW_UA, headers: IP_HEADERS });
      statuses.push(res.status);
    };
    // Refused traffic first (400, 404, 403, 413), then more beacons than the bucket's burst allows (204, then 429).
    await send({ v: 1, siteKey: site.siteKey, pageViewId: 'privacy-bad-1', seq: 'x', url: `${ORIGIN}/` });
    await send({ v: 1, siteKey: 'pk_unknownKey0000000000', pageViewId: 'privacy-bad-2', seq: 0, url: `${ORIGIN}/` });
    await send({ v: 1, siteKey: site.siteKey, pageViewId: 'privacy-bad-3', seq: 0, url: `${ORIGIN}/` }, 'https://evil.example');
    statuses.push((await postRaw(collect, 'x'.repeat(70_000), { ...IP_HEADERS, 'user-agent': RAW_UA })).status);
    statuses.push((await postRaw(collect, '{broken', { ...IP_HEADERS, 'user-agent': RAW_UA })).status);
    expect(statuses).toEqual([400, 404, 403, 413, 400]);
    await inParallel(80, 8, async (i) => {
      const { beacon } = realisticBeacon(rand, { siteKey: site.siteKey, origin: ORIGIN, sessionId: RAW_SESSION, seq: i % 4 });
      beacon.url = `${ORIGIN}/account/${PATH_EMAIL}/orders/123?email=${SECRET_QUERY}#top`;
      await send(beacon);
    });
    expect(statuses).toContain(204);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    await server.app.get(RollupService).flush();
    await server.app.get(RollupService).maintain(Date.now());
    await server.app.get(RetentionService).run(Date.now());
    const stored = Number((await server.dataSource.query('SELECT count(*) AS n FROM beacons WHERE site_id = $1', [site.id]))[0].n);
    expect(stored).toBe(statuses.filter((s) => s === 204).length);
    const [row] = await server.dataSource.query('SELECT country, browser, path FROM beacons WHERE site_id = $1 LIMIT 1', [site.id]);
    // Only derived facts remain: the country from the trusted header, the browser family, the path without query
    // and with the email address redacted as the route names it.
    expect(row).toEqual({ country: 'FR', browser: 'chrome', path: '/account/:email/orders/123' });

    // Every table, partitions included, every row with every column as text (and bytea in hex, checked too).
    const tables: { schema: string; name: string }[] = await server.dataSource.query(
      `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
       ORDER BY 1, 2`,
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['beacons', 'rollups', 'sites', 'daily_salts']));
    expect(tables.some((t) => /^beacons_p\d{8}$/.test(t.name))).toBe(true);
    const dump: string[] = [];
    for (const t of tables) {
      const rows: { r: string }[] = await server.dataSource.query(`SELECT t::text AS r FROM "${t.schema}"."${t.name}" t`);
      for (const r of rows) dump.push(`${t.name}: ${r.r}`);
    }
    expect(dump.length).toBeGreaterThan(stored);
    // Positive controls: the dump does hold what the beacons carried once made anonymous.
    expect(dump.filter((l) => l.startsWith('beacons_p') && l.includes('/account/:email/orders/:id') && l.includes('chrome 124')).length).toBe(stored);

    const hex = (s: string) => Buffer.from(s).toString('hex');
    const forbidden = [...IPS, ...IPS.map(hex), RAW_UA, 'PrivacyProbe', hex('PrivacyProbe'), RAW_SESSION, SECRET_QUERY, 'leaky', PATH_EMAIL, 'pathleak'];
    const haystacks = { database: dump, logs: server.logs };
    expect(server.logs.length).toBeGreaterThan(0);
    for (const [where, lines] of Object.entries(haystacks)) {
      for (const needle of forbidden) {
        const hits = lines.filter((line) => line.includes(needle));
        expect(hits.slice(0, 3), `${needle} found in ${where}`).toEqual([]);
      }
    }
  });
});

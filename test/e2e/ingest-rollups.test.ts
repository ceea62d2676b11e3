import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BeaconRepository } from '../../apps/server/src/ingest/beacon.repository';
import { RollupAggregator } from '../../apps/server/src/ingest/rollup-aggregator';
import { RollupRepository } from '../../apps/server/src/ingest/rollup.repository';
import { RollupService } from '../../apps/server/src/ingest/rollup.service';
import { inParallel, keepAliveAgent, logNormal, randomId, seededRandom, sendBeacon, storedRow, USER_AGENTS } from '../support/beacons';
import { json } from '../support/json';
import { startTestServer, type TestServer } from '../support/server';

const ORIGIN = 'https://shop.example';
const MINUTE_MS = 60_000;
const QUANTILES = ['p50', 'p75', 'p95'] as const;

interface Point {
  start: string;
  count: number;
  p50: number | null;
  p75: number | null;
  p95: number | null;
}

/** The traffic of the accuracy test: routes of different sizes, two countries, desktop and mobile, log-normal LCP. */
const ROUTES = [
  { path: (rand: () => number) => `/product/${Math.floor(rand() * 1e5)}`, route: '/product/:id', share: 0.5, medianMs: 2400, sigma: 0.5 },
  { path: (_rand: () => number) => '/', route: '/', share: 0.3, medianMs: 1700, sigma: 0.4 },
  { path: (_rand: () => number) => '/search', route: '/search', share: 0.2, medianMs: 1200, sigma: 0.45 },
];
const ZONES = [
  { timeZone: 'Europe/Berlin', country: 'DE', share: 0.6 },
  { timeZone: 'America/New_York', country: 'US', share: 0.4 },
];
const DESKTOP = USER_AGENTS[0];
const MOBILE = USER_AGENTS[1];

describe('rollups from the collector', () => {
  let server: TestServer;

  const createSite = async (name: string) => json(await server.api('/api/sites', { method: 'POST', json: { name, allowedOrigins: [ORIGIN] } }));

  beforeAll(async () => {
    // Flushes and maintenance are driven by the tests, so the background jobs are slowed right down.
    server = await startTestServer({ PARALLAX_COLLECT_RATE_PER_SEC: '1000000', PARALLAX_ROLLUP_FLUSH_MS: '60000', PARALLAX_ROLLUP_COMPACT_MS: '3600000' });
  });
  afterAll(async () => {
    await server?.close();
    keepAliveAgent.destroy();
  });

  it('gives p50/p75/p95 within 2% of exact percentile_cont over the same raw rows, per route and per segment', async () => {
    const site = await createSite('Accuracy');
    const fromMs = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
    const rand = seededRandom(2024);
    const total = 2_000;
    const rollups = server.app.get(RollupService);
    // Generated up front, so the values do not depend on the order in which requests complete.
    const traffic = Array.from({ length: total }, (_, i) => {
      const r = rand();
      const route = r < ROUTES[0].share ? ROUTES[0] : r < ROUTES[0].share + ROUTES[1].share ? ROUTES[1] : ROUTES[2];
      const zone = rand() < ZONES[0].share ? ZONES[0] : ZONES[1];
      const mobile = rand() < 0.45;
      const lcp = Math.round(logNormal(rand, route.medianMs * (mobile ? 1.5 : 1), route.sigma) * 10) / 10;
      const beacon = { v: 1, siteKey: site.siteKey, pageViewId: `acc${i}x${randomId(rand, 8)}`, seq: 0, url: `${ORIGIN}${route.path(rand)}`, timeZone: zone.timeZone, metrics: { lcp } };
      return { beacon, userAgent: (mobile ? MOBILE : DESKTOP).ua };
    });
    const started = performance.now();
    await inParallel(total, 16, async (i) => {
      const res = await sendBeacon(`${server.url}/_p/e`, traffic[i].beacon, { origin: ORIGIN, userAgent: traffic[i].userAgent });
      expect(res.status).toBe(204);
      // Several flushes: the query must merge several parts of one minute.
      if (i % 500 === 499) await rollups.flush();
    });
    console.log(`sent ${total} beacons in ${Math.round(performance.now() - started)} ms`);
    await rollups.flush();
    const toMs = Date.now() + MINUTE_MS;

    const series = async (route: string, segment?: string): Promise<Point[]> => {
      const q = new URLSearchParams({ route, metric: 'lcp', from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), bucketMinutes: '1440' });
      if (segment) q.set('segment', segment);
      const res = await server.api(`/api/sites/${site.id}/rum/series?${q}`);
      expect(res.status).toBe(200);
      return (await json(res)).points.filter((p: Point) => p.count > 0);
    };
    const exact = async (route: string, start: number, segment?: [string, string]) => {
      const [row] = await server.dataSource.query(
        `SELECT count(*)::int AS count, percentile_cont(ARRAY[0.5, 0.75, 0.95]) WITHIN GROUP (ORDER BY lcp) AS q,
                percentile_disc(ARRAY[0.5, 0.75, 0.95]) WITHIN GROUP (ORDER BY lcp) AS disc
         FROM beacons WHERE site_id = $1 AND route = $2 AND synthetic_run_id IS NULL AND lcp IS NOT NULL
           AND received_at >= greatest($3::timestamptz, $4::timestamptz) AND received_at < least($3::timestamptz + interval '1 day', $5::timestamptz)
           ${segment ? `AND ${segment[0]} = $6` : ''}`,
        [site.id, route, new Date(start), new Date(fromMs), new Date(toMs), ...(segment ? [segment[1]] : [])],
      );
      return { count: row.count as number, q: (row.q as number[]).map(Number), disc: (row.disc as number[]).map(Number) };
    };

    const checks: { route: string; segment?: [string, string] }[] = [
      ...ROUTES.map((r) => ({ route: r.route })),
      { route: '/product/:id', segment: ['country', 'DE'] },
      { route: '/product/:id', segment: ['device', 'mobile'] },
      { route: '/', segment: ['browser_major', 'chrome 124'] },
    ];
    const report: string[] = [];
    let counted = 0;
    const before = new Map<string, Point[]>();
    for (const check of checks) {
      const segment = check.segment ? `${check.segment[0] === 'browser_major' ? 'browser' : check.segment[0]}:${check.segment[1]}` : undefined;
      const points = await series(check.route, segment);
      before.set(`${check.route}|${segment}`, points);
      expect(points.length).toBeGreaterThan(0);
      for (const point of points) {
        const truth = await exact(check.route, Date.parse(point.start), check.segment);
        expect(point.count).toBe(truth.count);
        if (!check.segment) counted += point.count;
        QUANTILES.forEach((name, i) => {
          const error = Math.abs(point[name]! - truth.q[i]) / truth.q[i];
          // The sketch's own guarantee: within 1% of the true value at its (nearest) rank, which percentile_disc gives.
          const rankError = Math.abs(point[name]! - truth.disc[i]) / truth.disc[i];
          report.push(`${check.route} ${segment ?? 'all'} n=${truth.count} ${name}: sketch ${point[name]!.toFixed(1)} percentile_cont ${truth.q[i].toFixed(1)} (${(error * 100).toFixed(2)}%) percentile_disc ${truth.disc[i].toFixed(1)} (${(rankError * 100).toFixed(2)}%)`);
          expect(error, `${check.route} ${segment ?? ''} ${name}`).toBeLessThanOrEqual(0.02);
          expect(rankError, `${check.route} ${segment ?? ''} ${name} (rank)`).toBeLessThanOrEqual(0.0101);
        });
      }
    }
    console.log(report.join('\n'));
    expect(counted).toBe(total);

    // Compaction merges the parts of closed minutes without changing any answer (sketch merges are exact).
    expect(Number((await server.dataSource.query('SELECT count(DISTINCT part) AS n FROM rollups WHERE site_id = $1', [site.id]))[0].n)).toBeGreaterThan(1);
    await server.app.get(RollupRepository).compactBefore(new Date(toMs + MINUTE_MS));
    expect(await server.dataSource.query('SELECT DISTINCT part FROM rollups WHERE site_id = $1', [site.id])).toEqual([{ part: '0' }]);
    for (const check of checks) {
      const segment = check.segment ? `${check.segment[0] === 'browser_major' ? 'browser' : check.segment[0]}:${check.segment[1]}` : undefined;
      expect(await series(check.route, segment)).toEqual(before.get(`${check.route}|${segment}`));
    }
  });

  it('rebuilds from raw beacons a closed minute whose fragments were lost, partly lost or deleted', async () => {
    const site = await createSite('Reconcile');
    const now = Date.now();
    const minute = (ago: number) => Math.floor((now - ago * MINUTE_MS) / MINUTE_MS) * MINUTE_MS;
    const rand = seededRandom(99);
    const rowsAt = (at: number, n: number, synthetic = false) =>
      Array.from({ length: n }, (_, i) =>
        storedRow(site.id, new Date(at + 1_000 + i * 100), `rec${at}${i}${synthetic ? 's' : 'r'}`, 0, {
          lcp: Math.round(logNormal(rand, 2000, 0.5)),
          route: i % 2 ? '/' : '/cart',
          syntheticRunId: synthetic ? 'run-7' : null,
        }),
      );
    const lost = rowsAt(minute(4), 40); // fragments never flushed (a replica died)
    const partial = rowsAt(minute(5), 30); // only some fragments flushed
    const deleted = [...rowsAt(minute(6), 25), ...rowsAt(minute(6), 5, true)]; // flushed, then the rollup rows deleted
    const intact = rowsAt(minute(7), 20); // flushed and complete

    const beacons = server.app.get(BeaconRepository);
    const aggregator = server.app.get(RollupAggregator);
    const rollupService = server.app.get(RollupService);
    await beacons.insertBatch([...lost, ...partial, ...deleted, ...intact]);
    for (const row of [...partial.slice(0, 10), ...deleted, ...intact]) aggregator.add(row);
    await rollupService.flush();
    await server.dataSource.query('DELETE FROM rollups WHERE site_id = $1 AND minute = $2', [site.id, new Date(minute(6))]);

    const counts = async (source: string) => {
      const rows: { minute: Date; n: string }[] = await server.dataSource.query(
        `SELECT minute, sum(count) AS n FROM rollups WHERE site_id = $1 AND source = $2 AND metric = 'beacons' GROUP BY minute`,
        [site.id, source],
      );
      return Object.fromEntries(rows.map((r) => [r.minute.getTime(), Number(r.n)]));
    };
    expect(await counts('rum')).toEqual({ [minute(5)]: 10, [minute(7)]: 20 });

    await rollupService.maintain(now);

    const raw: { minute: Date; source: string; n: string }[] = await server.dataSource.query(
      `SELECT date_trunc('minute', received_at) AS minute, CASE WHEN synthetic_run_id IS NULL THEN 'rum' ELSE 'synthetic' END AS source, count(*) AS n
       FROM beacons WHERE site_id = $1 GROUP BY 1, 2`,
      [site.id],
    );
    const expected = (source: string) => Object.fromEntries(raw.filter((r) => r.source === source).map((r) => [r.minute.getTime(), Number(r.n)]));
    expect(expected('rum')).toEqual({ [minute(4)]: 40, [minute(5)]: 30, [minute(6)]: 25, [minute(7)]: 20 });
    expect(await counts('rum')).toEqual(expected('rum'));
    expect(await counts('synthetic')).toEqual({ [minute(6)]: 5 });

    // The rebuilt sketches hold every value: per-route lcp counts match the raw rows, and closed minutes are compacted.
    const lcpCounts: { route: string; n: string }[] = await server.dataSource.query(
      `SELECT route, sum(count) AS n FROM rollups WHERE site_id = $1 AND source = 'rum' AND metric = 'lcp' AND dim = 'all' GROUP BY route ORDER BY route`,
      [site.id],
    );
    const rawLcp: { route: string; n: string }[] = await server.dataSource.query(
      `SELECT route, count(*) AS n FROM beacons WHERE site_id = $1 AND synthetic_run_id IS NULL GROUP BY route ORDER BY route`,
      [site.id],
    );
    expect(lcpCounts).toEqual(rawLcp);
    expect(await server.dataSource.query('SELECT DISTINCT part FROM rollups WHERE site_id = $1', [site.id])).toEqual([{ part: '0' }]);
    const q = new URLSearchParams({ route: '/cart', metric: 'lcp', from: new Date(minute(8)).toISOString(), to: new Date(now).toISOString(), bucketMinutes: '1' });
    const points: Point[] = (await json(await server.api(`/api/sites/${site.id}/rum/series?${q}`))).points;
    expect(points.filter((p) => p.count > 0).map((p) => [Date.parse(p.start), p.count])).toEqual([
      [minute(7), 10],
      [minute(6), 13],
      [minute(5), 15],
      [minute(4), 20],
    ].sort((a, b) => a[0] - b[0]));

    // After an outage, a flush retried late writes fragments of minutes an earlier pass already
    // rebuilt from the raw rows: the next pass checks those minutes again instead of compacting
    // the fragments into them (which counted them twice).
    for (const row of partial.slice(10, 20)) aggregator.add(row);
    await rollupService.flush();
    expect((await counts('rum'))[minute(5)]).toBe(40);
    await rollupService.maintain(now + 3 * MINUTE_MS);
    expect(await counts('rum')).toEqual(expected('rum'));
    expect(await server.dataSource.query('SELECT DISTINCT part FROM rollups WHERE site_id = $1', [site.id])).toEqual([{ part: '0' }]);
  });
});

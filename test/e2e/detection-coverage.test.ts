import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectionCoverage, DetectionSeries } from '@parallax/contracts';
import { DetectorService } from '../../apps/server/src/detection/detector.service';
import { BeaconRepository } from '../../apps/server/src/ingest/beacon.repository';
import type { BeaconRow } from '../../apps/server/src/ingest/beacon-row';
import { RollupService } from '../../apps/server/src/ingest/rollup.service';
import { logNormal, seededRandom, storedRow } from '../support/beacons';
import { json } from '../support/json';
import { startTestServer, type TestServer } from '../support/server';

const MINUTE = 60_000;
const ROUTE = '/product/:id';
// Short windows so the test needs an hour of traffic, not a day; sample sizes as the defaults.
const DETECT_CONFIG = {
  tickSeconds: 1,
  rum: { recentWindowsMinutes: [5, 15], trailingBaselineMinutes: 40, baselineDays: 0, minSamples: 100, minBaselineSamples: 300 },
};

/** "Not enough data" is an answer: thin sites say what they lack and what they could still see; busy ones say they watch. */
describe('detection coverage through the real server', () => {
  let server: TestServer;
  const sites: Record<'quiet' | 'thin' | 'busy' | 'silent', { id: string }> = {} as never;
  let coverage: Record<string, DetectionCoverage>;

  const seriesOf = (siteId: string, source: string, metric: string): DetectionSeries => {
    const found = coverage[siteId].series.find((s) => s.source === source && s.route === ROUTE && s.metric === metric);
    expect(found, `${source} ${metric} series of ${siteId}`).toBeDefined();
    return found!;
  };

  beforeAll(async () => {
    // The automatic loop is off (a long period): the test ticks the detector itself.
    server = await startTestServer({ PARALLAX_DETECT_LOOP_MS: '60000' });
    for (const name of ['quiet', 'thin', 'busy', 'silent'] as const) {
      sites[name] = await json(await server.api('/api/sites', { method: 'POST', json: { name, detectConfig: DETECT_CONFIG } }));
    }

    const nowMinute = Math.floor(Date.now() / MINUTE) * MINUTE;
    const rand = seededRandom(11);
    const rows: BeaconRow[] = [];
    const beacon = (siteId: string, at: number) =>
      rows.push(
        storedRow(siteId, new Date(at), `pv_${rows.length}`, 0, {
          route: ROUTE,
          path: '/product/42',
          lcp: logNormal(rand, 2000, 0.4),
          fcp: logNormal(rand, 1200, 0.4),
          ttfb: logNormal(rand, 300, 0.5),
          cls: logNormal(rand, 0.05, 0.8),
          inp: null, // nobody interacts: INP has no data at all
        }),
      );
    // quiet: 12 beacons in the last minutes, nothing before (no baseline at all).
    for (let k = 0; k < 12; k++) beacon(sites.quiet.id, nowMinute - (2 + (k % 4)) * MINUTE + k * 1000);
    // thin: a baseline of 20 a minute until 16 minutes ago, then 4 a minute: 36 beacons in the 15-minute window.
    for (let m = 16; m <= 55; m++) for (let k = 0; k < 20; k++) beacon(sites.thin.id, nowMinute - m * MINUTE + k * 2000);
    for (let m = 2; m <= 10; m++) for (let k = 0; k < 4; k++) beacon(sites.thin.id, nowMinute - m * MINUTE + k * 5000);
    // busy: 30 a minute for 56 minutes.
    for (let m = 1; m <= 56; m++) for (let k = 0; k < 30; k++) beacon(sites.busy.id, nowMinute - m * MINUTE + k * 1500);
    const beacons = server.app.get(BeaconRepository);
    for (let i = 0; i < rows.length; i += 500) await beacons.insertBatch(rows.slice(i, i + 500));
    // Rollups are rebuilt from the raw beacons by the same code that repairs them after a crash.
    await server.app.get(RollupService).reconcile(new Date(nowMinute - 60 * MINUTE), new Date(nowMinute + MINUTE));

    // quiet also has two synthetic runs at 'local': too few recent runs and no baseline runs.
    const journey: { id: string }[] = await server.dataSource.query(
      `INSERT INTO journeys (site_id, name, origin, source_yaml, definition, content_hash, interval_ms, locations)
       VALUES ($1, 'checkout', 'api', 'x', '{}', 'h', 120000, '{local}') RETURNING id`,
      [sites.quiet.id],
    );
    for (const ago of [5, 3]) {
      await server.dataSource.query(
        `INSERT INTO runs (site_id, journey_id, location, slot, trigger, due_at, status, started_at, finished_at, duration_ms, journey_hash, steps)
         VALUES ($1, $2, 'local', $3, 'schedule', $3, 'passed', $3, $4, 900, 'h', $5)`,
        [sites.quiet.id, journey[0].id, new Date(Date.now() - ago * MINUTE - 1000), new Date(Date.now() - ago * MINUTE),
          JSON.stringify([{ index: 0, name: 'open product', action: 'goto', route: ROUTE, status: 'passed', durationMs: 800 }])],
      );
    }

    // Two ticks as the loop runs them: the first finds no same-window baseline, the second reads the trailing one.
    // They stay in the minute the traffic was laid out from, so the windows hold exactly the beacons above.
    const detector = server.app.get(DetectorService);
    const want = Object.values(sites).map((s) => s.id);
    for (let tick = 0; tick < 2; tick++) {
      let judged: string[] = [];
      for (let attempt = 0; attempt < 50 && !want.every((id) => judged.includes(id)); attempt++) {
        judged = await detector.loop(Math.min(Date.now(), nowMinute + MINUTE - 1));
        if (!want.every((id) => judged.includes(id))) await new Promise((r) => setTimeout(r, 100)); // the timer's own pass was running
      }
      expect(judged).toEqual(expect.arrayContaining(want));
    }
    coverage = {};
    for (const id of want) {
      const res = await server.api(`/api/sites/${id}/detection`);
      expect(res.status).toBe(200);
      coverage[id] = await json(res);
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it('says what to do for a site nothing has reached yet, instead of an empty answer', () => {
    const c = coverage[sites.silent.id];
    expect(c.series).toEqual([]);
    expect(c.summary).toBe(`nothing judged yet: no real-user beacons or synthetic runs have reached the detector; add the tag (GET /api/sites/${sites.silent.id}/snippet) or a journey`);
    // Its INP has no beacons at all (nothing was interacted with).
    expect(coverage[sites.busy.id].summary).toBe('5 series: 4 watching, 1 with not enough data');
  });

  it('answers with the site, its tick and every series judged, each with a message and when it was judged', () => {
    const c = coverage[sites.busy.id];
    expect(c.siteId).toBe(sites.busy.id);
    expect(c.tickSeconds).toBe(1);
    // One real-user series per vital of the route seen.
    expect(c.series.map((s) => `${s.source} ${s.route} ${s.metric}`).sort()).toEqual(['cls', 'fcp', 'inp', 'lcp', 'ttfb'].map((m) => `rum ${ROUTE} ${m}`));
    for (const s of c.series) {
      expect(s.message.length).toBeGreaterThan(5);
      expect(Date.now() - Date.parse(s.updatedAt)).toBeLessThan(60_000);
    }
  });

  it('reports a site with few beacons and no history as not enough data, with no detectable change to give', () => {
    const lcp = seriesOf(sites.quiet.id, 'rum', 'lcp');
    expect(lcp.status).toBe('insufficient');
    if (lcp.source !== 'rum') throw new Error('not a real-user series');
    expect(lcp.evidence).toMatchObject({ nCurrent: 12, minCurrent: 100, nBaseline: 0, minBaseline: 300, windowMinutes: 15, baselineMode: 'none', minDetectableChangePct: null });
    expect(lcp.message).toBe(
      'not enough data: 12 beacons in the last 15 min (needs 100) and no baseline yet (needs 300 earlier beacons); the smallest detectable change is known once there is a baseline',
    );
  });

  it('reports thin current traffic over a real baseline as not enough data, with the smallest change it could see', () => {
    const lcp = seriesOf(sites.thin.id, 'rum', 'lcp');
    expect(lcp.status).toBe('insufficient');
    if (lcp.source !== 'rum') throw new Error('not a real-user series');
    expect(lcp.evidence).toMatchObject({ nCurrent: 36, minCurrent: 100, baselineMode: 'trailing', windowMinutes: 15 });
    expect(lcp.evidence.nBaseline).toBeGreaterThanOrEqual(300);
    const mdc = lcp.evidence.minDetectableChangePct;
    expect(mdc).toEqual(expect.any(Number));
    // Few beacons: only a change much larger than the practical 10% could have shown.
    expect(mdc!).toBeGreaterThan(10);
    expect(lcp.message).toBe(`not enough data: 36 beacons in the last 15 min (needs 100); could detect a change of ${Math.round(mdc!)}% or more`);
  });

  it('reports a busy site as watching, with a smaller detectable change than the thin one', () => {
    const lcp = seriesOf(sites.busy.id, 'rum', 'lcp');
    expect(lcp.status).toBe('ok');
    if (lcp.source !== 'rum') throw new Error('not a real-user series');
    expect(lcp.evidence.nCurrent).toBe(450);
    expect(lcp.evidence.nBaseline).toBeGreaterThanOrEqual(1000);
    expect(lcp.evidence.baselineP75).toBeGreaterThan(1500);
    expect(lcp.evidence.changePct).toEqual(expect.any(Number));
    const mdc = lcp.evidence.minDetectableChangePct!;
    expect(mdc).toBeGreaterThanOrEqual(10);
    const thin = seriesOf(sites.thin.id, 'rum', 'lcp');
    expect(mdc).toBeLessThan((thin.evidence as { minDetectableChangePct: number }).minDetectableChangePct);
    expect(lcp.message).toBe(`watching: would detect a change of ${Math.round(mdc)}% or more`);
    // A vital nobody reports is not silent either.
    const inp = seriesOf(sites.busy.id, 'rum', 'inp');
    expect(inp).toMatchObject({ status: 'insufficient', evidence: { nCurrent: 0 } });
    expect(inp.message).toMatch(/^not enough data: 0 beacons in the last 15 min \(needs 100\)/);
  });

  it('reports synthetic series with too few runs per location', () => {
    const duration = seriesOf(sites.quiet.id, 'synthetic', 'duration');
    expect(duration.status).toBe('insufficient');
    expect(duration.evidence).toMatchObject({ minRecentRuns: 4, minBaselineRuns: 12, locations: [{ location: 'local', status: 'insufficient', nRecent: 2, nBaseline: 0 }] });
    expect(duration.message).toBe('not enough data: local has 2 runs in the last 30 min (needs 4) and 0 baseline runs (needs 12)');
  });

  it('filters by status and source', async () => {
    const thin: DetectionCoverage = await json(await server.api(`/api/sites/${sites.quiet.id}/detection?status=insufficient&source=rum`));
    expect(thin.series.length).toBe(5);
    expect(thin.series.every((s) => s.status === 'insufficient' && s.source === 'rum')).toBe(true);
    const synthetic: DetectionCoverage = await json(await server.api(`/api/sites/${sites.quiet.id}/detection?source=synthetic`));
    expect(synthetic.series.map((s) => s.metric)).toEqual(['duration']);
    const ok: DetectionCoverage = await json(await server.api(`/api/sites/${sites.busy.id}/detection?status=ok`));
    expect(ok.series.map((s) => s.metric)).toContain('lcp');
    expect(ok.series.every((s) => s.status === 'ok')).toBe(true);
    const bad = await server.api(`/api/sites/${sites.busy.id}/detection?status=silent`);
    expect(bad.status).toBe(400);
    expect(await json(bad)).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(/^status:/) });
  });

  it('needs the admin token, a well-formed id and a known site', async () => {
    const anonymous = await fetch(`${server.url}/api/sites/${sites.busy.id}/detection`);
    expect(anonymous.status).toBe(401);
    expect(await json(anonymous)).toMatchObject({ code: 'unauthorized' });
    const unknown = await server.api(`/api/sites/${randomUUID()}/detection`);
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toMatchObject({ code: 'site_not_found' });
    const malformed = await server.api('/api/sites/not-a-uuid/detection');
    expect(malformed.status).toBe(400);
    expect(await json(malformed)).toMatchObject({ code: 'validation_failed' });
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = await json(await fetch(`${server.url}/api/docs/openapi.json`));
    const op = doc.paths['/api/sites/{siteId}/detection']?.get;
    expect(op).toBeDefined();
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['siteId', 'source', 'status']);
    expect(doc.components.schemas.DetectionCoverageView.properties.series).toBeDefined();
  });

  it('keeps one row per series across ticks, and drops them with the site', async () => {
    const count = async (siteId: string) =>
      Number((await server.dataSource.query(`SELECT count(*)::int AS n FROM detection_status WHERE site_id = $1`, [siteId]))[0].n);
    expect(await count(sites.quiet.id)).toBe(6);
    expect((await server.api(`/api/sites/${sites.quiet.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await count(sites.quiet.id)).toBe(0);
  });
});

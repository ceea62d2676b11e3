import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { DetectorService } from '../../apps/server/src/detection/detector.service';
import { verifyWebhook } from '../../apps/server/src/webhooks/webhook-signature';
import { BeaconRepository } from '../../apps/server/src/ingest/beacon.repository';
import type { BeaconRow } from '../../apps/server/src/ingest/beacon-row';
import { RollupService } from '../../apps/server/src/ingest/rollup.service';
import { json } from '../support/json';
import { startTestServer, type TestServer } from '../support/server';

const MINUTE = 60_000;
const ROUTE = '/product/:id';

/** Deterministic log-normal values (median, sigma) from a seeded generator. */
function lognormal(seed: number) {
  let s = seed >>> 0;
  const next = () => ((s = (s * 1664525 + 1013904223) >>> 0) + 0.5) / 4294967296;
  return (median: number, sigma: number) => median * Math.exp(sigma * Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()));
}

function row(siteId: string, at: number, i: number, country: string, lcp: number, syntheticRunId: string | null = null): BeaconRow {
  return {
    siteId, receivedAt: new Date(at), pageViewId: `pv_${at}_${i}`, seq: 0, sessionHash: null, syntheticRunId, route: ROUTE, path: '/product/42',
    navType: 'navigate', country, device: 'desktop', browser: 'chrome', browserMajor: 'chrome 131', os: 'windows', connection: '4g', release: null,
    lcp, inp: null, cls: null, fcp: null, ttfb: null, dns: null, tcp: null, tls: null, request: null, response: null, domContentLoaded: null, load: null,
    rttMs: null, saveData: null, deviceMemoryGb: null, viewportW: null, viewportH: null, events: null, attribution: null,
  };
}

/** A regression seen by real users (carried by one country) and by the lab, after a deployment, end to end. */
describe('correlation through the real server', () => {
  let server: TestServer;
  let receiver: Server;
  let receiverUrl: string;
  const deliveries: { headers: Record<string, string | string[] | undefined>; body: string; at: number }[] = [];
  let socket: Socket;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        deliveries.push({ headers: req.headers, body, at: Date.now() });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    // The automatic loop is off (a long period): the test ticks the detector itself and times the delivery.
    server = await startTestServer({ PARALLAX_DETECT_LOOP_MS: '60000' });
  });
  afterAll(async () => {
    socket?.disconnect();
    await server?.close();
    await new Promise((r) => receiver.close(r));
  });

  it('opens a "both" incident carried by country=BR, naming the deployment, on socket.io and a signed webhook within 2 s of the tick', async () => {
    const detectConfig = {
      tickSeconds: 1,
      rum: { recentWindowsMinutes: [5], trailingBaselineMinutes: 50, baselineDays: 0, minSamples: 100, minBaselineSamples: 300, minSegmentSamples: 30 },
      synthetic: { recentRuns: 8, recentWindowMinutes: 4, minRecentRuns: 4, baselineMinutes: 50, minBaselineRuns: 10 },
    };
    const site = await json(await server.api('/api/sites', { method: 'POST', json: { name: 'Shop', detectConfig } }));
    expect(site.detectConfig).toEqual(detectConfig);
    const hook = await json(await server.api('/api/webhooks', { method: 'POST', json: { siteId: site.id, url: receiverUrl } }));
    expect(hook.secret).toMatch(/^whsec_/);

    const now = Date.now();
    const start = Math.floor(now / MINUTE) * MINUTE - 56 * MINUTE;
    const onset = Math.floor(now / MINUTE) * MINUTE - 5 * MINUTE;
    const rand = lognormal(7);
    const rows: BeaconRow[] = [];
    for (let t = start, i = 0; t < Math.floor(now / MINUTE) * MINUTE; t += MINUTE) {
      for (let k = 0; k < 30; k++, i++) {
        const country = k % 10 < 4 ? 'BR' : 'US';
        const slower = t >= onset && country === 'BR' ? 2 : 1;
        rows.push(row(site.id, t + k * 1000, i, country, rand(2000, 0.35) * slower));
      }
    }
    // Lab runs every 30 s at the location local; after the deployment their LCP is up too.
    const runIds: string[] = [];
    for (let t = start + 15_000; t < now - 10_000; t += MINUTE / 2) {
      const lcp = rand(1500, 0.04) * (t >= onset ? 1.6 : 1);
      const inserted: { id: string }[] = await server.dataSource.query(
        `INSERT INTO journeys (site_id, name, origin, source_yaml, definition, content_hash, interval_ms, locations)
         VALUES ($1, 'checkout', 'api', 'x', '{}', 'h', 120000, '{local}') ON CONFLICT (site_id, name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
        [site.id],
      );
      const run: { id: string }[] = await server.dataSource.query(
        `INSERT INTO runs (site_id, journey_id, location, slot, trigger, due_at, status, started_at, finished_at, duration_ms, journey_hash, steps)
         VALUES ($1, $2, 'local', $3, 'schedule', $3, 'passed', $3, $4, 900, 'h', $5) RETURNING id`,
        [site.id, inserted[0].id, new Date(t - 1000), new Date(t), JSON.stringify([{ index: 0, name: 'open product', action: 'goto', route: ROUTE, status: 'passed', durationMs: 800 }])],
      );
      runIds.push(run[0].id);
      rows.push(row(site.id, t, 100_000 + runIds.length, 'unknown', lcp, run[0].id));
    }
    const beacons = server.app.get(BeaconRepository);
    for (let i = 0; i < rows.length; i += 500) await beacons.insertBatch(rows.slice(i, i + 500));
    // Rollups are rebuilt from the raw beacons by the same code that repairs them after a crash.
    await server.app.get(RollupService).reconcile(new Date(start), new Date(now));
    await server.api('/api/deployments', { method: 'POST', json: { siteId: site.id, version: 'v2.3.1', kind: 'deployment', at: new Date(onset - 2 * MINUTE).toISOString() } });

    socket = io(server.url, { auth: { token: server.adminToken }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => socket.on('connect', resolve).on('connect_error', reject));
    await socket.emitWithAck('subscribe', { siteId: site.id });
    // The first side to see the regression opens the incident with a provisional one-sided label; when the other
    // side confirms, it is updated to "both". Collect both kinds of events.
    const events: { name: string; payload: any; at: number }[] = [];
    for (const name of ['incident.opened', 'incident.updated']) socket.on(name, (payload) => events.push({ name, payload, at: Date.now() }));
    const bothEvent = () => events.find((e) => e.payload.label === 'both');

    // Ticks as the loop would run them: the first reads the recent window, the next ones the baseline, and a
    // regression must persist over two ticks before it opens an incident.
    const detector = server.app.get(DetectorService);
    let tickAt = 0;
    let event: { name: string; payload: any; at: number } | undefined;
    for (let tick = 0; tick < 8 && !event; tick++) {
      tickAt = Date.now();
      await detector.loop(tickAt);
      const deadline = tickAt + 2_000;
      while (!bothEvent() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      event = bothEvent();
    }
    expect(event, `a "both" incident within 8 ticks; events: ${JSON.stringify(events.map((e) => [e.name, e.payload.label]))}`).toBeDefined();
    expect(event!.at - tickAt).toBeLessThan(2_000);
    expect(events[0].name).toBe('incident.opened');
    expect(new Set(events.map((e) => e.payload.id)).size).toBe(1);
    const incident = event!.payload;
    expect(incident).toMatchObject({ siteId: site.id, route: ROUTE, metric: 'lcp', label: 'both', status: 'open' });
    expect(incident.suspectedDeployment).toMatchObject({ version: 'v2.3.1' });
    expect(incident.segments.find((s: { carries: boolean }) => s.carries)).toMatchObject({ dim: 'country', value: 'BR' });
    expect(incident.summary).toMatch(/LCP/i);
    expect(incident.evidence.nCurrent).toBeGreaterThan(100);

    const deadline = tickAt + 2_000;
    const isBoth = (d: { body: string }) => JSON.parse(d.body).data.label === 'both';
    while (!deliveries.some(isBoth) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const delivery = deliveries.find(isBoth);
    expect(delivery, 'webhook delivered within 2 s of the tick').toBeDefined();
    const timestamp = Number(delivery!.headers['x-parallax-timestamp']);
    expect(verifyWebhook(hook.secret, timestamp, delivery!.body, String(delivery!.headers['x-parallax-signature']), Math.floor(Date.now() / 1000))).toBe(true);
    const body = JSON.parse(delivery!.body);
    expect(body).toMatchObject({ event: event!.name, siteId: site.id, data: { id: incident.id, label: 'both' } });
    expect(body.text).toContain(incident.summary);

    // REST: list, filter, read, acknowledge.
    const listed = await json(await server.api(`/api/incidents?siteId=${site.id}&status=open&label=both`));
    expect(listed.map((i: { id: string }) => i.id)).toEqual([incident.id]);
    const acked = await json(await server.api(`/api/incidents/${incident.id}/acknowledge`, { method: 'POST' }));
    expect(acked.status).toBe('acknowledged');
    const log = await json(await server.api(`/api/webhooks/${hook.id}/deliveries`));
    expect(log.some((d: { event: string; status: string }) => d.event === 'incident.opened' && d.status === 'delivered')).toBe(true);
  });
});

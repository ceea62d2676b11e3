import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureSite, type FixtureSite } from '../fixtures/site/server';
import { json } from '../support/json';
import { startTestServer, type TestServer } from '../support/server';
import { DEMO_SECRETS } from '../../apps/server/src/synthetic/local-agent.service';

const SECRET = 'S3cret-Pa55word-for-e2e';
const TERMINAL = ['passed', 'failed', 'degraded', 'lost'];

/** Journeys through the real server, its in-process agent and real Chromium, against the fixture shop. */
describe('synthetic journeys end to end', () => {
  let server: TestServer;
  let shop: FixtureSite;
  let siteId: string;

  async function waitForRun(journeyId: string, accept: (run: { status: string; trigger: string }) => boolean, timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const runs = await json(await server.api(`/api/runs?journeyId=${journeyId}&limit=20`));
      const done = runs.find(accept);
      if (done) return json(await server.api(`/api/runs/${done.id}`));
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`no matching run for ${journeyId} within ${timeoutMs} ms`);
  }

  async function createJourney(yaml: string) {
    const res = await server.api('/api/journeys', { method: 'POST', json: { siteId, yaml } });
    expect(res.status, await res.clone().text()).toBe(201);
    return json(res);
  }

  beforeAll(async () => {
    shop = await startFixtureSite();
    process.env.PARALLAX_SECRET_DEMO_SHOP_PASSWORD = SECRET;
    server = await startTestServer({ PARALLAX_LOCAL_AGENT: 'true', PARALLAX_LOCAL_AGENT_CONCURRENCY: '2', PARALLAX_SCHEDULER_TICK_MS: '200' });
    siteId = (await json(await server.api('/api/sites', { method: 'POST', json: { name: 'Shop' } }))).id;
  });
  afterAll(async () => {
    delete process.env.PARALLAX_SECRET_DEMO_SHOP_PASSWORD;
    await server?.close();
    await shop?.close();
  });

  it('runs the example checkout journey: every step timed, lab vitals as synthetic beacons, the secret nowhere', async () => {
    // The example runs every 5 minutes; a scheduled slot falling within this test (about 1 run in
    // 50) would place a second order. Once a day keeps the manual run the only one here.
    const yaml = readFileSync(join(__dirname, '../../journeys/checkout.yaml'), 'utf8')
      .replace(/^locations: .*$/m, 'locations: [local]')
      .replace(/^baseUrl: .*$/m, `baseUrl: ${shop.baseUrl}`)
      .replace(/^ {2}every: .*$/m, '  every: 24h');
    expect(yaml).toMatch(/^ {2}every: 24h$/m);
    const journey = await createJourney(yaml);
    expect((await server.api(`/api/journeys/${journey.id}/run`, { method: 'POST' })).status).toBe(202);
    const run = await waitForRun(journey.id, (r) => r.trigger === 'manual' && TERMINAL.includes(r.status));
    expect(run.status, JSON.stringify(run.steps?.filter((s: { status: string }) => s.status === 'failed'))).toBe('passed');
    expect(run.steps.length).toBeGreaterThan(10);
    for (const step of run.steps.filter((s: { status: string }) => s.status === 'passed')) expect(step.durationMs).toBeGreaterThanOrEqual(0);
    expect(run.marks.map((m: { name: string }) => m.name)).toEqual(['product-visible', 'order-submitted']);
    expect(shop.orders).toHaveLength(1);
    // Lab vitals: the injected snippet's beacons, tagged with the run id, through the real collector.
    const deadline = Date.now() + 30_000;
    let vitals = run.vitals;
    while (!vitals.some((v: { lcp: number | null }) => v.lcp !== null) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      vitals = (await json(await server.api(`/api/runs/${run.id}`))).vitals;
    }
    expect(vitals.some((v: { ttfb: number | null }) => v.ttfb !== null)).toBe(true);
    expect(vitals.some((v: { lcp: number | null }) => v.lcp !== null)).toBe(true);
    expect(vitals.map((v: { route: string }) => v.route)).toContain('/product/:id');
    // The site logged the password and sent it in a URL: neither may be stored or logged by Parallax.
    const dump: { t: string }[] = await server.dataSource.query(`
      SELECT string_agg(t::text, '|') AS t FROM (
        SELECT row_to_json(r)::text AS t FROM runs r UNION ALL SELECT row_to_json(b)::text FROM beacons b
        UNION ALL SELECT row_to_json(j)::text FROM journeys j) x`);
    expect(dump[0].t).not.toContain(SECRET);
    expect(server.logs.join('\n')).not.toContain(SECRET);
    expect(JSON.stringify(run)).toContain('***');
  });

  it('runs the example checkout out of the box: the documented demo password when none is set, masked and never stored', async () => {
    const saved = process.env.PARALLAX_SECRET_DEMO_SHOP_PASSWORD;
    delete process.env.PARALLAX_SECRET_DEMO_SHOP_PASSWORD;
    try {
      const yaml = readFileSync(join(__dirname, '../../journeys/checkout.yaml'), 'utf8')
        .replace(/^name: .*$/m, 'name: checkout-demo')
        .replace(/^baseUrl: .*$/m, `baseUrl: ${shop.baseUrl}`)
        .replace(/^ {2}every: .*$/m, '  every: 24h');
      const journey = await createJourney(yaml);
      await server.api(`/api/journeys/${journey.id}/run`, { method: 'POST' });
      const run = await waitForRun(journey.id, (r) => r.trigger === 'manual' && TERMINAL.includes(r.status));
      expect(run.status, JSON.stringify(run.steps?.filter((s: { status: string }) => s.status === 'failed'))).toBe('passed');
      const dump: { t: string }[] = await server.dataSource.query(`SELECT string_agg(row_to_json(r)::text, '|') AS t FROM runs r`);
      expect(dump[0].t).not.toContain(DEMO_SECRETS.DEMO_SHOP_PASSWORD);
      expect(server.logs.join('\n')).not.toContain(DEMO_SECRETS.DEMO_SHOP_PASSWORD);
      expect(JSON.stringify(run)).toContain('***');
    } finally {
      process.env.PARALLAX_SECRET_DEMO_SHOP_PASSWORD = saved;
    }
  });

  it('fails a broken selector with a clear error and a screenshot, after one retry', async () => {
    const yaml = `name: broken\nbaseUrl: ${shop.baseUrl}\nschedule: { every: 1h }\nlocations: [local]\nsteps:\n  - goto: /\n  - click: { selector: '#does-not-exist', timeoutMs: 1000 }\n    name: click the missing button\n`;
    const journey = await createJourney(yaml);
    await server.api(`/api/journeys/${journey.id}/run`, { method: 'POST' });
    const first = await waitForRun(journey.id, (r) => r.trigger === 'manual' && TERMINAL.concat('retried').includes(r.status));
    expect(first.status).toBe('retried');
    const failedStep = first.steps.find((s: { status: string }) => s.status === 'failed');
    expect(failedStep.name).toBe('click the missing button');
    expect(failedStep.error).toMatch(/does-not-exist/);
    const shot = await server.api(`/api/runs/${first.id}/screenshot`);
    expect(shot.status).toBe(200);
    expect(shot.headers.get('content-type')).toBe('image/jpeg');
    expect((await shot.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    const retry = await waitForRun(journey.id, (r) => r.trigger === 'retry' && TERMINAL.includes(r.status));
    expect(retry.status).toBe('failed');
    expect(retry.retryOf).toBe(first.id);
  });

  it('reports an invalid journey with the exact line and column', async () => {
    const res = await server.api('/api/journeys', { method: 'POST', json: { siteId, yaml: 'name: bad\nschedule: { every: 5m }\nsteps:\n  - click: { selectr: "#x" }\n' } });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.details.errors).toContainEqual(expect.objectContaining({ line: 4, col: 14, schemaPath: 'steps[0].click.selectr' }));
    expect(body.message).toMatch(/journey\.yaml:4:\d+/);
  });

  it('shows the local location live and others stale', async () => {
    await server.api('/api/locations/mars-1', { method: 'PUT', json: { region: 'Mars' } });
    const locations = await json(await server.api('/api/locations'));
    const local = locations.find((l: { name: string }) => l.name === 'local');
    expect(local).toMatchObject({ stale: false, browser: { source: expect.stringMatching(/^(CHROMIUM_PATH|playwright|system|bundled)$/), path: expect.any(String), version: expect.stringMatching(/^(Chromium|Google Chrome) \d+/) } });
    // PARALLAX_BROWSER_SKIP_SYSTEM=1 (a test hook) acts out a machine without Chromium: the bundled one runs the journeys
    if (process.env.PARALLAX_BROWSER_SKIP_SYSTEM === '1') expect(local.browser.source).toBe('bundled');
    expect(server.logs.some((line) => line.includes('Journeys run in') && line.includes(local.browser.path))).toBe(true);
    expect(locations.find((l: { name: string }) => l.name === 'mars-1')).toMatchObject({ stale: true, liveAgents: 0 });
  });
});

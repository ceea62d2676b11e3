import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchOptionsFor, resolveBrowser } from '../../libs/runner/src';
import { DetectorService } from '../../apps/server/src/detection/detector.service';
import { BeaconRepository } from '../../apps/server/src/ingest/beacon.repository';
import type { BeaconRow } from '../../apps/server/src/ingest/beacon-row';
import { RollupService } from '../../apps/server/src/ingest/rollup.service';
import { startFixtureSite, type FixtureSite } from '../fixtures/site/server';
import { json } from '../support/json';
import { startTestServer, type TestServer } from '../support/server';

const MINUTE = 60_000;
const ROUTE = '/product/:id';
const SCREENS_DIR = join(__dirname, '../../test-results/screens');
/** Endpoints other work adds; until they land the dashboard hides what needs them, and their 404 is expected. */
const OPTIONAL_ENDPOINTS = [/\/ingest-status$/, /\/api\/demo$/];

function lognormal(seed: number) {
  let s = seed >>> 0;
  const next = () => ((s = (s * 1664525 + 1013904223) >>> 0) + 0.5) / 4294967296;
  return (median: number, sigma: number) => median * Math.exp(sigma * Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()));
}

function row(siteId: string, at: number, i: number, country: string, browser: string, lcp: number, syntheticRunId: string | null = null): BeaconRow {
  return {
    siteId,
    receivedAt: new Date(at),
    pageViewId: `pv_${at}_${i}`,
    seq: 0,
    sessionHash: null,
    syntheticRunId,
    route: ROUTE,
    path: '/product/42',
    navType: 'navigate',
    country,
    device: i % 3 ? 'desktop' : 'mobile',
    browser: browser.split(' ')[0],
    browserMajor: browser,
    os: 'windows',
    connection: '4g',
    release: null,
    lcp,
    inp: 120 + (i % 50),
    cls: (i % 7) / 40,
    fcp: lcp * 0.6,
    ttfb: lcp * 0.2,
    dns: null,
    tcp: null,
    tls: null,
    request: null,
    response: null,
    domContentLoaded: null,
    load: null,
    rttMs: null,
    saveData: null,
    deviceMemoryGb: null,
    viewportW: null,
    viewportH: null,
    events: null,
    attribution: null,
  };
}

/**
 * The dashboard in real Chromium against the real server: every screen renders with data and without console errors
 * or failed requests, the live feed shows a new incident without a reload, a segment row filters the compare chart,
 * a run's page shows its waterfall and screenshot; screenshots of each screen (desktop and phone) and an axe check.
 */
describe('dashboard in a real browser', () => {
  let server: TestServer;
  let shop: FixtureSite;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let siteId: string;
  let failedRunId: string;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENS_DIR, { recursive: true });
    shop = await startFixtureSite();
    // The detector loop is slow: the test ticks it itself, so the incident opens while the page watches.
    server = await startTestServer({ PARALLAX_LOCAL_AGENT: 'true', PARALLAX_SCHEDULER_TICK_MS: '200', PARALLAX_DETECT_LOOP_MS: '60000' });
    const detectConfig = {
      tickSeconds: 1,
      rum: { recentWindowsMinutes: [5], trailingBaselineMinutes: 50, baselineDays: 0, minSamples: 100, minBaselineSamples: 300, minSegmentSamples: 30 },
      synthetic: { recentRuns: 8, recentWindowMinutes: 4, minRecentRuns: 4, baselineMinutes: 50, minBaselineRuns: 10 },
    };
    const site = await json(await server.api('/api/sites', { method: 'POST', json: { name: 'Shop', detectConfig, allowedOrigins: [shop.baseUrl] } }));
    siteId = site.id;

    // An hour of real-user traffic (BR on Safari slower after the onset) and lab runs, rolled up by the code that
    // rebuilds rollups from raw beacons; past timestamps cannot go through the collector.
    const now = Date.now();
    const start = Math.floor(now / MINUTE) * MINUTE - 56 * MINUTE;
    const onset = Math.floor(now / MINUTE) * MINUTE - 5 * MINUTE;
    const rand = lognormal(11);
    const rows: BeaconRow[] = [];
    for (let t = start, i = 0; t < Math.floor(now / MINUTE) * MINUTE; t += MINUTE) {
      for (let k = 0; k < 30; k++, i++) {
        const country = k % 10 < 4 ? 'BR' : k % 10 < 7 ? 'US' : 'DE';
        const browser = k % 2 ? 'chrome 131' : 'safari 18';
        const slower = t >= onset && country === 'BR' ? 2 : 1;
        rows.push(row(siteId, t + k * 1000, i, country, browser, rand(2000, 0.35) * slower));
      }
    }
    const journey: { id: string }[] = await server.dataSource.query(
      `INSERT INTO journeys (site_id, name, origin, source_yaml, definition, content_hash, interval_ms, locations, enabled)
       VALUES ($1, 'browse', 'api', 'name: browse', '{}', 'h', 120000, '{local}', false) RETURNING id`,
      [siteId],
    );
    for (let t = start + 15_000, n = 0; t < now - 10_000; t += MINUTE / 2, n++) {
      const lcp = rand(1500, 0.04) * (t >= onset ? 1.6 : 1);
      const run: { id: string }[] = await server.dataSource.query(
        `INSERT INTO runs (site_id, journey_id, location, slot, trigger, due_at, status, started_at, finished_at, duration_ms, journey_hash, steps)
         VALUES ($1, $2, 'local', $3, 'schedule', $3, 'passed', $3, $4, 900, 'h', $5) RETURNING id`,
        [
          siteId,
          journey[0].id,
          new Date(t - 1000),
          new Date(t),
          JSON.stringify([{ index: 0, name: 'open product', action: 'goto', route: ROUTE, status: 'passed', durationMs: 800 }]),
        ],
      );
      rows.push(row(siteId, t, 100_000 + n, 'unknown', 'headless-chrome 140', lcp, run[0].id));
    }
    const beacons = server.app.get(BeaconRepository);
    for (let i = 0; i < rows.length; i += 500) await beacons.insertBatch(rows.slice(i, i + 500));
    await server.app.get(RollupService).reconcile(new Date(start), new Date(now));
    await server.api('/api/deployments', {
      method: 'POST',
      json: { siteId, version: 'v2.3.1', kind: 'deployment', at: new Date(onset - 2 * MINUTE).toISOString() },
    });

    // A real journey through the in-process agent and Chromium that fails on its last step: waterfall and screenshot.
    const yaml = [
      'name: product page',
      `baseUrl: ${shop.baseUrl}`,
      'schedule:',
      '  every: 24h',
      'locations: [local]',
      'steps:',
      '  - goto: /',
      '    name: open home',
      "  - click: '#product-42'",
      '    name: open product',
      '    route: /product/:id',
      '  - screenshot: product',
      "  - expect: { selector: '#no-such-element', visible: true, timeoutMs: 1500 }",
      '    name: see the missing banner',
    ].join('\n');
    const created = await json(await server.api('/api/journeys', { method: 'POST', json: { siteId, yaml } }));
    expect(created.id, JSON.stringify(created)).toBeTruthy();
    await server.api(`/api/journeys/${created.id}/run`, { method: 'POST' });
    const deadline = Date.now() + 60_000;
    while (!failedRunId && Date.now() < deadline) {
      const runs = await json(await server.api(`/api/runs?journeyId=${created.id}&limit=5`));
      failedRunId = runs.find((r: { status: string }) => r.status === 'failed')?.id;
      if (!failedRunId) await new Promise((r) => setTimeout(r, 250));
    }
    expect(failedRunId, 'the failing journey run finished').toBeTruthy();

    browser = await chromium.launch(launchOptionsFor(await resolveBrowser({ chromiumPath: process.env.CHROMIUM_PATH })));
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    // Strings, not functions: this file is typed without the DOM library.
    await context.addInitScript({ content: `localStorage.setItem('parallax.adminToken', ${JSON.stringify(server.adminToken)})` });
    page = await context.newPage();
    const optional = (url: string) => OPTIONAL_ENDPOINTS.some((re) => re.test(new URL(url).pathname));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      // Chromium logs a 404 of an optional endpoint as a console error too.
      if (/status of 404/.test(m.text()) && optional(m.location().url)) return;
      problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400 && !(r.status() === 404 && optional(r.url()))) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await shop?.close();
  });

  async function shoot(name: string) {
    await page.screenshot({ path: join(SCREENS_DIR, `${name}-1440.png`), fullPage: true });
  }

  async function axe(name: string) {
    const result = await new AxeBuilder({ page: page as never }).analyze();
    const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(
      serious.map(
        (v) =>
          `${name}: ${v.id} (${v.impact}) ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')}`,
      ),
    ).toEqual([]);
  }

  const hash = (screen: string, extra = '') => `${server.url}/#/${screen}?site=${siteId}${extra}`;

  it('answers the read endpoints the screens use: overview, segments, lab lines, segment values in any casing', async () => {
    const overview = await json(await server.api(`/api/sites/${siteId}/views/overview`));
    expect(overview.routes.map((r: { route: string }) => r.route)).toEqual([ROUTE]);
    expect(overview.pageViews).toBe(56 * 30);
    const lcp = overview.routes[0].vitals.find((v: { metric: string }) => v.metric === 'lcp');
    expect(lcp.shares.good + lcp.shares.needsImprovement + lcp.shares.poor).toBeCloseTo(1, 6);
    expect(lcp.sparkline.length).toBeGreaterThan(10);
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const segments = await json(await server.api(`/api/sites/${siteId}/views/segments?route=${encodeURIComponent(ROUTE)}&metric=lcp&from=${from}`));
    const br = segments.dimensions.find((d: { dim: string }) => d.dim === 'country').rows.find((r: { value: string }) => r.value === 'BR');
    expect(br.share).toBeCloseTo(0.4, 2);
    expect(br.segment).toBe('country:BR');
    const lab = await json(await server.api(`/api/sites/${siteId}/views/lab?route=${encodeURIComponent(ROUTE)}&metric=lcp&from=${from}`));
    expect(lab.locations.map((l: { location: string }) => l.location)).toEqual(['local']);
    // One written form: other casings find the same rows instead of silently giving 0.
    const count = async (segment: string) =>
      (
        await json(
          await server.api(`/api/sites/${siteId}/rum/series?route=${encodeURIComponent(ROUTE)}&metric=lcp&from=${from}&segment=${encodeURIComponent(segment)}`),
        )
      ).points.reduce((n: number, p: { count: number }) => n + p.count, 0);
    expect(await count('country:br')).toBe(await count('country:BR'));
    expect(await count('browser:Safari 18')).toBe(await count('browser:safari 18'));
    expect(await count('browser:Safari 18')).toBeGreaterThan(0);
    const bad = await server.api(`/api/sites/${siteId}/views/segments?route=${encodeURIComponent(ROUTE)}&metric=speed`);
    expect(bad.status).toBe(400);
    expect((await json(bad)).details.field).toBe('metric');
  });

  it('renders the overview with per-route vitals, CWV shares and a sparkline', async () => {
    await page.goto(hash('overview'));
    await page.getByRole('link', { name: ROUTE }).waitFor();
    await expect(page.locator('.share-bar').count()).resolves.toBeGreaterThan(0);
    await page.locator('.sparkline canvas').first().waitFor();
    await expect(page.getByText('What detection can see')).toBeTruthy();
    await shoot('overview');
    await axe('overview');
  });

  it('breaks a route down by segment, and a picked row filters the compare chart', async () => {
    await page.goto(hash('segments', `&route=${encodeURIComponent(ROUTE)}&metric=lcp&range=1h`));
    const br = page.locator('[data-segment="country:BR"]');
    await br.waitFor();
    await expect(page.locator('[data-segment="browser:safari 18"]').count()).resolves.toBe(1);
    await shoot('segments');
    await axe('segments');
    // Keyboard: the row is a real button, picked with Enter.
    await br.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction("location.hash.includes('segment=country%3ABR')");
    await page.getByRole('link', { name: 'Compare', exact: true }).click();
    await page.locator('.u-legend').getByText('Real users p75 (country:BR)').waitFor();
    const samples = await page.getByTestId('compare-samples').innerText();
    const filtered = Number(samples.replace(/[^\d].*$/s, '').replace(/,/g, ''));
    expect(filtered).toBeGreaterThan(0);
    // 4 in 10 page views are from BR: the filtered chart counts fewer samples than all users.
    expect(filtered).toBeLessThan(56 * 30 * 0.5);
    await expect(page.locator('.marker-btn', { hasText: 'v2.3.1' }).count()).resolves.toBe(1);
    await expect(page.locator('.u-legend').getByText('Lab local').count()).resolves.toBe(1);
    await shoot('compare');
    await axe('compare');
  });

  it('shows a new incident in the live feed without a reload, and its page explains it', async () => {
    await page.goto(hash('incidents'));
    await page.getByText('No incidents').waitFor();
    const detector = server.app.get(DetectorService);
    // The failing journey's incident may come first; the one this test wants is about real users and the lab.
    const rumRow = page.locator('.incident-row').filter({ has: page.locator('.badge-both, .badge-rum_only') });
    for (let tick = 0; tick < 10 && !(await rumRow.count()); tick++) {
      await detector.loop(Date.now());
      await rumRow
        .first()
        .waitFor({ timeout: 1500 })
        .catch(() => undefined);
    }
    const row = rumRow.first();
    await row.waitFor();
    // Arrived over socket.io while the page was open, with the visual cue.
    await expect(page.locator('.incident-row.flash').count()).resolves.toBeGreaterThan(0);
    await shoot('incidents');
    await axe('incidents');
    await row.locator('a').click();
    await page.locator('.explain').waitFor();
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.locator('.badge-status-acknowledged').waitFor();
    await page.locator('.chart canvas').first().waitFor();
    await shoot('incident');
    await axe('incident');
  });

  it("lists journeys with their latest result, and a run's page shows its waterfall and screenshot", async () => {
    await page.goto(hash('journeys'));
    await page.getByText('product page').first().waitFor();
    await shoot('journeys');
    await axe('journeys');
    await page.goto(`${server.url}/#/runs/${failedRunId}?site=${siteId}`);
    await page.locator('.waterfall .wf-row').first().waitFor();
    expect(await page.locator('.waterfall .wf-row').count()).toBeGreaterThanOrEqual(4);
    // The `screenshot:` step's image is kept as a run artifact and shown.
    await page.waitForFunction("document.querySelector('img.step-shot')?.naturalWidth > 0");
    await page.locator('.wf-failed').first().waitFor();
    const img = page.locator('img.screenshot');
    await img.waitFor();
    await page.waitForFunction("document.querySelector('img.screenshot')?.naturalWidth > 0");
    await shoot('run');
    await axe('run');
  });

  it('settings show the tag, allowed origins and webhooks', async () => {
    await page.goto(hash('settings'));
    await page.getByRole('button', { name: 'Copy tag' }).waitFor();
    // After a fresh load, the first Tab lands on the skip link, the next one on the site picker.
    await page.reload();
    await page.getByRole('button', { name: 'Copy tag' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.id')).toBe('site-select');
    expect(await page.locator('#site-origins').inputValue()).toContain(shop.baseUrl);
    await shoot('settings');
    await axe('settings');
  });

  it('renders every screen at phone size and in dark mode, with no console error or failed request anywhere', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const screen of ['overview', 'segments', 'compare', 'journeys', 'incidents', 'settings']) {
      await page.goto(hash(screen, `&route=${encodeURIComponent(ROUTE)}&metric=lcp&range=1h`));
      await page.locator('.page-head h2').waitFor();
      await page.waitForFunction("!document.querySelector('.notice.loading')");
      await page.screenshot({ path: join(SCREENS_DIR, `${screen}-phone.png`), fullPage: true });
    }
    // Dark mode follows the OS setting.
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: 'dark' });
    for (const screen of ['overview', 'compare']) {
      await page.goto(hash(screen, `&route=${encodeURIComponent(ROUTE)}&metric=lcp&range=1h`));
      await page.locator('.page-head h2').waitFor();
      await page.waitForFunction("!document.querySelector('.notice.loading')");
      await page.screenshot({ path: join(SCREENS_DIR, `${screen}-dark-1440.png`), fullPage: true });
      await axe(`${screen} (dark)`);
    }
    expect(problems).toEqual([]);
  });
});

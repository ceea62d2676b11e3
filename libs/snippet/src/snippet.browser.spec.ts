import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parseBeacon, type Beacon, type MetricName } from '@parallax/contracts';
import { launchOptionsFor, resolveBrowser } from '@parallax/runner';
import { renderSiteScript } from './bundles';
import { importBuildScript, pageUrl, startFixtureServer, type FixtureServer, type PageOptions } from './snippet.browser.fixture';


type Window = { parallax(...args: unknown[]): void; __shifted?: boolean; __persisted?: boolean; __gtagCalls?: [string, string, Record<string, unknown>][] };

// The browser is found as the agents find it (bundled when the machine has none): never skipped.
describe('snippet in real Chromium', () => {
  let browser: Browser;
  let server: FixtureServer;
  let bundles: { core: string; attribution: string };
  // The bundled Chromium (used only when the machine has no other) is a headless shell without a back/forward
  // cache: there a back navigation reloads the page, which is checked instead. Any other Chromium must restore.
  let hasBfcache = true;

  beforeAll(async () => {
    const { buildSnippetBundles } = await importBuildScript();
    bundles = await buildSnippetBundles({ write: false });
    server = await startFixtureServer(bundles);
    const found = await resolveBrowser({ chromiumPath: process.env.CHROMIUM_PATH });
    hasBfcache = found.source !== 'bundled';
    browser = await chromium.launch({
      ...launchOptionsFor(found),
      // Playwright turns the back/forward cache off by default; the bfcache test needs it on.
      ignoreDefaultArgs: ['--disable-back-forward-cache'],
    });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Every beacon received for a site, each checked against the wire contract. */
  const beaconsOf = (siteKey: string): Beacon[] =>
    server.beacons
      .filter((b) => (b.json as Beacon | undefined)?.siteKey == siteKey)
      .map((b) => {
        expect(b.contentType).toMatch(/^text\/plain/);
        expect(b.body.length).toBeLessThan(1024);
        const parsed = parseBeacon(b.json);
        if (!parsed.ok) throw new Error(`beacon failed the contract at ${parsed.field}: ${parsed.message}\n${b.body}`);
        return parsed.value;
      });

  const waitForBeacons = async (siteKey: string, done: (beacons: Beacon[]) => boolean, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (!done(beaconsOf(siteKey))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for beacons of ${siteKey}: ${JSON.stringify(beaconsOf(siteKey), null, 1)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return beaconsOf(siteKey);
  };

  /** Beacons grouped by page view, in seq order, with their metrics merged (each metric must come once). */
  const pageViews = (beacons: Beacon[]) => {
    const views = new Map<string, Beacon[]>();
    for (const b of beacons) views.set(b.pageViewId, [...(views.get(b.pageViewId) ?? []), b].sort((x, y) => x.seq - y.seq));
    return [...views.values()].map((list) => {
      const metrics: Partial<Record<MetricName, number>> = {};
      for (const b of list) {
        for (const [name, value] of Object.entries(b.metrics ?? {})) {
          expect(metrics, `${name} sent twice in page view ${list[0].pageViewId}`).not.toHaveProperty(name);
          metrics[name as MetricName] = value;
        }
      }
      expect(list.map((b) => b.seq)).toEqual(list.map((_, i) => i));
      return { first: list[0], beacons: list, metrics, events: list.flatMap((b) => b.events ?? []), attribution: Object.assign({}, ...list.map((b) => b.attribution)) };
    });
  };
  const hasMetrics = (names: MetricName[]) => (beacons: Beacon[]) => pageViews(beacons).some((v) => names.every((n) => n in v.metrics));

  const openPage = async (opts: PageOptions, init?: string): Promise<Page> => {
    const context = await browser.newContext();
    if (init) await context.addInitScript(init);
    const page = await context.newPage();
    await page.goto(server.origin + pageUrl('/page/one', opts));
    return page;
  };
  /**
   * Shift, then a slow click (INP, and it finalises LCP), then a wait: web-vitals processes event entries in an
   * idle callback with a 1 s timeout, and entries still queued there when the page is hidden are not reported.
   */
  const interact = async (page: Page) => {
    await page.waitForFunction(() => (globalThis as unknown as Window).__shifted);
    await page.click('#work');
    await page.waitForTimeout(1500);
  };
  // Leaving the page fires a real, trusted visibilitychange to hidden and pagehide (minimising or switching
  // pages does not hide a page in headless Chromium).
  const hide = (page: Page) => page.goto(server.origin + '/other');
  const back = async (page: Page) => {
    await page.goBack({ waitUntil: 'commit' });
    await page.waitForFunction(() => (globalThis as unknown as Window).__persisted !== undefined);
    return page.evaluate(() => (globalThis as unknown as Window).__persisted);
  };

  it('sends a load beacon with timings, then LCP, CLS, INP and events on hide, and one gtag event per metric', async () => {
    const siteKey = 'site_hard_nav';
    const page = await openPage({ siteKey, gtag: true });

    const [load] = await waitForBeacons(siteKey, (b) => b.length > 0);
    expect(load).toMatchObject({ v: 1, seq: 0, navType: 'navigate', release: 'v2.3.1', timeZone: expect.any(String) });
    expect(load.url).toContain('/page/one');
    expect(load.metrics?.ttfb).toBeGreaterThan(0);
    expect(load.metrics?.fcp).toBeGreaterThan(0);
    expect(load.viewport).toEqual({ w: 1280, h: 720 });
    expect(load.sessionId).toMatch(/^[0-9-]{8,}$/);
    const t = load.timings!;
    for (const name of ['dns', 'tcp', 'tls', 'request', 'response', 'domContentLoaded', 'load'] as const) expect(t[name], name).toBeGreaterThanOrEqual(0);
    expect(t.load).toBeGreaterThanOrEqual(t.domContentLoaded!);
    expect(load.events).toEqual([{ name: 'page_ready', atMs: expect.any(Number), props: { plan: 'pro' } }]);

    await interact(page);
    await page.evaluate(() => (globalThis as unknown as Window).parallax('track', 'checkout_completed', { amount: 42, currency: 'EUR', cart: { n: 1 } }));
    await hide(page);
    const beacons = await waitForBeacons(siteKey, hasMetrics(['lcp', 'fcp', 'ttfb', 'cls', 'inp']));

    const [view] = pageViews(beacons);
    expect(pageViews(beacons)).toHaveLength(1);
    expect(view.metrics.lcp).toBeGreaterThanOrEqual(view.metrics.fcp!);
    expect(view.metrics.cls).toBeGreaterThan(0);
    expect(view.metrics.inp).toBeGreaterThanOrEqual(100); // the click handler busy-waits 120 ms
    expect(view.events.map((e) => e.name)).toEqual(['page_ready', 'checkout_completed']);
    expect(view.events[1].props).toEqual({ amount: 42, currency: 'EUR', cart: '[object Object]' });

    // Back from the bfcache, the page's gtag stub still holds what was forwarded before it was hidden.
    expect(await back(page)).toBe(hasBfcache);
    if (!hasBfcache) {
      // reloaded instead: a page view of its own, and the old page's gtag calls are gone with it
      await waitForBeacons(siteKey, (b) => pageViews(b).some((v) => v.first.navType == 'back-forward'));
      await page.context().close();
      return;
    }
    const calls = (await page.evaluate(() => (globalThis as unknown as Window).__gtagCalls!)).filter((c) => c[2].metric_id == view.first.pageViewId);
    expect(calls.map((c) => c[1]).sort()).toEqual(['CLS', 'FCP', 'INP', 'LCP', 'TTFB']);
    for (const [command, name, params] of calls) {
      expect(command).toBe('event');
      expect(params.metric_value).toEqual(name == 'CLS' ? expect.closeTo(view.metrics.cls!, 3) : expect.closeTo(view.metrics[name.toLowerCase() as MetricName]!, -1));
    }
    await page.context().close();
  }, 20_000);

  it('gives an SPA route change (soft) and a bfcache restore a page view of their own', async () => {
    const siteKey = 'site_spa_bfcache';
    const page = await openPage({ siteKey });
    await waitForBeacons(siteKey, (b) => b.length > 0);
    await page.click('#go'); // history.pushState to /page/two
    await page.evaluate(() => (globalThis as unknown as Window).parallax('track', 'viewed_two'));
    await hide(page);
    await waitForBeacons(siteKey, (b) => pageViews(b).length == 2 && hasMetrics(['cls'])(b));

    expect(await back(page)).toBe(hasBfcache); // a real bfcache restore, not a reload
    if (!hasBfcache) {
      await waitForBeacons(siteKey, (b) => pageViews(b).length == 3 && pageViews(b).some((v) => v.first.navType == 'back-forward'));
      await page.context().close();
      return;
    }
    await waitForBeacons(siteKey, (b) => pageViews(b).length == 3);
    await hide(page);
    const views = pageViews(await waitForBeacons(siteKey, (b) => pageViews(b).some((v) => v.first.navType == 'back-forward-cache' && 'cls' in v.metrics)));

    const [hard, soft, restored] = ['navigate', 'soft', 'back-forward-cache'].map((navType) => views.find((v) => v.first.navType == navType)!);
    expect(views).toHaveLength(3);
    expect(new Set(views.map((v) => v.first.sessionId)).size).toBe(1);
    expect(hard.first.url).toContain('/page/one');
    // CLS (and INP) cover the whole document and stay with the hard navigation, as in CrUX.
    expect(Object.keys(hard.metrics)).toEqual(expect.arrayContaining(['cls', 'fcp', 'lcp', 'ttfb']));
    expect(soft.first.url).toContain('/page/two');
    expect(soft.metrics).toEqual({});
    expect(soft.events.map((e) => e.name)).toEqual(['viewed_two']);
    expect(restored.first.url).toContain('/page/two');
    expect(restored.metrics.ttfb).toBe(0);
    expect(Object.keys(restored.metrics).sort()).toEqual(['cls', 'fcp', 'lcp', 'ttfb']);
    expect(restored.first.timings).toBeUndefined();
    await page.context().close();
  }, 20_000);

  it('in consent mode sends nothing until parallax("consent", true), then what was held', async () => {
    const siteKey = 'site_consent';
    const page = await openPage({ siteKey, consentRequired: true, gtag: true });
    await page.waitForFunction('performance.getEntriesByType("navigation")[0].loadEventEnd > 0');
    await page.waitForTimeout(400); // the load beacon would have gone 100 ms after load
    await page.evaluate(() => (globalThis as unknown as Window).parallax('track', 'before_consent'));
    expect(beaconsOf(siteKey)).toEqual([]);
    expect(await page.evaluate(() => (globalThis as unknown as Window).__gtagCalls!.length)).toBe(0);

    await page.evaluate(() => (globalThis as unknown as Window).parallax('consent', true));
    const [load] = await waitForBeacons(siteKey, (b) => b.length > 0);
    expect(load.metrics).toHaveProperty('ttfb');
    expect(await page.evaluate(() => (globalThis as unknown as Window).__gtagCalls!.map((c) => c[1]).sort())).toEqual(['FCP', 'TTFB']);

    await hide(page);
    const [view] = pageViews(await waitForBeacons(siteKey, (b) => b.length > 1));
    expect(view.events.map((e) => e.name)).toEqual(['page_ready', 'before_consent']);
    await page.context().close();
  }, 20_000);

  it('with sampleRate 0 sends nothing, and with data-ga4="off" calls no gtag', async () => {
    const siteKey = 'site_unsampled';
    const page = await openPage({ siteKey, sampleRate: 0, gtag: true, ga4: false });
    await page.waitForFunction(() => (globalThis as unknown as Window).__shifted);
    await page.click('#work');
    await page.evaluate(() => (globalThis as unknown as Window).parallax('track', 'unsampled_event'));
    const gtagCalls = await page.evaluate(() => (globalThis as unknown as Window).__gtagCalls!.length);
    await hide(page);
    await page.waitForTimeout(500);
    expect(beaconsOf(siteKey)).toEqual([]);
    expect(gtagCalls).toBe(0);
    await page.context().close();
  }, 20_000);

  it('attribution build, injected like the synthetic agent: names LCP element, INP target, CLS source and tags the run', async () => {
    const siteKey = 'site_attribution';
    const config = { siteKey, endpoint: `${server.origin}/_p/e`, sampleRate: 1, syntheticRunId: 'run_42' };
    const page = await openPage({ siteKey, noTag: true }, renderSiteScript(bundles.attribution, config));
    await interact(page);
    await hide(page);
    const beacons = await waitForBeacons(siteKey, hasMetrics(['lcp', 'cls', 'inp']));
    expect(beacons.every((b) => b.syntheticRunId == 'run_42')).toBe(true);
    const view = pageViews(beacons).find((v) => v.first.url.includes('/page/one'))!;
    expect(view.attribution).toEqual({ lcpElement: '#hero', inpTarget: '#work', clsSource: expect.any(String) });
    // The page's own queue call, made after the injected bundle started, still counts.
    expect(view.events.map((e) => e.name)).toEqual(['page_ready']);
    await page.context().close();
  }, 20_000);
});

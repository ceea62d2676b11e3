import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchOptionsFor, resolveBrowser } from '@parallax/runner';
import { startFixtureSite, type FixtureSite } from '../../../test/fixtures/site/server';
import { parseJourney, type Journey } from '@parallax/journeys';
import { applyThrottling, contextOptionsFor } from './browser-profile';
import { runJourney, type RunJourneyOptions, type RunRecord } from './journey-executor';


const JOURNEYS_DIR = join(__dirname, '../../../journeys');
const SECRET = 'Sup3r s3cret/pa$$"word';
const SECRET_FORMS = [SECRET, encodeURIComponent(SECRET), new URLSearchParams({ s: SECRET }).toString().slice(2), JSON.stringify(SECRET).slice(1, -1)];

function load(file: string): Journey {
  const r = parseJourney(readFileSync(join(JOURNEYS_DIR, file), 'utf8'), file);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.journey;
}

function inline(source: string): Journey {
  const r = parseJourney(source, 'inline.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.journey;
}

function expectNoSecret(record: RunRecord): void {
  const json = JSON.stringify(record);
  for (const form of SECRET_FORMS) expect(json).not.toContain(form);
}

// The browser is found as the agents find it (bundled when the machine has none): never skipped.
describe('runJourney in Chromium', () => {
  let browser: Browser;
  let site: FixtureSite;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    site = await startFixtureSite();
    browser = await chromium.launch(launchOptionsFor(await resolveBrowser({ chromiumPath: process.env.CHROMIUM_PATH })));
  }, 30_000);
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  async function pageFor(journey: Journey): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext(contextOptionsFor(journey));
    contexts.push(context);
    return { page: await context.newPage(), context };
  }

  async function run(journey: Journey, extra: Partial<RunJourneyOptions> = {}): Promise<RunRecord> {
    const { page, context } = await pageFor(journey);
    return runJourney(journey, { page, context, baseUrl: site.baseUrl, secrets: { SHOP_PASSWORD: SECRET, DEMO_SHOP_PASSWORD: SECRET }, ...extra });
  }

  it('passes the checkout journey, timing every step and recording what the site did', async () => {
    const journey = load('checkout.yaml');
    const seen: number[] = [];
    const record = await run(journey, { onStep: (s) => seen.push(s.index) });

    expect(record.steps.filter((s) => s.status !== 'passed'), JSON.stringify(record.steps)).toEqual([]);
    expect(record.status).toBe('passed');
    expect(record.failedStepIndex).toBeUndefined();
    expect(record.screenshot).toBeUndefined();
    expect(seen).toEqual(journey.steps.map((_, i) => i));
    expect(site.orders.at(-1)).toMatchObject({ email: 'synthetic-monitor@example.com', country: 'BR', items: [{ sku: '42', quantity: 2 }] });

    const byName = Object.fromEntries(record.steps.map((s) => [s.name, s]));
    expect(byName['open home']).toMatchObject({ action: 'goto', route: '/', url: `${site.baseUrl}/` });
    expect(byName['open product']).toMatchObject({ route: '/product/:id', url: `${site.baseUrl}/product/42` });
    expect(byName['open cart']).toMatchObject({ route: '/cart' });
    expect(byName['order confirmed']).toMatchObject({ route: '/checkout/complete' });
    for (const s of record.steps) expect(s.durationMs).toBeGreaterThanOrEqual(0);
    expect(record.durationMs).toBeGreaterThan(0);
    expect(record.marks.map((m) => m.name)).toEqual(['product-visible', 'order-submitted']);
    expect(record.marks[1].atMs).toBeGreaterThan(record.marks[0].atMs);

    // the fixture shop leaks the password to its console and a tracking URL: both recorded, both masked
    expect(record.consoleErrors.some((e) => e.includes('[debug] checkout submitted') && e.includes('***'))).toBe(true);
    expect(record.failedRequests).toEqual(
      expect.arrayContaining([
        { url: `${site.baseUrl}/img/missing-banner.png`, method: 'GET', status: 404 },
        { url: `${site.baseUrl}/api/track?event=checkout&pw=***`, method: 'GET', status: 404 },
      ]),
    );
    expectNoSecret(record);
  });

  it('fails a broken selector at that step with a clear error and a screenshot, skipping the rest', async () => {
    const journey = load('checkout.yaml');
    const broken = journey.steps.findIndex((s) => 'click' in s && s.click === '#add-to-cart');
    journey.steps[broken] = { click: { selector: '#add-to-basket', timeoutMs: 1000 }, name: 'add to cart' };
    const record = await run(journey);

    expect(record.status).toBe('failed');
    expect(record.failedStepIndex).toBe(broken);
    const step = record.steps[broken];
    expect(step).toMatchObject({ name: 'add to cart', status: 'failed', route: '/product/:id' });
    expect(step.error).toMatch(/Timeout 1000ms exceeded/);
    expect(step.error).toContain('#add-to-basket');
    expect(step.error).not.toContain('\n');
    expect(record.steps.slice(0, broken).every((s) => s.status === 'passed')).toBe(true);
    expect(record.steps.slice(broken + 1).every((s) => s.status === 'skipped' && s.durationMs === 0)).toBe(true);

    expect(Buffer.isBuffer(record.screenshot)).toBe(true);
    expect(record.screenshot!.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8])); // JPEG
    expect(record.screenshot!.length).toBeLessThanOrEqual(500 * 1024);
    expectNoSecret(record);
  });

  it('masks a secret in every recorded string: URLs, errors, step names', async () => {
    const journey = inline(`name: leaky
schedule: { every: 5m }
steps:
  - goto: '/?token=\${{ secrets.SHOP_PASSWORD }}'
  - fill: { selector: '#nowhere', value: '\${{ secrets.SHOP_PASSWORD }}', timeoutMs: 300, optional: true }
  - expect: { title: 'Shop \${{ secrets.SHOP_PASSWORD }}', timeoutMs: 300 }
`);
    const record = await run(journey, { screenshotOnFailure: async () => undefined });
    expect(record.status).toBe('failed');
    expect(record.steps[0].url).toBe(`${site.baseUrl}/?token=***`);
    expect(record.steps[1]).toMatchObject({ status: 'failed', optional: true });
    expect(record.steps[2].error).toBe('expected the title to contain "Shop ***", got "Parallax Shop" (after 300 ms)');
    expectNoSecret(record);
  });

  it('records a failed optional step without failing the run', async () => {
    const record = await run(
      inline(`name: optional
schedule: { every: 5m }
steps:
  - goto: /product/42
  - click: { selector: '#newsletter-close', optional: true, timeoutMs: 300 }
  - expect: { selector: '#product-title', text: Espresso }
`),
    );
    expect(record.status).toBe('passed');
    expect(record.failedStepIndex).toBeUndefined();
    expect(record.steps.map((s) => [s.status, s.optional])).toEqual([
      ['passed', false],
      ['failed', true],
      ['passed', false],
    ]);
    expect(record.steps[1].error).toMatch(/Timeout 300ms exceeded.*#newsletter-close/);
  });

  it('fails before any browser work when a secret is missing, naming it', async () => {
    const journey = load('checkout.yaml');
    const { page } = await pageFor(journey);
    const record = await runJourney(journey, { page, baseUrl: site.baseUrl, secrets: {} });
    expect(record.status).toBe('failed');
    expect(record.error).toMatch(/^secret DEMO_SHOP_PASSWORD is not set \(used by step \d+\)$/);
    expect(record.steps.every((s) => s.status === 'skipped')).toBe(true);
    expect(page.url()).toBe('about:blank');
  });

  it('emulates the device from contextOptionsFor', async () => {
    const journey = inline(`name: phone\nschedule: { every: 5m }\ndevice: iphone-13\nsteps:\n  - goto: /\n`);
    const { page } = await pageFor(journey);
    await page.goto(site.baseUrl);
    const seen = await page.evaluate(() => {
      const w = globalThis as unknown as { navigator: { userAgent: string }; innerWidth: number; devicePixelRatio: number };
      return { ua: w.navigator.userAgent, width: w.innerWidth, dpr: w.devicePixelRatio };
    });
    expect(seen).toEqual({ ua: expect.stringContaining('iPhone'), width: 390, dpr: 3 });
  });

  it('caps step timeouts at what is left of the journey timeout', async () => {
    const record = await run(inline(`name: slow\nschedule: { every: 5m }\ntimeoutMs: 1000\nsteps:\n  - goto: /\n  - waitFor: { selector: '#never', timeoutMs: 5000 }\n  - goto: /cart\n`), {
      screenshotOnFailure: async () => undefined,
    });
    expect(record.status).toBe('failed');
    expect(record.failedStepIndex).toBe(1);
    expect(record.steps[1].durationMs).toBeLessThan(1500);
    expect(record.steps[2].status).toBe('skipped');
  });

  it('slows the CPU over CDP', async () => {
    const busyMs = async (page: Page) =>
      page.evaluate(() => {
        const start = performance.now();
        let x = 0;
        for (let i = 0; i < 1e7; i++) x += Math.sqrt(i);
        return x > 0 ? performance.now() - start : 0;
      });
    const journey = inline(`name: cpu\nschedule: { every: 5m }\ncpuSlowdown: 20\nsteps:\n  - goto: /\n`);
    const { page } = await pageFor(journey);
    expect(await applyThrottling(page, { network: 'none', cpuSlowdown: 1 })).toBeUndefined();
    // One page, before and after (pages of one site may share a renderer process). Minimum of several
    // samples, because other test files share the cores and load only ever adds time.
    const fastest = async (samples: number) => {
      let best = Infinity;
      for (let i = 0; i < samples; i++) best = Math.min(best, await busyMs(page));
      return best;
    };
    await busyMs(page); // JIT warm-up
    const normalMs = await fastest(5);
    expect(await applyThrottling(page, journey)).toBeDefined();
    await busyMs(page); // the throttle can take a moment to engage
    const throttledMs = await fastest(2);
    // Chromium throttles in time slices and load blurs it: 10-19x was measured here for a nominal 20x
    expect(throttledMs).toBeGreaterThan(normalMs * 4);
  });

  it('throttles the network over CDP: a 3g page load takes measurably longer', async () => {
    const journeyOn = (network: string) => inline(`name: net\nschedule: { every: 5m }\nnetwork: ${network}\nsteps:\n  - goto: /\n`);
    const fast = await run(journeyOn('none'));
    const slow = await run(journeyOn('3g'));
    expect(fast.status).toBe('passed');
    expect(slow.status).toBe('passed');
    // 3g holds every response back at least 300 ms, and the home page needs two round trips (the document,
    // then its assets): a lower bound that machine load cannot lower
    expect(slow.steps[0].durationMs).toBeGreaterThanOrEqual(600);
    expect(slow.steps[0].durationMs).toBeGreaterThan(fast.steps[0].durationMs);
  });
});

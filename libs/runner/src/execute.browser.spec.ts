import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClaimedRun, RunReport } from '@parallax/contracts';
import { parseJourney, type Journey } from '@parallax/journeys';
import { loadSnippetBundles } from '@parallax/snippet';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BrowserPool } from './browser-pool';
import { executeClaimedRun } from './execute';
import { AgentRunner } from './runner';
import type { AgentTransport } from './transport';

// Found as the agents find it (CHROMIUM_PATH, Playwright's, the system's, else the bundled one): never skipped.
// PARALLAX_BROWSER_SKIP_SYSTEM=1 runs these on the bundled Chromium, as on a machine without one.
const CHROMIUM_PATH = process.env.CHROMIUM_PATH;

const SECRET = 'S3cr3t pa$$/wörd"x';
const SECRET_FORMS = [SECRET, encodeURIComponent(SECRET), new URLSearchParams({ s: SECRET }).toString().slice(2), JSON.stringify(SECRET).slice(1, -1)];

const page = (title: string, body: string) =>
  `<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`;

/** The site under test: two pages, an echo page that shows (and leaks) what was typed, and a page that never answers. */
function startSite(): Promise<{ baseUrl: string; server: Server }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const html = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(text);
    };
    if (url.pathname === '/') return html(200, page('Home', '<h1>Welcome to the test shop</h1><p>Lorem ipsum dolor sit amet.</p><a id="next" href="/next">Next</a>'));
    if (url.pathname === '/next') return html(200, page('Next', '<h1 id="done">Done</h1><p>Second page, enough text to paint.</p>'));
    if (url.pathname === '/login') {
      return html(200, page('Login', '<form action="/echo" method="get"><input id="pw" name="pw"><button id="go" type="submit">Go</button></form>'));
    }
    if (url.pathname === '/echo') {
      // the page shows the secret, logs it, and requests a missing URL carrying it: all of it must come back masked
      const script = `<script>const pw = new URLSearchParams(location.search).get('pw');
        document.getElementById('echo').textContent = pw; console.error('typed ' + pw);
        fetch('/missing?pw=' + encodeURIComponent(pw));</script>`;
      return html(200, page('Echo', `<h1>Echo</h1><p id="echo"></p>${script}`));
    }
    if (url.pathname === '/hang') return; // never answers
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      return res.end();
    }
    html(404, page('Not found', '<h1>404</h1>'));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

interface CollectedBeacon {
  siteKey?: string;
  syntheticRunId?: string;
  url?: string;
  metrics?: Record<string, number>;
}

/** The beacon collector, on its own origin like the real server. */
function startCollector(): Promise<{ collectUrl: string; server: Server; beacons: CollectedBeacon[]; raw: string[] }> {
  const beacons: CollectedBeacon[] = [];
  const raw: string[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST') {
        raw.push(text);
        beacons.push(JSON.parse(text) as CollectedBeacon);
      }
      res.writeHead(204, { 'access-control-allow-origin': '*' });
      res.end();
    });
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => ok({ collectUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/collect`, server, beacons, raw })),
  );
}

function journeyOf(yaml: string): Journey {
  const r = parseJourney(yaml, 'test.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.journey;
}

function claimed(runId: string, journey: Journey, baseUrl: string, collectUrl: string): ClaimedRun {
  return {
    runId,
    siteId: 'site-1',
    siteKey: 'pk_runner_test',
    journeyId: 'journey-1',
    journeyName: journey.name,
    // as it travels: JSON
    journey: JSON.parse(JSON.stringify(journey)),
    baseUrl,
    collectUrl,
    attempt: 1,
    dueAt: new Date().toISOString(),
    leaseExpiresAt: new Date(Date.now() + 60_000).toISOString(),
  };
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = performance.now();
  while (!condition() && performance.now() - start < timeoutMs) await new Promise((r) => setTimeout(r, 20));
}

describe('executeClaimedRun in Chromium', { timeout: 15_000 }, () => {
  let pool: BrowserPool;
  let browser: Browser;
  let site: { baseUrl: string; server: Server };
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let bundle: string;
  let launchError: unknown;

  beforeAll(async () => {
    bundle = loadSnippetBundles().core;
    site = await startSite();
    collector = await startCollector();
    pool = new BrowserPool({ executablePath: CHROMIUM_PATH });
    browser = await pool.get().catch((err: unknown) => {
      launchError = err;
      return undefined as unknown as Browser;
    });
  }, 30_000);
  // every test fails on its own when Chromium is missing (in CI), so the count of failures shows it
  beforeEach(() => {
    if (launchError) throw launchError;
  });
  afterAll(async () => {
    await pool?.close();
    for (const server of [site?.server, collector?.server]) {
      server?.closeAllConnections();
      await new Promise((ok) => server?.close(ok));
    }
  });

  const run = (runId: string, journey: Journey, secrets: Record<string, string> = {}, signal?: AbortSignal): Promise<RunReport> =>
    executeClaimedRun(browser, claimed(runId, journey, site.baseUrl, collector.collectUrl), { agentId: 'agent-t', bundle, secrets, signal });

  it('passes a 2-step journey, and the injected snippet sends beacons tagged with the run id', async () => {
    const journey = journeyOf(`
name: two-steps
schedule: { every: 5m }
steps:
  - goto: /
  - click: '#next'
    name: open next
  - expect: { selector: '#done', visible: true }
`);
    const report = await run('run-pass-1', journey);

    expect(report.status, JSON.stringify(report)).toBe('passed');
    expect(report).toMatchObject({ agentId: 'agent-t', consoleErrors: [], failedRequests: [] });
    expect(report.steps.map((s) => [s.index, s.action, s.status])).toEqual([
      [0, 'goto', 'passed'],
      [1, 'click', 'passed'],
      [2, 'expect', 'passed'],
    ]);
    expect(report.steps[1]).toMatchObject({ name: 'open next', route: '/next', url: `${site.baseUrl}/next` });
    expect(report.screenshotBase64).toBeUndefined();
    expect(Date.parse(report.startedAt)).toBeGreaterThan(Date.now() - 60_000);

    const mine = collector.beacons.filter((b) => b.syntheticRunId === 'run-pass-1');
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(mine.every((b) => b.siteKey === 'pk_runner_test')).toBe(true);
    expect(new Set(mine.map((b) => new URL(b.url!).pathname))).toEqual(new Set(['/', '/next']));
    // the final flush made the last page report its LCP before the context closed
    const next = mine.filter((b) => b.url?.endsWith('/next'));
    expect(next.some((b) => b.metrics?.lcp !== undefined), JSON.stringify(next)).toBe(true);
    expect(collector.beacons.some((b) => b.url?.startsWith('about:'))).toBe(false);
  });

  it('fails on a missing selector with a clear step error, later steps skipped, and a JPEG screenshot', async () => {
    const journey = journeyOf(`
name: broken
schedule: { every: 5m }
steps:
  - goto: /
  - click: { selector: '#does-not-exist', timeoutMs: 1000 }
  - expect: { selector: '#done', visible: true }
`);
    const report = await run('run-broken-1', journey);

    expect(report.status).toBe('failed');
    expect(report.failedStepIndex).toBe(1);
    expect(report.steps.map((s) => s.status)).toEqual(['passed', 'failed', 'skipped']);
    expect(report.steps[1].error).toMatch(/#does-not-exist/);
    expect(report.steps[1].error).toMatch(/1000ms|1000 ms/);
    const jpeg = Buffer.from(report.screenshotBase64!, 'base64');
    expect(jpeg.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(jpeg.length).toBeLessThanOrEqual(500 * 1024);
  });

  it('masks a secret everywhere: the report (error, console, URLs, failed requests) and the beacons', async () => {
    const journey = journeyOf(`
name: secret
schedule: { every: 5m }
steps:
  - goto: /login
  - fill: { selector: '#pw', value: '\${{ secrets.SHOP_PASSWORD }}' }
  - click: '#go'
  - expect: { selector: '#echo', text: 'not what the page shows', timeoutMs: 1000 }
`);
    const report = await run('run-secret-1', journey, { SHOP_PASSWORD: SECRET });

    expect(report.status).toBe('failed');
    expect(report.failedStepIndex).toBe(3);
    expect(report.steps[3].error).toContain('***');
    expect(report.consoleErrors.join('\n')).toContain('typed ***');
    expect(report.failedRequests.some((r) => r.status === 404 && r.url.includes('/missing'))).toBe(true);
    expect(report.screenshotBase64).toBeDefined();
    const json = JSON.stringify(report);
    for (const form of SECRET_FORMS) expect(json).not.toContain(form);

    await until(() => collector.beacons.some((b) => b.syntheticRunId === 'run-secret-1' && b.url?.includes('/echo')));
    const beacons = collector.raw.filter((text) => text.includes('run-secret-1'));
    expect(beacons.some((text) => text.includes('/echo?pw=***'))).toBe(true);
    for (const text of beacons) for (const form of SECRET_FORMS) expect(text).not.toContain(form);
  });

  it('fails a run whose secret is not set, naming the secret, without opening a page', async () => {
    const journey = journeyOf(`
name: no-secret
schedule: { every: 5m }
steps:
  - goto: /login
  - fill: { selector: '#pw', value: '\${{ secrets.SHOP_PASSWORD }}' }
`);
    const report = await run('run-nosecret-1', journey, {});
    expect(report.status).toBe('failed');
    expect(report.error).toBe("secret not set in this agent's environment: SHOP_PASSWORD (set PARALLAX_SECRET_SHOP_PASSWORD)");
    expect(report.steps.map((s) => s.status)).toEqual(['skipped', 'skipped']);
  });

  it('kills a hung step at the journey timeout and reports it', async () => {
    const journey = journeyOf(`
name: hung
schedule: { every: 5m }
timeoutMs: 1500
steps:
  - goto: /
  - goto: /hang
  - expect: { selector: '#done', visible: true }
`);
    const contextsBefore = browser.contexts().length;
    const report = await run('run-hung-1', journey);

    expect(report.status).toBe('failed');
    expect(report.error).toBe('timed out after 1500 ms');
    expect(report.durationMs).toBeGreaterThanOrEqual(1400);
    expect(report.durationMs).toBeLessThan(4000);
    expect(report.steps.map((s) => s.status)).toEqual(['passed', 'failed', 'skipped']);
    expect(report.steps[1].error).toBe('timed out after 1500 ms');
    expect(report.failedStepIndex).toBe(1);
    expect(browser.contexts().length).toBe(contextsBefore);
  });

  it('stops a run when its signal aborts', async () => {
    const journey = journeyOf(`
name: aborted
schedule: { every: 5m }
steps:
  - goto: /hang
`);
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('the agent is stopping')), 300);
    const report = await run('run-abort-1', journey, {}, abort.signal);
    expect(report.error).toBe('aborted: the agent is stopping');
    expect(report.durationMs).toBeLessThan(2500);
  });

  it('runs a claimed run end to end through AgentRunner and the Chromium executor, secrets from the environment', async () => {
    const journey = journeyOf(`
name: runner-e2e
schedule: { every: 5m }
steps:
  - goto: /login
  - fill: { selector: '#pw', value: '\${{ secrets.SHOP_PASSWORD }}' }
  - click: '#go'
  - expect: { selector: '#echo', visible: true }
`);
    const due = [claimed('run-e2e-1', journey, site.baseUrl, collector.collectUrl)];
    const reports: RunReport[] = [];
    const transport: AgentTransport = {
      register: async () => ({ agentId: 'agent-e2e', heartbeatMs: 1000, leaseMs: 30_000, pollMs: 50 }),
      heartbeat: async () => undefined,
      claim: async ({ max }) => due.splice(0, max),
      report: async (_runId, report) => void reports.push(report),
      snippet: async () => ({ bundle, hash: 'test' }),
    };
    const runner = new AgentRunner(transport, {
      location: 'local',
      concurrency: 1,
      name: 'test',
      version: 'test',
      chromiumPath: CHROMIUM_PATH,
      env: { PARALLAX_SECRET_SHOP_PASSWORD: SECRET },
    });
    await runner.start();
    try {
      await until(() => reports.length === 1, 10_000);
    } finally {
      await runner.stop();
    }
    expect(reports[0]).toMatchObject({ agentId: 'agent-e2e', status: 'passed' });
    expect(reports[0].steps.at(-1)?.url).toContain('/echo?pw=***');
    for (const form of SECRET_FORMS) expect(JSON.stringify(reports[0])).not.toContain(form);
    await until(() => collector.beacons.some((b) => b.syntheticRunId === 'run-e2e-1'));
    expect(collector.beacons.some((b) => b.syntheticRunId === 'run-e2e-1')).toBe(true);
  });

  it('relaunches Chromium after it went away', async () => {
    const own = new BrowserPool({ executablePath: CHROMIUM_PATH, onDisconnect: () => disconnects++ });
    let disconnects = 0;
    try {
      const first = await own.get();
      await first.close(); // as if it had crashed: not through the pool
      await until(() => disconnects === 1);
      const second = await own.get();
      expect(second).not.toBe(first);
      expect(second.isConnected()).toBe(true);
      expect(disconnects).toBe(1);
    } finally {
      await own.close();
    }
  });
});

describe('BrowserPool with a CHROMIUM_PATH that does not exist', () => {
  it('says what is wrong and how to fix it, without falling back to another browser', async () => {
    const pool = new BrowserPool({ executablePath: '/nonexistent/chromium' });
    await expect(pool.get()).rejects.toThrow('CHROMIUM_PATH is /nonexistent/chromium, which is not an executable file: fix it, or unset it (or set "auto")');
  });
});

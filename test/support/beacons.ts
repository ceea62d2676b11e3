import http from 'node:http';
import type { Beacon } from '@parallax/contracts';
import { mulberry32 } from '@parallax/detect/stats';
import type { BeaconRow } from '../../apps/server/src/ingest/beacon-row';

/** A seeded PRNG (mulberry32, from the detection library): the same seed gives the same traffic, so failures reproduce. */
export const seededRandom: (seed: number) => () => number = mulberry32;

export type Random = () => number;

/** One item of `list`, uniformly. */
export function pick<T>(rand: Random, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)];
}

/** One item of `list`, by weight. */
export function pickWeighted<T extends { weight: number }>(rand: Random, list: readonly T[]): T {
  const total = list.reduce((s, x) => s + x.weight, 0);
  let r = rand() * total;
  for (const x of list) {
    r -= x.weight;
    if (r < 0) return x;
  }
  return list[list.length - 1];
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

/** A random url-safe id like the snippet makes (page view and session ids). */
export function randomId(rand: Random, length = 16): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ID_CHARS[Math.floor(rand() * 64)];
  return s;
}

/** A standard normal sample (Box-Muller). */
export function gaussian(rand: Random): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A log-normal sample with the given median and log-space sigma, as web timings are distributed. */
export function logNormal(rand: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * gaussian(rand));
}

/** Real user agents with what the collector should derive from them. */
export const USER_AGENTS = [
  { weight: 30, ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', browser: 'chrome', browserMajor: 'chrome 124', os: 'windows', device: 'desktop' },
  { weight: 20, ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', browser: 'safari', browserMajor: 'safari 17', os: 'ios', device: 'mobile' },
  { weight: 15, ua: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Mobile Safari/537.36', browser: 'chrome', browserMajor: 'chrome 123', os: 'android', device: 'mobile' },
  { weight: 8, ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15', browser: 'safari', browserMajor: 'safari 17', os: 'macos', device: 'desktop' },
  { weight: 6, ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51', browser: 'edge', browserMajor: 'edge 124', os: 'windows', device: 'desktop' },
  { weight: 5, ua: 'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36', browser: 'samsung', browserMajor: 'samsung 24', os: 'android', device: 'mobile' },
  { weight: 4, ua: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0', browser: 'firefox', browserMajor: 'firefox 125', os: 'linux', device: 'desktop' },
  { weight: 4, ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0', browser: 'firefox', browserMajor: 'firefox 126', os: 'windows', device: 'desktop' },
  { weight: 3, ua: 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1', browser: 'safari', browserMajor: 'safari 16', os: 'ios', device: 'tablet' },
  { weight: 2, ua: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36', browser: 'chrome', browserMajor: 'chrome 122', os: 'chromeos', device: 'desktop' },
  { weight: 2, ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/109.0.0.0', browser: 'opera', browserMajor: 'opera 109', os: 'macos', device: 'desktop' },
  { weight: 1, ua: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', browser: 'other', browserMajor: 'other', os: 'other', device: 'bot' },
] as const;
export type UserAgentCase = (typeof USER_AGENTS)[number];

/** Browser time zones with the country the collector should derive (Asia/Calcutta is an old alias Chrome still sends). */
export const TIME_ZONES = [
  { weight: 25, timeZone: 'America/New_York', country: 'US' },
  { weight: 10, timeZone: 'America/Los_Angeles', country: 'US' },
  { weight: 15, timeZone: 'Europe/Berlin', country: 'DE' },
  { weight: 10, timeZone: 'Europe/London', country: 'GB' },
  { weight: 8, timeZone: 'America/Sao_Paulo', country: 'BR' },
  { weight: 8, timeZone: 'Asia/Calcutta', country: 'IN' },
  { weight: 6, timeZone: 'Asia/Tokyo', country: 'JP' },
  { weight: 5, timeZone: 'Europe/Paris', country: 'FR' },
  { weight: 5, timeZone: 'Australia/Sydney', country: 'AU' },
  { weight: 3, timeZone: 'Africa/Lagos', country: 'NG' },
  { weight: 3, timeZone: 'Etc/UTC', country: 'unknown' },
  { weight: 2, timeZone: 'Not/AZone', country: 'unknown' },
] as const;

/** Pages of a shop, with the route template the collector should derive (no site rules). */
export const PAGES: { weight: number; route: string; path: (rand: Random) => string; lcpMedianMs: number }[] = [
  { weight: 20, route: '/', path: () => '/', lcpMedianMs: 1800 },
  { weight: 30, route: '/product/:id', path: (r) => `/product/${1000 + Math.floor(r() * 90_000)}`, lcpMedianMs: 2400 },
  { weight: 15, route: '/category/shoes', path: () => '/category/shoes/', lcpMedianMs: 2100 },
  { weight: 10, route: '/search', path: () => '/search', lcpMedianMs: 1500 },
  { weight: 8, route: '/cart', path: () => '/cart', lcpMedianMs: 1200 },
  { weight: 6, route: '/checkout/:uuid/pay', path: (r) => `/checkout/${uuidFrom(r)}/pay`, lcpMedianMs: 1600 },
  { weight: 6, route: '/account/orders/:id', path: (r) => `/account/orders/${Math.floor(r() * 1e6)}`, lcpMedianMs: 1900 },
  { weight: 5, route: '/blog/how-we-cut-lcp', path: () => '/blog/how-we-cut-lcp', lcpMedianMs: 2600 },
];

function uuidFrom(rand: Random): string {
  const hex = () => Math.floor(rand() * 16).toString(16);
  const part = (n: number) => Array.from({ length: n }, hex).join('');
  return `${part(8)}-${part(4)}-4${part(3)}-a${part(3)}-${part(12)}`;
}

const QUERY_TAILS = ['', '', '', '?utm_source=news&email=jane%40example.com', '?q=red+shoes&session=abc123', '#reviews', '?ref=home#top'];
const EFFECTIVE_TYPES = [
  { weight: 80, value: '4g' },
  { weight: 15, value: '3g' },
  { weight: 4, value: '2g' },
  { weight: 1, value: 'slow-2g' },
] as const;
const RELEASES = ['v2.3.0', 'v2.3.1', 'v2.4.0'];

/** A beacon as the snippet would send it, with the request headers a browser would add. */
export interface GeneratedBeacon {
  beacon: Beacon;
  userAgent: UserAgentCase;
  zone: (typeof TIME_ZONES)[number];
  route: string;
}

export interface BeaconOptions {
  siteKey: string;
  origin: string;
  pageViewId?: string;
  sessionId?: string;
  seq?: number;
  lcpMs?: number;
}

/** A realistic beacon: a page of a shop, log-normal vitals, a real UA and time zone, sometimes a query string. */
export function realisticBeacon(rand: Random, options: BeaconOptions): GeneratedBeacon {
  const page = pickWeighted(rand, PAGES);
  const userAgent = pickWeighted(rand, USER_AGENTS);
  const zone = pickWeighted(rand, TIME_ZONES);
  const slow = userAgent.device === 'mobile' ? 1.4 : 1;
  const ms = (median: number, sigma: number) => Math.round(logNormal(rand, median * slow, sigma) * 10) / 10;
  const ttfb = ms(350, 0.6);
  const beacon: Beacon = {
    v: 1,
    siteKey: options.siteKey,
    pageViewId: options.pageViewId ?? randomId(rand),
    sessionId: options.sessionId ?? randomId(rand),
    seq: options.seq ?? 0,
    url: `${options.origin}${page.path(rand)}${pick(rand, QUERY_TAILS)}`,
    navType: rand() < 0.85 ? 'navigate' : pick(rand, ['reload', 'back-forward', 'back-forward-cache'] as const),
    metrics: {
      lcp: options.lcpMs ?? ms(page.lcpMedianMs, 0.5),
      fcp: ms(page.lcpMedianMs * 0.6, 0.45),
      ttfb,
      cls: Math.round(Math.max(0, logNormal(rand, 0.05, 1)) * 1000) / 1000,
      ...(rand() < 0.6 ? { inp: ms(180, 0.7) } : {}),
    },
    timings: {
      dns: ms(20, 1),
      tcp: ms(30, 0.8),
      tls: ms(40, 0.7),
      request: ms(ttfb * 0.7, 0.3),
      response: ms(60, 0.8),
      domContentLoaded: ms(1200, 0.5),
      load: ms(2200, 0.5),
    },
    connection: { effectiveType: pickWeighted(rand, EFFECTIVE_TYPES).value, rttMs: Math.round(ms(80, 0.7)), saveData: rand() < 0.03 },
    deviceMemoryGb: pick(rand, [2, 4, 8, 8, 16]),
    viewport: userAgent.device === 'desktop' ? { w: 1440, h: 900 } : { w: 390, h: 844 },
    timeZone: zone.timeZone,
    release: pick(rand, RELEASES),
    ...(rand() < 0.1 ? { events: [{ name: 'add_to_cart', atMs: ms(8000, 0.6), props: { sku: `SKU-${Math.floor(rand() * 999)}`, qty: 1 } }] } : {}),
  };
  return { beacon, userAgent, zone, route: page.route };
}

/** The answer of one collector request. */
export interface CollectResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Keep-alive agent for the collector helpers; tests share it and `destroy()` it at the end. */
export const keepAliveAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs `body` with exactly the headers given (node:http, so nothing is added but host and length). */
export function postRaw(url: string, body: string | Buffer, headers: Record<string, string> = {}, agent: http.Agent = keepAliveAgent): Promise<CollectResponse> {
  return new Promise((resolve, reject) => {
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    const request = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(payload.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    request.on('error', reject);
    request.end(payload);
  });
}

/** Sends beacons the way sendBeacon does: text/plain JSON with the page's origin and the browser's UA. */
export function sendBeacon(url: string, beacon: unknown, options: { origin?: string; userAgent?: string; headers?: Record<string, string> } = {}): Promise<CollectResponse> {
  const headers: Record<string, string> = { 'content-type': 'text/plain;charset=UTF-8', ...options.headers };
  if (options.origin) headers.origin = options.origin;
  if (options.userAgent) headers['user-agent'] = options.userAgent;
  return postRaw(url, JSON.stringify(beacon), headers);
}

/** Runs `task` for 0..count-1 with at most `concurrency` in flight. */
export async function inParallel(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** A stored beacon row for inserting through BeaconRepository (tests that need rows at a chosen time). */
export function storedRow(siteId: string, receivedAt: Date, pageViewId: string, seq = 0, overrides: Partial<BeaconRow> = {}): BeaconRow {
  return {
    siteId,
    receivedAt,
    pageViewId,
    seq,
    sessionHash: null,
    syntheticRunId: null,
    route: '/',
    path: '/',
    navType: 'navigate',
    country: 'DE',
    device: 'desktop',
    browser: 'chrome',
    browserMajor: 'chrome 124',
    os: 'windows',
    connection: '4g',
    release: null,
    lcp: 2000,
    inp: null,
    cls: 0.01,
    fcp: 1200,
    ttfb: 300,
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
    ...overrides,
  };
}

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BEACON_BYTES, METRIC_NAMES, NAV_TYPES, parseBeacon, TIMING_NAMES } from '@parallax/contracts';
import { keepAliveAgent, postRaw, TIME_ZONES, USER_AGENTS } from '../support/beacons';
import { json } from '../support/json';
import { startTestServer, type TestServer } from '../support/server';

const BATCHES = 320;
const CONCURRENCY = 32; // bodies of one batch are sent at once: 320 x 32 = 10,240 bodies
const MAX_PER_REQUEST = 20;

/** What one generated request carries: a JS value to serialise (after page view ids are made unique), raw text, or bytes. */
type Plan = { value: unknown } | { text: string } | { bytes: Uint8Array };
interface Request {
  plan: Plan;
  contentType: string | undefined;
  userAgent: string | undefined;
}

const ID = /^[A-Za-z0-9_-]{8,64}$/;
const anyText = (maxLength: number) => fc.oneof(fc.string({ maxLength }), fc.string({ unit: 'binary', maxLength }), fc.constantFrom('', '\u0000', 'a\ud800b', '\udfff', '😀', '\\u0000', "'; DROP TABLE beacons; --"));
const id = fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/);
const ms = fc.oneof(fc.double({ min: 0, max: 3_600_000, noNaN: true }), fc.integer({ min: 0, max: 60_000 }));
const optionalRecord = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T) => fc.record(model, { requiredKeys: [] });

/** Beacons valid by the contract (built from it: its names, bounds and enums), with a site key chosen by the caller. */
function validBeacon(siteKey: fc.Arbitrary<string>) {
  return fc.record(
    {
      v: fc.constant(1),
      siteKey,
      pageViewId: id,
      sessionId: id,
      seq: fc.integer({ min: 0, max: 1000 }),
      url: fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.webPath().map((p) => `https://shop.example${p.startsWith('/') ? p : `/${p}`}`)),
      navType: fc.constantFrom(...NAV_TYPES),
      metrics: optionalRecord({ ...Object.fromEntries(METRIC_NAMES.map((m) => [m, ms])), cls: fc.double({ min: 0, max: 100, noNaN: true }) }),
      timings: optionalRecord(Object.fromEntries(TIMING_NAMES.map((t) => [t, ms]))),
      connection: optionalRecord({ effectiveType: fc.constantFrom('slow-2g', '2g', '3g', '4g'), rttMs: fc.integer({ min: 0, max: 60_000 }), saveData: fc.boolean() }),
      deviceMemoryGb: fc.constantFrom(0.5, 1, 2, 4, 8),
      viewport: fc.record({ w: fc.integer({ min: 0, max: 20_000 }), h: fc.integer({ min: 0, max: 20_000 }) }),
      timeZone: fc.oneof(fc.constantFrom(...TIME_ZONES.map((z) => z.timeZone)), anyText(64)),
      release: anyText(100),
      events: fc.array(
        fc.record(
          { name: anyText(100).filter((s) => s.length > 0), atMs: ms, props: fc.dictionary(anyText(50), fc.oneof(anyText(200), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()), { maxKeys: 4 }) },
          { requiredKeys: ['name'] },
        ),
        { maxLength: 5 },
      ),
      syntheticRunId: anyText(64).filter((s) => s.length > 0),
      attribution: optionalRecord({ lcpElement: anyText(300), inpTarget: anyText(300), clsSource: anyText(300) }),
    },
    { requiredKeys: ['v', 'siteKey', 'pageViewId', 'seq', 'url'] },
  );
}

const junk = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 1 }), fc.constant(-1), fc.constant(1e308), fc.constant('1'));
const TOP_KEYS = ['v', 'siteKey', 'pageViewId', 'sessionId', 'seq', 'url', 'navType', 'metrics', 'timings', 'connection', 'deviceMemoryGb', 'viewport', 'timeZone', 'release', 'events', 'syntheticRunId', 'attribution', 'unexpected'];

/** Every kind of body the collector may see, valid and not. */
function requests(siteKey: string) {
  const beacon = validBeacon(fc.oneof({ arbitrary: fc.constant(siteKey), weight: 19 }, { arbitrary: id, weight: 1 }));
  const wrongType = fc.tuple(beacon, fc.constantFrom(...TOP_KEYS, 'metrics.lcp', 'viewport.w', 'connection.effectiveType', 'events.0.name'), junk).map(([b, key, value]) => {
    const copy = structuredClone(b) as Record<string, unknown>;
    const [head, ...rest] = key.split('.');
    if (!rest.length) copy[head] = value;
    else {
      let target = (copy[head] ??= head === 'events' ? [{ name: 'x' }] : {}) as Record<string, unknown>;
      if (rest.length === 2) target = (target[rest[0]] ??= {}) as Record<string, unknown>;
      target[rest[rest.length - 1]] = value;
    }
    return copy;
  });
  const missing = fc.tuple(beacon, fc.constantFrom(...TOP_KEYS)).map(([b, key]) => {
    const copy = { ...b } as Record<string, unknown>;
    delete copy[key];
    return copy;
  });
  const huge = fc.tuple(beacon, fc.constantFrom('url', 'release', 'timeZone', 'pageViewId', 'siteKey'), fc.integer({ min: 1_000, max: 120_000 }), fc.constantFrom('a', 'é', '\u0000', '😀')).map(([b, key, n, ch]) => ({ ...b, [key]: ch.repeat(n) }));
  const deep = fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('array', 'object', 'inMetrics')).map(([depth, shape]): Plan => {
    if (shape === 'array') return { text: '['.repeat(depth) + ']'.repeat(depth) };
    const nested = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    if (shape === 'object') return { text: nested };
    return { text: `{"v":1,"siteKey":"${siteKey}","pageViewId":"deepdeep01","seq":0,"url":"https://a.example/","metrics":${nested}}` };
  });
  const notJson = fc.oneof(
    anyText(300).map((text): Plan => ({ text })),
    fc.tuple(beacon, fc.nat()).map(([b, cut]): Plan => {
      const text = JSON.stringify(b);
      return { text: text.slice(0, cut % text.length) };
    }),
    fc.constantFrom<Plan>({ text: '' }, { text: 'null' }, { text: '"beacon"' }, { text: '1' }, { text: '{}' }, { text: '[{}]' }, { text: '{"__proto__":{"v":1}}' }, { text: '\ufeff{}' }, { text: 'NaN' }),
  );
  const arrays = fc.array(fc.oneof({ arbitrary: beacon, weight: 8 }, { arbitrary: wrongType, weight: 1 }, { arbitrary: missing, weight: 1 }), { minLength: 0, maxLength: 24 });
  const plan: fc.Arbitrary<Plan> = fc.oneof(
    { arbitrary: beacon.map((value) => ({ value })), weight: 40 },
    { arbitrary: wrongType.map((value) => ({ value })), weight: 15 },
    { arbitrary: missing.map((value) => ({ value })), weight: 10 },
    { arbitrary: huge.map((value) => ({ value })), weight: 3 },
    { arbitrary: deep, weight: 3 },
    { arbitrary: notJson, weight: 8 },
    { arbitrary: arrays.map((value) => ({ value })), weight: 10 },
    { arbitrary: fc.uint8Array({ maxLength: 3_000 }).map((bytes) => ({ bytes })), weight: 5 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ value })), weight: 6 },
  );
  return fc.record({
    plan,
    contentType: fc.constantFrom('text/plain;charset=UTF-8', 'text/plain;charset=UTF-8', 'application/json', 'application/octet-stream', 'text/html; charset=iso-8859-1', undefined),
    userAgent: fc.option(fc.oneof(fc.constantFrom(...USER_AGENTS.map((u) => u.ua)), fc.string({ maxLength: 600 })), { nil: undefined }),
  });
}

/** The contract's verdict on a body: would a correct collector store it (204) or refuse it (4xx)? */
function shouldStore(bytes: Buffer, siteKey: string): boolean {
  if (bytes.length > MAX_BEACON_BYTES) return false;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return false;
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.length > MAX_PER_REQUEST) return false;
  return list.every((item) => {
    const parsed = parseBeacon(item);
    if (!parsed.ok || parsed.value.siteKey !== siteKey) return false;
    try {
      const url = new URL(parsed.value.url);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  });
}

describe('fuzzing the collector over real HTTP', () => {
  let server: TestServer;
  let site: { id: string; siteKey: string };

  beforeAll(async () => {
    server = await startTestServer({ PARALLAX_COLLECT_RATE_PER_SEC: '1000000', PARALLAX_LOG_LEVEL: 'warn' });
    site = await json(await server.api('/api/sites', { method: 'POST', json: { name: 'Fuzzed' } }));
  });
  afterAll(async () => {
    await server?.close();
    keepAliveAgent.destroy();
  });

  it('never answers 5xx, keeps serving /health, and stores exactly the beacons it acknowledged, once', async () => {
    let unique = 0;
    let sent = 0;
    const statuses = new Map<number, number>();
    const acknowledged = new Map<string, number>();

    /** Gives every well-formed page view id a fresh value, so each stored (pageViewId, seq) names one request item. */
    const serialise = (plan: Plan): Buffer => {
      if ('bytes' in plan) return Buffer.from(plan.bytes);
      if ('text' in plan) return Buffer.from(plan.text);
      const items = Array.isArray(plan.value) ? plan.value : [plan.value];
      const copies = items.map((item) => {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
        const pv = (item as { pageViewId?: unknown }).pageViewId;
        return typeof pv === 'string' && ID.test(pv) ? { ...item, pageViewId: `fz${(unique++).toString(36).padStart(6, '0')}` } : item;
      });
      return Buffer.from(JSON.stringify(Array.isArray(plan.value) ? copies : copies[0]) ?? 'undefined');
    };

    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.array(requests(site.siteKey), { minLength: CONCURRENCY, maxLength: CONCURRENCY }), async (batch) => {
        await Promise.all(
          batch.map(async (request: Request) => {
            const body = serialise(request.plan);
            const expected = shouldStore(body, site.siteKey);
            const headers: Record<string, string> = {};
            if (request.contentType) headers['content-type'] = request.contentType;
            if (request.userAgent) headers['user-agent'] = request.userAgent;
            const res = await postRaw(`${server.url}/_p/e`, body, headers);
            sent++;
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            const show = body.toString('utf8', 0, 200);
            expect(res.status, `${res.status} ${res.body} for ${show}`).toBeLessThan(500);
            if (expected) expect(res.status, `${res.body} for ${show}`).toBe(204);
            else expect([400, 404, 413], `${res.status} for ${show}`).toContain(res.status);
            if (res.status !== 204) {
              expect(JSON.parse(res.body)).toMatchObject({ statusCode: res.status, code: expect.any(String), message: expect.any(String) });
              return;
            }
            const parsed = JSON.parse(body.toString('utf8'));
            for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
              const key = `${item.pageViewId}/${item.seq}`;
              acknowledged.set(key, (acknowledged.get(key) ?? 0) + 1);
            }
          }),
        );
        if (sent % (CONCURRENCY * 50) === 0) expect((await fetch(`${server.url}/health`)).status).toBe(200);
      }),
      { numRuns: BATCHES, interruptAfterTimeLimit: 170_000 },
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`fuzz: ${sent} bodies in ${seconds.toFixed(1)} s (${Math.round(sent / seconds)}/s); statuses ${JSON.stringify(Object.fromEntries(statuses))}; ${acknowledged.size} beacons acknowledged`);

    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect(statuses.get(204)).toBeGreaterThan(2_000);
    expect([...acknowledged.values()].every((n) => n === 1)).toBe(true);
    const stored: { page_view_id: string; seq: number; n: string }[] = await server.dataSource.query('SELECT page_view_id, seq, count(*) AS n FROM beacons GROUP BY 1, 2');
    expect(stored.filter((r) => r.n !== '1')).toEqual([]);
    const storedKeys = new Set(stored.map((r) => `${r.page_view_id}/${r.seq}`));
    expect([...acknowledged.keys()].filter((k) => !storedKeys.has(k))).toEqual([]);
    expect([...storedKeys].filter((k) => !acknowledged.has(k))).toEqual([]);
    // The collector's own complaints only (other modules of the server are not under test here).
    const ingestLogs = server.logs.filter((l) => /"context":"(Collector|Ingest|Rollups|BeaconRepository)"/.test(l));
    expect(ingestLogs.filter((l) => /"level":"(error|warn)"/.test(l))).toEqual([]);
  }, 240_000);
});

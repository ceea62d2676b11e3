#!/usr/bin/env node
// The benchmark's reference: a bare node:http collector that stores the same rows as Parallax, the fastest simple way.
// JSON.parse and minimal shape checks (no schema validation), the same enrichment functions (the built privacy lib),
// rows batched into one unnest INSERT every few ms (or 500 rows), 4 flushes in flight, 204 only after the commit.
// No framework, no rollups, no rate limiting. Env: DATABASE_URL, PORT. Prints "reference listening <port>".
import http from 'node:http';
import { createRequire } from 'node:module';
import { createHmac, randomBytes } from 'node:crypto';
import pg from 'pg';

const require = createRequire(import.meta.url);
const { parseUserAgent, redactUrl, regionFrom, connectionClass, RouteTemplater } = require('../dist/apps/server/libs/privacy/src/index.js');

const MAX_BYTES = 64 * 1024;
const MAX_BATCH = 500;
const MAX_DELAY_MS = 2;
const MAX_FLUSHES = 4;

const COLUMNS = [
  ['site_id', 'uuid'], ['received_at', 'timestamptz'], ['page_view_id', 'text'], ['seq', 'int'], ['session_hash', 'text'],
  ['synthetic_run_id', 'text'], ['route', 'text'], ['path', 'text'], ['nav_type', 'text'], ['country', 'text'], ['device', 'text'],
  ['browser', 'text'], ['browser_major', 'text'], ['os', 'text'], ['connection', 'text'], ['release', 'text'],
  ['lcp', 'float8'], ['inp', 'float8'], ['cls', 'float8'], ['fcp', 'float8'], ['ttfb', 'float8'], ['dns', 'float8'], ['tcp', 'float8'],
  ['tls', 'float8'], ['request', 'float8'], ['response', 'float8'], ['dom_content_loaded', 'float8'], ['load', 'float8'],
  ['rtt_ms', 'float8'], ['save_data', 'bool'], ['device_memory_gb', 'float8'], ['viewport_w', 'int'], ['viewport_h', 'int'],
  ['events', 'jsonb'], ['attribution', 'jsonb'],
];
const INSERT_SQL =
  `INSERT INTO beacons (${COLUMNS.map((c) => c[0]).join(', ')}) ` +
  `SELECT ${COLUMNS.map(([name, type]) => (type === 'jsonb' ? `${name}::jsonb` : name)).join(', ')} ` +
  `FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type === 'jsonb' ? 'text' : type}[]`).join(', ')}) ` +
  `AS t(${COLUMNS.map((c) => c[0]).join(', ')}) ON CONFLICT DO NOTHING`;

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: MAX_FLUSHES + 1 });

const sites = new Map();
for (const s of (await pool.query('SELECT id, site_key, allowed_origins, allowed_query_params, route_rules FROM sites')).rows) {
  sites.set(s.site_key, { id: s.id, origins: s.allowed_origins, query: s.allowed_query_params, templater: new RouteTemplater(s.route_rules) });
}
// Day partitions of the beacons table for today and tomorrow (Parallax's retention job makes them ahead too).
const DAY_MS = 86_400_000;
for (let d = 0; d < 2; d++) {
  const start = Math.floor(Date.now() / DAY_MS) * DAY_MS + d * DAY_MS;
  const name = `beacons_p${new Date(start).toISOString().slice(0, 10).replace(/-/g, '')}`;
  await pool.query(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF beacons FOR VALUES FROM ('${new Date(start).toISOString()}') TO ('${new Date(start + DAY_MS).toISOString()}')`);
}
const day = new Date().toISOString().slice(0, 10);
await pool.query('INSERT INTO daily_salts (day, salt) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING', [day, randomBytes(32)]);
const salt = (await pool.query('SELECT salt FROM daily_salts WHERE day = $1', [day])).rows[0].salt;

const num = (v) => (typeof v === 'number' ? v : null);

function toRow(b, site, ua, edge, receivedAt) {
  const url = redactUrl(b.url, site.query);
  const u = parseUserAgent(ua);
  const m = b.metrics ?? {};
  const t = b.timings ?? {};
  return [
    site.id, receivedAt, b.pageViewId, b.seq,
    b.sessionId ? createHmac('sha256', salt).update(site.id).update('\u0000').update(b.sessionId).digest().subarray(0, 16).toString('base64url') : null,
    b.syntheticRunId ?? null, site.templater.toRoute(url.path), url.query ? `${url.path}?${url.query}` : url.path, b.navType ?? null,
    regionFrom({ edgeHeaderValue: edge, timeZone: b.timeZone }), u.deviceClass, u.browser, u.browserMajor ? `${u.browser} ${u.browserMajor}` : u.browser,
    u.os, connectionClass(b.connection?.effectiveType), b.release ?? null,
    num(m.lcp), num(m.inp), num(m.cls), num(m.fcp), num(m.ttfb), num(t.dns), num(t.tcp), num(t.tls), num(t.request), num(t.response),
    num(t.domContentLoaded), num(t.load), num(b.connection?.rttMs), b.connection?.saveData ?? null, num(b.deviceMemoryGb),
    b.viewport?.w ?? null, b.viewport?.h ?? null, b.events ? JSON.stringify(b.events) : null, b.attribution ? JSON.stringify(b.attribution) : null,
  ];
}

let queue = [];
let inFlight = 0;
let timer;

function schedule() {
  if (queue.length >= MAX_BATCH) pump();
  else timer ??= setTimeout(() => ((timer = undefined), pump()), MAX_DELAY_MS);
}

function pump() {
  while (inFlight < MAX_FLUSHES && queue.length) {
    const batch = queue.splice(0, MAX_BATCH);
    inFlight++;
    const params = COLUMNS.map((_, i) => batch.map((p) => p.row[i]));
    pool.query(INSERT_SQL, params).then(
      () => batch.forEach((p) => p.done(204)),
      (error) => (console.error(error.message), batch.forEach((p) => p.done(503))),
    ).finally(() => {
      inFlight--;
      pump();
    });
  }
  if (queue.length && !timer && inFlight < MAX_FLUSHES) timer = setTimeout(() => ((timer = undefined), pump()), MAX_DELAY_MS);
}

function answer(res, status, origin) {
  if (origin) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
  }
  res.writeHead(status).end();
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  if (req.method !== 'POST' || req.url !== '/_p/e') return answer(res, 404);
  const origin = req.headers.origin;
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size <= MAX_BYTES) chunks.push(c);
  });
  req.on('end', () => {
    if (size > MAX_BYTES) return answer(res, 413, origin);
    let list;
    try {
      const value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      list = Array.isArray(value) ? value : [value];
    } catch {
      return answer(res, 400, origin);
    }
    const site = sites.get(list[0]?.siteKey);
    if (!site) return answer(res, 404, origin);
    if (site.origins.length && !site.origins.includes(origin)) return answer(res, 403, origin);
    const receivedAt = new Date();
    let rows;
    try {
      rows = list.map((b) => {
        if (typeof b.pageViewId !== 'string' || typeof b.seq !== 'number' || typeof b.url !== 'string') throw new Error('bad beacon');
        return toRow(b, site, req.headers['user-agent'], undefined, receivedAt);
      });
    } catch {
      return answer(res, 400, origin);
    }
    let pending = rows.length;
    let status = 204;
    for (const row of rows) {
      queue.push({ row, done: (s) => {
        if (s !== 204) status = s;
        if (--pending === 0) answer(res, status, origin);
      } });
    }
    schedule();
  });
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`reference listening ${server.address().port}`));
const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

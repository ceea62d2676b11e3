#!/usr/bin/env -S npx tsx
// npm run bench:ingest: loads the beacon collector over loopback with realistic beacons and compares it with a bare
// node:http reference (scripts/bench-reference-server.mjs) on the same PostgreSQL, under the same load, in one run.
// Env: DATABASE_URL (else an embedded PostgreSQL in a temp folder), BENCH_SECONDS (15), BENCH_WARMUP_SECONDS (3),
// BENCH_CONNECTIONS (64), PARALLAX_* (handed to the Parallax server, e.g. PARALLAX_ROLLUP_FLUSH_MS=5000),
// BENCH_SERVER_NODE_ARGS / BENCH_REFERENCE_NODE_ARGS (extra node flags, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
// Needs the build output (npm run build). The last line is one JSON object with the figures.
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../libs/db/src/embedded';
import { realisticBeacon, seededRandom } from '../test/support/beacons';

const ROOT = join(__dirname, '..');
const SERVER_MAIN = join(ROOT, 'dist/apps/server/apps/server/src/main.js');
const REFERENCE_MAIN = join(ROOT, 'scripts/bench-reference-server.mjs');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const ROUND_SECONDS = 2;
const RATE_LIMIT = '1000000';
const TOKEN = `bench-admin-${randomBytes(12).toString('hex')}`;
const SITES = 5;
const TEMPLATES = 4_000;
const PV_PLACEHOLDER = 'PVPLACEHOLDER0000000';
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

const say = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Template {
  head: string;
  tail: string;
  origin: string;
  userAgent: string;
}

interface LoadResult {
  beaconsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuPercent: number;
  cpuMsPer1000: number;
  /** PostgreSQL's CPU per 1,000 beacons (rollup flushes and maintenance included), NaN when the cluster is not local. */
  pgCpuMsPer1000: number;
  pgCpuPercent: number;
  acknowledged: number;
  stored: number;
  errors: number;
  otherStatuses: Record<string, number>;
}

/** Parent pid and CPU time (ms, user + system) of a process, from /proc/<pid>/stat. */
function procStat(pid: number | string): { ppid: number; cpuMs: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS };
}

const cpuMs = (pid: number) => procStat(pid).cpuMs;

/** CPU time (ms) of a PostgreSQL cluster: the postmaster and its current children (backends, walwriter, checkpointer...). */
function clusterCpuMs(postmasterPid: number | undefined): number {
  if (!postmasterPid) return NaN;
  let total = cpuMs(postmasterPid);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const child = procStat(entry);
      if (child.ppid === postmasterPid) total += child.cpuMs;
    } catch {
      /* exited meanwhile */
    }
  }
  return total;
}

/** The postmaster's pid, read from postmaster.pid in the data directory (needs a superuser connection and a local cluster). */
async function postmasterPid(db: Client): Promise<number | undefined> {
  try {
    const dir = (await db.query('SHOW data_directory')).rows[0].data_directory as string;
    return Number(readFileSync(join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;
}

async function waitForHealth(url: string, proc: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited early:\n${output()}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  throw new Error(`server did not become healthy:\n${output()}`);
}

function start(command: string[], env: Record<string, string>): { proc: ChildProcess; output: () => string } {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  const proc = spawn(process.execPath, command, { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  proc.stdout!.on('data', (c: Buffer) => (text = (text + c.toString()).slice(-20_000)));
  proc.stderr!.on('data', (c: Buffer) => (text = (text + c.toString()).slice(-20_000)));
  return { proc, output: () => text };
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000).then(() => proc.kill('SIGKILL'))]);
}

/** Serialised realistic beacons with the page view id cut out, so each request gets a fresh one for almost nothing. */
function templates(sites: { siteKey: string; origin: string }[]): Template[] {
  const rand = seededRandom(42);
  return Array.from({ length: TEMPLATES }, (_, i) => {
    const site = sites[i % sites.length];
    const { beacon, userAgent } = realisticBeacon(rand, { siteKey: site.siteKey, origin: site.origin, pageViewId: PV_PLACEHOLDER, seq: i % 3 });
    const [head, tail] = JSON.stringify(beacon).split(PV_PLACEHOLDER);
    return { head, tail, origin: site.origin, userAgent: userAgent.ua };
  });
}

/** One server under test: its own keep-alive agent and the figures gathered over its measured rounds. */
class Target {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  private readonly target: URL;
  private latencies = new Float64Array(1 << 20);
  private measured = 0;
  private counter = 0;
  measuredAcks = 0;
  measuredMs = 0;
  cpuUsedMs = 0;
  pgUsedMs = 0;
  acknowledged = 0;
  errors = 0;
  readonly otherStatuses: Record<string, number> = {};
  readonly roundRates: number[] = [];

  constructor(
    readonly name: string,
    url: string,
    readonly pid: number,
    private readonly pgPid: number | undefined,
    private readonly bodies: Template[],
    private readonly runTag: string,
  ) {
    this.target = new URL(`${url}/_p/e`);
  }

  /** CONNECTIONS closed loops, one beacon per request, for `seconds`; counted only when `measure`. */
  async round(seconds: number, measure: boolean): Promise<void> {
    let open = true;
    const t0 = performance.now();
    const cpu0 = cpuMs(this.pid);
    const pg0 = clusterCpuMs(this.pgPid);
    let acksInRound = 0;
    const one = (): Promise<void> =>
      new Promise((resolve) => {
        const t = this.bodies[this.counter % this.bodies.length];
        const payload = Buffer.from(t.head + this.runTag + (this.counter++).toString(36).padStart(10, '0') + t.tail);
        const started = performance.now();
        const req = http.request(
          {
            host: this.target.hostname,
            port: this.target.port,
            path: this.target.pathname,
            method: 'POST',
            agent: this.agent,
            headers: { 'content-type': 'text/plain;charset=UTF-8', 'content-length': payload.length, origin: t.origin, 'user-agent': t.userAgent },
          },
          (res) => {
            res.resume();
            res.on('end', () => {
              if (res.statusCode === 204) {
                this.acknowledged++;
                if (measure && open) {
                  acksInRound++;
                  if (this.measured === this.latencies.length) {
                    const bigger = new Float64Array(this.latencies.length * 2);
                    bigger.set(this.latencies);
                    this.latencies = bigger;
                  }
                  this.latencies[this.measured++] = performance.now() - started;
                }
              } else this.otherStatuses[String(res.statusCode)] = (this.otherStatuses[String(res.statusCode)] ?? 0) + 1;
              resolve();
            });
          },
        );
        req.on('error', () => {
          this.errors++;
          resolve();
        });
        req.end(payload);
      });
    const loops = Array.from({ length: CONNECTIONS }, async () => {
      while (open) await one();
    });
    await sleep(seconds * 1000);
    open = false;
    const elapsedMs = performance.now() - t0;
    const cpu = cpuMs(this.pid) - cpu0;
    const pg = clusterCpuMs(this.pgPid) - pg0;
    await Promise.all(loops); // requests in flight finish: they count as acknowledged, not as measured
    if (!measure) return;
    this.measuredAcks += acksInRound;
    this.measuredMs += elapsedMs;
    this.cpuUsedMs += cpu;
    this.pgUsedMs += pg;
    this.roundRates.push((acksInRound * 1000) / elapsedMs);
  }

  result(stored: number): LoadResult {
    this.agent.destroy();
    const sorted = this.latencies.slice(0, this.measured).sort();
    return {
      beaconsPerSec: (this.measuredAcks * 1000) / this.measuredMs,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      cpuPercent: (this.cpuUsedMs / this.measuredMs) * 100,
      cpuMsPer1000: (this.cpuUsedMs / this.measuredAcks) * 1000,
      pgCpuMsPer1000: (this.pgUsedMs / this.measuredAcks) * 1000,
      pgCpuPercent: (this.pgUsedMs / this.measuredMs) * 100,
      acknowledged: this.acknowledged,
      stored,
      errors: this.errors,
      otherStatuses: this.otherStatuses,
    };
  }
}

async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
}

async function main(): Promise<void> {
  if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run "npm run build" first`);
  let embedded: EmbeddedDatabase | undefined;
  let adminUrl = process.env.DATABASE_URL;
  const dataDir = mkdtempSync(join(tmpdir(), 'parallax-bench-'));
  const children: ChildProcess[] = [];
  const databases: string[] = [];
  const clients: Client[] = [];
  try {
    if (!adminUrl) {
      say('starting an embedded PostgreSQL');
      embedded = await startEmbeddedPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'parallax-bench-pg-')), port: await freePort(), log: () => undefined, ephemeral: true });
      adminUrl = embedded.url;
    }
    // One database each on the same cluster: Parallax's reconciliation must not see (and rebuild) the reference's rows.
    const tag = randomBytes(4).toString('hex');
    const [oursDb, refDb] = [`parallax_bench_${tag}`, `parallax_bench_ref_${tag}`];
    databases.push(oursDb, refDb);
    const oursUrl = await createDatabase(adminUrl, oursDb);
    const refUrl = await createDatabase(adminUrl, refDb);
    const [oursClient, refClient] = [new Client({ connectionString: oursUrl }), new Client({ connectionString: refUrl })];
    clients.push(oursClient, refClient);
    await Promise.all(clients.map((c) => c.connect()));
    const countRows = async (c: Client) => Number((await c.query('SELECT count(*) AS n FROM beacons')).rows[0].n);
    const pgPid = await postmasterPid(oursClient);

    // Parallax, from the build output, as a child process.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    // PARALLAX_* variables of this environment reach the server (to try settings); they are printed with the results.
    const overrides = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => k.startsWith('PARALLAX_') && v !== undefined)) as Record<string, string>;
    if (Object.keys(overrides).length) say(`server settings from the environment: ${JSON.stringify(overrides)}`);
    const ours = start([...nodeArgs, SERVER_MAIN], {
      DATABASE_URL: oursUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      PARALLAX_DATA_DIR: join(dataDir, 'data'),
      PARALLAX_ADMIN_TOKEN: TOKEN,
      PARALLAX_COLLECT_RATE_PER_SEC: RATE_LIMIT,
      PARALLAX_LOG_LEVEL: 'warn',
      PARALLAX_JOURNEYS_DIR: 'none',
      PARALLAX_LOCAL_AGENT: 'false',
      ...overrides,
    });
    children.push(ours.proc);
    await waitForHealth(url, ours.proc, ours.output);
    const sites: { siteKey: string; origin: string }[] = [];
    for (let i = 0; i < SITES; i++) {
      const origin = `https://shop${i}.example`;
      const res = await fetch(`${url}/api/sites`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Bench ${i}`, allowedOrigins: [origin], allowedQueryParams: i % 2 ? ['utm_source'] : [], routeRules: i === 0 ? [{ pattern: '/blog/*', template: '/blog/*' }] : [] }),
      });
      if (res.status !== 201) throw new Error(`creating a site failed: ${res.status} ${await res.text()}`);
      sites.push({ siteKey: ((await res.json()) as { siteKey: string }).siteKey, origin });
    }

    // The reference's database: the same schema (Parallax's migrations) and the same sites, keys included.
    execFileSync(process.execPath, [join(ROOT, 'dist/apps/server/apps/server/src/migrate.js')], { env: { ...process.env, DATABASE_URL: refUrl }, stdio: 'ignore' });
    const siteRows = (await oursClient.query('SELECT id, name, site_key, allowed_origins, sampling_rate, retention_days, allowed_query_params, route_rules FROM sites')).rows;
    for (const s of siteRows) {
      await refClient.query(
        'INSERT INTO sites (id, name, site_key, allowed_origins, sampling_rate, retention_days, allowed_query_params, route_rules) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [s.id, s.name, s.site_key, s.allowed_origins, s.sampling_rate, s.retention_days, s.allowed_query_params, JSON.stringify(s.route_rules)],
      );
    }
    const refPort = await freePort();
    const refBase = `http://127.0.0.1:${refPort}`;
    const refArgs = (process.env.BENCH_REFERENCE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const reference = start([...refArgs, REFERENCE_MAIN], { DATABASE_URL: refUrl, PORT: String(refPort) });
    children.push(reference.proc);
    await waitForHealth(refBase, reference.proc, reference.output);

    const bodies = templates(sites);
    const a = new Target('Parallax', url, ours.proc.pid!, pgPid, bodies, 'p');
    const b = new Target('reference', refBase, reference.proc.pid!, pgPid, bodies, 'r');
    const rounds = Math.max(1, Math.round(SECONDS / ROUND_SECONDS));
    say(`Parallax pid ${ours.proc.pid} (PARALLAX_COLLECT_RATE_PER_SEC=${RATE_LIMIT}, so the per-client rate limit never triggers), reference pid ${reference.proc.pid}`);
    say(`${CONNECTIONS} connections; ${WARMUP_SECONDS} s warm-up each, then ${rounds} alternating rounds of ${ROUND_SECONDS} s each (ABBA order, so background load falls on both alike)`);
    await a.round(WARMUP_SECONDS, false);
    await b.round(WARMUP_SECONDS, false);
    for (let i = 0; i < rounds; i++) {
      for (const t of i % 2 ? [b, a] : [a, b]) await t.round(ROUND_SECONDS, true);
    }
    say(`per-round beacons/s: Parallax ${a.roundRates.map((r) => r.toFixed(0)).join(' ')}; reference ${b.roundRates.map((r) => r.toFixed(0)).join(' ')}`);
    await stop(ours.proc);
    await stop(reference.proc);
    const parallax = a.result(await countRows(oursClient));
    const bare = b.result(await countRows(refClient));
    // Each round pairs with the other server's neighbouring round: the median of those ratios shrugs off bursts of background load.
    const pairRatios = a.roundRates.map((r, i) => r / b.roundRates[i]).sort((x, y) => x - y);
    report(parallax, bare, embedded ? 'embedded PostgreSQL' : 'DATABASE_URL PostgreSQL', pairRatios[Math.floor(pairRatios.length / 2)]);
  } finally {
    for (const child of children) await stop(child);
    for (const c of clients) await c.end().catch(() => undefined);
    if (adminUrl && databases.length) {
      const admin = new Client({ connectionString: adminUrl });
      await admin.connect();
      for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(ours: LoadResult, reference: LoadResult, database: string, medianRoundRatio: number): void {
  const ratio = ours.beaconsPerSec / reference.beaconsPerSec;
  const row = (name: string, r: LoadResult) =>
    `| ${name.padEnd(22)} | ${r.beaconsPerSec.toFixed(0).padStart(10)} | ${r.p50Ms.toFixed(2).padStart(7)} | ${r.p99Ms.toFixed(2).padStart(7)} | ${r.cpuPercent.toFixed(0).padStart(5)}% | ${r.cpuMsPer1000.toFixed(0).padStart(11)} | ${r.pgCpuPercent.toFixed(0).padStart(5)}% | ${r.pgCpuMsPer1000.toFixed(0).padStart(10)} | ${String(r.acknowledged).padStart(8)} | ${String(r.stored).padStart(8)} |`;
  const lines = [
    '',
    `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores; ${database}; load generator in this process (${CONNECTIONS} keep-alive connections, one beacon per request; each server measured over ${SECONDS} s in alternating ${ROUND_SECONDS} s rounds after ${WARMUP_SECONDS} s warm-up)`,
    `Parallax ran with PARALLAX_COLLECT_RATE_PER_SEC=${RATE_LIMIT} (the per-client token bucket would otherwise limit the single loopback client).`,
    '',
    '| server                 |  beacons/s | p50 ms  | p99 ms  | CPU    | CPU ms/1000 | PG CPU | PG ms/1000 |    acked |   stored |',
    '|------------------------|-----------:|--------:|--------:|-------:|------------:|-------:|-----------:|---------:|---------:|',
    row('Parallax collector', ours),
    row('reference node:http', reference),
    '',
    'CPU: the server process (user + system, /proc/<pid>/stat) over the measured window, as % of one core and per 1,000 beacons; PG: the whole PostgreSQL cluster.',
    `Ratio to reference: ${ratio.toFixed(2)} (target >= 0.7; median of the per-round ratios ${medianRoundRatio.toFixed(2)}); Parallax p99 ${ours.p99Ms.toFixed(1)} ms (target < 50 ms)`,
  ];
  for (const [name, r] of [['Parallax', ours], ['reference', reference]] as const) {
    const verdict = r.stored === r.acknowledged ? 'every acknowledged beacon is stored' : r.stored > r.acknowledged ? `${r.stored - r.acknowledged} more rows than acknowledged` : `MISSING ${r.acknowledged - r.stored} acknowledged beacons`;
    const problems = [r.errors ? `${r.errors} connection errors` : '', Object.keys(r.otherStatuses).length ? `other answers ${JSON.stringify(r.otherStatuses)}` : ''].filter(Boolean).join(', ');
    lines.push(`${name}: ${r.acknowledged} acknowledged, ${r.stored} rows: ${verdict}${problems ? `; ${problems}` : ''}`);
  }
  console.log(lines.join('\n'));
  const ok = ours.stored >= ours.acknowledged && reference.stored >= reference.acknowledged;
  console.log(
    JSON.stringify({
      beaconsPerSec: Math.round(ours.beaconsPerSec),
      p50Ms: Number(ours.p50Ms.toFixed(2)),
      p99Ms: Number(ours.p99Ms.toFixed(2)),
      referenceBeaconsPerSec: Math.round(reference.beaconsPerSec),
      ratioToReference: Number(ratio.toFixed(3)),
      medianRoundRatio: Number(medianRoundRatio.toFixed(3)),
      serverCpuPercent: Math.round(ours.cpuPercent),
      referenceCpuPercent: Math.round(reference.cpuPercent),
      allAcknowledgedStored: ok,
    }),
  );
  if (!ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

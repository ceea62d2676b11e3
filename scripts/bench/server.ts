// Shared by the benchmarks: a PostgreSQL (embedded, or a fresh database on DATABASE_URL) and the built server as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../libs/db/src';

export const ROOT = join(__dirname, '../..');
export const SERVER_MAIN = join(ROOT, 'dist/apps/server/apps/server/src/main.js');
export const AGENT_MAIN = join(ROOT, 'dist/apps/agent/apps/agent/src/main.js');

/** One line describing the machine, for every benchmark table. */
export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, Node ${process.version}`;
}

/** A database of our own: on DATABASE_URL's server when set, else on an embedded PostgreSQL in a temp folder. */
export async function benchDatabase(): Promise<{ url: string; mode: string; close(): Promise<void> }> {
  let embedded: EmbeddedDatabase | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'parallax-bench-pg-')), port: await freePort(), log: () => undefined, ephemeral: true });
    adminUrl = embedded.url;
  }
  const name = `parallax_bench_${Date.now()}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    mode: embedded ? 'embedded PostgreSQL 18' : 'DATABASE_URL server',
    async close() {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
      await embedded?.stop();
    },
  };
}

export interface BenchServer {
  url: string;
  adminToken: string;
  proc: ChildProcess;
  api(path: string, body?: unknown, method?: string): Promise<any>;
  stop(): Promise<void>;
}

/** Starts the built server (npm run build first) with `env`, and waits until it answers. */
export async function startBenchServer(databaseUrl: string, env: Record<string, string>): Promise<BenchServer> {
  if (!existsSync(SERVER_MAIN)) throw new Error('Build first: npm run build');
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'parallax-bench-data-'));
  const adminToken = 'bench-admin-token-0123456789';
  const proc = spawn(process.execPath, [SERVER_MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      PARALLAX_DATA_DIR: dataDir,
      PARALLAX_ADMIN_TOKEN: adminToken,
      PARALLAX_JOURNEYS_DIR: 'none',
      PARALLAX_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the server exited with ${proc.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error('the server did not start within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    adminToken,
    proc,
    async api(path, body, method) {
      const res = await fetch(url + path, {
        method: method ?? (body === undefined ? 'GET' : 'POST'),
        headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method ?? 'POST'} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    async stop() {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Proportional set size (MiB) of a process and all its descendants: shared pages counted once overall. */
export function treePssMiB(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSafe('/proc')) {
    const pid = Number(entry);
    if (!pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      /* exited */
    }
  }
  let kib = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      kib += m ? Number(m[1]) : 0;
    } catch {
      /* exited */
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return kib / 1024;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The q-quantile (0..1) of numbers, nearest rank. */
export function quantile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Every environment variable the server reads. Docs in README.md and docker-compose.yml must match this list
 * (a test checks the compose file against it).
 */
export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** External PostgreSQL; when unset an embedded one starts in the data folder. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  PARALLAX_DATA_DIR: z.string().min(1).default('./.parallax'),
  PARALLAX_EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  PARALLAX_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').max(200).optional(),
  /** URL users reach the server on, used in the snippet tag; defaults to http://localhost:PORT. */
  PARALLAX_PUBLIC_URL: z.url().optional(),
  /** Token location agents present; without it only the in-process `local` agent runs. */
  PARALLAX_AGENT_TOKEN: z.string().min(16, 'must be at least 16 characters').max(200).optional(),
  /** Path of the beacon collector; avoid words ad blockers match (rum, beacon, collect, analytics). */
  PARALLAX_COLLECT_PATH: z.string().regex(/^\/[A-Za-z0-9_/-]{1,63}$/, 'must be a path like /_p/e').default('/_p/e'),
  /** Header set by a trusted edge (CDN) with the visitor's country, e.g. cf-ipcountry. */
  PARALLAX_REGION_HEADER: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).transform((v) => v.toLowerCase()).optional(),
  /** Beacons per second one client may send (token bucket; the burst is 10 times this). */
  PARALLAX_COLLECT_RATE_PER_SEC: z.coerce.number().min(0.1).max(1_000_000).default(50),
  /** Interval between flushes of in-memory rollup fragments. */
  PARALLAX_ROLLUP_FLUSH_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** Interval of the rollup compaction and reconciliation job. */
  PARALLAX_ROLLUP_COMPACT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),
  /** Interval of the retention job. */
  PARALLAX_RETENTION_INTERVAL_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(3_600_000),
  /** Folder of journey YAML files, watched; `none` disables it. */
  PARALLAX_JOURNEYS_DIR: z.string().min(1).default('./journeys'),
  /** Run the in-process agent for the location `local` (needs Chromium). */
  PARALLAX_LOCAL_AGENT: bool.default(true),
  PARALLAX_LOCAL_AGENT_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  /** Chromium executable; `auto` tries a Playwright-managed browser, the system Chromium, then the bundled one. */
  CHROMIUM_PATH: z.string().min(1).default('auto'),
  /** Scheduler tick: slots are inserted, leases expired and lost runs marked this often. */
  PARALLAX_SCHEDULER_TICK_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /** A run's lease; agents extend it with heartbeats (every third of it). A dead agent's run is re-queued after it. */
  PARALLAX_RUN_LEASE_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  /** A queued run nobody claimed this long after it was due is marked lost, with the reason. */
  PARALLAX_RUN_MAX_WAIT_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(300_000),
  /** Key webhook signing secrets are derived from (never stored); generated in the data folder when unset. Replicas must share it. */
  PARALLAX_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').max(500).optional(),
  /** How often the detector loop looks for sites due for a tick (each site's tick comes from its detectConfig.tickSeconds, default 60 s). */
  PARALLAX_DETECT_LOOP_MS: z.coerce.number().int().min(50).max(60_000).default(5_000),
  PARALLAX_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  PARALLAX_RUN_MIGRATIONS: bool.default(true),
  PARALLAX_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
});

export type Env = z.input<typeof envSchema>;

/** The server's typed configuration, read once at start. */
export interface AppConfig {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  embeddedPgPort: number;
  adminToken?: string;
  publicUrl?: string;
  agentToken?: string;
  collectPath: string;
  regionHeader?: string;
  collectRatePerSec: number;
  rollupFlushMs: number;
  rollupCompactMs: number;
  retentionIntervalMs: number;
  journeysDir: string | null;
  localAgent: boolean;
  localAgentConcurrency: number;
  /** CHROMIUM_PATH, or `auto`. */
  chromiumPath: string;
  schedulerTickMs: number;
  runLeaseMs: number;
  runMaxWaitMs: number;
  secretKey?: string;
  detectLoopMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  runMigrations: boolean;
  dbPoolSize: number;
}

/** Raised when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates `env` into an AppConfig, or throws a ConfigError naming every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  // Empty strings mean "unset", as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`),
    );
  }
  const e = result.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.PARALLAX_DATA_DIR,
    embeddedPgPort: e.PARALLAX_EMBEDDED_PG_PORT,
    adminToken: e.PARALLAX_ADMIN_TOKEN,
    publicUrl: e.PARALLAX_PUBLIC_URL?.replace(/\/$/, ''),
    agentToken: e.PARALLAX_AGENT_TOKEN,
    collectPath: e.PARALLAX_COLLECT_PATH,
    regionHeader: e.PARALLAX_REGION_HEADER,
    collectRatePerSec: e.PARALLAX_COLLECT_RATE_PER_SEC,
    rollupFlushMs: e.PARALLAX_ROLLUP_FLUSH_MS,
    rollupCompactMs: e.PARALLAX_ROLLUP_COMPACT_MS,
    retentionIntervalMs: e.PARALLAX_RETENTION_INTERVAL_MS,
    journeysDir: e.PARALLAX_JOURNEYS_DIR === 'none' ? null : e.PARALLAX_JOURNEYS_DIR,
    localAgent: e.PARALLAX_LOCAL_AGENT,
    localAgentConcurrency: e.PARALLAX_LOCAL_AGENT_CONCURRENCY,
    chromiumPath: e.CHROMIUM_PATH,
    schedulerTickMs: e.PARALLAX_SCHEDULER_TICK_MS,
    runLeaseMs: e.PARALLAX_RUN_LEASE_MS,
    runMaxWaitMs: e.PARALLAX_RUN_MAX_WAIT_MS,
    secretKey: e.PARALLAX_SECRET_KEY,
    detectLoopMs: e.PARALLAX_DETECT_LOOP_MS,
    logLevel: e.PARALLAX_LOG_LEVEL,
    runMigrations: e.PARALLAX_RUN_MIGRATIONS,
    dbPoolSize: e.PARALLAX_DB_POOL_SIZE,
  };
}

/** Names of every variable the server understands. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape);

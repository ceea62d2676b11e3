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
    logLevel: e.PARALLAX_LOG_LEVEL,
    runMigrations: e.PARALLAX_RUN_MIGRATIONS,
    dbPoolSize: e.PARALLAX_DB_POOL_SIZE,
  };
}

/** Names of every variable the server understands. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape);

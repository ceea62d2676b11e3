import { z } from 'zod';

/** Every environment variable the agent reads (flags --server, --location, --token override them). */
export const agentEnvSchema = z.object({
  PARALLAX_SERVER_URL: z.url(),
  PARALLAX_LOCATION: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lowercase name like eu-west or local'),
  PARALLAX_AGENT_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  PARALLAX_AGENT_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  /** Chromium executable; `auto` tries a Playwright-managed browser, the system Chromium, then the bundled one. */
  CHROMIUM_PATH: z.string().min(1).default('auto'),
  PARALLAX_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type AgentConfig = z.output<typeof agentEnvSchema>;

export const AGENT_CONFIG_VARIABLES = Object.keys(agentEnvSchema.shape);

/** Validates the agent's environment (after flags are applied), naming every problem. */
export function loadAgentConfig(env: Record<string, string | undefined>): AgentConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = agentEnvSchema.safeParse(cleaned);
  if (!result.success) {
    throw new Error(`Invalid agent configuration:\n${result.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return result.data;
}

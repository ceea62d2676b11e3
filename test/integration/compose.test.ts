import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '../../apps/server/src/config/config';
import { AGENT_CONFIG_VARIABLES, loadAgentConfig } from '../../apps/agent/src/config';

const root = join(__dirname, '../..');
type Service = { command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, unknown>; build?: string; ports?: string[] };
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };

/** Compose's `${VAR:?message}` and `${VAR:-default}` with example values, as `docker compose` would substitute them. */
function substitute(env: Record<string, string>, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{(\w+)(?::[?-][^}]*)?\}/g, (_, name: string) => values[name] ?? '')]),
  );
}
const secrets = { PARALLAX_ADMIN_TOKEN: 'compose-admin-token-123456', PARALLAX_AGENT_TOKEN: 'compose-agent-token-123456' };

describe('docker-compose.yml', () => {
  const services = compose.services;
  const agents = Object.entries(services).filter(([, s]) => s.command?.some((c) => c.includes('apps/agent')));
  const server = services.server;

  it('has PostgreSQL, the server and two agents in two named locations', () => {
    expect(services.postgres).toBeDefined();
    expect(server.command?.join(' ')).toContain('dist/apps/server/apps/server/src/main.js');
    expect(agents).toHaveLength(2);
    const locations = agents.map(([, a]) => a.environment?.PARALLAX_LOCATION);
    expect(new Set(locations).size).toBe(2);
  });

  it('gives the server only variables its configuration knows, and they validate', () => {
    const env = substitute(server.environment ?? {}, secrets);
    for (const name of Object.keys(env)) expect(CONFIG_VARIABLES, `server variable ${name}`).toContain(name);
    const config = loadConfig(env);
    expect(config.databaseUrl).toMatch(/@postgres:5432\//);
    expect(config.adminToken).toBe(secrets.PARALLAX_ADMIN_TOKEN);
    expect(server.ports).toContain(`${config.port}:${config.port}`);
  });

  it('points each agent at the server with the server’s agent token, with variables the agent knows', () => {
    const serverConfig = loadConfig(substitute(server.environment ?? {}, secrets));
    for (const [name, agent] of agents) {
      const env = substitute(agent.environment ?? {}, secrets);
      for (const key of Object.keys(env)) expect(AGENT_CONFIG_VARIABLES, `${name} variable ${key}`).toContain(key);
      const config = loadAgentConfig(env);
      expect(config.PARALLAX_SERVER_URL).toBe(`http://server:${serverConfig.port}`);
      expect(config.PARALLAX_AGENT_TOKEN).toBe(serverConfig.agentToken);
      expect(Object.keys(agent.depends_on ?? {})).toContain('server');
    }
  });

  it('has a Dockerfile that builds what the commands run', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('npm run build');
    expect(dockerfile).toMatch(/apt-get install[^\n]*chromium/);
  });
});

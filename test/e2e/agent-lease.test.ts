import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureSite, type FixtureSite } from '../fixtures/site/server';
import { json } from '../support/json';
import { startTestServer, type TestServer } from '../support/server';

const AGENT_MAIN = join(__dirname, '../../dist/apps/agent/apps/agent/src/main.js');
const AGENT_TOKEN = 'agent-token-for-e2e-0123456789';
const LEASE_MS = 3_000;

/** A remote agent process (the built apps/agent) pulling work over HTTP, killed in the middle of a run. */
describe('a location agent killed mid-run', () => {
  let server: TestServer;
  let shop: FixtureSite;
  const agents: ChildProcess[] = [];

  function startAgent(): ChildProcess {
    if (!existsSync(AGENT_MAIN)) throw new Error(`${AGENT_MAIN} is missing: run "npm run build" first (npm test does).`);
    const agent = spawn(process.execPath, [AGENT_MAIN, '--server', server.url, '--location', 'edge-1', '--concurrency', '1'], {
      env: { ...process.env, PARALLAX_AGENT_TOKEN: AGENT_TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    agents.push(agent);
    return agent;
  }

  async function runOf(journeyId: string) {
    return (await json(await server.api(`/api/runs?journeyId=${journeyId}&limit=5`)))[0];
  }

  async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<{ value: T; afterMs: number }> {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      const value = await fn();
      if (value !== undefined) return { value, afterMs: Date.now() - started };
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  beforeAll(async () => {
    shop = await startFixtureSite();
    server = await startTestServer({ PARALLAX_AGENT_TOKEN: AGENT_TOKEN, PARALLAX_RUN_LEASE_MS: String(LEASE_MS), PARALLAX_SCHEDULER_TICK_MS: '200' });
  });
  afterAll(async () => {
    for (const a of agents) if (a.exitCode === null && a.signalCode === null) a.kill('SIGKILL');
    await server?.close();
    await shop?.close();
  });

  it('re-queues its run when the lease expires, and another agent takes it', async () => {
    const siteId = (await json(await server.api('/api/sites', { method: 'POST', json: { name: 'Shop' } }))).id;
    await server.api('/api/locations/edge-1', { method: 'PUT', json: { region: 'Edge' } });
    const yaml = `name: slow\nbaseUrl: ${shop.baseUrl}\nschedule: { every: 1h }\nlocations: [edge-1]\ntimeoutMs: 30000\nsteps:\n  - goto: /\n  - waitFor: { selector: '#never-there', timeoutMs: 20000 }\n    optional: true\n`;
    const journey = await json(await server.api('/api/journeys', { method: 'POST', json: { siteId, yaml } }));

    const first = startAgent();
    await until('the agent to register', async () => ((await json(await server.api('/api/locations'))).find((l: { name: string; stale: boolean }) => l.name === 'edge-1' && !l.stale) ? true : undefined), 60_000);
    await server.api(`/api/journeys/${journey.id}/run`, { method: 'POST' });
    const running = await until('the run to be claimed', async () => {
      const run = await runOf(journey.id);
      return run?.status === 'running' ? run : undefined;
    }, 60_000);

    first.kill('SIGKILL');
    const requeued = await until('the run to be re-queued', async () => {
      const run = await runOf(journey.id);
      return run?.status === 'queued' ? run : undefined;
    }, LEASE_MS + 30_000);
    expect(requeued.value.id).toBe(running.value.id);
    // Within the lease plus a scheduler tick (the 60 s the issue allows is for the default 30 s lease).
    // (a busy two-core machine gets some seconds more: scheduler ticks and polls are delayed there)
    expect(requeued.afterMs).toBeLessThan(LEASE_MS + 8_000);
    const row: { requeues: number }[] = await server.dataSource.query('SELECT requeues FROM runs WHERE id = $1', [running.value.id]);
    expect(row[0].requeues).toBe(1);

    startAgent();
    const reclaimed = await until('another agent to claim it', async () => {
      const run = await runOf(journey.id);
      return run?.status === 'running' ? run : undefined;
    }, 60_000);
    expect(reclaimed.value.id).toBe(running.value.id);
  });
});

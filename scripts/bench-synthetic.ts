// npm run bench:synthetic — runs per minute one agent sustains (concurrency 1, 2, 4), peak memory per concurrent run,
// and scheduler start-time jitter with 1,000 journey slots per minute (a fake runner stands in for the browser there).
import { spawn } from 'node:child_process';
import { Client } from 'pg';
import type { ClaimedRun, RunReport } from '@parallax/contracts';
import { AgentRunner, HttpAgentTransport, type RunExecutor } from '@parallax/runner';
import { startFixtureSite } from '../test/fixtures/site/server';
import { AGENT_MAIN, benchDatabase, machine, quantile, startBenchServer, treePssMiB } from './bench/server';

const AGENT_TOKEN = 'bench-agent-token-0123456789';
const CONCURRENCIES = [1, 2, 4];
const RUNS_PER_SLOT = Number(process.env.BENCH_RUNS_PER_SLOT ?? 10);
const JITTER_JOURNEYS = Number(process.env.BENCH_JITTER_JOURNEYS ?? 1000);
const JITTER_SECONDS = Number(process.env.BENCH_JITTER_SECONDS ?? 75);
const TERMINAL = new Set(['passed', 'failed', 'degraded', 'lost', 'retried']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  console.log(`bench:synthetic on ${machine()}`);
  const db = await benchDatabase();
  const server = await startBenchServer(db.url, { PARALLAX_LOCAL_AGENT: 'false', PARALLAX_AGENT_TOKEN: AGENT_TOKEN, PARALLAX_SCHEDULER_TICK_MS: '250' });
  const shop = await startFixtureSite();
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  try {
    const site = await server.api('/api/sites', { name: 'Bench' });
    await server.api('/api/locations/bench', { region: 'bench' }, 'PUT');
    const yaml = [
      'name: three-steps',
      `baseUrl: ${shop.baseUrl}`,
      'schedule: { every: 24h }',
      'locations: [bench]',
      'steps:',
      '  - goto: /',
      "  - click: '#product-42'",
      "  - expect: { selector: '#add-to-cart', visible: true }",
    ].join('\n');
    const journey = await server.api('/api/journeys', { siteId: site.id, yaml });

    const throughput: { concurrency: number; runs: number; seconds: number; runsPerMin: number; peakMiB: number; idleMiB: number; peakMiBPerRun: number; failed: number }[] = [];
    for (const concurrency of CONCURRENCIES) {
      const agent = spawn(process.execPath, [AGENT_MAIN, '--server', server.url, '--location', 'bench', '--concurrency', String(concurrency)], {
        env: { ...process.env, PARALLAX_AGENT_TOKEN: AGENT_TOKEN, PARALLAX_LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const runAll = async (n: number) => {
        const since = new Date();
        for (let i = 0; i < n; i++) await server.api(`/api/journeys/${journey.id}/run`, {});
        for (;;) {
          const { rows } = await pg.query<{ status: string }>(`SELECT status FROM runs WHERE journey_id = $1 AND due_at >= $2`, [journey.id, since]);
          if (rows.length >= n && rows.every((r) => TERMINAL.has(r.status))) return rows;
          await sleep(100);
        }
      };
      await runAll(concurrency); // warm-up: the agent registers and launches Chromium
      const idleMiB = treePssMiB(agent.pid!);
      let peakMiB = idleMiB;
      const sampler = setInterval(() => (peakMiB = Math.max(peakMiB, treePssMiB(agent.pid!))), 100);
      const n = RUNS_PER_SLOT * concurrency;
      const started = Date.now();
      const rows = await runAll(n);
      const seconds = (Date.now() - started) / 1000;
      clearInterval(sampler);
      agent.kill('SIGTERM');
      await new Promise((r) => agent.once('exit', r));
      const failed = rows.filter((r) => r.status !== 'passed' && r.status !== 'degraded').length;
      throughput.push({ concurrency, runs: n, seconds, runsPerMin: (n / seconds) * 60, peakMiB, idleMiB, peakMiBPerRun: peakMiB / concurrency, failed });
      console.log(`  concurrency ${concurrency}: ${n} runs in ${seconds.toFixed(1)} s, peak ${peakMiB.toFixed(0)} MiB (agent + Chromium, PSS)`);
    }

    // Scheduler jitter: 1,000 journeys every minute, spread over the minute, claimed by a fake runner at once.
    console.log(`  creating ${JITTER_JOURNEYS} journeys (every 1m) for the jitter measurement...`);
    await server.api('/api/locations/fake', { region: 'fake runner' }, 'PUT');
    for (let i = 0; i < JITTER_JOURNEYS; i++) {
      await server.api('/api/journeys', { siteId: site.id, yaml: `name: slot-${i}\nbaseUrl: ${shop.baseUrl}\nschedule: { every: 1m }\nlocations: [fake]\nsteps:\n  - goto: /\n` });
    }
    const fake: RunExecutor = {
      async execute(run: ClaimedRun, ctx): Promise<RunReport> {
        return { agentId: ctx.agentId, status: 'passed', startedAt: new Date().toISOString(), durationMs: 1, steps: [], marks: [], consoleErrors: [], failedRequests: [] };
      },
      async close() {},
    };
    const runner = new AgentRunner(new HttpAgentTransport(server.url, AGENT_TOKEN), { location: 'fake', concurrency: 32, name: 'bench-fake', version: 'bench', executor: fake });
    await runner.start();
    const measureFrom = new Date(Date.now() + 5_000);
    console.log(`  measuring start-time jitter for ${JITTER_SECONDS} s...`);
    await sleep(JITTER_SECONDS * 1000);
    await runner.stop();
    const { rows } = await pg.query<{ jitter_ms: number }>(
      `SELECT extract(epoch FROM (started_at - slot)) * 1000 AS jitter_ms FROM runs
       WHERE location = 'fake' AND trigger = 'schedule' AND slot >= $1 AND slot < now() - interval '3 seconds' AND started_at IS NOT NULL`,
      [measureFrom],
    );
    const { rows: missed } = await pg.query<{ n: string }>(
      `SELECT count(*) AS n FROM runs WHERE location = 'fake' AND slot >= $1 AND slot < now() - interval '5 seconds' AND started_at IS NULL`,
      [measureFrom],
    );
    const jitters = rows.map((r) => Number(r.jitter_ms));
    const slotsPerMin = (jitters.length / (JITTER_SECONDS - 8)) * 60;

    console.log('');
    console.log('| concurrency | runs | seconds | runs/min | peak MiB (agent+Chromium, PSS) | idle MiB | peak MiB / concurrent run | marginal MiB / run | failed |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const t of throughput) {
      const marginal = (t.peakMiB - t.idleMiB) / t.concurrency;
      console.log(`| ${t.concurrency} | ${t.runs} | ${t.seconds.toFixed(1)} | ${t.runsPerMin.toFixed(1)} | ${t.peakMiB.toFixed(0)} | ${t.idleMiB.toFixed(0)} | ${t.peakMiBPerRun.toFixed(0)} | ${marginal.toFixed(0)} | ${t.failed} |`);
    }
    console.log('');
    console.log(`| scheduler jitter | slots measured | slots/min | p50 ms | p99 ms | max ms | never started |`);
    console.log('|---|---|---|---|---|---|---|');
    console.log(`| start - slot | ${jitters.length} | ${slotsPerMin.toFixed(0)} | ${quantile(jitters, 0.5).toFixed(0)} | ${quantile(jitters, 0.99).toFixed(0)} | ${Math.max(...jitters).toFixed(0)} | ${missed[0].n} |`);
    console.log(`machine: ${machine()}; database: ${db.mode}; runs against a local fixture site; memory is PSS of the agent process tree`);
    console.log(
      JSON.stringify({
        runsPerMin: Object.fromEntries(throughput.map((t) => [String(t.concurrency), Math.round(t.runsPerMin * 10) / 10])),
        // Whole agent (Node + Chromium) at the highest concurrency, divided by the runs it held at once.
        peakMiBPerRun: Math.round(throughput[throughput.length - 1].peakMiBPerRun),
        marginalMiBPerRun: Math.round(Math.max(...throughput.map((t) => (t.peakMiB - t.idleMiB) / t.concurrency))),
        jitterP50Ms: Math.round(quantile(jitters, 0.5)),
        jitterP99Ms: Math.round(quantile(jitters, 0.99)),
      }),
    );
  } finally {
    await pg.end();
    await shop.close();
    await server.stop();
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

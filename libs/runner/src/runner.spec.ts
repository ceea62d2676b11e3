import type { AgentHeartbeat, AgentRegistration, AgentSession, ClaimedRun, ClaimRequest, RunReport } from '@parallax/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunExecutionContext, RunExecutor } from './executor';
import { AgentRunner, type AgentRunnerOptions } from './runner';
import { AgentTransportError, type AgentSnippet, type AgentTransport } from './transport';
import { parseJourney } from '@parallax/journeys';

/** An in-memory server: a queue of due runs, with switches for outages and refusals. */
class FakeTransport implements AgentTransport {
  session: AgentSession = { agentId: 'agent-1', heartbeatMs: 20, leaseMs: 1000, pollMs: 15 };
  due: ClaimedRun[] = [];
  registrations: AgentRegistration[] = [];
  heartbeats: AgentHeartbeat[] = [];
  claims: (ClaimRequest & { atMs: number })[] = [];
  registerAttemptsAtMs: number[] = [];
  reportAttempts: string[] = [];
  reports = new Map<string, RunReport>();
  snippetCalls = 0;
  /** Every call fails as if the server were unreachable. */
  down = false;
  /** The next N report calls fail with a 503. */
  failReports = 0;
  /** Reports are refused for good (409, lease lost). */
  rejectReports = false;
  /** The next heartbeat answers 404 (the server forgot the agent). */
  forgetAgent = false;

  private check(call: string): void {
    if (this.down) throw new AgentTransportError('network', `${call}: server http://fake unreachable (ECONNREFUSED)`);
  }

  async register(registration: AgentRegistration): Promise<AgentSession> {
    this.registerAttemptsAtMs.push(performance.now());
    this.check('register');
    this.registrations.push(registration);
    return { ...this.session, agentId: `agent-${this.registrations.length}` };
  }

  async heartbeat(heartbeat: AgentHeartbeat): Promise<void> {
    this.check('heartbeat');
    if (this.forgetAgent) {
      this.forgetAgent = false;
      throw new AgentTransportError('unknown_agent', 'heartbeat: the server does not know this agent (HTTP 404)', 404);
    }
    this.heartbeats.push(heartbeat);
  }

  async claim(request: ClaimRequest): Promise<ClaimedRun[]> {
    this.claims.push({ ...request, atMs: performance.now() });
    this.check('claim');
    return this.due.splice(0, request.max);
  }

  async report(runId: string, report: RunReport): Promise<void> {
    this.reportAttempts.push(runId);
    this.check('report');
    if (this.rejectReports) throw new AgentTransportError('rejected', 'report: refused (HTTP 409): lease lost', 409);
    if (this.failReports > 0) {
      this.failReports--;
      throw new AgentTransportError('server', 'report: server error (HTTP 503)', 503);
    }
    this.reports.set(runId, report);
  }

  async snippet(): Promise<AgentSnippet> {
    this.snippetCalls++;
    this.check('snippet');
    return { bundle: '/* snippet */', hash: 'abc123' };
  }
}

const CHECKOUT = (() => {
  const r = parseJourney('name: Checkout\nschedule: { every: 5m }\nsteps:\n  - goto: https://shop.example/\n', 'checkout.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.journey;
})();

function claimedRun(runId: string): ClaimedRun {
  return {
    runId,
    siteId: 'site-1',
    siteKey: 'pk_test',
    journeyId: 'journey-1',
    journeyName: 'Checkout',
    journey: CHECKOUT,
    baseUrl: null,
    collectUrl: 'http://collector.test/collect',
    attempt: 1,
    dueAt: new Date(0).toISOString(),
    leaseExpiresAt: new Date(0).toISOString(),
  };
}

/** Runs take `durationMs`, or wait for release(runId); records concurrency and what it was handed. */
class FakeExecutor implements RunExecutor {
  active = 0;
  maxActive = 0;
  executed: string[] = [];
  contexts: RunExecutionContext[] = [];
  aborted: string[] = [];
  closed = false;
  throwFor = new Set<string>();
  private holds = new Map<string, () => void>();

  constructor(
    private readonly durationMs = 5,
    private readonly held = new Set<string>(),
  ) {}

  async execute(run: ClaimedRun, ctx: RunExecutionContext): Promise<RunReport> {
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    this.executed.push(run.runId);
    this.contexts.push(ctx);
    try {
      if (this.throwFor.has(run.runId)) throw new Error('executor exploded');
      await new Promise<void>((resolve) => {
        if (this.held.has(run.runId)) this.holds.set(run.runId, resolve);
        else setTimeout(resolve, this.durationMs);
        ctx.signal.addEventListener('abort', () => {
          this.aborted.push(run.runId);
          resolve();
        });
      });
      return { agentId: ctx.agentId, status: 'passed', startedAt: new Date().toISOString(), durationMs: this.durationMs, steps: [], marks: [], consoleErrors: [], failedRequests: [] };
    } finally {
      this.active--;
    }
  }

  release(runId: string): void {
    this.holds.get(runId)?.();
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const runners: AgentRunner[] = [];

function startRunner(transport: FakeTransport, executor: FakeExecutor, extra: Partial<AgentRunnerOptions> = {}): AgentRunner {
  const runner = new AgentRunner(transport, {
    location: 'eu-west',
    concurrency: 2,
    name: 'test-host',
    version: '0.0.0-test',
    executor,
    backoffInitialMs: 10,
    backoffMaxMs: 80,
    stopGraceMs: 1000,
    ...extra,
  });
  runners.push(runner);
  void runner.start();
  return runner;
}

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});

describe('AgentRunner', () => {
  it('registers with its location and concurrency, then runs every due run, never more at once than its concurrency', async () => {
    const transport = new FakeTransport();
    transport.session.pollMs = 5000; // only a finished run can trigger the next claims in time
    transport.due = ['r1', 'r2', 'r3', 'r4', 'r5'].map(claimedRun);
    const executor = new FakeExecutor(30);
    startRunner(transport, executor);

    await until(() => transport.reports.size === 5);
    expect(transport.registrations).toEqual([{ location: 'eu-west', name: 'test-host', version: '0.0.0-test', concurrency: 2 }]);
    expect(executor.maxActive).toBe(2);
    expect(executor.executed).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    for (const claim of transport.claims) {
      expect(claim.agentId).toBe('agent-1');
      expect(claim.max).toBeGreaterThanOrEqual(1);
      expect(claim.max).toBeLessThanOrEqual(2);
    }
    expect(transport.claims[0].max).toBe(2);
    expect([...transport.reports.values()].every((r) => r.agentId === 'agent-1' && r.status === 'passed')).toBe(true);
  });

  it('polls at pollMs while idle, and hands the cached snippet bundle to every run', async () => {
    const transport = new FakeTransport();
    transport.session.pollMs = 20;
    const executor = new FakeExecutor();
    startRunner(transport, executor);
    await until(() => transport.claims.length >= 4);
    const gaps = transport.claims.slice(1).map((c, i) => c.atMs - transport.claims[i].atMs);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(15);

    transport.due.push(claimedRun('r1'), claimedRun('r2'));
    await until(() => transport.reports.size === 2);
    expect(executor.contexts.map((c) => c.bundle)).toEqual(['/* snippet */', '/* snippet */']);
    expect(transport.snippetCalls).toBe(1);
  });

  it('sends the ids of runs in progress with every heartbeat', async () => {
    const transport = new FakeTransport();
    transport.due = [claimedRun('slow-1'), claimedRun('slow-2')];
    const executor = new FakeExecutor(5, new Set(['slow-1', 'slow-2']));
    startRunner(transport, executor);

    await until(() => transport.heartbeats.some((h) => h.runningRunIds.length === 2));
    expect(transport.heartbeats.at(-1)).toEqual({ agentId: 'agent-1', runningRunIds: ['slow-1', 'slow-2'] });
    // both slots are taken: no claims while they run
    const claimsWhileFull = transport.claims.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(transport.claims.length).toBe(claimsWhileFull);

    executor.release('slow-1');
    await until(() => transport.heartbeats.at(-1)!.runningRunIds.join() === 'slow-2');
    executor.release('slow-2');
    await until(() => transport.heartbeats.at(-1)!.runningRunIds.length === 0);
    expect(transport.claims.length).toBeGreaterThan(claimsWhileFull);
  });

  it('retries a failed report with back-off, keeping its lease alive meanwhile, and delivers it once', async () => {
    const transport = new FakeTransport();
    transport.failReports = 3;
    transport.due = [claimedRun('r1')];
    startRunner(transport, new FakeExecutor());

    await until(() => transport.reports.has('r1'));
    expect(transport.reportAttempts).toEqual(['r1', 'r1', 'r1', 'r1']);
    // while undelivered, the run still counts as in progress for its lease
    expect(transport.heartbeats.some((h) => h.runningRunIds.includes('r1'))).toBe(true);
    await until(() => transport.heartbeats.at(-1)!.runningRunIds.length === 0);
  });

  it('drops a report the server refuses for good (lease lost) without retrying it', async () => {
    const transport = new FakeTransport();
    transport.rejectReports = true;
    transport.due = [claimedRun('r1')];
    const runner = startRunner(transport, new FakeExecutor());

    await until(() => transport.reportAttempts.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(transport.reportAttempts).toEqual(['r1']);
    expect(runner.status().pendingReportRunIds).toEqual([]);
  });

  it('survives a server outage: backs off between attempts, then registers and works when the server is back', async () => {
    const transport = new FakeTransport();
    transport.down = true;
    const executor = new FakeExecutor();
    startRunner(transport, executor);

    await until(() => transport.registerAttemptsAtMs.length >= 7);
    const at = transport.registerAttemptsAtMs;
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    // back-off ceilings 10, 20, 40, 80, 80, 80 ms, each delay at least half its ceiling (upper bounds are left to
    // the Backoff test: a loaded machine only makes timers late)
    expect(gaps[2]).toBeGreaterThanOrEqual(19);
    for (const gap of gaps.slice(3)) expect(gap).toBeGreaterThanOrEqual(39);
    expect(transport.registrations).toEqual([]);

    transport.down = false;
    transport.due = [claimedRun('after-outage')];
    await until(() => transport.reports.has('after-outage'));
    expect(transport.registrations).toHaveLength(1);
  });

  it('keeps a finished run\'s report through an outage and delivers it when the server returns', async () => {
    const transport = new FakeTransport();
    transport.due = [claimedRun('r1')];
    const executor = new FakeExecutor(5, new Set(['r1']));
    startRunner(transport, executor);
    await until(() => executor.executed.length === 1);

    transport.down = true;
    executor.release('r1');
    await until(() => transport.reportAttempts.length >= 3);
    expect(transport.reports.size).toBe(0);
    transport.down = false;
    await until(() => transport.reports.has('r1'));
  });

  it('registers again when the server forgets the agent', async () => {
    const transport = new FakeTransport();
    const runner = startRunner(transport, new FakeExecutor());
    await until(() => transport.heartbeats.length >= 1);
    transport.forgetAgent = true;
    await until(() => transport.registrations.length === 2);
    await until(() => runner.status().agentId === 'agent-2');
    transport.due = [claimedRun('r1')];
    await until(() => transport.reports.get('r1')?.agentId === 'agent-2');
  });

  it('reports an executor that throws as a failed run', async () => {
    const transport = new FakeTransport();
    const executor = new FakeExecutor();
    executor.throwFor.add('boom');
    transport.due = [claimedRun('boom')];
    startRunner(transport, executor);
    await until(() => transport.reports.has('boom'));
    expect(transport.reports.get('boom')).toMatchObject({ status: 'failed', error: 'agent error: executor exploded', agentId: 'agent-1' });
  });

  it('stop() waits for runs in progress, reports them, stops claiming and closes the executor', async () => {
    const transport = new FakeTransport();
    transport.due = [claimedRun('r1')];
    const executor = new FakeExecutor(5, new Set(['r1']));
    const runner = startRunner(transport, executor);
    await until(() => executor.executed.length === 1);

    const stopped = runner.stop();
    await new Promise((r) => setTimeout(r, 30));
    expect(executor.closed).toBe(false);
    const claims = transport.claims.length;
    transport.due = [claimedRun('too-late')];
    executor.release('r1');
    await stopped;

    expect(transport.reports.has('r1')).toBe(true);
    expect(executor.closed).toBe(true);
    expect(transport.claims.length).toBe(claims);
    expect(executor.executed).toEqual(['r1']);
  });

  it('stop() aborts runs that outlive the grace period and does not report them', async () => {
    const transport = new FakeTransport();
    transport.due = [claimedRun('stuck')];
    const executor = new FakeExecutor(5, new Set(['stuck']));
    const runner = startRunner(transport, executor, { stopGraceMs: 50 });
    await until(() => executor.executed.length === 1);

    const startMs = performance.now();
    await runner.stop();
    expect(performance.now() - startMs).toBeGreaterThanOrEqual(45);
    expect(executor.aborted).toEqual(['stuck']);
    expect(executor.contexts[0].signal.aborted).toBe(true);
    expect(transport.reportAttempts).toEqual([]);
    expect(executor.closed).toBe(true);
  });

  it('stop() during a claim under way still runs and reports what that claim returns, before closing the executor', async () => {
    const transport = new FakeTransport();
    let answerClaim: (runs: ClaimedRun[]) => void = () => undefined;
    let claimStarted = false;
    transport.claim = (request) => {
      transport.claims.push({ ...request, atMs: performance.now() });
      claimStarted = true;
      return new Promise((resolve) => (answerClaim = resolve));
    };
    const executor = new FakeExecutor(20);
    const runner = startRunner(transport, executor);
    await until(() => claimStarted);

    const stopped = runner.stop();
    answerClaim([claimedRun('late')]);
    await stopped;
    expect(executor.executed).toEqual(['late']);
    expect(transport.reports.has('late')).toBe(true);
    expect(executor.closed).toBe(true);
    expect(transport.claims).toHaveLength(1);
  });

  it('rejects a concurrency below 1', () => {
    expect(() => new AgentRunner(new FakeTransport(), { location: 'x', concurrency: 0, name: 'n', version: 'v', executor: new FakeExecutor() })).toThrow(/concurrency/);
  });
});

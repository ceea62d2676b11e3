import type { AgentSession, ClaimedRun, RunReport } from '@parallax/contracts';
import type { ResolvedBrowser } from './browser-resolver';
import { ChromiumRunExecutor, type RunExecutor } from './executor';
import { Backoff, Waker } from './timing';
import { AgentTransportError, transportErrorCode, type AgentTransport } from './transport';

/** Structured log lines; fields never hold secrets or the agent token. */
export interface AgentLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const silentLogger: AgentLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface AgentRunnerOptions {
  location: string;
  /** Runs executed at once (free slots = concurrency - runs in progress). */
  concurrency: number;
  /** The browser of the default executor, found already (resolveBrowser); else chromiumPath. */
  browser?: ResolvedBrowser;
  /** CHROMIUM_PATH for the default executor; unset or "auto" finds one on first launch. */
  chromiumPath?: string;
  /** Name of this agent process (host name). */
  name: string;
  version: string;
  log?: AgentLogger;
  /** Replaces the Chromium executor (tests, benchmarks). */
  executor?: RunExecutor;
  /** Where the default executor reads secrets (default process.env). */
  env?: Record<string, string | undefined>;
  /** Whether the default executor may read secret NAME from the plain variable NAME (default true). */
  plainEnvSecrets?: boolean;
  /** Values of referenced secrets that the environment lacks, for the default executor (the examples' demo values). */
  demoSecrets?: Readonly<Record<string, string>>;
  /** How long stop() waits for runs in progress before aborting them (default 30 s). */
  stopGraceMs?: number;
  /** Back-off after a failed call to the server: first delay and cap (default 1 s, 30 s). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** How often the snippet bundle is fetched again (default 10 min). */
  snippetRefreshMs?: number;
  /** Most reports kept in memory while the server does not take them (default 100; the oldest is dropped). */
  maxPendingReports?: number;
}

/** What the runner is doing now, for health checks and tests. */
export interface AgentRunnerStatus {
  agentId: string | undefined;
  runningRunIds: string[];
  pendingReportRunIds: string[];
  stopping: boolean;
}

interface RunningRun {
  abort: AbortController;
  done: Promise<void>;
}

/**
 * The claim-run-report loop of one agent: registers, heartbeats, claims as many runs as it has free slots,
 * executes them concurrently, reports results (kept in memory and retried until the server takes them) and
 * survives server outages by backing off. Used by the agent process (HTTP) and the server's in-process agent.
 */
export class AgentRunner {
  private readonly log: AgentLogger;
  private readonly executor: RunExecutor;
  private readonly waker = new Waker();
  private readonly heartbeatWaker = new Waker();
  private readonly deliveryWaker = new Waker();
  private readonly backoff: Backoff;
  private session: AgentSession | undefined;
  private readonly running = new Map<string, RunningRun>();
  private readonly pendingReports = new Map<string, RunReport>();
  private readonly deliveries = new Set<Promise<void>>();
  private bundle: { text: string; hash: string; fetchedAtMs: number } | undefined;
  private loops: Promise<void>[] = [];
  private started = false;
  private stopping = false;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly transport: AgentTransport,
    private readonly opts: AgentRunnerOptions,
  ) {
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) throw new Error(`concurrency must be a whole number >= 1, got ${opts.concurrency}`);
    this.log = opts.log ?? silentLogger;
    this.executor = opts.executor ?? new ChromiumRunExecutor({ browser: opts.browser, chromiumPath: opts.chromiumPath, env: opts.env, plainEnvSecrets: opts.plainEnvSecrets, demoSecrets: opts.demoSecrets, onBrowserDisconnect: () => this.log.warn('Chromium disconnected; relaunching it for the next run') });
    this.backoff = new Backoff(opts.backoffInitialMs ?? 1000, opts.backoffMaxMs ?? 30_000);
  }

  /** Checks the executor (launches Chromium), then starts the loops in the background; throws if the executor cannot work. */
  async start(): Promise<void> {
    if (this.started) throw new Error('the agent runner was already started');
    this.started = true;
    await this.executor.prepare?.();
    this.log.info('agent starting', { location: this.opts.location, concurrency: this.opts.concurrency, name: this.opts.name, version: this.opts.version });
    this.loops = [this.claimLoop(), this.heartbeatLoop()];
  }

  /**
   * Stops claiming, waits up to stopGraceMs for runs in progress (aborting the rest, which are not reported:
   * their leases expire and the server re-queues them), tries once more to deliver unsent reports, closes Chromium.
   */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  status(): AgentRunnerStatus {
    return {
      agentId: this.session?.agentId,
      runningRunIds: [...this.running.keys()],
      pendingReportRunIds: [...this.pendingReports.keys()],
      stopping: this.stopping,
    };
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    this.waker.wake();
    // the claim loop ends first: runs from a claim already under way start, and are waited for, like the others
    await this.loops[0];
    const graceMs = this.opts.stopGraceMs ?? 30_000;
    if (this.running.size) {
      this.log.info('waiting for runs in progress', { runIds: [...this.running.keys()], graceMs });
      const all = Promise.all([...this.running.values()].map((r) => r.done));
      const graceWaker = new Waker();
      const inTime = await Promise.race([all.then(() => true), graceWaker.sleep(graceMs).then(() => false)]);
      graceWaker.wake(); // clears the grace timer, which would otherwise hold the process open
      if (!inTime) {
        this.log.warn('aborting runs still in progress; the server re-queues them when their leases expire', { runIds: [...this.running.keys()] });
        for (const r of this.running.values()) r.abort.abort(new Error('the agent is stopping'));
        await all;
      }
    }
    // wakes the delivery retries, which try once more now that stopping is set, then give up
    this.deliveryWaker.wake();
    await Promise.all([...this.deliveries]);
    if (this.pendingReports.size) {
      this.log.warn('reports not delivered; the server re-queues these runs when their leases expire', { runIds: [...this.pendingReports.keys()] });
      this.pendingReports.clear();
    }
    this.heartbeatWaker.wake();
    await Promise.all(this.loops);
    await this.executor.close().catch((err: unknown) => this.log.warn('closing the browser failed', { error: errorText(err) }));
    this.log.info('agent stopped');
  }

  private async claimLoop(): Promise<void> {
    while (!this.stopping) {
      const session = this.session ?? (await this.register());
      if (!session) continue;
      await this.refreshSnippet();
      const free = this.opts.concurrency - this.running.size;
      if (free > 0 && !this.stopping) {
        let runs: ClaimedRun[];
        try {
          runs = await this.transport.claim({ agentId: session.agentId, max: free });
          this.backoff.reset();
        } catch (err) {
          await this.onServerError('claim', err);
          continue;
        }
        for (const run of runs.slice(0, free)) this.startRun(run, session.agentId);
        if (runs.length > free) this.log.warn('the server handed out more runs than asked for; the extra leases will expire', { asked: free, got: runs.length });
      }
      if (this.stopping) break;
      // a finished run wakes this early, so a free slot is filled at once
      await this.waker.sleep(session.pollMs);
    }
  }

  private async register(): Promise<AgentSession | undefined> {
    try {
      const session = await this.transport.register({
        location: this.opts.location,
        name: this.opts.name,
        version: this.opts.version,
        concurrency: this.opts.concurrency,
      });
      this.session = session;
      this.backoff.reset();
      this.heartbeatWaker.wake();
      this.log.info('registered', { agentId: session.agentId, heartbeatMs: session.heartbeatMs, pollMs: session.pollMs, leaseMs: session.leaseMs });
      return session;
    } catch (err) {
      await this.onServerError('register', err);
      return undefined;
    }
  }

  /** Logs a failed call and waits out the back-off; an unknown agent registers again at once. */
  private async onServerError(call: string, err: unknown): Promise<void> {
    if (transportErrorCode(err) === 'unknown_agent') {
      this.log.warn('the server forgot this agent; registering again', { call, agentId: this.session?.agentId });
      this.session = undefined;
      return;
    }
    const retryInMs = this.backoff.next();
    const level = transportErrorCode(err) === 'unauthorized' ? 'error' : 'warn';
    this.log[level](`${call} failed`, { error: errorText(err), retryInMs, failures: this.backoff.consecutiveFailures });
    await this.waker.sleep(retryInMs);
  }

  private async refreshSnippet(): Promise<void> {
    const refreshMs = this.opts.snippetRefreshMs ?? 10 * 60_000;
    if (this.bundle && performance.now() - this.bundle.fetchedAtMs < refreshMs) return;
    try {
      const { bundle, hash } = await this.transport.snippet();
      if (hash !== this.bundle?.hash) this.log.info('snippet bundle loaded', { hash, sizeBytes: Buffer.byteLength(bundle) });
      this.bundle = { text: bundle, hash, fetchedAtMs: performance.now() };
    } catch (err) {
      if (this.bundle) {
        this.bundle.fetchedAtMs = performance.now(); // keep the cached one; try again after the next refresh period
        this.log.warn('snippet refresh failed; keeping the cached bundle', { error: errorText(err) });
      } else {
        this.log.warn('no snippet bundle: runs record no lab vitals until it loads', { error: errorText(err) });
      }
    }
  }

  private startRun(run: ClaimedRun, agentId: string): void {
    const abort = new AbortController();
    this.log.info('run started', { runId: run.runId, journey: run.journeyName, attempt: run.attempt });
    const done = this.execute(run, agentId, abort.signal).then((report) => {
      this.running.delete(run.runId);
      this.waker.wake();
      if (abort.signal.aborted) {
        this.log.info('run aborted, not reported', { runId: run.runId });
        return;
      }
      this.log.info('run finished', { runId: run.runId, status: report.status, durationMs: report.durationMs, ...(report.error ? { error: report.error } : {}) });
      this.queueReport(run.runId, report);
    });
    this.running.set(run.runId, { abort, done });
  }

  private async execute(run: ClaimedRun, agentId: string, signal: AbortSignal): Promise<RunReport> {
    try {
      return await this.executor.execute(run, { agentId, bundle: this.bundle?.text, signal });
    } catch (err) {
      // the message of an executor bug could hold anything: keep it short, it is not masked by the journey
      return { agentId, status: 'failed', startedAt: new Date().toISOString(), durationMs: 0, steps: [], marks: [], consoleErrors: [], failedRequests: [], error: `agent error: ${errorText(err).slice(0, 200)}` };
    }
  }

  private queueReport(runId: string, report: RunReport): void {
    const max = this.opts.maxPendingReports ?? 100;
    if (this.pendingReports.size >= max) {
      const oldest = this.pendingReports.keys().next().value as string;
      this.pendingReports.delete(oldest);
      this.log.warn('too many undelivered reports; dropping the oldest', { runId: oldest });
    }
    this.pendingReports.set(runId, report);
    const delivery = this.deliver(runId).finally(() => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
  }

  /** Sends one report until the server takes it or refuses it for good; holds it in memory meanwhile. */
  private async deliver(runId: string): Promise<void> {
    const backoff = new Backoff(this.opts.backoffInitialMs ?? 1000, this.opts.backoffMaxMs ?? 30_000);
    for (;;) {
      const report = this.pendingReports.get(runId);
      if (!report) return; // dropped meanwhile
      const lastTry = this.stopping;
      try {
        await this.transport.report(runId, report);
        this.pendingReports.delete(runId);
        if (backoff.consecutiveFailures) this.log.info('report delivered', { runId, attempts: backoff.consecutiveFailures + 1 });
        return;
      } catch (err) {
        if (err instanceof AgentTransportError && !err.retryable) {
          this.pendingReports.delete(runId);
          this.log.warn('the server refused the report', { runId, error: err.message });
          return;
        }
        if (lastTry) return;
        if (this.stopping) continue; // stop() began during this try: one last try at once
        const retryInMs = backoff.next();
        this.log.warn('report failed; retrying', { runId, error: errorText(err), retryInMs, attempt: backoff.consecutiveFailures });
        await this.deliveryWaker.sleep(retryInMs);
      }
    }
  }

  private async heartbeatLoop(): Promise<void> {
    while (!this.stopping || this.running.size > 0) {
      const session = this.session;
      await this.heartbeatWaker.sleep(session?.heartbeatMs ?? 1000);
      if (!session || session !== this.session) continue;
      // a finished run whose report is not delivered yet still holds its lease: keep it alive
      const runningRunIds = [...new Set([...this.running.keys(), ...this.pendingReports.keys()])];
      try {
        await this.transport.heartbeat({ agentId: session.agentId, runningRunIds });
      } catch (err) {
        if (transportErrorCode(err) === 'unknown_agent') {
          if (this.session === session) this.session = undefined;
          this.waker.wake();
        }
        this.log.warn('heartbeat failed', { error: errorText(err) });
      }
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] : String(err);
}

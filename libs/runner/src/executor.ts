import type { ClaimedRun, RunReport } from '@parallax/contracts';
import { journeyModelSchema } from '@parallax/journeys';
import { BrowserPool } from './browser-pool';
import type { ResolvedBrowser } from './browser-resolver';
import { executeClaimedRun } from './execute';
import { secretsFromEnv } from './secrets';

/** What the runner hands an executor with each run. */
export interface RunExecutionContext {
  /** The agent holding the run's lease. */
  agentId: string;
  /** The core snippet bundle, when the server gave one. */
  bundle: string | undefined;
  /** Aborted when the agent stops and the run outlives the grace period. */
  signal: AbortSignal;
}

/** Executes claimed runs; the runner's seam for tests and benchmarks (a fake executor needs no browser). */
export interface RunExecutor {
  /** Checks what execution needs before the agent claims anything; throws a clear error if it cannot work. */
  prepare?(): Promise<void>;
  /** Runs one claimed run; should not throw (the runner reports a throw as a failed run). */
  execute(run: ClaimedRun, ctx: RunExecutionContext): Promise<RunReport>;
  /** Frees what the executor holds (the browser). */
  close(): Promise<void>;
}

export interface ChromiumRunExecutorOptions {
  /** The browser to launch, found already; else chromiumPath, else found on first launch (resolveBrowser). */
  browser?: ResolvedBrowser;
  /** CHROMIUM_PATH; unset or "auto" finds one. */
  chromiumPath?: string;
  /** Where secrets come from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Read a referenced secret from the plain variable NAME when PARALLAX_SECRET_NAME is unset (default true). */
  plainEnvSecrets?: boolean;
  /** Values of referenced secrets that the environment lacks (the examples' demo values; see secretsFromEnv). */
  demoSecrets?: Readonly<Record<string, string>>;
  /** Told when Chromium went away by itself; it is relaunched for the next run. */
  onBrowserDisconnect?: () => void;
}

/** Runs each claimed run in a fresh context of one long-lived, relaunched-on-crash Chromium. */
export class ChromiumRunExecutor implements RunExecutor {
  private readonly pool: BrowserPool;
  private readonly env: Record<string, string | undefined>;
  private readonly plainEnvSecrets: boolean;
  private readonly demoSecrets: Readonly<Record<string, string>> | undefined;

  constructor(opts: ChromiumRunExecutorOptions = {}) {
    this.pool = new BrowserPool({ browser: opts.browser, executablePath: opts.chromiumPath, onDisconnect: opts.onBrowserDisconnect });
    this.env = opts.env ?? process.env;
    this.plainEnvSecrets = opts.plainEnvSecrets ?? true;
    this.demoSecrets = opts.demoSecrets;
  }

  /** Launches Chromium once, so a missing or broken browser stops the agent at start with a clear message. */
  async prepare(): Promise<void> {
    await this.pool.get();
  }

  async execute(run: ClaimedRun, ctx: RunExecutionContext): Promise<RunReport> {
    const failed = (error: string): RunReport => ({
      agentId: ctx.agentId,
      status: 'failed',
      startedAt: new Date().toISOString(),
      durationMs: 0,
      steps: [],
      marks: [],
      consoleErrors: [],
      failedRequests: [],
      error,
    });
    // The one check of the wire: the run's journey is typed from here on (the server parsed its file).
    const parsed = journeyModelSchema.safeParse(run.journey);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      return failed(`the server sent an invalid journey: ${problems}`);
    }
    const checked: ClaimedRun = { ...run, journey: parsed.data };
    // secrets are read per run, so a value changed in the environment needs no restart of the runner object
    const secrets = secretsFromEnv(checked.journey, this.env, { plainFallback: this.plainEnvSecrets, demoDefaults: this.demoSecrets });
    let browser;
    try {
      browser = await this.pool.get();
    } catch (err) {
      return failed(err instanceof Error ? err.message : String(err));
    }
    return executeClaimedRun(browser, checked, { agentId: ctx.agentId, bundle: ctx.bundle, secrets, signal: ctx.signal });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

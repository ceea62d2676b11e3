import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { AgentHeartbeat, AgentRegistration, AgentSession, ClaimedRun, ClaimRequest, RunReport } from '@parallax/contracts';
import { AgentRunner, AgentTransportError, RUNNER_VERSION, resolveBrowser, type AgentLogger, type AgentSnippet, type AgentTransport, type ResolvedBrowser } from '@parallax/runner';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/runtime';
import { AgentApiService } from './agent-api.service';

const LOCAL_LOCATION = 'local';

/**
 * Documented demo values of the secrets the example journeys use (journeys/checkout.yaml logs in to the demo shop,
 * which accepts any password), so the examples pass out of the box. Only these names, only on the in-process
 * agent, only when PARALLAX_SECRET_<NAME> is unset; masked as `***` like every secret and never stored. Remote
 * agents get none. The names say "demo" so a real journey does not pick one up by accident.
 */
export const DEMO_SECRETS: Readonly<Record<string, string>> = Object.freeze({ DEMO_SHOP_PASSWORD: 'parallax-demo-password' });

/** The agent protocol without HTTP, for the server's own agent; domain errors become transport errors. */
export class DirectAgentTransport implements AgentTransport {
  constructor(
    private readonly api: AgentApiService,
    private readonly collectUrl: string,
  ) {}

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof DomainError) {
        const code = error.code === 'unauthorized' ? 'unknown_agent' : error.code === 'unavailable' ? 'server' : 'rejected';
        throw new AgentTransportError(code, error.message);
      }
      throw new AgentTransportError('server', (error as Error).message);
    }
  }

  register(registration: AgentRegistration): Promise<AgentSession> {
    return this.call(() => this.api.register(registration));
  }
  heartbeat(heartbeat: AgentHeartbeat): Promise<void> {
    return this.call(() => this.api.heartbeat(heartbeat));
  }
  claim(request: ClaimRequest): Promise<ClaimedRun[]> {
    return this.call(() => this.api.claim(request.agentId, request.max, this.collectUrl));
  }
  async report(runId: string, report: RunReport): Promise<void> {
    await this.call(() => this.api.report(runId, report));
  }
  snippet(): Promise<AgentSnippet> {
    return this.call(async () => this.api.snippetBundle());
  }
}

/** What the in-process agent runs its journeys in, as GET /api/locations shows it. */
export interface LocalBrowserView {
  source: ResolvedBrowser['source'] | 'none';
  path: string | null;
  version: string | null;
  /** Why there is none (PARALLAX_LOCAL_AGENT=false, or no browser found). */
  problem?: string;
}

/** The in-process agent for the location `local`, so one command runs everything on a laptop. */
@Injectable()
export class LocalAgentService implements OnApplicationShutdown {
  private readonly logger = new Logger('LocalAgent');
  private runner: AgentRunner | undefined;
  private browserView: LocalBrowserView = { source: 'none', path: null, version: null, problem: 'the in-process agent has not started' };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly api: AgentApiService,
  ) {}

  /** Starts the agent once the server listens on `serverUrl` (its beacons go to the collector there). */
  async start(serverUrl: string): Promise<void> {
    if (!this.config.localAgent) {
      this.browserView = { source: 'none', path: null, version: null, problem: 'PARALLAX_LOCAL_AGENT=false' };
      return;
    }
    if (this.runner) return;
    let browser: ResolvedBrowser;
    try {
      browser = await resolveBrowser({ chromiumPath: this.config.chromiumPath });
    } catch (error) {
      const problem = (error as Error).message;
      this.browserView = { source: 'none', path: null, version: null, problem };
      this.logger.warn({ msg: `Synthetic runs for the location "local" will not run: ${problem} Set PARALLAX_LOCAL_AGENT=false to silence this.` });
      return;
    }
    this.browserView = { source: browser.source, path: browser.executablePath, version: browser.version ?? null };
    this.logger.log({ msg: `Journeys run in ${browser.version ?? 'Chromium'} (${browser.source}: ${browser.executablePath})`, browser: this.browserView });
    const log: AgentLogger = {
      debug: (m, f) => this.logger.debug({ msg: m, ...f }),
      info: (m, f) => this.logger.log({ msg: m, ...f }),
      warn: (m, f) => this.logger.warn({ msg: m, ...f }),
      error: (m, f) => this.logger.error({ msg: m, ...f }),
    };
    this.runner = new AgentRunner(new DirectAgentTransport(this.api, `${serverUrl}${this.config.collectPath}`), {
      location: LOCAL_LOCATION,
      concurrency: this.config.localAgentConcurrency,
      browser,
      name: 'in-process',
      version: RUNNER_VERSION,
      // Journeys of the in-process agent read only PARALLAX_SECRET_* variables, never server settings such as DATABASE_URL.
      plainEnvSecrets: false,
      demoSecrets: DEMO_SECRETS,
      log,
    });
    try {
      await this.runner.start();
    } catch (error) {
      this.runner = undefined;
      this.browserView = { ...this.browserView, problem: (error as Error).message };
      this.logger.warn({ msg: `The in-process agent for "local" did not start: ${(error as Error).message}` });
    }
  }

  /** The browser of the in-process agent, or why there is none. */
  browser(): LocalBrowserView {
    return this.browserView;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
  }
}

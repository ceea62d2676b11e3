import type { AgentHeartbeat, AgentRegistration, AgentSession, ClaimedRun, ClaimRequest, RunReport } from '@parallax/contracts';

/** The RUM snippet the agent injects (core build) and its content hash. */
export interface AgentSnippet {
  bundle: string;
  hash: string;
}

/**
 * How an agent talks to the server: over HTTP for a remote agent, by direct calls for the server's in-process one.
 * Implementations throw AgentTransportError so the runner can tell retryable failures from hopeless ones.
 */
export interface AgentTransport {
  register(registration: AgentRegistration): Promise<AgentSession>;
  heartbeat(heartbeat: AgentHeartbeat): Promise<void>;
  claim(request: ClaimRequest): Promise<ClaimedRun[]>;
  report(runId: string, report: RunReport): Promise<void>;
  snippet(): Promise<AgentSnippet>;
}

/**
 * - unauthorized: the agent token was refused (401/403);
 * - unknown_agent: the server does not know this agent id (404/410 on heartbeat or claim): register again;
 * - rejected: the server refused the request for good (other 4xx, e.g. 409 when the lease was lost);
 * - server: 5xx, 408 or 429, worth retrying;
 * - network: the server could not be reached, or the answer was not readable;
 * - timeout: no answer within the transport's time limit.
 */
export type AgentTransportErrorCode = 'unauthorized' | 'unknown_agent' | 'rejected' | 'server' | 'network' | 'timeout';

/** A failed call to the server; `message` never contains the agent token. */
export class AgentTransportError extends Error {
  constructor(
    readonly code: AgentTransportErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'AgentTransportError';
  }

  /** Whether trying the same call again later can succeed (a refused token may be fixed on the server meanwhile). */
  get retryable(): boolean {
    return this.code !== 'rejected';
  }
}

/** The code of any error thrown by a transport (a plain error counts as a network problem). */
export function transportErrorCode(err: unknown): AgentTransportErrorCode {
  return err instanceof AgentTransportError ? err.code : 'network';
}

export interface HttpAgentTransportOptions {
  /** Time limit of one request (default 15 s); result uploads get twice as long, they may carry a screenshot. */
  timeoutMs?: number;
  /** Replaces global fetch (tests). */
  fetch?: typeof fetch;
}

/** The agent side of the HTTP endpoints listed in libs/contracts/src/agent.ts (`Authorization: Bearer <token>`). */
export class HttpAgentTransport implements AgentTransport {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(
    serverUrl: string,
    private readonly agentToken: string,
    opts: HttpAgentTransportOptions = {},
  ) {
    const url = new URL(serverUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`server URL must be http(s): ${url.origin}`);
    this.baseUrl = url.href.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.fetchFn = opts.fetch ?? fetch;
  }

  register(registration: AgentRegistration): Promise<AgentSession> {
    return this.call<AgentSession>('POST', '/api/agent/register', registration);
  }

  async heartbeat(heartbeat: AgentHeartbeat): Promise<void> {
    await this.call('POST', '/api/agent/heartbeat', heartbeat, { agentScoped: true });
  }

  async claim(request: ClaimRequest): Promise<ClaimedRun[]> {
    const runs = await this.call<unknown>('POST', '/api/agent/claim', request, { agentScoped: true });
    if (!Array.isArray(runs)) throw new AgentTransportError('network', 'POST /api/agent/claim: expected an array of runs');
    return runs as ClaimedRun[];
  }

  async report(runId: string, report: RunReport): Promise<void> {
    await this.call('POST', `/api/agent/runs/${encodeURIComponent(runId)}/result`, report, { timeoutMs: this.timeoutMs * 2 });
  }

  async snippet(): Promise<AgentSnippet> {
    const body = await this.call<Partial<AgentSnippet>>('GET', '/api/agent/snippet');
    if (typeof body?.bundle !== 'string' || typeof body.hash !== 'string') {
      throw new AgentTransportError('network', 'GET /api/agent/snippet: expected { bundle, hash }');
    }
    return { bundle: body.bundle, hash: body.hash };
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, opts: { agentScoped?: boolean; timeoutMs?: number } = {}): Promise<T> {
    const what = `${method} ${path}`;
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    let res: Response;
    try {
      res = await this.fetchFn(this.baseUrl + path, {
        method,
        headers: {
          authorization: `Bearer ${this.agentToken}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
        throw new AgentTransportError('timeout', `${what}: no answer from ${this.origin()} within ${timeoutMs} ms`);
      }
      throw new AgentTransportError('network', `${what}: server ${this.origin()} unreachable (${networkReason(err)})`);
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) throw this.httpError(what, res.status, text, opts.agentScoped === true);
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new AgentTransportError('network', `${what}: answer is not JSON (HTTP ${res.status})`);
    }
  }

  private httpError(what: string, status: number, text: string, agentScoped: boolean): AgentTransportError {
    const detail = serverMessage(text);
    const suffix = detail ? `: ${detail}` : '';
    if (status === 401 || status === 403) {
      return new AgentTransportError('unauthorized', `${what}: agent token refused (HTTP ${status})${suffix}`, status);
    }
    if (agentScoped && (status === 404 || status === 410)) {
      return new AgentTransportError('unknown_agent', `${what}: the server does not know this agent (HTTP ${status})${suffix}`, status);
    }
    if (status >= 500 || status === 408 || status === 429) {
      return new AgentTransportError('server', `${what}: server error (HTTP ${status})${suffix}`, status);
    }
    return new AgentTransportError('rejected', `${what}: refused (HTTP ${status})${suffix}`, status);
  }

  // the origin only: a URL may carry credentials or a path the logs need not show
  private origin(): string {
    return new URL(this.baseUrl).origin;
  }
}

/** The `message` of a JSON error body (Nest's shape), else the first 200 characters of the text. */
function serverMessage(text: string): string {
  if (!text) return '';
  try {
    const body = JSON.parse(text) as { message?: unknown };
    const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
    if (typeof message === 'string') return message.slice(0, 300);
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** Node's fetch hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`. */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } })?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

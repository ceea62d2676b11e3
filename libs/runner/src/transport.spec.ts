import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentTransportError, HttpAgentTransport } from './transport';

const TOKEN = 'agent-token-0123456789abcdef';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  body: unknown;
}

describe('HttpAgentTransport', () => {
  let server: Server;
  let baseUrl: string;
  const seen: Seen[] = [];
  let handler: (req: IncomingMessage, res: ServerResponse, body: unknown) => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const body = text ? JSON.parse(text) : undefined;
        seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
        handler(req, res, body);
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  });

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  it('calls every endpoint of the contract with the bearer token and JSON bodies', async () => {
    seen.length = 0;
    handler = (req, res) => {
      if (req.url === '/api/agent/register') return json(res, 201, { agentId: 'a1', heartbeatMs: 10_000, leaseMs: 45_000, pollMs: 2000 });
      if (req.url === '/api/agent/heartbeat') return json(res, 200, { ok: true });
      if (req.url === '/api/agent/claim') return json(res, 200, []);
      if (req.url === '/api/agent/runs/run%2F1/result') return json(res, 200, { status: 'passed' });
      if (req.url === '/api/agent/snippet') return json(res, 200, { bundle: '/*js*/', hash: 'h1' });
      json(res, 404, { message: 'nope' });
    };
    const t = new HttpAgentTransport(baseUrl, TOKEN);
    expect(await t.register({ location: 'eu-west', name: 'host', version: '1', concurrency: 2 })).toEqual({ agentId: 'a1', heartbeatMs: 10_000, leaseMs: 45_000, pollMs: 2000 });
    await t.heartbeat({ agentId: 'a1', runningRunIds: ['r1'] });
    expect(await t.claim({ agentId: 'a1', max: 2 })).toEqual([]);
    const report = { agentId: 'a1', status: 'passed' as const, startedAt: new Date(0).toISOString(), durationMs: 1, steps: [], marks: [], consoleErrors: [], failedRequests: [] };
    await t.report('run/1', report);
    expect(await t.snippet()).toEqual({ bundle: '/*js*/', hash: 'h1' });

    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /api/agent/register',
      'POST /api/agent/heartbeat',
      'POST /api/agent/claim',
      'POST /api/agent/runs/run%2F1/result',
      'GET /api/agent/snippet',
    ]);
    expect(seen.every((s) => s.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(seen[1].body).toEqual({ agentId: 'a1', runningRunIds: ['r1'] });
    expect(seen[3].body).toEqual(report);
  });

  it('says "agent token refused" on 401, never showing the token', async () => {
    handler = (_req, res) => json(res, 401, { message: 'Unauthorized' });
    const err = await new HttpAgentTransport(baseUrl, TOKEN).claim({ agentId: 'a1', max: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentTransportError);
    expect(err).toMatchObject({ code: 'unauthorized', status: 401, retryable: true });
    expect((err as Error).message).toContain('agent token refused');
    expect((err as Error).message).not.toContain(TOKEN);
  });

  it('tells an unknown agent (404 on heartbeat) from a refusal for good (409 on a result) and a server error', async () => {
    const t = new HttpAgentTransport(baseUrl, TOKEN);
    handler = (_req, res) => json(res, 404, { message: 'unknown agent' });
    await expect(t.heartbeat({ agentId: 'gone', runningRunIds: [] })).rejects.toMatchObject({ code: 'unknown_agent' });
    handler = (_req, res) => json(res, 409, { message: 'lease lost' });
    const rejected = await t.report('r1', {} as never).catch((e: unknown) => e);
    expect(rejected).toMatchObject({ code: 'rejected', status: 409, retryable: false });
    expect((rejected as Error).message).toContain('lease lost');
    handler = (_req, res) => json(res, 503, { message: 'database down' });
    await expect(t.claim({ agentId: 'a1', max: 1 })).rejects.toMatchObject({ code: 'server', retryable: true });
  });

  it('reports an unreachable server and a silent one as network and timeout errors', async () => {
    const probe = createServer();
    await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise((ok) => probe.close(ok));
    const down = await new HttpAgentTransport(`http://127.0.0.1:${closedPort}`, TOKEN).snippet().catch((e: unknown) => e);
    expect(down).toMatchObject({ code: 'network' });
    expect((down as Error).message).toMatch(/unreachable \(ECONNREFUSED\)/);

    handler = () => undefined; // never answers
    const silent = await new HttpAgentTransport(baseUrl, TOKEN, { timeoutMs: 100 }).claim({ agentId: 'a1', max: 1 }).catch((e: unknown) => e);
    expect(silent).toMatchObject({ code: 'timeout' });
    expect((silent as Error).message).toContain('within 100 ms');
  });
});

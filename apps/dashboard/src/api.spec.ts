import { afterEach, describe, expect, it, vi } from 'vitest';
import { Api, ApiError, type TokenSource } from './api';

function tokens(first: string, next: string[]): TokenSource & { rejectedWith: string[] } {
  const rejectedWith: string[] = [];
  return {
    rejectedWith,
    token: async () => first,
    rejected: async (bad) => {
      rejectedWith.push(bad);
      return next.shift() ?? 'none';
    },
  };
}

function respond(status: number, body: unknown) {
  return new Response(body === undefined ? '' : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

afterEach(() => vi.unstubAllGlobals());

describe('Api', () => {
  it('sends the bearer token and builds query strings', async () => {
    const fetchMock = vi.fn(async () => respond(200, [{ id: 'i1' }]));
    vi.stubGlobal('fetch', fetchMock);
    const api = new Api(tokens('good', []));
    await expect(api.incidents('s1', 'open', 50)).resolves.toEqual([{ id: 'i1' }]);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/incidents?siteId=s1&status=open&limit=50');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer good');
  });

  it('asks for a new token on 401 and retries with it', async () => {
    const seen: string[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      const auth = (init.headers as Record<string, string>).Authorization;
      seen.push(auth);
      return auth === 'Bearer right' ? respond(200, { ok: true }) : respond(401, { message: 'bad token' });
    });
    const source = tokens('stale', ['right']);
    await expect(new Api(source).acknowledge('i1')).resolves.toEqual({ ok: true });
    expect(seen).toEqual(['Bearer stale', 'Bearer right']);
    expect(source.rejectedWith).toEqual(['stale']);
  });

  it('gives up after three refusals and reports the server message', async () => {
    vi.stubGlobal('fetch', async () => respond(401, { statusCode: 401, message: 'Missing or bad admin token' }));
    const error = await new Api(tokens('a', ['b', 'c'])).sites().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).message).toBe('Missing or bad admin token');
  });

  it('falls back to a generic message for non-JSON errors', async () => {
    vi.stubGlobal('fetch', async () => new Response('<html>bad gateway</html>', { status: 502 }));
    await expect(new Api(tokens('a', [])).locations()).rejects.toThrow('GET /api/locations failed (HTTP 502)');
  });
});

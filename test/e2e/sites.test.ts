import { json } from '../support/json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';

describe('server basics over real HTTP', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers /health with the database state', async () => {
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ status: 'ok', database: 'up' });
  });

  it('creates, lists, reads, updates and deletes a site', async () => {
    const created = await server.api('/api/sites', { method: 'POST', json: { name: 'Shop', allowedOrigins: ['https://shop.example'], samplingRate: 0.5 } });
    expect(created.status).toBe(201);
    const site = await json(created);
    expect(site).toMatchObject({ name: 'Shop', allowedOrigins: ['https://shop.example'], samplingRate: 0.5, retentionDays: 30 });
    expect(site.siteKey).toMatch(/^pk_[A-Za-z0-9_-]{20}$/);

    const list = await json(await server.api('/api/sites'));
    expect(list.map((s: { id: string }) => s.id)).toContain(site.id);

    const read = await server.api(`/api/sites/${site.id}`);
    expect(await json(read)).toMatchObject({ id: site.id, siteKey: site.siteKey });

    const updated = await server.api(`/api/sites/${site.id}`, { method: 'PATCH', json: { retentionDays: 90, name: 'Shop EU' } });
    expect(updated.status).toBe(200);
    expect(await json(updated)).toMatchObject({ retentionDays: 90, name: 'Shop EU', siteKey: site.siteKey });

    expect((await server.api(`/api/sites/${site.id}`, { method: 'DELETE' })).status).toBe(204);
    const gone = await server.api(`/api/sites/${site.id}`);
    expect(gone.status).toBe(404);
    expect(await json(gone)).toMatchObject({ code: 'site_not_found' });
    expect((await server.api(`/api/sites/${site.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses management calls without the right admin token (401)', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-xxxxxxxx', 'Basic abc', `Bearer ${server.adminToken}x`]) {
      const headers: Record<string, string> = authorization ? { authorization } : {};
      const res = await fetch(`${server.url}/api/sites`, { headers });
      expect(res.status).toBe(401);
      expect(await json(res)).toMatchObject({ code: 'unauthorized' });
    }
    const post = await fetch(`${server.url}/api/sites`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' });
    expect(post.status).toBe(401);
  });

  it('names the field in validation errors (400)', async () => {
    const cases: [unknown, string][] = [
      [{}, 'name'],
      [{ name: 'x', samplingRate: 2 }, 'samplingRate'],
      [{ name: 'x', retentionDays: 0 }, 'retentionDays'],
      [{ name: 'x', allowedOrigins: ['https://a.example/path'] }, 'allowedOrigins'],
      [{ name: 'x', routeRules: [{ pattern: 'nope', template: '/x' }] }, 'routeRules.0.pattern'],
      [{ name: 'x', unexpected: true }, 'unexpected'],
    ];
    for (const [input, field] of cases) {
      const res = await server.api('/api/sites', { method: 'POST', json: input });
      expect(res.status, JSON.stringify(input)).toBe(400);
      const body = await json(res);
      expect(body.code).toBe('validation_failed');
      expect(body.message).toContain(field);
    }
    // Malformed ids anywhere in the API are 400s, never a database error.
    for (const path of ['/api/sites/not-a-uuid', '/api/sites/------------------------------------', '/api/journeys?siteId=x', '/api/webhooks?siteId=x',
      '/api/journeys/zzz', '/api/runs/zzz', '/api/incidents/zzz', '/api/runs?journeyId=x', '/api/deployments?siteId=x', '/api/sites/x/rum/series?route=/&metric=lcp']) {
      const res = await server.api(path);
      expect(res.status, path).toBe(400);
    }
    // A path parameter is checked at the edge, and the answer names it.
    for (const [path, field] of [['/api/runs/zzz', 'id'], ['/api/sites/x/rum/routes', 'siteId'], ['/api/webhooks?siteId=x', 'siteId']]) {
      const res = await server.api(path);
      expect(await json(res), path).toMatchObject({ code: 'validation_failed', message: `${field}: must be a UUID` });
    }
  });

  it('answers malformed JSON with 400 and unknown routes with 404, never with a stack', async () => {
    const bad = await server.api('/api/sites', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad' });
    expect(bad.status).toBe(400);
    const badText = await bad.text();
    expect(badText).not.toMatch(/\bat .+\.(js|ts):\d+/);
    const unknown = await fetch(`${server.url}/no/such/route`);
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toMatchObject({ statusCode: 404, code: 'not_found' });
  });

  it('serves the OpenAPI document with the sites API, and Prometheus metrics', async () => {
    const docs = await fetch(`${server.url}/api/docs/openapi.json`);
    expect(docs.status).toBe(200);
    const doc = await json(docs);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/sites', '/api/sites/{id}', '/health']));
    expect((await fetch(`${server.url}/api/docs`)).status).toBe(200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('parallax_http_requests_total{method="GET",route="/health",status="200"}');
  });

  it('never logs the admin token or a client IP', () => {
    const all = server.logs.join('\n');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(server.adminToken);
    expect(all).not.toContain('127.0.0.1');
  });
});

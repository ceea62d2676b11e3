import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from '../support/json';
import { startTestServer, type TestServer } from '../support/server';

/** Hostile input on the validated API: a clear 400 naming the field, never a 500, and nothing stored. */
describe('the API under hostile input', () => {
  let server: TestServer;
  let siteId: string;

  beforeAll(async () => {
    server = await startTestServer();
    siteId = (await json(await server.api('/api/sites', { method: 'POST', json: { name: 'Input' } }))).id;
  });
  afterAll(async () => {
    await server?.close();
  });

  const send = async (method: string, path: string, body: string) => {
    const res = await server.api(path, { method, body, headers: { 'content-type': 'application/json' } });
    return { status: res.status, body: await json(res) };
  };

  it('rejects deeply nested JSON with 400 before validation, on every validated endpoint', async () => {
    for (const depth of [40, 2_400, 50_000]) {
      const deep = '['.repeat(depth) + ']'.repeat(depth);
      for (const [method, path, body] of [
        ['POST', '/api/sites', `{"name":"x","detectConfig":{"a":${deep}}}`],
        ['PATCH', `/api/sites/${siteId}`, `{"routeRules":${deep}}`],
        ['POST', '/api/deployments', `{"siteId":"${siteId}","version":${deep}}`],
        ['POST', '/api/journeys', `{"siteId":"${siteId}","yaml":${deep}}`],
        ['PUT', '/api/locations/eu-test', `{"region":"x","device":${deep}}`],
        ['POST', '/api/webhooks', `{"siteId":"${siteId}","url":"https://hook.example","events":${deep}}`],
      ]) {
        const res = await send(method, path, body);
        expect(res.status, `${method} ${path} at depth ${depth}`).toBe(400);
        expect(res.body.message).toMatch(/nested deeper than 32 levels/);
      }
    }
  });

  it('rejects NUL characters with 400 naming the field, in every string field', async () => {
    const cases: [string, string, Record<string, unknown>, string][] = [
      ['POST', '/api/sites', { name: 'a\u0000b' }, 'name'],
      ['POST', '/api/sites', { name: 'ok', allowedQueryParams: ['utm\u0000'] }, 'allowedQueryParams.0'],
      ['POST', '/api/sites', { name: 'ok', routeRules: [{ pattern: '/p/\u0000', template: '/p' }] }, 'routeRules.0.pattern'],
      ['PATCH', `/api/sites/${siteId}`, { name: '\u0000' }, 'name'],
      ['POST', '/api/deployments', { siteId, version: 'v1\u0000' }, 'version'],
      ['POST', '/api/deployments', { siteId, version: 'v1', description: 'x\u0000' }, 'description'],
      ['PUT', '/api/locations/eu-test', { region: 'Paris\u0000' }, 'region'],
      ['PUT', '/api/locations/eu-test', { region: 'Paris', device: { name: '\u0000' } }, 'device.name'],
      ['POST', '/api/sites', { name: 'lone \ud800 surrogate' }, 'name'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await send(method, path, JSON.stringify(body));
      expect(res.status, `${method} ${path} ${field}`).toBe(400);
      expect(res.body.details?.field, `${method} ${path}`).toBe(field);
      expect(res.body.message).toContain(field);
    }
    const query = await server.api(`/api/incidents?route=%2Fa%00b`);
    expect(query.status).toBe(400);
    expect((await json(query)).details.field).toBe('route');
  });

  it('caps string lengths and checks origin syntax', async () => {
    const long = `https://${'a'.repeat(1_000_000)}.example`;
    const huge = await send('POST', '/api/sites', JSON.stringify({ name: 'x', allowedOrigins: [long] }));
    expect(huge.status).toBe(400);
    expect(huge.body.message).toMatch(/allowedOrigins/);
    for (const origin of [
      'https://shop.example/path',
      'ftp://shop.example',
      'https://shop.example:99999',
      'https://sh op.example',
      'https://shop.example/',
      'shop.example',
      `https://${'a'.repeat(64)}.example`,
    ]) {
      const res = await send('POST', '/api/sites', JSON.stringify({ name: 'x', allowedOrigins: [origin] }));
      expect(res.status, origin).toBe(400);
      expect(res.body.details.field, origin).toMatch(/^allowedOrigins/);
    }
    const ok = await send(
      'POST',
      '/api/sites',
      JSON.stringify({ name: 'x', allowedOrigins: ['https://shop.example', 'http://localhost:8080', 'http://[::1]:3000', 'http://127.0.0.1', '*'] }),
    );
    expect(ok.status).toBe(201);
    for (const [method, path, body] of [
      ['POST', '/api/sites', { name: 'n'.repeat(201) }],
      ['POST', '/api/deployments', { siteId, version: 'v'.repeat(101) }],
      ['PUT', '/api/locations/eu-test', { region: 'r'.repeat(201) }],
      ['PUT', '/api/locations/eu-test', { region: 'r', network: { name: 'x'.repeat(10_001) } }],
    ] as const) {
      const res = await send(method, path, JSON.stringify(body));
      expect(res.status, `${method} ${path}`).toBe(400);
    }
    const sites: { name: string }[] = await json(await server.api('/api/sites'));
    expect(sites.some((s) => s.name.includes('\u0000') || s.name.length > 200)).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { DomainEvents } from '../../apps/server/src/live/domain-events';
import { json } from '../support/json';
import { startTestServer, type TestServer } from '../support/server';

/** Two server replicas on one database, as behind a load balancer. */
describe('two server replicas on one PostgreSQL', () => {
  let a: TestServer;
  let b: TestServer;
  let siteId: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const fast = { PARALLAX_SCHEDULER_TICK_MS: '100' };
    a = await startTestServer(fast);
    b = await startTestServer(fast, { databaseUrl: a.databaseUrl });
    siteId = (await json(await a.api('/api/sites', { method: 'POST', json: { name: 'Replicated' } }))).id;
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await b?.close();
    await a?.close();
  });

  it('never schedule a slot twice', async () => {
    const yaml = 'name: every-second\nbaseUrl: http://127.0.0.1:9\nschedule: { cron: "* * * * * *" }\nsteps:\n  - goto: /\n';
    const created = await a.api('/api/journeys', { method: 'POST', json: { siteId, yaml } });
    expect(created.status).toBe(201);
    await new Promise((r) => setTimeout(r, 3_000));
    const rows: { n: string; slots: string; dupes: string }[] = await a.dataSource.query(
      `SELECT count(*) AS n, count(DISTINCT (journey_id, location, slot, attempt)) AS slots,
              (SELECT count(*) FROM (SELECT 1 FROM runs GROUP BY journey_id, location, slot, attempt HAVING count(*) > 1) d) AS dupes
       FROM runs`,
    );
    expect(Number(rows[0].n)).toBeGreaterThanOrEqual(3);
    expect(rows[0].slots).toBe(rows[0].n);
    expect(Number(rows[0].dupes)).toBe(0);
  });

  it('deliver an event raised on one replica to a socket.io client of the other', async () => {
    const client = io(b.url, { auth: { token: b.adminToken }, transports: ['websocket'], reconnection: false });
    sockets.push(client);
    await new Promise<void>((resolve, reject) => {
      client.on('connect', () => resolve());
      client.on('connect_error', reject);
    });
    const ack = await client.emitWithAck('subscribe', { siteId });
    expect(ack).toEqual({ ok: true, siteId });
    const received = new Promise<unknown>((resolve) => client.on('incident.opened', resolve));
    // Give the adapter's LISTEN a moment to be in place on both sides.
    await new Promise((r) => setTimeout(r, 300));
    a.app.get(DomainEvents).emit('incident.opened', { siteId, id: 'inc-1', summary: 'test incident' });
    await expect(Promise.race([received, new Promise((_, rej) => setTimeout(() => rej(new Error('no event within 3 s')), 3_000))])).resolves.toMatchObject({
      id: 'inc-1',
      siteId,
    });
  });

  it('refuse socket.io clients without the admin token', async () => {
    const client = io(a.url, { auth: { token: 'wrong' }, transports: ['websocket'], reconnection: false });
    sockets.push(client);
    const error = await new Promise<Error>((resolve) => client.on('connect_error', resolve));
    expect(error.message).toBe('unauthorized');
  });
});

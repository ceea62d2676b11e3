import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { freePort } from '@parallax/db';
import { IncidentRepository } from '../../apps/server/src/incidents/incident.repository';
import { IncidentViewsService } from '../../apps/server/src/incidents/incident-views.service';
import { DomainEvents } from '../../apps/server/src/live/domain-events';
import { json } from '../support/json';
import { spawnServer, type ServerProcess } from '../support/process';
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
    // Waits for three slots whatever the machine's load (both replicas' schedulers race for each), then checks them.
    const deadline = Date.now() + 30_000;
    while (Number((await a.dataSource.query('SELECT count(*) AS n FROM runs'))[0].n) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
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
    let got = false;
    const now = new Date().toISOString();
    const received = new Promise<unknown>((resolve) => client.on('incident.opened', (payload) => ((got = true), resolve(payload))));
    // The adapters' LISTEN may not be in place yet on a busy machine: the event is raised again until it arrives.
    const deadline = Date.now() + 20_000;
    while (!got && Date.now() < deadline) {
      a.app.get(DomainEvents).emit('incident.opened', {
        siteId, id: 'inc-1', route: '/', metric: 'lcp', label: 'rum_only', status: 'open', summary: 'test incident', onsetAt: now, openedAt: now,
        updatedAt: now, acknowledgedAt: null, resolvedAt: null, evidence: {}, segments: [], locations: [], suspectedDeployment: null,
      });
      await Promise.race([received, new Promise((r) => setTimeout(r, 250))]);
    }
    await expect(Promise.race([received, new Promise((_, rej) => setTimeout(() => rej(new Error('no event within 20 s')), 1_000))])).resolves.toMatchObject({
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

/** The same across OS processes: a replica started from the build output, as a second container would be. */
describe('a replica in another process on the same PostgreSQL', () => {
  let a: TestServer;
  let b: ServerProcess | undefined;
  let bUrl: string;
  let siteId: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'parallax-replica-'));
  const sockets: Socket[] = [];

  const connect = async (url: string, token: string) => {
    const client = io(url, { auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(client);
    await new Promise<void>((resolve, reject) => client.on('connect', () => resolve()).on('connect_error', reject));
    expect(await client.emitWithAck('subscribe', { siteId })).toEqual({ ok: true, siteId });
    return client;
  };
  const next = (client: Socket, event: string, id: string) =>
    Promise.race([
      new Promise<{ id: string; status: string }>((resolve) => client.on(event, (payload) => payload.id === id && resolve(payload))),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${event} within 20 s`)), 20_000)),
    ]);

  beforeAll(async () => {
    a = await startTestServer({ PARALLAX_DETECT_LOOP_MS: '60000' });
    b = spawnServer({
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATABASE_URL: a.databaseUrl,
      PARALLAX_DATA_DIR: dataDir,
      PARALLAX_ADMIN_TOKEN: a.adminToken,
      PARALLAX_JOURNEYS_DIR: 'none',
      PARALLAX_LOCAL_AGENT: 'false',
      PARALLAX_DETECT_LOOP_MS: '60000',
    });
    bUrl = (await b.waitFor(/"msg":"Parallax is running","url":"([^"]+)"/, 60_000))[1].replace('localhost', '127.0.0.1');
    siteId = (await json(await a.api('/api/sites', { method: 'POST', json: { name: 'Two processes' } }))).id;
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    if (b && b.proc.exitCode === null) b.proc.kill('SIGTERM');
    await b?.exited;
    await a?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers an incident opened in one process to a client of the other, and its acknowledgement back', async () => {
    const onB = await connect(bUrl, a.adminToken);
    const onA = await connect(a.url, a.adminToken);
    // Give both adapters' LISTEN a moment to be in place (a busy machine gets a longer one; the event waits are 20 s).
    await new Promise((r) => setTimeout(r, 1_000));
    // Opened by process A as its detector does: the row, then the event with its view.
    const row = await a.app.get(IncidentRepository).open({
      siteId,
      route: '/checkout',
      metric: 'lcp',
      label: 'rum_only',
      summary: 'LCP p75 +32% on /checkout',
      onsetAt: new Date(Date.now() - 600_000),
      evidence: {},
      segments: [],
      locations: [],
      suspectedDeploymentId: null,
    });
    expect(row).not.toBeNull();
    const opened = next(onB, 'incident.opened', row!.id);
    a.app.get(DomainEvents).emit('incident.opened', await a.app.get(IncidentViewsService).view(row!));
    await expect(opened).resolves.toMatchObject({ id: row!.id, status: 'open' });

    // Acknowledged through process B's REST API: the client of process A hears of it.
    const updated = next(onA, 'incident.updated', row!.id);
    const ack = await fetch(`${bUrl}/api/incidents/${row!.id}/acknowledge`, { method: 'POST', headers: { authorization: `Bearer ${a.adminToken}` } });
    expect(ack.status).toBe(200);
    await expect(updated).resolves.toMatchObject({ id: row!.id, status: 'acknowledged' });
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../apps/server/src/config/config';
import { JsonLogger } from '../../apps/server/src/common/json-logger';
import { startServer, type RunningServer } from '../../apps/server/src/bootstrap';
import { createEmptyDatabase } from './database';

export interface TestServer extends RunningServer {
  /** Captured JSON log lines. */
  logs: string[];
  /** fetch against the server with the admin token. */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

/** Boots the real server in-process on a random port, on a fresh database of its own. */
export async function startTestServer(env: Record<string, string> = {}, opts: { databaseUrl?: string } = {}): Promise<TestServer> {
  // A second replica shares the first one's database (opts.databaseUrl) and must not drop it.
  const db = opts.databaseUrl ? { url: opts.databaseUrl, drop: async () => undefined } : await createEmptyDatabase();
  const logs: string[] = [];
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    PARALLAX_DATA_DIR: mkdtempSync(join(tmpdir(), 'parallax-test-data-')),
    PARALLAX_ADMIN_TOKEN: 'test-admin-token-0123456789',
    PARALLAX_LOG_LEVEL: 'info',
    PARALLAX_JOURNEYS_DIR: 'none',
    PARALLAX_LOCAL_AGENT: 'false',
    ...env,
  });
  const server = await startServer(config, new JsonLogger('debug', (line) => logs.push(line)));
  const address = server.app.getHttpAdapter().getInstance().server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    ...server,
    url,
    logs,
    api(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${server.adminToken}`);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(init.json);
      }
      return fetch(url + path, { ...init, headers, body });
    },
    async close() {
      await server.close();
      await db.drop();
    },
  };
}

import type { TestProject } from 'vitest/node';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '@parallax/db';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a PostgreSQL server on which tests may create and drop their own databases. */
    pgAdminUrl: string;
    pgMode: 'embedded' | 'external';
  }
}

let embedded: EmbeddedDatabase | undefined;

/** One PostgreSQL per test run: the external DATABASE_URL, or an embedded cluster in a temp folder. */
export default async function setup(project: TestProject) {
  const external = process.env.DATABASE_URL;
  if (external) {
    project.provide('pgAdminUrl', external);
    project.provide('pgMode', 'external');
    return;
  }
  embedded = await startEmbeddedPostgres({
    dataDir: mkdtempSync(join(tmpdir(), 'parallax-test-pg-')),
    port: await freePort(),
    log: () => undefined,
    ephemeral: true,
  });
  project.provide('pgAdminUrl', embedded.url);
  project.provide('pgMode', 'embedded');
  return async () => {
    await embedded?.stop();
  };
}

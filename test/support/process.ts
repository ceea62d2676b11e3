import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const SERVER_MAIN = join(__dirname, '../../dist/apps/server/apps/server/src/main.js');

/** A server process started from the build output, with its output captured. */
export interface ServerProcess {
  proc: ChildProcess;
  output: () => string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node dist/.../main.js` with `env` on top of this environment (without DATABASE_URL unless given).
 * `ownGroup` makes it a process group leader, so a test can signal the group as a terminal's Ctrl-C does.
 */
export function spawnServer(env: Record<string, string>, options: { ownGroup?: boolean } = {}): ServerProcess {
  if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run "npm run build" first (npm test does).`);
  const base = { ...process.env };
  delete base.DATABASE_URL;
  const proc = spawn(process.execPath, [SERVER_MAIN], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownGroup ?? false });
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const w of waiters) w();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => {
      resolve({ code, signal });
      for (const w of waiters) w();
    }),
  );
  return {
    proc,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          } else if (proc.exitCode !== null || proc.signalCode !== null) {
            cleanup();
            reject(new Error(`server exited (${proc.exitCode ?? proc.signalCode}) before printing ${pattern}:\n${text}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${text}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium } from 'playwright-core';
import { unpackBundledChromium } from './bundled-chromium';

/** Where the browser came from, in the order they are tried. */
export type BrowserSource = 'CHROMIUM_PATH' | 'playwright' | 'system' | 'bundled';

/** A browser to launch: its executable and what its process needs in its environment. */
export interface BrowserChoice {
  source: BrowserSource;
  executablePath: string;
  /** Variables added to the browser's environment (the bundled one finds its own libraries through them). */
  env?: Record<string, string>;
}

/** A chosen browser with the version it reports (`chromium --version`), for logs and GET /api/locations. */
export interface ResolvedBrowser extends BrowserChoice {
  /** e.g. "Chromium 153.0.8010.0"; undefined when the binary did not say. */
  version?: string;
}

/** What pickBrowser asks of the machine; injected so the order can be tested without one. */
export interface BrowserProbes {
  /** CHROMIUM_PATH, unless unset or "auto". */
  configuredPath?: string;
  /** Test hook (PARALLAX_BROWSER_SKIP_SYSTEM=1): ignore Playwright-managed and system browsers, as on a machine without them. */
  skipInstalled?: boolean;
  isExecutable(path: string): boolean;
  /** The executable of that name on PATH, if any. */
  onPath(name: string): string | undefined;
  /** The Chromium of Playwright's browser registry for this playwright-core, whether or not it is installed. */
  playwrightPath(): string | undefined;
  /** The Chromium shipped inside the @sparticuz/chromium package, unpacked; undefined when the package is not installed. */
  bundled(): Promise<BrowserChoice | undefined>;
}

/** Thrown when no browser can be found; the message says every way to get one. */
export class BrowserNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrowserNotFoundError';
  }
}

export const SYSTEM_CHROMIUM_PATH = '/usr/bin/chromium';
const SYSTEM_NAMES = ['chromium-browser', 'chromium', 'google-chrome'];

/**
 * Picks the browser: CHROMIUM_PATH, then a Playwright-managed Chromium if installed, then the system's
 * (/usr/bin/chromium, then chromium-browser, chromium, google-chrome on PATH), then the bundled one.
 * A CHROMIUM_PATH that does not exist is an error, not a reason to fall back: it was asked for by name.
 */
export async function pickBrowser(probes: BrowserProbes): Promise<BrowserChoice> {
  if (probes.configuredPath) {
    if (probes.isExecutable(probes.configuredPath)) return { source: 'CHROMIUM_PATH', executablePath: probes.configuredPath };
    throw new BrowserNotFoundError(
      `CHROMIUM_PATH is ${probes.configuredPath}, which is not an executable file: fix it, or unset it (or set "auto") to find a browser automatically`,
    );
  }
  if (!probes.skipInstalled) {
    const managed = probes.playwrightPath();
    if (managed && probes.isExecutable(managed)) return { source: 'playwright', executablePath: managed };
    if (probes.isExecutable(SYSTEM_CHROMIUM_PATH)) return { source: 'system', executablePath: SYSTEM_CHROMIUM_PATH };
    for (const name of SYSTEM_NAMES) {
      const found = probes.onPath(name);
      if (found) return { source: 'system', executablePath: found };
    }
  }
  const bundled = await probes.bundled();
  if (bundled) return bundled;
  throw new BrowserNotFoundError(
    'No Chromium found: tried CHROMIUM_PATH, a Playwright-managed browser, the system Chromium ' +
      `(${SYSTEM_CHROMIUM_PATH}, ${SYSTEM_NAMES.join(', ')}) and the bundled @sparticuz/chromium (not installed: run "npm install" on Linux x64). ` +
      'Install one (apt-get install -y chromium) or set CHROMIUM_PATH to its executable.',
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return existsSync(path);
  } catch {
    return false;
  }
}

function onPath(name: string, pathVariable = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVariable.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function playwrightPath(): string | undefined {
  try {
    return chromium.executablePath();
  } catch {
    return undefined; // no registry entry for this platform
  }
}

/** The version line a Chromium prints, or undefined (a broken binary, a wrapper that does not answer in time). */
export function browserVersion(choice: BrowserChoice, timeoutMs = 10_000): Promise<string | undefined> {
  return new Promise((resolveVersion) => {
    execFile(choice.executablePath, ['--version'], { timeout: timeoutMs, env: { ...process.env, ...choice.env } }, (error, stdout) => {
      const line = String(stdout ?? '')
        .trim()
        .split('\n')[0]
        ?.trim();
      resolveVersion(error || !line ? undefined : line.slice(0, 200));
    });
  });
}

export interface ResolveBrowserOptions {
  /** CHROMIUM_PATH; "auto" or unset means find one. */
  chromiumPath?: string;
  /** Where PARALLAX_BROWSER_SKIP_SYSTEM is read (default process.env). */
  env?: Record<string, string | undefined>;
}

const resolved = new Map<string, Promise<ResolvedBrowser>>();

/** Finds the browser on this machine (see pickBrowser) and its version; the answer is kept for the process. */
export function resolveBrowser(opts: ResolveBrowserOptions = {}): Promise<ResolvedBrowser> {
  const env = opts.env ?? process.env;
  const configuredPath = opts.chromiumPath && opts.chromiumPath !== 'auto' ? opts.chromiumPath : undefined;
  const skipInstalled = ['1', 'true', 'yes'].includes(env.PARALLAX_BROWSER_SKIP_SYSTEM ?? '');
  const key = `${configuredPath ?? ''}\0${skipInstalled}`;
  let found = resolved.get(key);
  if (!found) {
    found = (async () => {
      const choice = await pickBrowser({
        configuredPath,
        skipInstalled,
        isExecutable,
        onPath: (name) => onPath(name),
        playwrightPath,
        bundled: unpackBundledChromium,
      });
      return { ...choice, version: await browserVersion(choice) };
    })();
    // a failure is not kept: installing a browser must not need a restart of the caller
    found.catch(() => resolved.delete(key));
    resolved.set(key, found);
  }
  return found;
}

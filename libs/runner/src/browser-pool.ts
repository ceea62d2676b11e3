import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Chromium flags for a headless agent in a container: no sandbox (root), no GPU, no background traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
] as const;

/** Default executable (Debian's package). */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

export interface BrowserPoolOptions {
  /** Chromium executable (default /usr/bin/chromium). */
  executablePath?: string;
  /** Time limit of one launch (default 30 s). */
  launchTimeoutMs?: number;
  /** Told when Chromium went away without close() (crash, OOM kill); the next get() relaunches it. */
  onDisconnect?: () => void;
}

/** The message for a missing browser, with both ways to fix it. */
export function missingChromiumMessage(path: string): string {
  return `Chromium not found at ${path}: install it (apt-get install -y chromium) or set CHROMIUM_PATH to its executable`;
}

/**
 * The agent's one long-lived Chromium: launched on first use (signals are left to the owner, who must close()), shared by every run (each in its own context),
 * relaunched on the next get() after it disconnected or crashed.
 */
export class BrowserPool {
  private launching: Promise<Browser> | undefined;
  private closed = false;
  readonly executablePath: string;

  constructor(private readonly opts: BrowserPoolOptions = {}) {
    this.executablePath = opts.executablePath ?? DEFAULT_CHROMIUM_PATH;
  }

  /** The running browser, launching it if there is none (or the last one died). */
  async get(): Promise<Browser> {
    // a second try covers a browser that died between its launch and this call
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new Error('the browser pool is closed');
      // set synchronously, so concurrent callers share one launch
      const current = this.launching ?? (this.launching = this.launch());
      let browser: Browser;
      try {
        browser = await current;
      } catch (err) {
        // a failed launch is not cached: the next run tries again
        if (this.launching === current) this.launching = undefined;
        throw err;
      }
      if (browser.isConnected()) return browser;
      if (this.launching === current) this.launching = undefined;
      if (attempt >= 1) throw new Error('Chromium disconnected right after its launch');
    }
  }

  /** Closes the browser; get() fails afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    const launching = this.launching;
    this.launching = undefined;
    const browser = await launching?.catch(() => undefined);
    await browser?.close().catch(() => undefined);
  }

  private async launch(): Promise<Browser> {
    const path = this.executablePath;
    if (!existsSync(path)) throw new Error(missingChromiumMessage(path));
    const browser = await chromium.launch({
      executablePath: path,
      args: [...CHROMIUM_ARGS],
      timeout: this.opts.launchTimeoutMs ?? 30_000,
      // the owner stops runs gracefully on a signal, then closes the pool; Playwright would kill Chromium at once
      // (and exit with 130 on SIGINT). It still kills Chromium when the process exits.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    browser.on('disconnected', () => {
      if (!this.closed) this.opts.onDisconnect?.();
    });
    if (this.closed) {
      // close() ran while launching: do not leave an orphan process behind
      await browser.close().catch(() => undefined);
      throw new Error('the browser pool is closed');
    }
    return browser;
  }
}

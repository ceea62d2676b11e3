import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { resolveBrowser, type ResolvedBrowser } from './browser-resolver';

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

/**
 * How to launch a found browser: our flags whatever it is (a bundled build's serverless defaults, such as
 * --single-process, would skew lab vitals) and the environment it needs. Browser specs launch with it too.
 */
export function launchOptionsFor(found: ResolvedBrowser): LaunchOptions {
  return {
    executablePath: found.executablePath,
    args: [...CHROMIUM_ARGS],
    headless: true,
    env: found.env ? { ...process.env, ...found.env } : undefined,
  };
}

export interface BrowserPoolOptions {
  /** A browser found already (resolveBrowser), e.g. to log it before the first launch. */
  browser?: ResolvedBrowser;
  /** Chromium executable, as CHROMIUM_PATH; unset or "auto" finds one (resolveBrowser). Ignored when `browser` is given. */
  executablePath?: string;
  /** Time limit of one launch (default 30 s). */
  launchTimeoutMs?: number;
  /** Told when Chromium went away without close() (crash, OOM kill); the next get() relaunches it. */
  onDisconnect?: () => void;
}

/**
 * The agent's one long-lived Chromium: launched on first use (signals are left to the owner, who must close()), shared by every run (each in its own context),
 * relaunched on the next get() after it disconnected or crashed.
 */
export class BrowserPool {
  private launching: Promise<Browser> | undefined;
  private closed = false;

  constructor(private readonly opts: BrowserPoolOptions = {}) {}

  /** The browser this pool launches (found on first call when not given). */
  browser(): Promise<ResolvedBrowser> {
    return this.opts.browser ? Promise.resolve(this.opts.browser) : resolveBrowser({ chromiumPath: this.opts.executablePath });
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
    const browser = await chromium.launch({
      ...launchOptionsFor(await this.browser()),
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

import { describe, expect, it } from 'vitest';
import { BrowserNotFoundError, pickBrowser, type BrowserChoice, type BrowserProbes } from './browser-resolver';

const BUNDLED: BrowserChoice = { source: 'bundled', executablePath: '/tmp/parallax-chromium-153.0.0-0/chromium', env: { LD_LIBRARY_PATH: '/tmp/x/lib' } };

/** A machine with exactly these executables, a Playwright registry path, and the bundled package or not. */
function machine(opts: { files?: string[]; path?: Record<string, string>; playwright?: string; bundled?: boolean } = {}): BrowserProbes & { asked: string[] } {
  const asked: string[] = [];
  const files = new Set(opts.files ?? []);
  return {
    asked,
    isExecutable: (p) => (asked.push(`file ${p}`), files.has(p)),
    onPath: (name) => (asked.push(`path ${name}`), opts.path?.[name]),
    playwrightPath: () => (asked.push('playwright'), opts.playwright),
    bundled: async () => (asked.push('bundled'), opts.bundled ? BUNDLED : undefined),
  };
}

describe('pickBrowser', () => {
  const everything = {
    files: ['/opt/chrome/chrome', '/root/.cache/ms-playwright/chromium-1200/chrome-linux/chrome', '/usr/bin/chromium'],
    path: { 'chromium-browser': '/snap/bin/chromium-browser', chromium: '/usr/bin/chromium', 'google-chrome': '/usr/bin/google-chrome' },
    playwright: '/root/.cache/ms-playwright/chromium-1200/chrome-linux/chrome',
    bundled: true,
  };

  it('takes CHROMIUM_PATH first, asking nothing else', async () => {
    const m = machine(everything);
    expect(await pickBrowser({ ...m, configuredPath: '/opt/chrome/chrome' })).toEqual({ source: 'CHROMIUM_PATH', executablePath: '/opt/chrome/chrome' });
    expect(m.asked).toEqual(['file /opt/chrome/chrome']);
  });

  it('fails on a CHROMIUM_PATH that does not exist instead of quietly using another browser', async () => {
    const m = machine(everything);
    await expect(pickBrowser({ ...m, configuredPath: '/opt/missing' })).rejects.toThrow(/CHROMIUM_PATH is \/opt\/missing, which is not an executable file/);
    expect(m.asked).not.toContain('bundled');
  });

  it('then a Playwright-managed Chromium, only when it is installed', async () => {
    expect(await pickBrowser(machine(everything))).toEqual({ source: 'playwright', executablePath: everything.playwright });
    // the registry names a path even when `npx playwright install` never ran
    const notInstalled = machine({ ...everything, files: ['/usr/bin/chromium'] });
    expect(await pickBrowser(notInstalled)).toEqual({ source: 'system', executablePath: '/usr/bin/chromium' });
  });

  it('then /usr/bin/chromium, then chromium-browser, chromium and google-chrome on PATH, in that order', async () => {
    const m = machine({ path: everything.path, bundled: true });
    expect(await pickBrowser(m)).toEqual({ source: 'system', executablePath: '/snap/bin/chromium-browser' });
    expect(m.asked).toEqual(['playwright', 'file /usr/bin/chromium', 'path chromium-browser']);
    expect(await pickBrowser(machine({ path: { 'google-chrome': '/usr/bin/google-chrome' }, bundled: true }))).toEqual({
      source: 'system',
      executablePath: '/usr/bin/google-chrome',
    });
  });

  it('then the bundled Chromium, with the environment it needs', async () => {
    const m = machine({ bundled: true });
    expect(await pickBrowser(m)).toEqual(BUNDLED);
    expect(m.asked).toEqual(['playwright', 'file /usr/bin/chromium', 'path chromium-browser', 'path chromium', 'path google-chrome', 'bundled']);
  });

  it('skips Playwright and system browsers under the test hook (PARALLAX_BROWSER_SKIP_SYSTEM), but not CHROMIUM_PATH', async () => {
    const m = machine(everything);
    expect(await pickBrowser({ ...m, skipInstalled: true })).toEqual(BUNDLED);
    expect(m.asked).toEqual(['bundled']);
    expect(await pickBrowser({ ...machine(everything), skipInstalled: true, configuredPath: '/usr/bin/chromium' })).toMatchObject({ source: 'CHROMIUM_PATH' });
  });

  it('says every way to get a browser when there is none', async () => {
    const error = await pickBrowser(machine()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrowserNotFoundError);
    expect((error as Error).message).toMatch(
      /No Chromium found: tried CHROMIUM_PATH, a Playwright-managed browser, the system Chromium .*apt-get install -y chromium.*CHROMIUM_PATH/,
    );
  });
});

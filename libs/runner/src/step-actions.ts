import type { Page } from 'playwright-core';
import type { ExpectStep, NormalizedStep } from '@parallax/journeys';

/** Largest screenshot kept, in bytes. */
export const MAX_SCREENSHOT_BYTES = 500 * 1024;
const EXPECT_POLL_MS = 100;

/** The little of the DOM the in-page callbacks use (this lib compiles without the DOM typings). */
interface BrowserWindow {
  scrollTo(x: number, y: number): void;
  scrollBy(x: number, y: number): void;
  document: { documentElement: { scrollHeight: number } };
}

/** What a step needs besides the page: where relative URLs point, its time budget, and where side results go. */
export interface StepContext {
  page: Page;
  baseUrl?: string;
  timeoutMs: number;
  mark: (name: string) => void;
  screenshot: (image: Buffer) => void;
}

/** Performs one step on the page; throws an Error whose message says what went wrong. */
export async function performStep(step: NormalizedStep, ctx: StepContext): Promise<void> {
  const { page, timeoutMs: timeout } = ctx;
  switch (step.action) {
    case 'goto': {
      const url = resolveUrl(step.url, ctx.baseUrl);
      const response = await page.goto(url, { timeout, waitUntil: step.waitUntil ?? 'load' });
      // a monitor must notice an error page, which Playwright treats as a successful navigation
      if (response && response.status() >= 400) throw new Error(`HTTP ${response.status()} for ${url}`);
      return;
    }
    case 'click':
      return page.locator(step.selector).first().click({ timeout });
    case 'hover':
      return page.locator(step.selector).first().hover({ timeout });
    case 'fill':
      return page.locator(step.selector).first().fill(step.value, { timeout });
    case 'press':
      if (step.selector) return page.locator(step.selector).first().press(step.key, { timeout });
      return page.keyboard.press(step.key);
    case 'select': {
      await page.locator(step.selector).first().selectOption(step.values, { timeout });
      return;
    }
    case 'scroll':
      if (step.selector) return page.locator(step.selector).first().scrollIntoViewIfNeeded({ timeout });
      if (step.to) {
        await page.evaluate((to) => {
          const w = globalThis as unknown as BrowserWindow;
          w.scrollTo(0, to === 'top' ? 0 : w.document.documentElement.scrollHeight);
        }, step.to);
        return;
      }
      await page.evaluate(([x, y]) => (globalThis as unknown as BrowserWindow).scrollBy(x, y), [step.x ?? 0, step.y ?? 0] as const);
      return;
    case 'waitFor':
      if (step.selector) return page.locator(step.selector).first().waitFor({ state: step.state ?? 'visible', timeout });
      if (step.url !== undefined) {
        const part = step.url;
        await page.waitForURL((u) => u.href.includes(part), { timeout });
        return;
      }
      return page.waitForLoadState(step.loadState ?? 'load', { timeout });
    case 'expect':
      return expectOnPage(page, step, timeout);
    case 'mark':
      ctx.mark(step.name);
      // also a User Timing mark, so the in-page snippet sees it; a page without a document just has none
      await page.evaluate((name) => performance.mark(name), step.name).catch(() => undefined);
      return;
    case 'screenshot': {
      const image = await captureJpeg(page, step.fullPage);
      if (!image) throw new Error(`screenshot larger than ${MAX_SCREENSHOT_BYTES} bytes even at low quality`);
      ctx.screenshot(image);
      return;
    }
  }
}

/** Polls the page until every assertion of the step holds, or fails with the last reason at the timeout. */
async function expectOnPage(page: Page, step: ExpectStep, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = await unmetExpectation(page, step).catch((err: unknown) => (err instanceof Error ? firstLine(err.message) : String(err)));
    if (reason === undefined) return;
    if (Date.now() + EXPECT_POLL_MS > deadline) throw new Error(`${reason} (after ${timeoutMs} ms)`);
    await new Promise((r) => setTimeout(r, EXPECT_POLL_MS));
  }
}

async function unmetExpectation(page: Page, s: ExpectStep): Promise<string | undefined> {
  if (s.url !== undefined && !page.url().includes(s.url)) return `expected the URL to contain "${s.url}", got ${page.url()}`;
  if (s.title !== undefined) {
    const title = await page.title();
    if (!title.includes(s.title)) return `expected the title to contain "${s.title}", got "${clip(title)}"`;
  }
  if (s.selector === undefined) return undefined;
  const locator = page.locator(s.selector);
  const count = await locator.count();
  if (s.count !== undefined && count !== s.count) return `expected ${s.count} element(s) matching ${s.selector}, found ${count}`;
  if (s.visible !== undefined) {
    const visible = count > 0 && (await locator.first().isVisible());
    if (visible !== s.visible) {
      return s.visible ? `expected ${s.selector} to be visible, ${count ? 'it is hidden' : 'no element matches'}` : `expected ${s.selector} to be hidden`;
    }
  }
  if (s.text !== undefined) {
    if (count === 0) return `expected text "${s.text}" in ${s.selector}, no element matches`;
    const text = await locator.first().innerText({ timeout: 1000 });
    if (!text.includes(s.text)) return `expected ${s.selector} to contain "${s.text}", got "${clip(text)}"`;
  }
  return undefined;
}

/** A viewport (or full-page) JPEG at quality 60, retried smaller so it stays under 500 KB; undefined if it cannot. */
export async function captureJpeg(page: Page, fullPage = false): Promise<Buffer | undefined> {
  const attempts = [
    { quality: 60, fullPage },
    { quality: 30, fullPage },
    { quality: 30, fullPage: false },
  ];
  for (const a of attempts) {
    const image = await page.screenshot({ type: 'jpeg', quality: a.quality, fullPage: a.fullPage, scale: 'css', timeout: 5000 });
    if (image.length <= MAX_SCREENSHOT_BYTES) return image;
  }
  return undefined;
}

/** Absolute URL of a step target; relative targets need a base URL. */
export function resolveUrl(url: string, baseUrl: string | undefined): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  if (!baseUrl) throw new Error(`relative URL ${url} but no base URL (set baseUrl in the journey or pass one to the runner)`);
  return new URL(url, baseUrl).href;
}

/**
 * One readable line from a Playwright error: its first line, plus what it was waiting for
 * (the rest of the call log is noise in a run record).
 */
export function describeError(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const text = raw.replace(/\u001b\[[0-9;]*m/g, '');
  const head = firstLine(text).replace(/^[a-zA-Z]+\.[a-zA-Z]+: /, '');
  const waiting = /waiting for (.+)/.exec(text)?.[1];
  const full = waiting && !head.includes('waiting for') ? `${head} (waiting for ${waiting.trim()})` : head;
  return clip(full, 500);
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

function clip(text: string, max = 200): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

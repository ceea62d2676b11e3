import type { BrowserContext, CDPSession, ConsoleMessage, Page, Request, Response } from 'playwright-core';
import { normalizeStep, resolveTemplates, routeOfUrl, SecretMasker, type Journey, type NormalizedStep, type StepAction } from '@parallax/journeys';
import { applyThrottling } from './browser-profile';
import { captureJpeg, describeError, performStep } from './step-actions';

export type StepStatus = 'passed' | 'failed' | 'skipped';

/** What happened to one step. Every string is masked. */
export interface StepRecord {
  index: number;
  name: string;
  action: StepAction;
  /** The step's `route`, or the route template derived from the page URL after the step; null off http(s). */
  route: string | null;
  /**
   * 'failed' also for an optional step (with `optional: true`): its error stays visible,
   * but it does not fail the run. Steps after a run-failing step are 'skipped'.
   */
  status: StepStatus;
  optional: boolean;
  /** Start of the step, from the start of the run. */
  startOffsetMs: number;
  durationMs: number;
  error?: string;
  /** Page URL after the step. */
  url: string;
}

export interface RunMark {
  name: string;
  /** From the start of the run. */
  atMs: number;
}

export interface FailedRequest {
  url: string;
  method?: string;
  /** HTTP status of a response >= 400. */
  status?: number;
  /** Network-level failure (e.g. net::ERR_CONNECTION_REFUSED). */
  failure?: string;
}

export interface RunScreenshot {
  stepIndex: number;
  name: string;
  /** JPEG, at most 500 KB. */
  image: Buffer;
}

/** The result of one journey run. Every string in it has passed through the secret masker. */
export interface RunRecord {
  status: 'passed' | 'failed';
  durationMs: number;
  steps: StepRecord[];
  marks: RunMark[];
  consoleErrors: string[];
  failedRequests: FailedRequest[];
  /** The step that failed the run (never an optional one). */
  failedStepIndex?: number;
  /** Why the run failed before or outside a step (missing secret, throttling unavailable). */
  error?: string;
  /** JPEG of the page when the run failed, at most 500 KB. */
  screenshot?: Buffer;
  /** Images taken by `screenshot` steps. */
  screenshots: RunScreenshot[];
}

export interface RunJourneyOptions {
  page: Page;
  /** Where request events are watched (default: the page's context), so popups count too. */
  context?: BrowserContext;
  /** Session for throttling; one is created on the page when absent and throttling is needed. */
  cdp?: CDPSession;
  /** Overrides the journey's own baseUrl. */
  baseUrl?: string;
  secrets?: Record<string, string | undefined>;
  /** Override the journey's `variables`. */
  vars?: Record<string, string | undefined>;
  /** An extra masker applied after the journey's own (e.g. agent-wide secrets). */
  masker?: SecretMasker;
  /** Called after each step that ran (not the skipped ones), with its record: live progress. */
  onStep?: (step: StepRecord) => void;
  /** Replaces the default failure screenshot (viewport JPEG, quality 60, capped at 500 KB). */
  screenshotOnFailure?: (stepIndex: number) => Promise<Buffer | undefined>;
  /** Apply the journey's network and CPU profile (default true). */
  throttle?: boolean;
  /** Timeout of a step that sets none. */
  defaultStepTimeoutMs?: number;
  /** Monotonic clock in ms (default performance.now). */
  now?: () => number;
}

/** Timeout of a step that sets none. */
export const DEFAULT_STEP_TIMEOUT_MS = 15_000;
const MAX_CONSOLE_ERRORS = 50;
const MAX_FAILED_REQUESTS = 100;
const MAX_TEXT_CHARS = 1000;
/** Extra time a step gets beyond its timeout before it is abandoned: Playwright enforces most timeouts itself. */
const STEP_GRACE_MS = 2000;

/**
 * Runs a journey's steps on a page the caller created (with `contextOptionsFor(journey)`), applying throttling,
 * timing every step and recording console errors, failed requests and a screenshot on failure.
 * Never throws for a journey problem: the record says what failed.
 */
export async function runJourney(journey: Journey, opts: RunJourneyOptions): Promise<RunRecord> {
  const now = opts.now ?? (() => performance.now());
  const startMs = now();
  const elapsed = () => round(now() - startMs);
  const record: RunRecord = { status: 'passed', durationMs: 0, steps: [], marks: [], consoleErrors: [], failedRequests: [], screenshots: [] };

  let steps: NormalizedStep[];
  let mask: (text: string) => string;
  let maskUrl: (url: string) => string;
  try {
    const resolved = resolveTemplates(journey, { vars: opts.vars, secrets: opts.secrets });
    steps = resolved.steps;
    const extra = opts.masker;
    mask = (t) => (extra ? extra.mask(resolved.masker.mask(t)) : resolved.masker.mask(t));
    maskUrl = (u) => clip(extra ? extra.maskUrl(resolved.masker.maskUrl(u)) : resolved.masker.maskUrl(u));
  } catch (err) {
    // names of missing secrets only, never values; steps are listed as skipped so the record keeps its shape
    record.status = 'failed';
    record.error = opts.masker ? opts.masker.mask(describeError(err)) : describeError(err);
    record.steps = journey.steps.map((s, index) => skippedRecord(normalizeStep(s, index)));
    return record;
  }

  const { page } = opts;
  const context = opts.context ?? page.context();
  const text = (s: string) => clip(mask(s));
  const onConsole = (msg: ConsoleMessage) => {
    if (msg.type() === 'error' && record.consoleErrors.length < MAX_CONSOLE_ERRORS) record.consoleErrors.push(text(msg.text()));
  };
  const onPageError = (err: Error) => {
    if (record.consoleErrors.length < MAX_CONSOLE_ERRORS) record.consoleErrors.push(text(`uncaught ${err.name}: ${err.message}`));
  };
  const onRequestFailed = (req: Request) => {
    if (record.failedRequests.length >= MAX_FAILED_REQUESTS) return;
    record.failedRequests.push({ url: maskUrl(req.url()), method: req.method(), failure: text(req.failure()?.errorText ?? 'failed') });
  };
  const onResponse = (res: Response) => {
    if (res.status() < 400 || record.failedRequests.length >= MAX_FAILED_REQUESTS) return;
    record.failedRequests.push({ url: maskUrl(res.url()), method: res.request().method(), status: res.status() });
  };
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  context.on('requestfailed', onRequestFailed);
  context.on('response', onResponse);

  try {
    if (opts.throttle !== false) {
      try {
        await applyThrottling(page, journey, opts.cdp);
      } catch (err) {
        record.status = 'failed';
        record.error = text(`network/CPU throttling failed (Chromium's DevTools protocol is needed): ${describeError(err)}`);
        record.steps = steps.map((s) => skippedRecord(s, mask));
        return record;
      }
    }
    const baseUrl = opts.baseUrl ?? journey.baseUrl;
    const defaultTimeoutMs = opts.defaultStepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
    let failed = false;
    for (const step of steps) {
      if (failed) {
        record.steps.push(skippedRecord(step, mask));
        continue;
      }
      const stepStartMs = elapsed();
      const budgetMs = journey.timeoutMs - stepStartMs;
      const timeoutMs = Math.max(0, Math.min(step.timeoutMs ?? defaultTimeoutMs, budgetMs));
      let error: string | undefined;
      if (timeoutMs <= 0) {
        error = `journey timeout of ${journey.timeoutMs} ms reached before this step`;
      } else {
        try {
          await withDeadline(
            performStep(step, {
              page,
              baseUrl,
              timeoutMs,
              mark: (name) => record.marks.push({ name: text(name), atMs: elapsed() }),
              screenshot: (image) => record.screenshots.push({ stepIndex: step.index, name: text(step.name), image }),
            }),
            timeoutMs + STEP_GRACE_MS,
          );
        } catch (err) {
          error = describeError(err);
        }
      }
      const url = page.url();
      const stepRecord: StepRecord = {
        index: step.index,
        name: text(step.name),
        action: step.action,
        route: step.route ?? routeOfUrl(url) ?? null,
        status: error === undefined ? 'passed' : 'failed',
        optional: step.optional,
        startOffsetMs: stepStartMs,
        durationMs: round(elapsed() - stepStartMs),
        url: maskUrl(url),
        ...(error !== undefined ? { error: text(error) } : {}),
      };
      record.steps.push(stepRecord);
      if (error !== undefined && !step.optional) {
        failed = true;
        record.status = 'failed';
        record.failedStepIndex = step.index;
        record.screenshot = await failureScreenshot(page, step.index, opts.screenshotOnFailure);
      }
      opts.onStep?.(stepRecord);
    }
    return record;
  } finally {
    page.off('console', onConsole);
    page.off('pageerror', onPageError);
    context.off('requestfailed', onRequestFailed);
    context.off('response', onResponse);
    record.durationMs = elapsed();
  }
}

/** A step that never ran: no URL, no timing. */
function skippedRecord(step: NormalizedStep, mask: (s: string) => string = (s) => s): StepRecord {
  return {
    index: step.index,
    name: clip(mask(step.name)),
    action: step.action,
    route: step.route ?? null,
    status: 'skipped',
    optional: step.optional,
    startOffsetMs: 0,
    durationMs: 0,
    url: '',
  };
}

async function failureScreenshot(
  page: Page,
  stepIndex: number,
  custom: RunJourneyOptions['screenshotOnFailure'],
): Promise<Buffer | undefined> {
  try {
    // a screenshot is evidence, not part of the verdict: its own failure must not change the result
    return await withDeadline(custom ? custom(stepIndex) : captureJpeg(page), 10_000);
  } catch {
    return undefined;
  }
}

async function withDeadline<T>(work: Promise<T>, deadlineMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`step did not finish within ${deadlineMs} ms`)), deadlineMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function clip(text: string): string {
  return text.length > MAX_TEXT_CHARS ? `${text.slice(0, MAX_TEXT_CHARS - 1)}…` : text;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

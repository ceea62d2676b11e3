import { STEP_SCREENSHOTS_MAX_BASE64, type ClaimedRun, RunReport, RunStepReport } from '@parallax/contracts';
import { normalizeStep, SecretMasker, type Journey } from '@parallax/journeys';
import { contextOptionsFor } from './browser-profile';
import { runJourney, type RunRecord, type StepRecord } from './journey-executor';
import { captureJpeg } from './step-actions';
import type { Browser, BrowserContext, Request } from 'playwright-core';
import { runInitScript } from './inject';
import { missingSecrets, missingSecretsMessage } from './secrets';

export interface ExecuteRunOptions {
  /** Copied into the report: the agent holding the run's lease. */
  agentId: string;
  /** The core RUM snippet bundle (GET /api/agent/snippet); without it the run records no lab vitals. */
  bundle?: string;
  /** Values of `${{ secrets.NAME }}` (see secretsFromEnv); every value is masked in the report. */
  secrets: Record<string, string>;
  /** Aborts the run: its context is closed and the report says why. */
  signal?: AbortSignal;
  /** Least wait after the last step for the final beacons (LCP, CLS, INP) to leave (default 300 ms). */
  flushWaitMs?: number;
  /** Most wait for those beacons to be answered (default 2 s). */
  flushMaxMs?: number;
}

/** Time a hung page gets to give a screenshot before its context is closed. */
const KILL_SCREENSHOT_MS = 1000;

/**
 * Runs one claimed run in a fresh context of `browser`: the site's snippet injected and tagged with the run id
 * (lab vitals arrive as synthetic beacons), throttling, the steps, a hard stop at the journey's timeoutMs,
 * a final flush of the page's metrics, and a report whose every string is masked. Never throws.
 */
export async function executeClaimedRun(browser: Browser, run: ClaimedRun, opts: ExecuteRunOptions): Promise<RunReport> {
  const startedAt = new Date().toISOString();
  const startMs = performance.now();
  const elapsed = () => Math.round(performance.now() - startMs);
  const masker = new SecretMasker(Object.values(opts.secrets));
  const finish = (report: Omit<RunReport, 'agentId' | 'startedAt' | 'durationMs'>, durationMs = elapsed()): RunReport =>
    masker.maskDeep({ agentId: opts.agentId, startedAt, durationMs, ...report });

  const journey = run.journey;
  const missing = missingSecrets(journey, opts.secrets);
  if (missing.length) return finish({ ...emptyRecord(), status: 'failed', steps: unrunSteps(journey, 0), error: missingSecretsMessage(missing) });
  if (opts.signal?.aborted) return finish({ ...emptyRecord(), status: 'failed', steps: unrunSteps(journey, 0), error: abortMessage(opts.signal) });

  let context: BrowserContext | undefined;
  const stepsDone: StepRecord[] = [];
  try {
    context = await browser.newContext(contextOptionsFor(journey));
    // lab vitals from the site's own snippet, as synthetic beacons of this run (secrets masked in the page)
    if (opts.bundle) await context.addInitScript({ content: runInitScript(run, opts.bundle, Object.values(opts.secrets)) });
    const beacons = watchBeacons(context, run.collectUrl);
    const page = await context.newPage();

    const stop = deadline(journey.timeoutMs - elapsed(), `timed out after ${journey.timeoutMs} ms`, opts.signal);
    const journeyRun = runJourney(journey, {
      page,
      context,
      baseUrl: run.baseUrl ?? undefined,
      secrets: opts.secrets,
      masker,
      onStep: (step) => stepsDone.push(step),
    }).then(
      (record) => ({ record }),
      // runJourney reports journey problems in its record; a throw is a bug or a dead browser
      (err: unknown) => ({ reason: `runner error: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` }),
    );
    const outcome = await Promise.race([journeyRun, stop.promise]).finally(stop.cancel);

    if ('reason' in outcome) {
      // the steps as they stood at the kill: the abandoned run may still record one while the screenshot is taken
      const finished = stepsDone.slice();
      const killedAtMs = elapsed();
      // killed: a hung page may still give a screenshot, briefly; closing the context ends whatever hangs
      const screenshot = await withLimit(captureJpeg(page), KILL_SCREENSHOT_MS);
      const ctx = context;
      context = undefined;
      await ctx.close().catch(() => undefined);
      const reason = outcome.reason;
      const report = {
        ...emptyRecord(),
        status: 'failed' as const,
        steps: [...finished.map(toStepReport), ...unrunSteps(journey, finished.length, reason)],
        ...(finished.length < journey.steps.length ? { failedStepIndex: finished.length } : {}),
        error: reason,
        ...(screenshot ? { screenshotBase64: screenshot.toString('base64') } : {}),
      };
      return finish(report, killedAtMs);
    }

    const record = outcome.record;
    if (opts.bundle) await flushMetrics(context, beacons, opts.flushWaitMs ?? 300, opts.flushMaxMs ?? 2000);
    const crashed = !browser.isConnected();
    // the journey's own duration: the agent's set-up and final flush are no part of what the site made it wait
    const fields = toReportFields(record);
    // beacons of the injected snippet are the agent's traffic, not the site's: a beacon sent as a page unloads
    // shows as aborted even when it arrived
    fields.failedRequests = fields.failedRequests.filter((r) => !r.url.startsWith(run.collectUrl));
    return finish(
      {
        ...fields,
        ...(crashed ? { status: 'failed', error: record.error ?? 'Chromium crashed or disconnected during the run' } : {}),
      },
      record.durationMs,
    );
  } catch (err) {
    // the browser itself failed (a context could not be created, Chromium died): a run-level error
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return finish({
      ...emptyRecord(),
      status: 'failed',
      steps: [...stepsDone.map(toStepReport), ...unrunSteps(journey, stepsDone.length)],
      error: browser.isConnected() ? `browser error: ${message}` : `Chromium crashed or disconnected: ${message}`,
    });
  } finally {
    await context?.close().catch(() => undefined);
  }
}

/** The report fields of a finished RunRecord; images of `screenshot` steps as many as fit the upload, in step order. */
export function toReportFields(record: RunRecord): Omit<RunReport, 'agentId' | 'startedAt' | 'durationMs'> {
  return {
    status: record.status,
    steps: record.steps.map(toStepReport),
    marks: record.marks.map((m) => ({ name: m.name, atMs: m.atMs })),
    consoleErrors: [...record.consoleErrors],
    failedRequests: record.failedRequests.map((r) => ({
      url: r.url,
      ...(r.status !== undefined ? { status: r.status } : {}),
      ...(r.failure !== undefined ? { failure: r.failure } : {}),
    })),
    ...(record.failedStepIndex !== undefined ? { failedStepIndex: record.failedStepIndex } : {}),
    ...(record.error !== undefined ? { error: record.error } : {}),
    ...(record.screenshot ? { screenshotBase64: record.screenshot.toString('base64') } : {}),
    ...(record.screenshots.length ? { stepScreenshots: stepScreenshots(record) } : {}),
  };
}

function stepScreenshots(record: RunRecord): { stepIndex: number; base64: string }[] {
  const out: { stepIndex: number; base64: string }[] = [];
  let total = 0;
  for (const shot of record.screenshots.slice(0, 20)) {
    const base64 = shot.image.toString('base64');
    if (total + base64.length > STEP_SCREENSHOTS_MAX_BASE64) break;
    total += base64.length;
    out.push({ stepIndex: shot.stepIndex, base64 });
  }
  return out;
}

function toStepReport(s: StepRecord): RunStepReport {
  return {
    index: s.index,
    name: s.name,
    action: s.action,
    route: s.route,
    status: s.status,
    durationMs: s.durationMs,
    ...(s.error !== undefined ? { error: s.error } : {}),
    ...(s.url ? { url: s.url } : {}),
  };
}

/** Steps from `from` on that never finished: the first one failed with `error` when given, the rest skipped. */
function unrunSteps(journey: Journey, from: number, error?: string): RunStepReport[] {
  return journey.steps.slice(from).map((raw, i) => {
    const step = normalizeStep(raw, from + i);
    const failed = error !== undefined && i === 0;
    return {
      index: step.index,
      name: step.name,
      action: step.action,
      route: step.route ?? null,
      status: failed ? 'failed' : 'skipped',
      durationMs: 0,
      ...(failed ? { error } : {}),
    };
  });
}

function emptyRecord(): Pick<RunReport, 'marks' | 'consoleErrors' | 'failedRequests'> {
  return { marks: [], consoleErrors: [], failedRequests: [] };
}

function abortMessage(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  const text = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'the agent is stopping';
  return `aborted: ${text}`;
}

/** Settles with `{ reason }` when the time is up or the signal aborts; cancel() disarms it. */
function deadline(timeoutMs: number, timeoutReason: string, signal?: AbortSignal): { promise: Promise<{ reason: string }>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const promise = new Promise<{ reason: string }>((resolve) => {
    timer = setTimeout(() => resolve({ reason: timeoutReason }), Math.max(0, timeoutMs));
    if (signal) {
      onAbort = () => resolve({ reason: abortMessage(signal) });
      // an abort that came before this point fires no event any more
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  return {
    promise,
    cancel: () => {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    },
  };
}

interface BeaconWatch {
  /** Beacon requests sent and not yet answered. */
  inFlight: Set<Request>;
}

/** Follows the requests to the collector, so the final flush can wait until they are answered. */
function watchBeacons(context: BrowserContext, collectUrl: string): BeaconWatch {
  const inFlight = new Set<Request>();
  context.on('request', (req) => {
    if (req.url().startsWith(collectUrl)) inFlight.add(req);
  });
  context.on('requestfinished', (req) => inFlight.delete(req));
  context.on('requestfailed', (req) => inFlight.delete(req));
  return { inFlight };
}

/**
 * Makes every page of the run report its last metrics: leaving a page fires a real visibilitychange and pagehide,
 * on which web-vitals finalises LCP, CLS and INP and the snippet sends them. Then waits for those beacons.
 */
async function flushMetrics(context: BrowserContext, beacons: BeaconWatch, waitMs: number, maxMs: number): Promise<void> {
  const startMs = performance.now();
  // LCP exists only once the page has painted: on a busy machine the last step can end before the first frame.
  await Promise.all(
    context.pages().map((page) =>
      withLimit(
        // Runs in the page: two animation frames mean at least one paint.
        page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(undefined))))'),
        Math.min(500, maxMs),
      ),
    ),
  );
  await Promise.all(
    context.pages().map((page) => page.goto('about:blank', { waitUntil: 'commit', timeout: maxMs }).catch(() => undefined)),
  );
  await sleep(waitMs);
  while (beacons.inFlight.size > 0 && performance.now() - startMs < maxMs) await sleep(25);
}

async function withLimit<T>(work: Promise<T>, limitMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, limitMs, undefined)));
  try {
    return await Promise.race([work.catch(() => undefined), expired]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

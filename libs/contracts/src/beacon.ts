import { z } from 'zod';

/** Largest beacon body the collector accepts, in bytes. */
export const MAX_BEACON_BYTES = 64 * 1024;

/** Core Web Vitals and friends, as reported by web-vitals (ms, except CLS which is unitless). */
export const METRIC_NAMES = ['lcp', 'inp', 'cls', 'fcp', 'ttfb'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** Navigation timings derived from PerformanceNavigationTiming, in ms. */
export const TIMING_NAMES = ['dns', 'tcp', 'tls', 'request', 'response', 'domContentLoaded', 'load'] as const;
export type TimingName = (typeof TIMING_NAMES)[number];

export const NAV_TYPES = ['navigate', 'reload', 'back-forward', 'back-forward-cache', 'prerender', 'restore', 'soft'] as const;
export type NavType = (typeof NAV_TYPES)[number];

const finiteMs = z.number().finite().min(0).max(3_600_000);
const shortText = (max: number) => z.string().max(max);

export const beaconEventSchema = z.object({
  name: z.string().min(1).max(100),
  atMs: finiteMs.optional(),
  props: z.record(z.string().max(50), z.union([z.string().max(200), z.number().finite(), z.boolean()])).optional(),
});

export const beaconSchema = z.object({
  /** Wire format version. */
  v: z.literal(1),
  /** Public site key (from the snippet's config). */
  siteKey: z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/),
  /** Random id of one page view; a page view's beacons share it. */
  pageViewId: z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/),
  /** Random id of the tab session (sessionStorage); pseudonymised by the server. */
  sessionId: z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/).optional(),
  /** Sequence number of this beacon within the page view, from 0. */
  seq: z.number().int().min(0).max(1000),
  /** Full page URL; the server strips query and fragment and maps it to a route template. */
  url: z.string().min(1).max(2048),
  navType: z.enum(NAV_TYPES).optional(),
  metrics: z
    .object({
      lcp: finiteMs.optional(),
      inp: finiteMs.optional(),
      cls: z.number().finite().min(0).max(100).optional(),
      fcp: finiteMs.optional(),
      ttfb: finiteMs.optional(),
    })
    .strict()
    .optional(),
  timings: z
    .object({
      dns: finiteMs.optional(),
      tcp: finiteMs.optional(),
      tls: finiteMs.optional(),
      request: finiteMs.optional(),
      response: finiteMs.optional(),
      domContentLoaded: finiteMs.optional(),
      load: finiteMs.optional(),
    })
    .strict()
    .optional(),
  connection: z
    .object({
      effectiveType: z.enum(['slow-2g', '2g', '3g', '4g']).optional(),
      rttMs: z.number().finite().min(0).max(60_000).optional(),
      saveData: z.boolean().optional(),
    })
    .strict()
    .optional(),
  deviceMemoryGb: z.number().finite().min(0).max(1024).optional(),
  viewport: z.object({ w: z.number().int().min(0).max(20_000), h: z.number().int().min(0).max(20_000) }).strict().optional(),
  /** IANA time zone of the browser, used for the region when no edge header is trusted. */
  timeZone: shortText(64).optional(),
  /** Release tag of the page (data-release or parallax('release', ...)). */
  release: shortText(100).optional(),
  /** Business events tracked with parallax('track', name, props). */
  events: z.array(beaconEventSchema).max(50).optional(),
  /** Set by the synthetic agent: the run that produced this beacon. */
  syntheticRunId: z.string().min(1).max(64).optional(),
  /** Opt-in attribution build only. */
  attribution: z
    .object({
      lcpElement: shortText(300).optional(),
      inpTarget: shortText(300).optional(),
      clsSource: shortText(300).optional(),
    })
    .strict()
    .optional(),
}).strict();

export type Beacon = z.infer<typeof beaconSchema>;
export type BeaconEvent = z.infer<typeof beaconEventSchema>;

/** Validation result with the path of the first bad field, for a 400 that names it. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

/** Validates an unknown JSON value as a beacon. */
export function parseBeacon(input: unknown): ParseResult<Beacon> {
  const result = beaconSchema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const field = issue.path.length ? issue.path.join('.') : '(body)';
  return { ok: false, field, message: issue.message };
}

/**
 * Wire shapes of the REST API and live feed as the dashboard reads them, and of the read endpoints built for its
 * screens (overview, segments). One definition shared by server and dashboard; type-only apart from a few
 * constant tables, so importing it costs the dashboard bundle almost nothing.
 */
import type { SeriesPoint } from './rum-query';

export type VitalName = 'lcp' | 'inp' | 'cls' | 'fcp' | 'ttfb';
export const VITALS: readonly VitalName[] = ['lcp', 'inp', 'cls', 'fcp', 'ttfb'];
export type SeriesSource = 'rum' | 'synthetic';
export type IncidentLabel = 'both' | 'rum_only' | 'synthetic_only' | 'failing';
export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';
export type DeploymentKind = 'deployment' | 'config' | 'other';

/**
 * Core Web Vitals thresholds (web.dev): a value at or below `good` is good, above `poor` is poor, in between
 * needs improvement. ms for timings, unitless for CLS.
 */
export const CWV_THRESHOLDS: Record<VitalName, { good: number; poor: number }> = {
  lcp: { good: 2500, poor: 4000 },
  inp: { good: 200, poor: 500 },
  cls: { good: 0.1, poor: 0.25 },
  fcp: { good: 1800, poor: 3000 },
  ttfb: { good: 800, poor: 1800 },
};

/** Segment dimensions the rollups keep, in display order. */
export const SEGMENT_DIMENSIONS = ['country', 'device', 'browser', 'os', 'connection', 'release'] as const;
export type SegmentDimension = (typeof SEGMENT_DIMENSIONS)[number];

export interface SiteView {
  id: string;
  name: string;
  siteKey: string;
  allowedOrigins?: string[];
  createdAt?: string;
  /** Set on the demo workspace's site. */
  demo?: boolean;
}

export interface SnippetView {
  scriptUrl: string;
  collectUrl: string;
  tag: string;
}

export interface DeploymentView {
  id: string;
  siteId: string;
  version: string;
  commit?: string | null;
  description?: string | null;
  kind: DeploymentKind;
  at: string;
}

export interface IncidentEvidence {
  baselineP75?: number | null;
  currentP75?: number | null;
  changePct?: number | null;
  ciLow?: number | null;
  ciHigh?: number | null;
  ciLevelPct?: number | null;
  /** What the interval is of: 'shift' of typical page views (with shiftPct) or the p75 change. */
  ciOf?: 'shift' | 'p75' | null;
  shiftPct?: number | null;
  nBaseline?: number | null;
  nCurrent?: number | null;
}

export interface IncidentSegment {
  dim: string;
  value: string;
  changePct?: number | null;
  share?: number | null;
  carries?: boolean;
}

export interface IncidentView {
  id: string;
  siteId: string;
  route: string;
  metric: string;
  /** Other metrics of the same route and onset, grouped into this incident when the server does so. */
  metrics?: string[];
  label: IncidentLabel;
  status: IncidentStatus;
  summary?: string | null;
  openedAt: string;
  updatedAt: string;
  resolvedAt?: string | null;
  onsetAt?: string | null;
  evidence?: IncidentEvidence | null;
  segments?: IncidentSegment[] | null;
  locations?: string[] | null;
  suspectedDeployment?: { id: string; version: string; at: string; kind: DeploymentKind } | null;
}

export interface RunStepView {
  index?: number;
  name?: string;
  action?: string;
  status: string;
  startMs?: number;
  durationMs?: number | null;
  error?: string | null;
  url?: string | null;
  /** Set on screenshot steps whose image the server keeps (GET /api/runs/:id/artifacts/:name). */
  artifact?: string | null;
}

export interface RunView {
  id: string;
  siteId?: string;
  journeyId: string;
  journeyName?: string;
  location: string;
  status: string;
  trigger?: string;
  dueAt?: string;
  startedAt?: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error?: string | null;
}

export interface RunVitals {
  route: string;
  path: string;
  lcp: number | null;
  inp: number | null;
  cls: number | null;
  fcp: number | null;
  ttfb: number | null;
}

export interface RunDetailView extends RunView {
  /** A failure screenshot is kept (GET /api/runs/:id/artifacts/screenshot). */
  hasScreenshot?: boolean;
  steps: RunStepView[] | null;
  marks: { name: string; atMs?: number; startMs?: number }[] | null;
  consoleErrors: string[] | null;
  failedRequests: { url: string; status?: number | null; error?: string | null; method?: string }[] | null;
  vitals: RunVitals[];
}

export interface JourneyView {
  id: string;
  siteId?: string;
  name: string;
  locations: string[];
  enabled: boolean;
  yaml?: string;
  schedule?: { every?: string; cron?: string } | string | null;
  nextRunAt?: string | null;
}

export interface LocationView {
  name: string;
  region?: string | null;
  liveAgents: number;
  stale: boolean;
}

export interface WebhookView {
  id: string;
  siteId: string;
  url: string;
  events: string[];
  createdAt?: string;
}

export interface WebhookDeliveryView {
  id: string;
  event: string;
  status: string;
  attempts?: number;
  responseStatus?: number | null;
  error?: string | null;
  createdAt?: string;
  deliveredAt?: string | null;
}

/** Live feed payloads. */
export interface RunCompletedEvent {
  siteId: string;
  runId: string;
  journeyId?: string;
  journeyName: string;
  location: string;
  status: string;
  durationMs: number | null;
  finishedAt: string;
}

export interface BeaconsMinuteEvent {
  siteId: string;
  minute: string;
  count: number;
  syntheticCount?: number;
}

/** `GET /api/sites/:id/ingest-status`: is the tag seen, and why beacons were refused. */
export interface IngestStatusView {
  lastBeaconAt: string | null;
  acceptedLastHour: number;
  rejected: { origin: number; key: number; size: number; rate: number; invalid: number };
}

/** `GET /api/demo` (the demo workspace, when it is on). */
export interface DemoView {
  siteId: string;
  faults: { key: string; title: string; on: boolean; description?: string }[];
}

/** Good / needs improvement / poor shares (0..1) of page views at the CWV thresholds. */
export interface VitalShares {
  good: number;
  needsImprovement: number;
  poor: number;
}

/** One vital of one route over the range. */
export interface OverviewVital {
  metric: VitalName;
  count: number;
  p75: number | null;
  shares: VitalShares | null;
  /** p75 per bucket (null where there were no samples: a gap, not zero). */
  sparkline: (number | null)[];
}

export interface OverviewRoute {
  route: string;
  pageViews: number;
  vitals: OverviewVital[];
}

/** `GET /api/sites/:id/views/overview`. */
export interface OverviewView {
  siteId: string;
  from: string;
  to: string;
  bucketMinutes: number;
  pageViews: number;
  routes: OverviewRoute[];
  /** Newest minute with real-user data (any time), so the UI can pick a range that holds data. */
  lastDataAt: string | null;
}

export interface SegmentRow {
  /** Canonical `dim:value`, the form the series endpoint takes. */
  segment: string;
  dim: SegmentDimension;
  value: string;
  pageViews: number;
  /** Share of the route's page views (0..1). */
  share: number;
  p75: number | null;
  baselineP75: number | null;
  /** Change of p75 against the baseline, percent (null without a baseline). */
  changePct: number | null;
}

/** `GET /api/sites/:id/views/segments`. */
export interface SegmentsView {
  siteId: string;
  route: string;
  metric: VitalName;
  from: string;
  to: string;
  /** What the baseline is: the same hours of the previous days, or the window just before. */
  baseline: 'previous_days' | 'prior_window';
  total: { pageViews: number; p75: number | null; baselineP75: number | null; changePct: number | null };
  dimensions: { dim: SegmentDimension; rows: SegmentRow[] }[];
}

export type { SeriesPoint };

/** `GET /api/sites/:id/rum/series`. */
export interface SeriesView {
  route: string;
  metric: string;
  source: SeriesSource;
  segment: string | null;
  bucketMinutes: number;
  points: SeriesPoint[];
  /** Synthetic series per location, when asked with byLocation=true. */
  location?: string;
}

/** `GET /api/sites/:id/views/lab`: lab values per run, one line per location. */
export interface LabView {
  route: string;
  metric: string;
  locations: { location: string; points: { at: string; value: number; runId: string }[] }[];
}

// Re-exported so the dashboard imports one file (the barrel would also bring agent.ts's zod validators in).
export type { DetectionCoverage, DetectionSeries, DetectionStatus } from './detection';
export type { RouteCount } from './rum-query';

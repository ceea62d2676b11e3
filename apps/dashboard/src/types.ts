// Wire shapes of the server's REST API and live feed, as the dashboard reads them. Fields the server may add
// later are ignored; fields marked optional are read defensively because older rows may lack them.

export type MetricName = 'lcp' | 'inp' | 'cls' | 'fcp' | 'ttfb';
export type Source = 'rum' | 'synthetic';
export type IncidentLabel = 'both' | 'rum_only' | 'synthetic_only' | 'failing';
export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';
export type DeploymentKind = 'deployment' | 'config' | 'other';

export interface Site {
  id: string;
  name: string;
  siteKey: string;
}

// Shared wire types, one definition with the server (type-only: nothing of it lands in the bundle).
import type { DetectionCoverage, DetectionSeries, DetectionStatus, RouteCount, SeriesPoint } from '@parallax/contracts';
export type { DetectionCoverage, DetectionSeries, DetectionStatus, RouteCount, SeriesPoint };

export interface Series {
  route: string;
  metric: string;
  source: Source;
  segment: string | null;
  bucketMinutes: number;
  points: SeriesPoint[];
}

export interface Snippet {
  scriptUrl: string;
  collectUrl: string;
  tag: string;
}

export interface Deployment {
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
  /** Set by the detector when it knows whether this segment carries the regression. */
  carries?: boolean;
}

export interface Incident {
  id: string;
  siteId: string;
  route: string;
  metric: string;
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

export interface Run {
  id: string;
  journeyId: string;
  /** Present on live events and on servers that join the journey name in. */
  journeyName?: string;
  location: string;
  status: string;
  durationMs: number | null;
  finishedAt: string | null;
  error?: string | null;
}

export interface Journey {
  id: string;
  name: string;
  locations: string[];
  enabled: boolean;
}

export interface LocationInfo {
  name: string;
  region?: string | null;
  liveAgents: number;
  stale: boolean;
}

export interface RunCompleted {
  siteId: string;
  runId: string;
  journeyId?: string;
  journeyName: string;
  location: string;
  status: string;
  durationMs: number | null;
  finishedAt: string;
}

export interface BeaconsMinute {
  siteId: string;
  minute: string;
  count: number;
  syntheticCount?: number;
}

/**
 * Wire types of incidents (`GET /api/incidents`, the live feed, webhooks): the one vocabulary of labels and
 * statuses that server, detector and dashboard share. Type-only plus constant lists.
 */
import type { DeploymentKind } from './views';

/**
 * Who sees a problem: real users and synthetic together, one side only, or a journey that fails outright
 * ('failing': the lab cannot complete the step, so there is no metric to compare).
 */
export const INCIDENT_LABELS = ['both', 'rum_only', 'synthetic_only', 'failing'] as const;
export type IncidentLabel = (typeof INCIDENT_LABELS)[number];

export const INCIDENT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Flat numbers of an incident's evidence, read by lists and feeds (nested detail may follow). */
export interface IncidentEvidence {
  changePct?: number | null;
  peakChangePct?: number | null;
  provisional?: boolean;
  reason?: string | null;
  baselineP75?: number | null;
  currentP75?: number | null;
  ciLow?: number | null;
  ciHigh?: number | null;
  ciLevelPct?: number | null;
  /** What the interval is of: 'shift' of typical page views (with shiftPct) or the p75 change. */
  ciOf?: 'shift' | 'p75' | null;
  shiftPct?: number | null;
  nBaseline?: number | null;
  nCurrent?: number | null;
  [detail: string]: unknown;
}

/** A segment an incident's real-user evidence names (e.g. country=BR). */
export interface IncidentSegment {
  dim: string;
  value: string;
  changePct?: number | null;
  /** Share of the current traffic, 0..1. */
  share?: number | null;
  /** Set by the detector when it knows whether this segment carries the regression. */
  carries?: boolean;
  isNew?: boolean;
  nCurrent?: number;
}

/** The deployment suspected of causing an incident. */
export interface SuspectedDeploymentView {
  id: string;
  version: string;
  commit: string | null;
  kind: DeploymentKind;
  at: string;
}

/** An incident as the API, the live feed and webhooks give it. */
export interface IncidentView {
  id: string;
  siteId: string;
  route: string;
  metric: string;
  label: IncidentLabel;
  status: IncidentStatus;
  summary: string;
  onsetAt: string;
  openedAt: string;
  updatedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  evidence: IncidentEvidence;
  segments: IncidentSegment[];
  locations: string[];
  suspectedDeployment: SuspectedDeploymentView | null;
}

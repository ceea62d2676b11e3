/** Wire types of the REST API's other views (runs, series, deployments), shared by server and dashboard. */
import type { RunReport, RunStatus } from './agent';
import type { SeriesPoint } from './rum-query';

/** Where a measurement comes from: real users (beacons) or synthetic runs. */
export const SOURCES = ['rum', 'synthetic'] as const;
export type Source = (typeof SOURCES)[number];

export const DEPLOYMENT_KINDS = ['deployment', 'config', 'other'] as const;
export type DeploymentKind = (typeof DEPLOYMENT_KINDS)[number];

export const RUN_TRIGGERS = ['schedule', 'manual', 'retry'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** A synthetic run as `GET /api/runs/:id` and the runs lists give it. */
export interface RunView {
  id: string;
  siteId: string;
  journeyId: string;
  location: string;
  status: RunStatus;
  trigger: RunTrigger;
  attempt: number;
  retryOf: string | null;
  slot: string;
  dueAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
  journeyHash: string;
  steps: RunReport['steps'] | null;
  marks: RunReport['marks'] | null;
  consoleErrors: string[] | null;
  failedRequests: RunReport['failedRequests'] | null;
}

/** Answer of `GET /api/sites/:siteId/rum/series`: one route x metric (x segment) bucketed over time. */
export interface SeriesView {
  route: string;
  metric: string;
  source: Source;
  /** `dim:value`, or null for all traffic. */
  segment: string | null;
  bucketMinutes: number;
  points: SeriesPoint[];
}

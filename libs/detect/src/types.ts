import type { DetectionStatus, DeploymentKind, IncidentLabel, MetricName } from '@parallax/contracts';
import type { QuantileSketch } from '@parallax/sketch';

/** Web vitals measured by real users (ms, CLS unitless): the metric names of @parallax/contracts. */
export type RumMetric = MetricName;

/** Dimensions the rollups are cut by; 'all' is the whole route. */
export type SegmentDim = 'all' | 'country' | 'device' | 'browser' | 'os' | 'connection' | 'release';

/** One cut of the traffic: { dim: 'all', value: '' } or e.g. { dim: 'country', value: 'BR' }. */
export interface Segment {
  dim: SegmentDim;
  value: string;
}

/** One per-minute rollup of one segment of one site x route x metric. */
export interface RumRollup {
  /** Start of the minute, epoch ms. */
  minute: number;
  segment: Segment;
  sketch: QuantileSketch;
}

/** The rollups of one site x route x metric that the detector needs (see rumRanges). */
export interface RumSeries {
  route: string;
  metric: RumMetric;
  rollups: RumRollup[];
}

/** One measured value of one journey step (route) at one location in one run. */
export interface SyntheticRun {
  runId: string;
  /** End of the run, epoch ms. */
  at: number;
  location: string;
  /** Route template of the step's page, e.g. /product/:id. */
  route: string;
  /** 'duration' (the step's wall time, ms) or a lab vital measured by the injected snippet. */
  metric: 'duration' | RumMetric;
  /** null when the step failed before it could be measured. */
  value: number | null;
  /** false when the step failed (assertion, navigation error, timeout). */
  ok: boolean;
}

export type ChangeKind = DeploymentKind;

/** A deployment or other change of the site, posted by CI to /api/deployments. */
export interface Deployment {
  id: string;
  /** When the change went live, epoch ms. */
  at: number;
  version: string;
  kind: ChangeKind;
  description?: string;
}

/** Status of one detector for one series at one tick. */
export type DetectStatus = DetectionStatus;

/** Which label an incident carries ('failing' for journeys that fail outright). */
export type { IncidentLabel };

/** Why a regression seen in the lab may not show in real users. */
export type SyntheticOnlyReason = 'thin_real_traffic' | 'single_location' | 'scripted_path_only';

/** A time range [fromMs, toMs) of data the detector wants loaded. */
export interface TimeRange {
  fromMs: number;
  toMs: number;
  /** false: only the { dim: 'all' } rollups of this range are needed (default true). */
  segments?: boolean;
}

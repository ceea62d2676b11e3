/**
 * Wire types of `GET /api/sites/:id/detection`: the latest verdict of each detector per site x source x route x
 * metric, so that too little traffic reads as "not enough data" (with the smallest change it could have seen)
 * rather than as silence. Type-only plus two constant lists: the dashboard imports it without any runtime cost.
 */

export const DETECTION_SOURCES = ['rum', 'synthetic'] as const;
export const DETECTION_STATUSES = ['regressed', 'ok', 'insufficient'] as const;

/** Which detector judged the series: real users (rollups) or synthetic runs. */
export type DetectionSource = (typeof DETECTION_SOURCES)[number];
/** The verdict of one detector for one series at its latest tick. */
export type DetectionStatus = (typeof DETECTION_STATUSES)[number];

/** Numbers behind a real-user verdict (the whole route, on the window the detector showed). */
export interface RumDetectionEvidence {
  /** Beacons in the window, and the fewest it needs to judge. */
  nCurrent: number;
  minCurrent: number;
  /** Beacons in the baseline, and the fewest it needs. */
  nBaseline: number;
  minBaseline: number;
  windowMinutes: number;
  /** 'same_window' (same clock time on previous days), 'trailing' (the hours before), 'none' (no baseline yet). */
  baselineMode: 'same_window' | 'trailing' | 'none';
  baselineP75: number | null;
  currentP75: number | null;
  /** Change of p75 against the baseline, percent (null when not testable). */
  changePct: number | null;
  /** Interval of shiftPct when present (the statistic the verdict rests on), else of changePct. */
  ciLow: number | null;
  ciHigh: number | null;
  /** Shift of typical page views (10%-trimmed mean of log values), percent. */
  shiftPct: number | null;
  /** Smallest p75 change the detector could have seen with this traffic, percent (null without a baseline). */
  minDetectableChangePct: number | null;
}

/** One location's part of a synthetic verdict. */
export interface SyntheticLocationEvidence {
  location: string;
  status: DetectionStatus;
  /** Recent runs (at most the last few within the recent window) and baseline runs measured. */
  nRecent: number;
  nBaseline: number;
  changePct: number | null;
  /** Smallest change of the median it could see, percent (null before it has 3 baseline runs; absent in older verdicts). */
  minDetectableChangePct?: number | null;
}

/** Numbers behind a synthetic verdict: per location, with the run counts each location needs. */
export interface SyntheticDetectionEvidence {
  /** Median change over the regressed locations (or all testable ones), percent. */
  changePct: number | null;
  minRecentRuns: number;
  minBaselineRuns: number;
  recentWindowMinutes: number;
  baselineMinutes: number;
  locations: SyntheticLocationEvidence[];
  /** Smallest change the series could flag, percent (null when no location can tell yet; absent in older verdicts). */
  minDetectableChangePct?: number | null;
}

interface VerdictBase {
  route: string;
  /** A web vital (lcp, inp, cls, fcp, ttfb) or, for synthetic, 'duration' (the step's wall time). */
  metric: string;
  status: DetectionStatus;
}

/** The verdict of one series as the detector stores it at each tick. */
export type DetectionVerdict =
  | (VerdictBase & { source: 'rum'; evidence: RumDetectionEvidence })
  | (VerdictBase & { source: 'synthetic'; evidence: SyntheticDetectionEvidence });

/** The latest verdict of one series, as the API gives it. */
export type DetectionSeries = DetectionVerdict & {
  /** The verdict in plain words, e.g. "not enough data: 37 beacons in the last 60 min (needs 100); ...". */
  message: string;
  /** When the detector last judged this series (ISO 8601); series no longer seen keep their last verdict. */
  updatedAt: string;
};

/** Answer of `GET /api/sites/:id/detection`. */
export interface DetectionCoverage {
  siteId: string;
  /** How often the site is judged: a verdict older than a few ticks is about a series that went quiet. */
  tickSeconds: number;
  /** One line for the whole site, e.g. "5 series: 1 regressed, 3 watching, 1 with not enough data", or what to do when nothing is judged yet. */
  summary: string;
  series: DetectionSeries[];
}

// Pure helpers of the detection coverage panel: order, counts and labels of the detectors' latest verdicts.
// No DOM and no clock: `nowMs` is passed in, so specs pin it.
import { metricLabel } from './format';
import type { DetectionSeries, DetectionStatus } from '@parallax/contracts/dashboard-views';

/** Badge text per verdict: "insufficient" reads as what it means to a user. */
export const STATUS_BADGE: Record<DetectionStatus, string> = {
  regressed: 'Regressed',
  insufficient: 'Not enough data',
  ok: 'Watching',
};

/** Regressions first, then the series the detectors cannot judge, then the watched ones. */
const STATUS_ORDER: Record<DetectionStatus, number> = { regressed: 0, insufficient: 1, ok: 2 };

/** Verdicts older than this many ticks (and at least STALE_MIN_MS) are about series that went quiet. */
const STALE_TICKS = 3;
const STALE_MIN_MS = 3 * 60_000;

/** Series by status (regressed, not enough data, watching), then route, source and metric. */
export function sortCoverage(series: DetectionSeries[]): DetectionSeries[] {
  const text = (s: DetectionSeries) => `${s.route}\u0000${s.source}\u0000${s.metric}`;
  return series.slice().sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
}

/** "LCP · real users", "Step duration · synthetic". */
export function seriesLabel(series: Pick<DetectionSeries, 'source' | 'metric'>): string {
  return `${metricLabel(series.metric)} \u00b7 ${series.source === 'rum' ? 'real users' : 'synthetic'}`;
}

/** True when the series was last judged several ticks ago: no traffic or runs since. */
export function isStale(series: Pick<DetectionSeries, 'updatedAt'>, tickSeconds: number, nowMs: number): boolean {
  return nowMs - Date.parse(series.updatedAt) > Math.max(STALE_TICKS * tickSeconds * 1000, STALE_MIN_MS);
}

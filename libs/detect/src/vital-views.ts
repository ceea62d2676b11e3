// Pure computation behind the dashboard's overview and segments screens: good / needs improvement / poor shares
// from sketch ranks at the Core Web Vitals thresholds, p75 per bucket, and segment breakdowns against a baseline.
import { CWV_THRESHOLDS, canonicalSegment, type SegmentDimension, type SegmentRow, type VitalName, type VitalShares } from '@parallax/contracts';
import { QuantileSketch } from '@parallax/sketch';

const MINUTE_MS = 60_000;

/** A per-minute rollup as the views read it. */
export interface MinuteSketch {
  minute: number;
  count: number;
  sketch: QuantileSketch;
}

/** Shares of page views within the CWV thresholds, from the sketch's rank at each; null when empty. */
export function vitalShares(metric: VitalName, sketch: QuantileSketch): VitalShares | null {
  const n = sketch.count;
  if (n === 0) return null;
  const t = CWV_THRESHOLDS[metric];
  const good = sketch.countAtMost(t.good) / n;
  const notPoor = sketch.countAtMost(t.poor) / n;
  return { good, needsImprovement: Math.max(0, notPoor - good), poor: Math.max(0, 1 - notPoor) };
}

/** Merges sketches into a new one (inputs untouched). */
export function mergeAll(sketches: Iterable<QuantileSketch>): QuantileSketch {
  const out = new QuantileSketch();
  for (const s of sketches) out.merge(s);
  return out;
}

/** p75 of a sketch, null when empty. */
export function p75Of(sketch: QuantileSketch): number | null {
  return sketch.isEmpty() ? null : sketch.quantile(0.75);
}

/** p75 per bucket of `bucketMinutes` over [fromMs, toMs): null where a bucket has no samples (a gap, not zero). */
export function sparklineP75(rows: MinuteSketch[], fromMs: number, toMs: number, bucketMinutes: number): (number | null)[] {
  const bucketMs = bucketMinutes * MINUTE_MS;
  const start = Math.floor(fromMs / bucketMs) * bucketMs;
  const n = Math.max(1, Math.ceil((toMs - start) / bucketMs));
  const buckets: (QuantileSketch | null)[] = new Array(n).fill(null);
  for (const row of rows) {
    const i = Math.floor((row.minute - start) / bucketMs);
    if (i < 0 || i >= n) continue;
    const b = buckets[i] ?? (buckets[i] = new QuantileSketch());
    b.merge(row.sketch);
  }
  return buckets.map((b) => (b ? p75Of(b) : null));
}

/** Percent change of `current` against `baseline`, null when either is missing or the baseline is 0. */
export function changePct(current: number | null, baseline: number | null): number | null {
  if (current === null || baseline === null || baseline <= 0) return null;
  return ((current - baseline) / baseline) * 100;
}

/** A segment value's sketch and page views in one window. */
export interface SegmentSample {
  dim: SegmentDimension;
  value: string;
  count: number;
  sketch: QuantileSketch;
}

/**
 * One row per segment value of one dimension, busiest first: share of `totalPageViews`, p75 now and in the
 * baseline, change. Values seen only in the baseline are left out (the table is about current traffic).
 */
export function segmentRows(dim: SegmentDimension, current: SegmentSample[], baseline: SegmentSample[], totalPageViews: number): SegmentRow[] {
  const base = new Map<string, QuantileSketch>();
  for (const b of baseline) {
    if (b.dim !== dim) continue;
    let sketch = base.get(b.value);
    if (!sketch) base.set(b.value, (sketch = new QuantileSketch()));
    sketch.merge(b.sketch);
  }
  const now = new Map<string, { count: number; sketch: QuantileSketch }>();
  for (const c of current) {
    if (c.dim !== dim) continue;
    const entry = now.get(c.value);
    if (entry) {
      entry.count += c.count;
      entry.sketch.merge(c.sketch);
    } else now.set(c.value, { count: c.count, sketch: c.sketch.clone() });
  }
  const rows: SegmentRow[] = [];
  for (const [value, { count, sketch }] of now) {
    const p75 = p75Of(sketch);
    const b = base.get(value);
    const baselineP75 = b ? p75Of(b) : null;
    rows.push({
      segment: canonicalSegment(dim, value),
      dim,
      value,
      pageViews: count,
      share: totalPageViews > 0 ? count / totalPageViews : 0,
      p75,
      baselineP75,
      changePct: changePct(p75, baselineP75),
    });
  }
  return rows.sort((a, b) => b.pageViews - a.pageViews || a.value.localeCompare(b.value));
}

/**
 * The baseline windows for a range: the same clock hours of each of the previous `days` days when the range is
 * at most a day (traffic has a daily curve), else the window of the same length just before.
 */
export function baselineWindows(
  fromMs: number,
  toMs: number,
  days = 7,
): { mode: 'previous_days' | 'prior_window'; windows: { fromMs: number; toMs: number }[] } {
  const span = toMs - fromMs;
  const DAY_MS = 24 * 60 * MINUTE_MS;
  if (span <= DAY_MS) {
    const windows = [];
    for (let d = 1; d <= days; d++) windows.push({ fromMs: fromMs - d * DAY_MS, toMs: toMs - d * DAY_MS });
    return { mode: 'previous_days', windows };
  }
  return { mode: 'prior_window', windows: [{ fromMs: fromMs - span, toMs: fromMs }] };
}

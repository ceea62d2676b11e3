import { QuantileSketch } from '@parallax/sketch';
import type { SeriesPoint } from '@parallax/contracts';
import type { RollupRow } from './rollup.repository';

export type { SeriesPoint };

const MINUTE_MS = 60_000;

/** A bucket size giving at most ~`maxPoints` points over [from, to): 1, 5, 15, 60 minutes or a day. */
export function autoBucketMinutes(fromMs: number, toMs: number, maxPoints = 300): number {
  const minutes = Math.max(1, (toMs - fromMs) / MINUTE_MS);
  return [1, 5, 15, 60, 360, 1440].find((b) => minutes / b <= maxPoints) ?? 1440;
}

/** Merges per-minute rollup rows (any number of parts) into buckets of `bucketMinutes` over [fromMs, toMs). */
export function bucketize(rows: RollupRow[], fromMs: number, toMs: number, bucketMinutes: number): SeriesPoint[] {
  const bucketMs = bucketMinutes * MINUTE_MS;
  const start = Math.floor(fromMs / bucketMs) * bucketMs;
  const buckets = new Map<number, { count: number; sketch: QuantileSketch }>();
  for (const row of rows) {
    const b = Math.floor(row.minute / bucketMs) * bucketMs;
    const bucket = buckets.get(b);
    if (bucket) {
      bucket.count += row.count;
      bucket.sketch.merge(row.sketch);
    } else {
      buckets.set(b, { count: row.count, sketch: row.sketch.clone() });
    }
  }
  const points: SeriesPoint[] = [];
  for (let b = start; b < toMs; b += bucketMs) {
    const bucket = buckets.get(b);
    const empty = !bucket || bucket.sketch.isEmpty();
    const [p50, p75, p95] = empty ? [null, null, null] : bucket.sketch.quantiles([0.5, 0.75, 0.95]);
    points.push({ start: new Date(b).toISOString(), count: bucket?.count ?? 0, p50, p75, p95 });
  }
  return points;
}

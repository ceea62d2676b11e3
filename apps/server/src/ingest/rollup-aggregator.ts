import { QuantileSketch } from '@parallax/sketch';
import type { BeaconRow } from './beacon-row';

/** Segment dimensions every real-user metric is rolled up by (besides 'all'). */
export const ROLLUP_DIMENSIONS = ['country', 'device', 'browser', 'os', 'connection', 'release'] as const;
export type RollupDimension = 'all' | (typeof ROLLUP_DIMENSIONS)[number];

/** Vitals rolled up per segment; navigation timings only for all traffic (they are for diagnosis, not alerting). */
export const SEGMENTED_METRICS = ['lcp', 'inp', 'cls', 'fcp', 'ttfb'] as const;
export const TIMING_METRICS = ['dns', 'tcp', 'tls', 'request', 'response', 'domContentLoaded', 'load'] as const;
/** Pseudo-metric counting beacons per site and minute (route '*'), used to reconcile rollups with raw rows. */
export const BEACON_COUNT_METRIC = 'beacons';

export interface RollupKey {
  siteId: string;
  source: 'rum' | 'synthetic';
  route: string;
  metric: string;
  dim: RollupDimension;
  dimValue: string;
  minute: number;
}

export interface RollupFragment extends RollupKey {
  count: number;
  sketch: QuantileSketch;
}

const MINUTE_MS = 60_000;

/** The value of a segment dimension for a row. */
function dimValue(row: BeaconRow, dim: (typeof ROLLUP_DIMENSIONS)[number]): string {
  switch (dim) {
    case 'country':
      return row.country;
    case 'device':
      return row.device;
    case 'browser':
      return row.browserMajor;
    case 'os':
      return row.os;
    case 'connection':
      return row.connection;
    case 'release':
      return row.release ?? 'unknown';
  }
}

/** Per-minute sketches of committed beacons, built in memory and handed out as fragments. */
export class RollupAggregator {
  private readonly fragments = new Map<string, RollupFragment>();

  get size(): number {
    return this.fragments.size;
  }

  /** Adds every metric of a committed beacon row to its sketches. */
  add(row: BeaconRow): void {
    const minute = Math.floor(row.receivedAt.getTime() / MINUTE_MS) * MINUTE_MS;
    const source = row.syntheticRunId ? 'synthetic' : 'rum';
    this.bump({ siteId: row.siteId, source, route: '*', metric: BEACON_COUNT_METRIC, dim: 'all', dimValue: 'all', minute }, undefined);
    for (const metric of SEGMENTED_METRICS) {
      const value = row[metric];
      if (value === null) continue;
      this.bump({ siteId: row.siteId, source, route: row.route, metric, dim: 'all', dimValue: 'all', minute }, value);
      // Synthetic runs are few and already keyed by location in run results; segmenting them adds nothing.
      if (source === 'synthetic') continue;
      for (const dim of ROLLUP_DIMENSIONS) {
        this.bump({ siteId: row.siteId, source, route: row.route, metric, dim, dimValue: dimValue(row, dim), minute }, value);
      }
    }
    for (const metric of TIMING_METRICS) {
      const value = row[metric];
      if (value !== null) this.bump({ siteId: row.siteId, source, route: row.route, metric, dim: 'all', dimValue: 'all', minute }, value);
    }
  }

  /** Returns everything gathered so far and starts afresh. */
  takeAll(): RollupFragment[] {
    const out = [...this.fragments.values()];
    this.fragments.clear();
    return out;
  }

  /** Puts fragments back (after a failed flush) so they are retried, merged with anything newer. */
  restore(fragments: RollupFragment[]): void {
    for (const f of fragments) {
      const key = keyOf(f);
      const existing = this.fragments.get(key);
      if (existing) {
        existing.count += f.count;
        existing.sketch.merge(f.sketch);
      } else {
        this.fragments.set(key, f);
      }
    }
  }

  private bump(key: RollupKey, value: number | undefined): void {
    const k = keyOf(key);
    let fragment = this.fragments.get(k);
    if (!fragment) {
      fragment = { ...key, count: 0, sketch: new QuantileSketch() };
      this.fragments.set(k, fragment);
    }
    fragment.count++;
    if (value !== undefined) fragment.sketch.add(value);
  }
}

function keyOf(k: RollupKey): string {
  return `${k.siteId}\u0000${k.source}\u0000${k.route}\u0000${k.metric}\u0000${k.dim}\u0000${k.dimValue}\u0000${k.minute}`;
}

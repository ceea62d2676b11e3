import { QuantileSketch } from '@parallax/sketch';
import { resolveConfig, DetectConfig, DetectConfigInput } from './config';
import { rumRanges } from './rum-data';
import type { RumState } from './rum-detect';
import { hashSeed, mulberry32 } from './stats';
import type { RumRollup, SegmentDim, SyntheticRun, TimeRange } from './types';

/** Test helpers: constructed real-user and synthetic data with known effects. */

export const MIN = 60_000;
export const DAY = 1440 * MIN;
/** A Monday 12:00 UTC, far from any epoch edge. */
export const T0 = Date.UTC(2025, 2, 10, 12);

export function normal(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export interface DimSpec {
  dim: SegmentDim;
  values: { value: string; share: number; factor: number }[];
}

export interface SourceOptions {
  seed: number;
  perMinute: number;
  /** Data exists from here on. */
  fromMs: number;
  median?: number;
  sigma?: number;
  dims: DimSpec[];
  /** Extra multiplier for one value at a time given its segment values. */
  effect?: (minuteMs: number, attrs: Record<string, string>) => number;
  /** Overrides the shares of a dimension at a time (mix shifts). */
  shares?: (minuteMs: number, dim: SegmentDim) => number[] | undefined;
}

/** Deterministic per-minute rollups (all + one sketch per segment value), generated on demand. */
export class RumSource {
  private readonly cache = new Map<number, RumRollup[]>();
  constructor(private readonly o: SourceOptions) {}

  rollupsIn(ranges: TimeRange[]): RumRollup[] {
    const seen = new Map<number, boolean>();
    for (const r of ranges) {
      for (let m = Math.ceil(r.fromMs / MIN) * MIN; m < r.toMs; m += MIN) seen.set(m, (seen.get(m) ?? false) || r.segments !== false);
    }
    const out: RumRollup[] = [];
    for (const [m, segments] of seen) {
      const rollups = this.minute(m);
      for (const x of rollups) if (segments || x.segment.dim === 'all') out.push(x);
    }
    return out;
  }

  minute(m: number): RumRollup[] {
    const hit = this.cache.get(m);
    if (hit) return hit;
    const out: RumRollup[] = [];
    if (m >= this.o.fromMs) {
      const rng = mulberry32(hashSeed(this.o.seed, String(m)));
      const sketches = new Map<string, RumRollup>();
      const add = (dim: SegmentDim, value: string, v: number) => {
        const key = `${dim}=${value}`;
        let r = sketches.get(key);
        if (!r) sketches.set(key, (r = { minute: m, segment: { dim, value }, sketch: new QuantileSketch() }));
        r.sketch.add(v);
      };
      for (let i = 0; i < this.o.perMinute; i++) {
        const attrs: Record<string, string> = {};
        let factor = 1;
        for (const d of this.o.dims) {
          const shares = this.o.shares?.(m, d.dim) ?? d.values.map((v) => v.share);
          const total = shares.reduce((s, x) => s + x, 0);
          let u = rng() * total;
          let k = 0;
          while (k < shares.length - 1 && (u -= shares[k]) >= 0) k++;
          attrs[d.dim] = d.values[k].value;
          factor *= d.values[k].factor;
        }
        factor *= this.o.effect?.(m, attrs) ?? 1;
        const v = Math.round((this.o.median ?? 1000) * factor * Math.exp((this.o.sigma ?? 0.4) * normal(rng)));
        add('all', '', v);
        for (const d of this.o.dims) add(d.dim, attrs[d.dim], v);
      }
      for (const r of sketches.values()) out.push(r.segment.dim === 'all' ? { ...r, segment: { dim: 'all', value: '' } } : r);
    }
    this.cache.set(m, out);
    return out;
  }
}

export const COUNTRY: DimSpec = {
  dim: 'country',
  values: [
    { value: 'US', share: 0.5, factor: 1 },
    { value: 'BR', share: 0.2, factor: 1.3 },
    { value: 'IN', share: 0.15, factor: 1.6 },
    { value: 'DE', share: 0.15, factor: 0.9 },
  ],
};
export const DEVICE: DimSpec = {
  dim: 'device',
  values: [
    { value: 'desktop', share: 0.5, factor: 1 },
    { value: 'mobile', share: 0.5, factor: 1.3 },
  ],
};

/** Small, fast settings for tests: three days of history, no level window. */
export function testConfig(input: DetectConfigInput = {}): DetectConfig {
  return resolveConfig({ ...input, rum: { baselineDays: 3, levelWindowMinutes: 0, ...input.rum } });
}

/** Runs detectRum tick by tick like the server (loading only the ranges it asks for). */
export function loadSeries(source: RumSource, cfg: DetectConfig, now: number, state?: RumState): RumRollup[] {
  return source.rollupsIn(rumRanges(cfg, now, state));
}

/** Synthetic runs every intervalMin at each location, values log-normal around base x factor(at, location). */
export function syntheticRuns(o: {
  seed: number;
  fromMs: number;
  toMs: number;
  locations: string[];
  intervalMin?: number;
  base?: number;
  sigma?: number;
  factor?: (at: number, location: string) => number;
  fails?: (at: number, location: string) => boolean;
  route?: string;
}): SyntheticRun[] {
  const runs: SyntheticRun[] = [];
  const step = (o.intervalMin ?? 5) * MIN;
  for (let t = o.fromMs; t < o.toMs; t += step) {
    o.locations.forEach((location, i) => {
      const at = t + i * MIN;
      const rng = mulberry32(hashSeed(o.seed, `${location}|${at}`));
      const failed = o.fails?.(at, location) ?? false;
      const v = (o.base ?? 1500) * (o.factor?.(at, location) ?? 1) * Math.exp((o.sigma ?? 0.05) * normal(rng));
      runs.push({ runId: `${location}-${at}`, at, location, route: o.route ?? '/checkout', metric: 'lcp', value: failed ? null : Math.round(v), ok: !failed });
    });
  }
  return runs;
}

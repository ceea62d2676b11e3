import { METRIC_NAMES, TIMING_NAMES } from '@parallax/contracts';
import { QuantileSketch } from '@parallax/sketch';
import type { BeaconRow } from './beacon-row';

/** Segment dimensions every real-user metric is rolled up by (besides 'all'). */
export const ROLLUP_DIMENSIONS = ['country', 'device', 'browser', 'os', 'connection', 'release'] as const;
export type RollupDimension = 'all' | (typeof ROLLUP_DIMENSIONS)[number];

/** Vitals rolled up per segment; navigation timings only for all traffic (they are for diagnosis, not alerting). */
export const SEGMENTED_METRICS = METRIC_NAMES;
export const TIMING_METRICS = TIMING_NAMES;
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
/** Every metric with a sketch, in a fixed order: the aggregator indexes its slots by position. */
const SKETCHED_METRICS = [...SEGMENTED_METRICS, ...TIMING_METRICS] as const;
const METRIC_INDEX = new Map<string, number>(SKETCHED_METRICS.map((m, i) => [m, i]));

/** A row's values in SKETCHED_METRICS order, read by name: `row[metric]` with a varying key is a slow megamorphic load. */
function metricValues(r: BeaconRow): (number | null)[] {
  return [r.lcp, r.inp, r.cls, r.fcp, r.ttfb, r.dns, r.tcp, r.tls, r.request, r.response, r.domContentLoaded, r.load];
}
if (SKETCHED_METRICS.join() !== 'lcp,inp,cls,fcp,ttfb,dns,tcp,tls,request,response,domContentLoaded,load') {
  throw new Error('metricValues() must list SKETCHED_METRICS in order');
}

/** A row's segment values in ROLLUP_DIMENSIONS order (the browser segment is family and major version). */
function dimValues(r: BeaconRow): string[] {
  return [r.country, r.device, r.browserMajor, r.os, r.connection, r.release ?? 'unknown'];
}
if (ROLLUP_DIMENSIONS.join() !== 'country,device,browser,os,connection,release') throw new Error('dimValues() must list ROLLUP_DIMENSIONS in order');

/** The fragments of one site, source, route and minute: per metric (by index) 'all', and dim -> value for segments. */
interface Group {
  siteId: string;
  source: 'rum' | 'synthetic';
  route: string;
  minute: number;
  all: (RollupFragment | undefined)[];
  /** segments[metric][dim] (indices into SEGMENTED_METRICS and ROLLUP_DIMENSIONS): value -> fragment. */
  segments: (Map<string, RollupFragment>[] | undefined)[];
}

/**
 * Per-minute sketches of committed beacons, built in memory and handed out as fragments.
 * A beacon touches about 40 fragments, so they are found through nested maps keyed by strings the row already
 * holds (no key string built per fragment): this runs once per beacon on the collector's hot path.
 */
export class RollupAggregator {
  private groups = new Map<string, Group>();
  private counts = new Map<string, RollupFragment>();
  private fragments = 0;
  private pending: BeaconRow[] = [];
  private drainScheduled = false;
  /** Reused array of one row's segment sketches (one per dimension). */
  private readonly segmentScratch: QuantileSketch[] = new Array(ROLLUP_DIMENSIONS.length);

  /** Fragments held. */
  get size(): number {
    return this.fragments;
  }

  /** Adds every metric of a committed beacon row to its sketches. */
  add(row: BeaconRow): void {
    const minute = Math.floor(row.receivedAt.getTime() / MINUTE_MS) * MINUTE_MS;
    const source = row.syntheticRunId ? 'synthetic' : 'rum';
    this.countFragment(row.siteId, source, minute).count++;
    let group: Group | undefined;
    let values: string[] | undefined;
    const metrics = metricValues(row);
    for (let i = 0; i < SEGMENTED_METRICS.length; i++) {
      const value = metrics[i];
      if (value === null) continue;
      group ??= this.group(row.siteId, source, row.route, minute);
      const all = this.allFragment(group, i);
      // Synthetic runs are few and already keyed by location in run results; segmenting them adds nothing.
      if (source === 'synthetic') {
        bump(all, value);
        continue;
      }
      values ??= dimValues(row);
      const segments = this.segmentScratch;
      for (let d = 0; d < ROLLUP_DIMENSIONS.length; d++) {
        const f = this.segmentFragment(group, i, d, values[d]);
        f.count++;
        segments[d] = f.sketch;
      }
      all.count++;
      all.sketch.addToEach(value, segments);
    }
    for (let i = SEGMENTED_METRICS.length; i < SKETCHED_METRICS.length; i++) {
      const value = metrics[i];
      if (value === null) continue;
      group ??= this.group(row.siteId, source, row.route, minute);
      bump(this.allFragment(group, i), value);
    }
  }

  /**
   * Queues committed rows and adds them right after the current turn of the event loop, once the answers of the
   * batch that committed them are written: the collector answers without waiting for ~40 sketch updates per beacon.
   * takeAll() adds whatever is still queued first, so nothing is flushed late.
   */
  addSoon(rows: BeaconRow[]): void {
    for (const row of rows) this.pending.push(row);
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Adds every queued row now. */
  drain(): void {
    this.drainScheduled = false;
    const rows = this.pending;
    if (!rows.length) return;
    this.pending = [];
    for (const row of rows) this.add(row);
  }

  /** Returns everything gathered so far (queued rows included) and starts afresh. */
  takeAll(): RollupFragment[] {
    this.drain();
    const out: RollupFragment[] = [...this.counts.values()];
    for (const group of this.groups.values()) {
      for (const f of group.all) if (f) out.push(f);
      for (const byDim of group.segments) if (byDim) for (const byValue of byDim) for (const f of byValue.values()) out.push(f);
    }
    this.groups = new Map();
    this.counts = new Map();
    this.fragments = 0;
    return out;
  }

  /** Puts fragments back (after a failed flush) so they are retried, merged with anything newer. */
  restore(fragments: RollupFragment[]): void {
    for (const f of fragments) {
      const slot = this.slotOf(f);
      slot.count += f.count;
      slot.sketch.merge(f.sketch);
    }
  }

  /** The fragment with `key`, created empty when missing. */
  private slotOf(key: RollupKey): RollupFragment {
    if (key.metric === BEACON_COUNT_METRIC) return this.countFragment(key.siteId, key.source, key.minute);
    const index = METRIC_INDEX.get(key.metric);
    if (index === undefined) throw new Error(`not a rolled-up metric: ${key.metric}`);
    const group = this.group(key.siteId, key.source, key.route, key.minute);
    if (key.dim === 'all') return this.allFragment(group, index);
    const dimIndex = (ROLLUP_DIMENSIONS as readonly string[]).indexOf(key.dim);
    if (dimIndex < 0 || index >= SEGMENTED_METRICS.length) throw new Error(`not a rolled-up segment: ${key.metric} by ${key.dim}`);
    return this.segmentFragment(group, index, dimIndex, key.dimValue);
  }

  private countFragment(siteId: string, source: 'rum' | 'synthetic', minute: number): RollupFragment {
    const k = `${siteId}\u0000${source}\u0000${minute}`;
    let f = this.counts.get(k);
    if (!f) {
      f = this.create({ siteId, source, route: '*', metric: BEACON_COUNT_METRIC, dim: 'all', dimValue: 'all', minute });
      this.counts.set(k, f);
    }
    return f;
  }

  private group(siteId: string, source: 'rum' | 'synthetic', route: string, minute: number): Group {
    const k = `${siteId}\u0000${source}\u0000${minute}\u0000${route}`;
    let g = this.groups.get(k);
    if (!g) {
      g = { siteId, source, route, minute, all: new Array(SKETCHED_METRICS.length).fill(undefined), segments: new Array(SEGMENTED_METRICS.length).fill(undefined) };
      this.groups.set(k, g);
    }
    return g;
  }

  private allFragment(g: Group, index: number): RollupFragment {
    return (g.all[index] ??= this.create({ siteId: g.siteId, source: g.source, route: g.route, metric: SKETCHED_METRICS[index], dim: 'all', dimValue: 'all', minute: g.minute }));
  }

  private segmentFragment(g: Group, index: number, dimIndex: number, value: string): RollupFragment {
    const byValue = (g.segments[index] ??= ROLLUP_DIMENSIONS.map(() => new Map<string, RollupFragment>()))[dimIndex];
    let f = byValue.get(value);
    if (!f) {
      f = this.create({ siteId: g.siteId, source: g.source, route: g.route, metric: SKETCHED_METRICS[index], dim: ROLLUP_DIMENSIONS[dimIndex], dimValue: value, minute: g.minute });
      byValue.set(value, f);
    }
    return f;
  }

  private create(key: RollupKey): RollupFragment {
    this.fragments++;
    // One literal with every field: `{ ...key }` gave fragments many hidden classes, and bump() went megamorphic.
    const { siteId, source, route, metric, dim, dimValue, minute } = key;
    return { siteId, source, route, metric, dim, dimValue, minute, count: 0, sketch: new QuantileSketch() };
  }
}

function bump(fragment: RollupFragment, value: number): void {
  fragment.count++;
  fragment.sketch.add(value);
}

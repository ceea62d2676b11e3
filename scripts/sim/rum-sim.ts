import { QuantileSketch } from '@parallax/sketch';
import type { RumRollup, Segment, TimeRange } from '@parallax/detect';
import { Rng } from './random';

/** Simulated real-user LCP traffic for one route: segments, daily cycles, mix drift, heavy tails. */

export const MINUTE = 60_000;
export const DAY = 1440 * MINUTE;

export type RumEffect =
  /** All users (or one segment) slower by `factor` from the onset. */
  | { kind: 'step'; factor: number; segment?: { dim: Segment['dim']; value: string } }
  /** A release rolled out to a growing share of users over rampMinutes, slower by `factor`. */
  | { kind: 'rollout'; release: string; factor: number; rampMinutes: number }
  /** One country's traffic grows by weightFactor over rampMinutes (a campaign): mix only. */
  | { kind: 'mix'; country: string; weightFactor: number; rampMinutes: number };

export interface RumSimSpec {
  seed: number;
  ratePerMin: number;
  dataStartMs: number;
  onsetMs: number;
  effects: RumEffect[];
}

interface Country {
  name: string;
  key?: string;
  share: number;
  factor: number;
  peakHour: number;
  mobile: number;
  g3: number;
  g2: number;
}

const COUNTRIES: Country[] = [
  { name: 'US', share: 0.3, factor: 1.0, peakHour: 18, mobile: 0.5, g3: 0.05, g2: 0.01 },
  { name: 'DE', share: 0.14, factor: 0.92, peakHour: 13, mobile: 0.45, g3: 0.05, g2: 0.01 },
  { name: 'FR', share: 0.1, factor: 1.0, peakHour: 13, mobile: 0.45, g3: 0.06, g2: 0.01 },
  { name: 'BR', share: 0.14, factor: 1.25, peakHour: 23, mobile: 0.65, g3: 0.18, g2: 0.03 },
  { name: 'IN', share: 0.18, factor: 1.45, peakHour: 8, mobile: 0.75, g3: 0.28, g2: 0.06 },
  { name: 'JP', share: 0.14, factor: 0.9, peakHour: 4, mobile: 0.55, g3: 0.03, g2: 0.005 },
];
for (const c of COUNTRIES) c.key = `country=${c.name}`;
const CONNECTIONS = ['4g', '3g', '2g'];
const CONNECTION_FACTOR = [1, 1.55, 2.3];
const DEVICES = ['desktop', 'mobile', 'tablet'];
const DEVICE_FACTOR = [1, 1.3, 1.15];
const OS_BY_DEVICE: Record<string, [string[], number[]]> = {
  desktop: [['windows', 'macos', 'linux'], [0.7, 0.25, 0.05]],
  mobile: [['android', 'ios'], [0.65, 0.35]],
  tablet: [['ios', 'android'], [0.6, 0.4]],
};
const OS_FACTOR: Record<string, number> = { windows: 1, macos: 0.95, linux: 1, android: 1.1, ios: 0.95 };
const BROWSER_BY_OS: Record<string, [string[], number[]]> = {
  windows: [['chrome', 'edge', 'firefox'], [0.7, 0.2, 0.1]],
  macos: [['chrome', 'safari', 'firefox'], [0.55, 0.35, 0.1]],
  linux: [['chrome', 'firefox'], [0.6, 0.4]],
  android: [['chrome', 'samsung'], [0.8, 0.2]],
  ios: [['safari', 'chrome'], [0.9, 0.1]],
};
const BROWSER_FACTOR: Record<string, number> = { chrome: 1, edge: 1, firefox: 1.05, safari: 0.97, samsung: 1.1 };

const keysOf = (dim: string, values: string[]) => Object.fromEntries(values.map((v) => [v, `${dim}=${v}`]));
const DEVICE_KEYS = keysOf('device', DEVICES);
const OS_KEYS = keysOf('os', ['windows', 'macos', 'linux', 'android', 'ios']);
const BROWSER_KEYS = keysOf('browser', ['chrome', 'edge', 'firefox', 'safari', 'samsung']);
const CONNECTION_KEYS = CONNECTIONS.map((c) => `connection=${c}`);

/** LCP median of a desktop 4g US user on an average day, ms. */
const BASE_LCP_MS = 1500;
const WITHIN_SIGMA = 0.45;

function hourOf(t: number): number {
  return (t % DAY) / 3_600_000;
}

export class RumSim {
  /** Per minute: the 'all' rollup, and every segment's once some range asked for them. */
  private readonly cache = new Map<number, { all: RumRollup | null; full: RumRollup[] | null }>();
  private newest = -Infinity;
  /** Memo of seeded draws that many minutes share (per day, per drift knot, per burst start). */
  private readonly draws = new Map<string, number>();
  /** Scratch sketch per segment key, cleared and refilled for every generated minute. */
  private readonly scratch = new Map<string, { segment: Segment; sketch: QuantileSketch }>();

  /**
   * A standard normal per day, interpolated between days (knots at noon UTC): weather, news and
   * audiences change over a day, not in one jump at midnight (a jump would be a real regression).
   */
  private daily(label: string, t: number): number {
    const x = t / DAY - 0.5;
    const d = Math.floor(x);
    const f = x - d;
    const a = this.draw(label, d, (r) => r.normal());
    const b = this.draw(label, d + 1, (r) => r.normal());
    return a + (b - a) * f;
  }

  private draw(label: string, key: number, make: (r: Rng) => number): number {
    const k = `${label}:${key}`;
    let v = this.draws.get(k);
    if (v === undefined) {
      v = make(Rng.of(this.spec.seed, label, key));
      if (this.draws.size > 50_000) this.draws.clear();
      this.draws.set(k, v);
    }
    return v;
  }

  constructor(private readonly spec: RumSimSpec) {}

  /** Rollups for the minutes of the given ranges (only 'all' where a range says so), as the server would load them. */
  rollupsIn(ranges: TimeRange[]): RumRollup[] {
    const out: RumRollup[] = [];
    const wanted = new Map<number, boolean>();
    // A minute wanted with segments by any range is loaded with segments once.
    for (const r of ranges) {
      for (let m = Math.ceil(r.fromMs / MINUTE) * MINUTE; m < r.toMs; m += MINUTE) wanted.set(m, (wanted.get(m) ?? false) || r.segments !== false);
    }
    for (const [m, segments] of wanted) {
      if (segments) for (const x of this.minute(m, true).full!) out.push(x);
      else {
        const all = this.minute(m, false).all;
        if (all) out.push(all);
      }
    }
    return out;
  }

  /** One minute's rollups (cached for eight days of simulated time; segments generated on demand). */
  private minute(m: number, full: boolean): { all: RumRollup | null; full: RumRollup[] | null } {
    let entry = this.cache.get(m);
    if (entry && (entry.full || !full)) return entry;
    const rollups = m < this.spec.dataStartMs ? [] : this.generate(m, full);
    const all = rollups.find((r) => r.segment.dim === 'all') ?? null;
    entry = { all, full: full ? rollups : null };
    this.cache.set(m, entry);
    if (m > this.newest) this.newest = m;
    if (this.cache.size > 12_000) {
      for (const key of this.cache.keys()) if (key < this.newest - 8 * DAY) this.cache.delete(key);
    }
    return entry;
  }

  /** Traffic share weights of the countries at time t (time zones, daily drift, campaigns). */
  countryWeights(t: number): number[] {
    const h = hourOf(t);
    return COUNTRIES.map((c) => {
      let w = c.share * Math.exp(0.5 * Math.cos((2 * Math.PI * (h - c.peakHour)) / 24) + 0.1 * this.daily(`mix${c.name}`, t));
      for (const e of this.spec.effects) {
        if (e.kind === 'mix' && e.country === c.name && t >= this.spec.onsetMs) {
          w *= 1 + (e.weightFactor - 1) * Math.min(1, (t - this.spec.onsetMs) / (e.rampMinutes * MINUTE));
        }
      }
      return w;
    });
  }

  /** Slow drift within a day (network weather): smooth, about 1.2% either way, knots every two hours. */
  private drift(t: number): number {
    const knot = 2 * 3_600_000;
    const k = Math.floor(t / knot);
    const frac = (t - k * knot) / knot;
    const a = this.draw('drift', k, (r) => r.normal());
    const b = this.draw('drift', k + 1, (r) => r.normal());
    return Math.exp(0.012 * (a + (b - a) * frac));
  }

  private generate(m: number, full: boolean): RumRollup[] {
    const { seed, ratePerMin, onsetMs, effects } = this.spec;
    const rng = Rng.of(seed, 'rum', m);
    const h = hourOf(m);
    const dayFactor = Math.exp(0.02 * this.daily('dayFactor', m));
    const dayTraffic = Math.exp(0.05 * this.daily('dayTraffic', m));
    const rate = ratePerMin * dayTraffic * (1 + 0.25 * Math.cos((2 * Math.PI * (h - 15)) / 24));
    const count = rng.poisson(rate);
    const cycle = 1 + 0.06 * Math.cos((2 * Math.PI * (h - 20)) / 24);
    const minuteFactor = Math.exp(0.015 * rng.normal()) * this.burst(m) * cycle * dayFactor * this.drift(m);
    const weights = this.countryWeights(m);
    // One sketch per segment value, used this minute; keyed by "dim=value" strings built once. The
    // sketches are scratch space reused minute after minute (the rollups are trimmed copies).
    const sketches = new Map<string, { segment: Segment; sketch: QuantileSketch }>();
    const sketchOf = (key: string, dim: Segment['dim'], value: string): QuantileSketch => {
      let e = sketches.get(key);
      if (!e) {
        let scratch = this.scratch.get(key);
        if (!scratch) this.scratch.set(key, (scratch = { segment: { dim, value }, sketch: new QuantileSketch() }));
        scratch.sketch.clear();
        sketches.set(key, (e = scratch));
      }
      return e.sketch;
    };
    const allSketch = sketchOf('all', 'all', '');
    const segmentSketches: QuantileSketch[] = [];
    const after = m >= onsetMs;
    for (let i = 0; i < count; i++) {
      const c = COUNTRIES[rng.pick(weights)];
      const u = rng.uniform();
      const device = u < c.mobile ? 'mobile' : u < c.mobile + 0.05 ? 'tablet' : 'desktop';
      const [oses, osW] = OS_BY_DEVICE[device];
      const os = oses[rng.pick(osW)];
      const [browsers, brW] = BROWSER_BY_OS[os];
      const browser = browsers[rng.pick(brW)];
      const cu = rng.uniform();
      const conn = cu < c.g2 ? 2 : cu < c.g2 + c.g3 ? 1 : 0;
      let release = 'v1';
      let factor = c.factor * CONNECTION_FACTOR[conn] * DEVICE_FACTOR[DEVICES.indexOf(device)] * OS_FACTOR[os] * BROWSER_FACTOR[browser];
      for (const e of effects) {
        if (!after) break;
        if (e.kind === 'rollout') {
          const share = Math.min(1, (m - onsetMs) / (e.rampMinutes * MINUTE));
          if (rng.uniform() < share) {
            release = e.release;
            factor *= e.factor;
          }
        } else if (e.kind === 'step') {
          const attrs: Record<string, string> = { country: c.name, device, os, browser, connection: CONNECTIONS[conn], release };
          if (!e.segment || attrs[e.segment.dim] === e.segment.value) factor *= e.factor;
        }
      }
      let v = BASE_LCP_MS * factor * minuteFactor * Math.exp(WITHIN_SIGMA * rng.normal());
      // Heavy tail: a few page views stall (third parties, cold caches).
      if (rng.uniform() < 0.03) v *= Math.exp(Math.abs(rng.normal()));
      v = Math.round(v);
      if (!full) {
        allSketch.add(v);
        continue;
      }
      // As the collector does: one bucket computation for the route and its segments.
      segmentSketches.length = 0;
      segmentSketches.push(
        sketchOf(c.key!, 'country', c.name),
        sketchOf(DEVICE_KEYS[device], 'device', device),
        sketchOf(OS_KEYS[os], 'os', os),
        sketchOf(BROWSER_KEYS[browser], 'browser', browser),
        sketchOf(CONNECTION_KEYS[conn], 'connection', CONNECTIONS[conn]),
        sketchOf(release === 'v1' ? 'release=v1' : `release=${release}`, 'release', release),
      );
      allSketch.addToEach(v, segmentSketches);
    }
    // clone() keeps only the used buckets: a week of minutes stays in memory.
    return [...sketches.values()].filter((e) => e.sketch.count > 0).map((e) => ({ minute: m, segment: { ...e.segment }, sketch: e.sketch.clone() }));
  }

  /**
   * Short backend hiccups: one 10-minute slot in 30 has a 1-3 minute slowdown of 20-60% at a
   * random offset. Blips, never back to back: a longer slowdown would be a real incident.
   */
  private burst(m: number): number {
    const slot = Math.floor(m / (10 * MINUTE));
    const code = this.burstCode(slot);
    // Never back to back: a slot right after a slot with a hiccup has none (two hiccups minutes
    // apart are one 10-minute slowdown, a real incident, not a blip).
    if (code === 0 || this.burstCode(slot - 1) !== 0) return 1;
    const len = Math.floor(code % 10);
    const start = Math.floor(code / 10);
    const minuteInSlot = (m - slot * 10 * MINUTE) / MINUTE;
    return minuteInSlot >= start && minuteInSlot < start + len ? 1.2 + 4 * (code % 1) : 1;
  }

  private burstCode(slot: number): number {
    return this.draw('burst', slot, (r) => (r.uniform() < 1 / 30 ? 1 + Math.floor(r.uniform() * 3) + 10 * Math.floor(r.uniform() * 7) + r.uniform() / 10 : 0));
  }
}

import { describe, expect, it } from 'vitest';
import { QuantileSketch } from '@parallax/sketch';
import { detectRum, RumResult, RumState } from './rum-detect';
import { rumRanges } from './rum-data';
import { blockBootstrapLogSe, buildWindows, orderStatsCache, testUnit } from './rum-test';
import { COUNTRY, DAY, DEVICE, loadSeries, MIN, RumSource, T0, testConfig } from './spec-helpers';
import { mulberry32 } from './stats';
import type { DetectConfig } from './config';

/** Ticks detectRum every minute from `from` to `to` like the server, returning every result. */
function run(source: RumSource, cfg: DetectConfig, from: number, to: number, state?: RumState): RumResult[] {
  const out: RumResult[] = [];
  for (let now = from; now <= to; now += MIN) {
    const r = detectRum({ route: '/p', metric: 'lcp', rollups: loadSeries(source, cfg, now, state) }, cfg, now, state);
    state = JSON.parse(JSON.stringify(r.state)) as RumState;
    out.push(r);
  }
  return out;
}

const history = T0 - 3 * DAY - 60 * MIN;

describe('detectRum', () => {
  const cfg = testConfig();

  it('stays quiet without a change', () => {
    const source = new RumSource({ seed: 1, perMinute: 60, fromMs: history, dims: [COUNTRY, DEVICE] });
    const results = run(source, cfg, T0, T0 + 90 * MIN);
    expect(results.every((r) => r.status === 'ok')).toBe(true);
    const last = results[results.length - 1];
    expect(last.evidence.baselineMode).toBe('same_window');
    expect(last.evidence.baselineDays).toBe(3);
    expect(Math.abs(last.evidence.changePct!)).toBeLessThan(8);
    expect(last.evidence.minDetectableChangePct).toBeGreaterThanOrEqual(10);
  });

  it('reports a 40% step after two ticks, with a CI that excludes zero', () => {
    const onset = T0 + 30 * MIN;
    const source = new RumSource({ seed: 2, perMinute: 60, fromMs: history, dims: [COUNTRY, DEVICE], effect: (m) => (m >= onset ? 1.4 : 1) });
    const results = run(source, cfg, T0, onset + 30 * MIN);
    const first = results.findIndex((r) => r.status === 'regressed');
    expect(first).toBeGreaterThan(30);
    const opened = results[first];
    // Persistence: the tick before already had a candidate but did not report it.
    expect(results[first - 1].status).toBe('ok');
    expect(results[first - 1].state.streak).toBeGreaterThanOrEqual(1);
    expect(opened.evidence.changePct).toBeGreaterThan(20);
    expect(opened.evidence.ciLow).toBeGreaterThan(0);
    expect(opened.evidence.ciHigh).toBeGreaterThan(opened.evidence.changePct!);
    expect(opened.scope).toBe('broad');
    expect(Math.abs(opened.onsetAt! - onset)).toBeLessThanOrEqual(3 * MIN);
    // It stays reported while the step lasts.
    expect(results.slice(first).every((r) => r.status === 'regressed')).toBe(true);
  });

  it('does not open on a 3-minute blip on top of a small rise, and would without the blip rule', () => {
    const rise = T0 + 30 * MIN;
    const blipFrom = T0 + 36 * MIN;
    // A 6% rise (below the practical threshold) with a 3-minute backend hiccup of +45% on top.
    const effect = (m: number) => (m >= blipFrom && m < blipFrom + 3 * MIN ? 1.45 : 1) * (m >= rise ? 1.06 : 1);
    const source = new RumSource({ seed: 12, perMinute: 400, fromMs: history, dims: [COUNTRY, DEVICE], effect });
    const results = run(source, cfg, T0, T0 + 60 * MIN);
    expect(results.some((r) => r.status === 'regressed')).toBe(false);
    const noRule = testConfig({ rum: { blipMinutes: 0 } });
    const without = run(new RumSource({ seed: 12, perMinute: 400, fromMs: history, dims: [COUNTRY, DEVICE], effect }), noRule, T0, T0 + 60 * MIN);
    expect(without.some((r) => r.status === 'regressed')).toBe(true);
  });

  it('still opens on a step that moves every minute', () => {
    const onset = T0 + 30 * MIN;
    const source = new RumSource({ seed: 12, perMinute: 100, fromMs: history, dims: [COUNTRY, DEVICE], effect: (m) => (m >= onset ? 1.25 : 1) });
    const results = run(source, cfg, T0, onset + 20 * MIN);
    const first = results.findIndex((r) => r.status === 'regressed');
    expect(first).toBeGreaterThan(30);
    expect(T0 + first * MIN - onset).toBeLessThanOrEqual(12 * MIN);
  });

  it('ignores a change below the practical threshold', () => {
    const onset = T0 + 10 * MIN;
    const source = new RumSource({ seed: 3, perMinute: 400, fromMs: history, dims: [DEVICE], effect: (m) => (m >= onset ? 1.04 : 1) });
    const results = run(source, cfg, T0, onset + 70 * MIN);
    expect(results.some((r) => r.status === 'regressed')).toBe(false);
    const last = results[results.length - 1].evidence;
    expect(last.changePct).toBeGreaterThan(1);
  });

  it('respects the absolute floor of the metric', () => {
    // INP p75 of about 105 ms: +18% is 19 ms, under the 25 ms floor.
    const onset = T0 + 10 * MIN;
    const source = new RumSource({ seed: 4, perMinute: 300, median: 70, fromMs: history, dims: [DEVICE], effect: (m) => (m >= onset ? 1.18 : 1) });
    let state: RumState | undefined;
    let regressed = false;
    let last: RumResult | undefined;
    for (let now = T0; now <= onset + 40 * MIN; now += MIN) {
      const r = detectRum({ route: '/p', metric: 'inp', rollups: loadSeries(source, cfg, now, state) }, cfg, now, state);
      state = r.state;
        regressed ||= r.status === 'regressed';
      last = r;
    }
    expect(regressed).toBe(false);
    expect(last!.evidence.changePct).toBeGreaterThan(10);
  });

  it('says "insufficient" with the smallest change it could see when traffic is thin', () => {
    const source = new RumSource({ seed: 5, perMinute: 1, fromMs: history, dims: [DEVICE] });
    const [r] = run(source, testConfig({ rum: { minBaselineSamples: 100 } }), T0, T0);
    expect(r.status).toBe('insufficient');
    expect(r.evidence.minDetectableChangePct).toBeGreaterThan(10);
  });

  it('falls back to the trailing day without history', () => {
    const source = new RumSource({ seed: 6, perMinute: 60, fromMs: T0 - 6 * 60 * MIN, dims: [DEVICE] });
    const results = run(source, cfg, T0, T0 + 2 * MIN);
    expect(results[results.length - 1].evidence.baselineMode).toBe('trailing');
    expect(results[results.length - 1].status).toBe('ok');
  });

  it('is deterministic and asks only for the data it needs', () => {
    const onset = T0 + 5 * MIN;
    const source = new RumSource({ seed: 7, perMinute: 60, fromMs: history, dims: [DEVICE], effect: (m) => (m >= onset ? 1.5 : 1) });
    const a = run(source, cfg, T0, onset + 15 * MIN);
    const b = run(source, cfg, T0, onset + 15 * MIN);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const ranges = rumRanges(cfg, T0 + MIN, a[0].state);
    expect(ranges).toHaveLength(1);
    expect(ranges[0].toMs - ranges[0].fromMs).toBe(60 * MIN);
  });

  it('uses today\'s level so a slower day does not read as a regression', () => {
    const slowDay = (m: number) => (m >= T0 - 6 * 60 * MIN ? 1.08 : 1);
    const source = new RumSource({ seed: 8, perMinute: 80, fromMs: history, dims: [DEVICE], effect: slowDay });
    const withLevel = testConfig({ rum: { levelWindowMinutes: 180 } });
    const [r] = run(source, withLevel, T0, T0);
    expect(r.evidence.levelPct).toBeGreaterThan(4);
    expect(Math.abs(r.evidence.changePct!)).toBeLessThan(6);
  });
});

describe('block bootstrap', () => {
  function window(minutes: Map<number, QuantileSketch>, now: number) {
    return buildWindows(minutes, [10], now, 1)[0];
  }
  function minuteOf(values: number[]): QuantileSketch {
    const s = new QuantileSketch();
    for (const v of values) s.add(v);
    return s;
  }
  const rng = mulberry32(1);
  const steady = (i: number) => Array.from({ length: 50 }, (_, k) => 800 + ((k * 37 + i * 11) % 50) * 16);
  const now = 1000 * MIN;

  it('widens the error when a few minutes are much slower (a burst)', () => {
    const calm = new Map<number, QuantileSketch>();
    const burst = new Map<number, QuantileSketch>();
    for (let i = 0; i < 10; i++) {
      const m = now / MIN - 1 - i;
      calm.set(m, minuteOf(steady(i)));
      burst.set(m, minuteOf(steady(i).map((v) => (i < 3 ? v * 1.8 : v))));
    }
    const seCalm = blockBootstrapLogSe(window(calm, now), 200, rng, 1, orderStatsCache()).se;
    const seBurst = blockBootstrapLogSe(window(burst, now), 200, rng, 1, orderStatsCache()).se;
    expect(seBurst).toBeGreaterThan(2 * seCalm);
  });

  it('keeps a burst from passing as a significant change while the analytic error would not', () => {
    const burst = new Map<number, QuantileSketch>();
    for (let i = 0; i < 10; i++) burst.set(now / MIN - 1 - i, minuteOf(steady(i).map((v) => (i < 3 ? v * 1.8 : v))));
    const cfg = testConfig().rum;
    const args = {
      key: 'all',
      segment: { dim: 'all' as const, value: '' },
      window: window(burst, now),
      baseline: { n: 20_000, p75: 1_000, logSlope: 1 },
      isNew: false,
      minCurrent: 100,
      minBaseline: 100,
      blockSd: 0.01,
      zCrit: 4,
      cfg,
      metric: 'lcp' as const,
      offset: 1,
      rng: mulberry32(2),
      orderStats: orderStatsCache(),
    };
    const analytic = testUnit({ ...args, allowBootstrap: false });
    const boot = testUnit({ ...args, allowBootstrap: true });
    expect(analytic.practical).toBe(true);
    expect(analytic.z).toBeGreaterThan(4);
    expect(boot.bootstrapped).toBe(true);
    expect(boot.z).toBeLessThan(analytic.z * 0.75);
  });
});

import { describe, expect, it } from 'vitest';
import { QuantileSketch } from '@parallax/sketch';
import { detectRum, RumResult, RumState, segmentThreshold } from './rum-detect';
import { computeBaseline, indexRollups, rumRanges } from './rum-data';
import { blockBootstrapLogSe, buildWindows, excessOverRest, orderStatsCache, survivesBlip, testUnit, UnitTest } from './rum-test';
import { summarize, trimmedLog } from './dist';
import { COUNTRY, DAY, DEVICE, loadSeries, MIN, RumSource, T0, testConfig } from './spec-helpers';
import { mulberry32, normalQuantile, normalUpperTail } from './stats';
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

describe('blip and local rise rules', () => {
  // Noise-free minutes: 50 values at the quantiles of a log-normal (median 1000 ms, sigma 0.45).
  const shape = Array.from({ length: 50 }, (_, k) => Math.exp(0.45 * normalQuantile((k + 0.5) / 50)));
  const minuteOf = (factor: number) => {
    const s = new QuantileSketch();
    for (const x of shape) s.add(Math.round(1000 * factor * x));
    return s;
  };
  const now = 10_000 * MIN;
  const rc = testConfig().rum;
  const baselineSketch = new QuantileSketch();
  for (let i = 0; i < 60; i++) baselineSketch.merge(minuteOf(1));
  const b = summarize(baselineSketch, 0);
  const baseline = { n: b.n, p75: b.p75, logSlope: b.logSlope, trim: trimmedLog(b) };

  /** The 10-minute test and the rules' verdicts for an hour whose minute i (0 = newest) is factor(i) slower. */
  function judge(factor: (minutesAgo: number) => number) {
    const minutes = new Map<number, QuantileSketch>();
    for (let i = 0; i < 60; i++) minutes.set(now / MIN - 1 - i, minuteOf(factor(i)));
    const [short, long] = buildWindows(minutes, [10, 60], now, 0);
    const t = testUnit({
      key: 'all',
      segment: { dim: 'all', value: '' },
      window: short,
      baseline,
      isNew: false,
      minCurrent: 100,
      minBaseline: 100,
      blockSd: 0.015,
      zCrit: 5,
      cfg: rc,
      metric: 'lcp',
      offset: 0,
      rng: mulberry32(1),
      allowBootstrap: false,
      orderStats: orderStatsCache(),
    });
    const earlier = QuantileSketch.mergeAll(long.minutes.filter((m) => m.minute < short.fromMs).map((m) => m.sketch));
    return {
      t,
      blipOnly: survivesBlip(t, short, rc.blipMinutes, rc, 'lcp', 0),
      withRise: survivesBlip(t, short, rc.blipMinutes, rc, 'lcp', 0, earlier),
      // As the detector calls it: with the window's own threshold for a hiccup.
      full: survivesBlip(t, short, rc.blipMinutes, rc, 'lcp', 0, earlier, 5),
    };
  }

  it('turns down a hiccup after minutes barely slower than the hour before them, which the blip rule alone lets through', () => {
    // The hour is 7% slower than the baseline, its last 7 minutes before a 3-minute +50% hiccup 14%.
    const { t, blipOnly, withRise } = judge((i) => (i < 3 ? 1.5 : i < 10 ? 1.14 : 1.07));
    expect(t.practical).toBe(true);
    expect(t.evidenceZ).toBeGreaterThan(5);
    expect(blipOnly).toBe(true);
    expect(withRise).toBe(false);
  });

  it('lets a 20% step through that started 8 minutes ago', () => {
    const { t, blipOnly, withRise, full } = judge((i) => (i < 8 ? 1.2 : 1));
    expect(t.evidenceZ).toBeGreaterThan(5);
    expect(blipOnly).toBe(true);
    expect(withRise).toBe(true);
    expect(full).toBe(true);
  });

  it('does not take a step that started 6 minutes ago for a hiccup', () => {
    // Its slowest minutes are much worse than the rest of the window (4 of whose minutes are
    // from before the step), but not than the minutes after them.
    const { t, withRise, full } = judge((i) => (i < 6 ? 1.4 : 1));
    expect(t.evidenceZ).toBeGreaterThan(5);
    expect(withRise).toBe(true);
    expect(full).toBe(true);
  });

  it('makes slow minutes around a hiccup pass the full test without it', () => {
    // An ordinary hour; in its last 10 minutes 7 are 16% slower by chance and 3 are a +45% hiccup.
    const { t, withRise, full } = judge((i) => (i >= 5 && i < 8 ? 1.45 : i < 10 ? 1.16 : 1));
    expect(t.practical).toBe(true);
    expect(t.evidenceZ).toBeGreaterThan(5);
    // Without the hiccup the minutes still rise from the hour before (z above 3) and clear the
    // blip rule's 3.5, but not the window's own 5.
    expect(withRise).toBe(true);
    expect(full).toBe(false);
  });

  it('turns down a lone hiccup in either case', () => {
    const { t, blipOnly, withRise, full } = judge((i) => (i >= 4 && i < 7 ? 1.6 : 1));
    expect(t.practical).toBe(true);
    expect(blipOnly).toBe(false);
    expect(withRise).toBe(false);
    expect(full).toBe(false);
  });
});

describe('a segment against the rest of the route', () => {
  /** The fields excessOverRest reads: shift, its error and the baseline side of it, counts. */
  const unit = (o: { log: number; n: number; nBase: number; isNew?: boolean }): UnitTest =>
    ({
      testable: true,
      isNew: o.isNew ?? false,
      nCurrent: o.n,
      nBaseline: o.nBase,
      evidenceLog: o.log,
      // Current side: winsorized sd 0.5 over n values; the baseline side adds the day's level and spread (0.02).
      evidenceSe: Math.hypot(0.5 / (0.8 * Math.sqrt(o.n)), 0.02),
      evidenceOtherSe: 0.02,
      baseTrim: { mean: 7.5, sd: 0.5 },
    }) as UnitTest;

  it('does not single out the biggest country when everyone is 10% slower', () => {
    // The route +10.6% over an hour of 2981 page views, its US share (18%) +17%: chance on top of everyone's change.
    const x = excessOverRest(unit({ log: 0.158, n: 551, nBase: 3862 }), unit({ log: 0.101, n: 2981, nBase: 20591 }))!;
    expect(x.log).toBeCloseTo(0.07, 2);
    expect(x.z).toBeLessThan(3);
  });

  it('singles out a country that got 40% slower while the rest did not', () => {
    // BR is 14% of the route: the route moves by about a seventh of BR's change.
    const x = excessOverRest(unit({ log: Math.log(1.4), n: 420, nBase: 2900 }), unit({ log: 0.047, n: 3000, nBase: 20000 }))!;
    expect(x.log).toBeGreaterThan(0.3);
    expect(x.z).toBeGreaterThan(8);
  });

  it('compares a new release with the old ones without counting the shared baseline twice', () => {
    const seg = unit({ log: 0.2, n: 300, nBase: 20000, isNew: true });
    const all = unit({ log: 0.03, n: 3000, nBase: 20000 });
    const asNew = excessOverRest(seg, all)!;
    const asOld = excessOverRest({ ...seg, isNew: false }, all)!;
    expect(asNew.log).toBeCloseTo(asOld.log, 10);
    expect(asNew.z).toBeGreaterThan(asOld.z);
  });

  it('sets a segment against the route of its own baseline vintage when given', () => {
    const seg = unit({ log: 0.2, n: 300, nBase: 2000 });
    const all = unit({ log: 0.05, n: 3000, nBase: 20000 });
    const fresh = excessOverRest(seg, all)!;
    // The route's baseline as of the segments' refresh was 3% higher: the route's shift against it is 0.02.
    const sameVintage = excessOverRest(seg, all, 0.02)!;
    expect(sameVintage.log - fresh.log).toBeCloseTo(0.03 / (1 - 0.1), 10);
    expect(sameVintage.z).toBeGreaterThan(fresh.z);
  });

  it('says nothing about a segment that is the whole route, or without the trimmed evidence', () => {
    const all = unit({ log: 0.1, n: 3000, nBase: 20000 });
    expect(excessOverRest(unit({ log: 0.1, n: 2900, nBase: 19000 }), all)).toBeNull();
    expect(excessOverRest({ ...unit({ log: 0.3, n: 300, nBase: 2000 }), baseTrim: undefined }, all)).toBeNull();
  });
});

describe('segment threshold and baseline', () => {
  it('counts crossings of the hour window at every scan, not one look per window', () => {
    const rc = testConfig().rum;
    const { z, alpha } = segmentThreshold(rc, 20);
    // Half the budget per week, Bonferroni over 20 segments: one look per hour window allows
    // many more false alarms; independent looks at every scan would be a little stricter than
    // needed (consecutive scans share 55 of 60 minutes).
    const lookEvery = (minutes: number) => normalQuantile(1 - ((rc.falseAlarmsPerWeek / 2) * minutes) / (7 * rc.dayMinutes) / 20);
    expect(z).toBeGreaterThan(lookEvery(60) + 0.4);
    expect(z).toBeLessThan(lookEvery(rc.segmentScanEveryMinutes));
    expect(z).toBeGreaterThan(5);
    expect(alpha).toBeCloseTo(20 * normalUpperTail(z), 12);
    // More segments or more frequent scans: a higher bar.
    expect(segmentThreshold(rc, 40).z).toBeGreaterThan(z);
    expect(segmentThreshold({ ...rc, segmentScanEveryMinutes: 1 }, 20).z).toBeGreaterThan(z);
  });

  it("measures a segment's between-day spread on its trimmed mean, and keeps the route of the segments' vintage", () => {
    const cfg = testConfig({ rum: { baselineDays: 5 } }).rum;
    // BR's days alternate 15% slower and faster; the route barely moves.
    // Days counted back from 6 hours after T0, so each baseline window lies within one of them.
    const dayOf = (m: number) => Math.floor((T0 + 6 * 60 * MIN - m) / DAY);
    const source = new RumSource({
      seed: 7,
      perMinute: 80,
      fromMs: T0 - 6 * DAY,
      dims: [COUNTRY],
      effect: (m, a) => (a.country === 'BR' ? (dayOf(m) % 2 ? 1.15 : 0.87) : 1),
    });
    const index = indexRollups(source.rollupsIn([{ fromMs: T0 - 6 * DAY, toMs: T0, segments: true }]));
    const b = computeBaseline(index, cfg, T0, 1, undefined, undefined, true);
    const br = b.segments['country=BR'];
    expect(br.trimBlockSd).toBeGreaterThan(0.08);
    expect(b.segments['country=US'].trimBlockSd).toBeLessThan(0.04);
    expect(b.routeAtSegments).toBeCloseTo(trimmedLog(b.segments.all).mean, 12);
    // A refresh of the route alone keeps the segments and their route.
    const later = computeBaseline(index, cfg, T0 + 15 * MIN, 1, undefined, b, false);
    expect(later.segments['country=BR']).toEqual(br);
    expect(later.routeAtSegments).toBe(b.routeAtSegments);
  });
});

import { QuantileSketch } from '@parallax/sketch';
import { describe, expect, it } from 'vitest';
import { baselineWindows, changePct, segmentRows, sparklineP75, vitalShares } from './vital-views';

function sketchOf(values: number[]): QuantileSketch {
  const s = new QuantileSketch();
  for (const v of values) s.add(v);
  return s;
}

describe('vital views', () => {
  it('splits page views at the Core Web Vitals thresholds', () => {
    // LCP: 60 good (<= 2.5 s), 30 needs improvement, 10 poor (> 4 s)
    const values = [...Array(60).fill(1200), ...Array(30).fill(3000), ...Array(10).fill(6000)];
    const shares = vitalShares('lcp', sketchOf(values))!;
    expect(shares.good).toBeCloseTo(0.6, 5);
    expect(shares.needsImprovement).toBeCloseTo(0.3, 5);
    expect(shares.poor).toBeCloseTo(0.1, 5);
    expect(vitalShares('cls', sketchOf([0, 0, 0.05, 0.3]))!.good).toBeCloseTo(0.75, 5);
    expect(vitalShares('lcp', new QuantileSketch())).toBeNull();
  });

  it('draws gaps as null, not zero', () => {
    const from = Date.UTC(2026, 0, 1);
    const rows = [
      { minute: from, count: 1, sketch: sketchOf([100]) },
      { minute: from + 2 * 60_000, count: 1, sketch: sketchOf([300]) },
    ];
    const line = sparklineP75(rows, from, from + 3 * 60_000, 1);
    expect(line).toHaveLength(3);
    expect(line[0]).toBeCloseTo(100, -1);
    expect(line[1]).toBeNull();
    expect(line[2]).toBeCloseTo(300, -1);
  });

  it('breaks a route down per segment value with share, p75 and change against the baseline', () => {
    const current = [
      { dim: 'browser' as const, value: 'safari 18', count: 30, sketch: sketchOf(Array(30).fill(4000)) },
      { dim: 'browser' as const, value: 'chrome 130', count: 70, sketch: sketchOf(Array(70).fill(2000)) },
      { dim: 'country' as const, value: 'BR', count: 100, sketch: sketchOf(Array(100).fill(2000)) },
    ];
    const baseline = [{ dim: 'browser' as const, value: 'safari 18', count: 300, sketch: sketchOf(Array(300).fill(2000)) }];
    const rows = segmentRows('browser', current, baseline, 100);
    expect(rows.map((r) => r.segment)).toEqual(['browser:chrome 130', 'browser:safari 18']);
    expect(rows[0].share).toBeCloseTo(0.7);
    expect(rows[0].changePct).toBeNull();
    expect(rows[1].changePct!).toBeGreaterThan(90);
    expect(rows[1].changePct!).toBeLessThan(110);
  });

  it('uses the same hours of previous days up to a day, else the window before', () => {
    const h = 3_600_000;
    expect(baselineWindows(10 * h, 11 * h, 2)).toEqual({
      mode: 'previous_days',
      windows: [
        { fromMs: -14 * h, toMs: -13 * h },
        { fromMs: -38 * h, toMs: -37 * h },
      ],
    });
    expect(baselineWindows(0, 48 * h)).toEqual({ mode: 'prior_window', windows: [{ fromMs: -48 * h, toMs: 0 }] });
    expect(changePct(120, 100)).toBeCloseTo(20);
    expect(changePct(120, null)).toBeNull();
  });
});

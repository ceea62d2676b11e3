import { describe, expect, it } from 'vitest';
import { detectRum, RumResult, RumState } from './rum-detect';
import { COUNTRY, DAY, DEVICE, DimSpec, loadSeries, MIN, RumSource, T0, testConfig } from './spec-helpers';
import { mixtureLogQuantile, summarize } from './dist';
import { QuantileSketch } from '@parallax/sketch';

const cfg = testConfig();
const history = T0 - 3 * DAY - 60 * MIN;

function run(source: RumSource, from: number, to: number): RumResult[] {
  let state: RumState | undefined;
  const out: RumResult[] = [];
  for (let now = from; now <= to; now += MIN) {
    const r = detectRum({ route: '/p', metric: 'lcp', rollups: loadSeries(source, cfg, now, state) }, cfg, now, state);
    state = r.state;
    out.push(r);
  }
  return out;
}

const RELEASE_V1: DimSpec = { dim: 'release', values: [{ value: 'v1', share: 1, factor: 1 }, { value: 'v2', share: 0, factor: 1 }] };

describe('segment attribution', () => {
  it('names the one country that got slower and scopes the incident to it', () => {
    const onset = T0 + 20 * MIN;
    const source = new RumSource({
      seed: 11,
      perMinute: 100,
      fromMs: history,
      dims: [COUNTRY, DEVICE],
      effect: (m, a) => (m >= onset && a.country === 'BR' ? 1.6 : 1),
    });
    const results = run(source, T0, onset + 60 * MIN);
    const opened = results.find((r) => r.status === 'regressed');
    expect(opened).toBeDefined();
    expect(opened!.scope).toBe('segment');
    const top = opened!.segments[0];
    expect(`${top.dim}=${top.value}`).toBe('country=BR');
    expect(top.carries).toBe(true);
    // BR is +60%; the incident opens while much of its hour is still from before the onset.
    expect(opened!.at - onset).toBeLessThanOrEqual(25 * MIN);
    expect(top.changePct).toBeGreaterThan(20);
    expect(top.restChangePct!).toBeLessThan(8);
    expect(top.qValue).toBeLessThan(1e-4);
    // The segment's verdict rests on its typical page view (trimmed mean of logs), like the route's.
    expect(opened!.evidence.segment).toEqual({ dim: 'country', value: 'BR' });
    expect(opened!.evidence.ciOf).toBe('shift');
    expect(opened!.evidence.shiftPct).toBeGreaterThan(15);
    expect(opened!.evidence.ciLow).toBeGreaterThan(0);
    // Device segments inherit a little of BR's slowdown but do not carry it.
    expect(opened!.segments.filter((s) => s.dim === 'device').every((s) => !s.carries)).toBe(true);
  });

  it('tells a traffic-mix change apart from users getting slower', () => {
    const onset = T0 + 20 * MIN;
    // India (the slowest country) grows from 15% to 60% of traffic; nobody gets slower.
    const source = new RumSource({
      seed: 12,
      perMinute: 100,
      fromMs: history,
      dims: [COUNTRY, DEVICE],
      shares: (m, dim) => (dim === 'country' && m >= onset ? [0.2, 0.1, 0.6, 0.1] : undefined),
    });
    const results = run(source, T0, onset + 60 * MIN);
    expect(results.some((r) => r.status === 'regressed')).toBe(false);
    const mix = results.map((r) => r.mixChange).find((m) => m !== null);
    expect(mix).toBeDefined();
    expect(mix!.dim).toBe('country');
    expect(mix!.drivers[0].value).toBe('IN');
    expect(mix!.aggregateChangePct).toBeGreaterThan(10);
    expect(Math.abs(mix!.withinChangePct)).toBeLessThan(6);
  });

  it('blames a new release rolled out to part of the traffic', () => {
    const onset = T0 + 20 * MIN;
    const source = new RumSource({
      seed: 13,
      perMinute: 100,
      fromMs: history,
      dims: [RELEASE_V1, DEVICE],
      shares: (m, dim) => (dim === 'release' && m >= onset ? [0.4, 0.6] : undefined),
      effect: (_m, a) => (a.release === 'v2' ? 1.5 : 1),
    });
    const results = run(source, T0, onset + 60 * MIN);
    const opened = results.find((r) => r.status === 'regressed');
    expect(opened).toBeDefined();
    expect(opened!.mixChange).toBeNull();
    const top = opened!.segments[0];
    expect(`${top.dim}=${top.value}`).toBe('release=v2');
    expect(top.isNew).toBe(true);
    expect(top.carries).toBe(true);
  });

  it('calls a change everyone sees broad, with no carrier', () => {
    const onset = T0 + 20 * MIN;
    const source = new RumSource({ seed: 14, perMinute: 100, fromMs: history, dims: [COUNTRY, DEVICE], effect: (m) => (m >= onset ? 1.35 : 1) });
    const opened = run(source, T0, onset + 30 * MIN).find((r) => r.status === 'regressed');
    expect(opened).toBeDefined();
    expect(opened!.scope).toBe('broad');
    expect(opened!.segments.some((s) => s.carries)).toBe(false);
  });
});

describe('mixture quantiles', () => {
  it('recovers the p75 of a merged population from the summaries', () => {
    const a = new QuantileSketch();
    const b = new QuantileSketch();
    for (let i = 1; i <= 3000; i++) a.add(i);
    for (let i = 1; i <= 1000; i++) b.add(5000 + i);
    const merged = QuantileSketch.mergeAll([a, b]);
    const q = mixtureLogQuantile(
      [
        { weight: 3, dist: summarize(a, 1) },
        { weight: 1, dist: summarize(b, 1) },
      ],
      0.75,
    );
    expect(Math.exp(q) - 1).toBeGreaterThan(merged.quantile(0.75) * 0.95);
    expect(Math.exp(q) - 1).toBeLessThan(merged.quantile(0.75) * 1.05);
  });
});

import { describe, expect, it } from 'vitest';
import { detectSynthetic, SyntheticResult, SyntheticState, syntheticRange } from './synthetic';
import { MIN, syntheticRuns, T0, testConfig } from './spec-helpers';
import type { SyntheticRun } from './types';

const cfg = testConfig();
const LOCS = ['eu-west', 'us-east', 'ap-south'];

/** Ticks the detector every minute over [from, to], loading runs like the server. */
function run(runs: SyntheticRun[], from: number, to: number): SyntheticResult[] {
  let state: SyntheticState | undefined;
  const out: SyntheticResult[] = [];
  for (let now = from; now <= to; now += MIN) {
    const range = syntheticRange(cfg, now, state);
    const r = detectSynthetic(runs.filter((x) => x.at >= range.fromMs && x.at < range.toMs), cfg, now, state);
    state = JSON.parse(JSON.stringify(r.state)) as SyntheticState;
    out.push(r);
  }
  return out;
}

/** The series status of one tick with other settings, the runs loaded like the server would. */
function statusAt(runs: SyntheticRun[], settings: typeof cfg, now: number): string {
  const range = syntheticRange(settings, now);
  return detectSynthetic(runs.filter((x) => x.at >= range.fromMs && x.at < range.toMs), settings, now).series[0].status;
}

describe('detectSynthetic', () => {
  const from = T0 - 8 * 60 * MIN;

  it('does not call one slow run an incident', () => {
    const runs = syntheticRuns({ seed: 1, fromMs: from, toMs: T0 + 60 * MIN, locations: LOCS, factor: (at, l) => (l === 'eu-west' && Math.abs(at - (T0 + 20 * MIN)) < MIN ? 3 : 1) });
    const results = run(runs, T0, T0 + 60 * MIN);
    expect(results.every((r) => r.series[0].status === 'ok')).toBe(true);
  });

  it('makes a slowdown seen at every location global', () => {
    const onset = T0 + 10 * MIN;
    const runs = syntheticRuns({ seed: 2, fromMs: from, toMs: T0 + 60 * MIN, locations: LOCS, factor: (at) => (at >= onset ? 1.3 : 1) });
    const results = run(runs, T0, T0 + 60 * MIN);
    const hit = results.find((r) => r.series[0].status === 'regressed')!;
    expect(hit).toBeDefined();
    expect(hit.series[0].scope).toBe('global');
    expect(hit.series[0].regressedLocations.length).toBeGreaterThanOrEqual(2);
    expect(results[results.length - 1].series[0].regressedLocations).toEqual([...LOCS].sort());
    expect(hit.series[0].changePct).toBeGreaterThan(20);
    expect(Math.abs(hit.series[0].onsetAt! - onset)).toBeLessThanOrEqual(6 * MIN);
    // Detected within a few runs, not at the first slow one.
    expect(hit.series[0].at - onset).toBeGreaterThanOrEqual(10 * MIN);
    expect(hit.series[0].at - onset).toBeLessThanOrEqual(30 * MIN);
  });

  it('keeps a slowdown at one location local to it', () => {
    const onset = T0 + 10 * MIN;
    const runs = syntheticRuns({ seed: 3, fromMs: from, toMs: T0 + 60 * MIN, locations: LOCS, factor: (at, l) => (at >= onset && l === 'ap-south' ? 1.4 : 1) });
    const results = run(runs, T0, T0 + 60 * MIN);
    const hit = results.find((r) => r.series[0].status === 'regressed')!;
    expect(hit.series[0].scope).toBe('local');
    expect(hit.series[0].regressedLocations).toEqual(['ap-south']);
  });

  it('does not call a 14% slowdown at one location alone a regression, though it would be one at two', () => {
    const onset = T0 + 10 * MIN;
    const runs = syntheticRuns({ seed: 13, fromMs: from, toMs: T0 + 60 * MIN, locations: LOCS, sigma: 0.02, factor: (at, l) => (at >= onset && l === 'ap-south' ? 1.14 : 1) });
    expect(run(runs, T0, T0 + 60 * MIN).every((r) => r.series[0].status === 'ok')).toBe(true);
    // The local threshold is what holds it back.
    const loose = { ...cfg, synthetic: { ...cfg.synthetic, localMinEffectPct: 10 } };
    expect(statusAt(runs, loose, T0 + 60 * MIN)).toBe('regressed');
  });

  it('needs every recent run slow before one location alone regresses', () => {
    // Three of six recent runs at one location are very slow, the others normal.
    const slow = new Set([T0 + 15 * MIN, T0 + 25 * MIN, T0 + 35 * MIN]);
    const runs = syntheticRuns({ seed: 4, fromMs: from, toMs: T0 + 41 * MIN, locations: LOCS, factor: (at, l) => (l === 'eu-west' && slow.has(at) ? 2.5 : 1) });
    const results = run(runs, T0 + 36 * MIN, T0 + 40 * MIN);
    const eu = results[results.length - 1].series[0].locations.find((l) => l.location === 'eu-west')!;
    expect(eu.changePct).toBeGreaterThan(50);
    expect(results.every((r) => r.series[0].status === 'ok')).toBe(true);
  });

  it('does not call a few cold-cache runs of very different slowness a local regression', () => {
    // Every recent run at one location is slower by 10% or more, but by 1.1x to 3x: noise on the agent, not a shift.
    const slow = new Map([
      [T0 + 10 * MIN, 2.9],
      [T0 + 15 * MIN, 2.5],
      [T0 + 20 * MIN, 1.13],
      [T0 + 25 * MIN, 1.7],
      [T0 + 30 * MIN, 1.13],
      [T0 + 35 * MIN, 3.1],
      [T0 + 40 * MIN, 1.2],
    ]);
    const runs = syntheticRuns({ seed: 4, fromMs: from, toMs: T0 + 41 * MIN, locations: LOCS, sigma: 0.02, factor: (at, l) => (l === 'eu-west' ? (slow.get(at) ?? 1) : 1) });
    const results = run(runs, T0 + 36 * MIN, T0 + 40 * MIN);
    const eu = results[results.length - 1].series[0].locations.find((l) => l.location === 'eu-west')!;
    expect(eu.changePct).toBeGreaterThan(30);
    expect(eu.robustZ).toBeGreaterThan(cfg.synthetic.localZ);
    expect(results.every((r) => r.series[0].status === 'ok')).toBe(true);
    // It is the spread rule that holds it back: without it the same runs would open.
    const loose = { ...cfg, synthetic: { ...cfg.synthetic, localMaxSpreadRatio: 1000 } };
    expect(statusAt(runs, loose, T0 + 40 * MIN)).toBe('regressed');
  });

  it('reports too few runs as insufficient', () => {
    const runs = syntheticRuns({ seed: 5, fromMs: T0 - 20 * MIN, toMs: T0, locations: LOCS });
    const [r] = run(runs, T0, T0);
    expect(r.series[0].status).toBe('insufficient');
  });
});

describe('failing journeys', () => {
  const from = T0 - 60 * MIN;

  it('ignores one flaky failure', () => {
    const runs = syntheticRuns({ seed: 6, fromMs: from, toMs: T0 + 30 * MIN, locations: LOCS, fails: (at, l) => l === 'us-east' && at === T0 + MIN });
    expect(run(runs, T0, T0 + 30 * MIN).every((r) => r.failures[0].status === 'ok')).toBe(true);
  });

  it('does not page for one location failing alone (k = 2)', () => {
    const runs = syntheticRuns({ seed: 7, fromMs: from, toMs: T0 + 30 * MIN, locations: LOCS, fails: (at, l) => l === 'eu-west' && at >= T0 });
    const last = run(runs, T0, T0 + 30 * MIN).pop()!;
    expect(last.failures[0].consecutiveFailures['eu-west']).toBeGreaterThanOrEqual(5);
    expect(last.failures[0].status).toBe('ok');
  });

  it('opens when two locations fail twice in a row, and holds through one lucky run', () => {
    const onset = T0 + 5 * MIN;
    const lucky = T0 + 25 * MIN;
    const runs = syntheticRuns({
      seed: 8,
      fromMs: from,
      toMs: T0 + 45 * MIN,
      locations: LOCS,
      fails: (at, l) => l !== 'ap-south' && at >= onset && at !== lucky,
    });
    const results = run(runs, T0, T0 + 45 * MIN);
    const first = results.findIndex((r) => r.failures[0].status === 'failing');
    expect(first).toBeGreaterThan(0);
    const f = results[first].failures[0];
    expect(f.failingLocations).toEqual(['eu-west', 'us-east']);
    expect(f.totalLocations).toBe(3);
    expect(f.onsetAt).toBe(onset);
    // The first failure alone (one run per location) was not enough.
    expect(results[first].failures[0].at - onset).toBeGreaterThanOrEqual(5 * MIN);
    expect(results.slice(first).every((r) => r.failures[0].status === 'failing')).toBe(true);
  });

  it('stays failing through two lucky runs in a row and recovers after three passes', () => {
    const onset = T0 + 5 * MIN;
    // Both failing locations pass two runs in a row (eu-west at :25 and :30, us-east a minute later).
    const lucky = new Set([25, 26, 30, 31].map((m) => T0 + m * MIN));
    const fixedAt = T0 + 50 * MIN;
    const runs = syntheticRuns({
      seed: 9,
      fromMs: from,
      toMs: T0 + 80 * MIN,
      locations: LOCS,
      fails: (at, l) => l !== 'ap-south' && at >= onset && at < fixedAt && !lucky.has(at),
    });
    const results = run(runs, T0, T0 + 80 * MIN);
    const first = results.findIndex((r) => r.failures[0].status === 'failing');
    const recovered = results.findIndex((r, i) => i > first && r.failures[0].status === 'ok');
    expect(first).toBeGreaterThan(0);
    // Failing from the first detection until the fix, lucky runs included.
    expect(results.slice(first, (fixedAt - T0) / MIN).every((r) => r.failures[0].status === 'failing')).toBe(true);
    // Recovered only once three runs in a row passed after the fix (runs every 5 minutes).
    expect(T0 + recovered * MIN).toBeGreaterThanOrEqual(fixedAt + 10 * MIN);
    expect(T0 + recovered * MIN).toBeLessThanOrEqual(fixedAt + 16 * MIN);
  });
});

describe('the smallest change a synthetic series can see', () => {
  const from = T0 - 8 * 60 * MIN;
  const at = (runs: SyntheticRun[], now: number) => {
    const range = syntheticRange(cfg, now);
    return detectSynthetic(runs.filter((x) => x.at >= range.fromMs && x.at < range.toMs), cfg, now).series[0];
  };

  it('grows with the noise of the locations and never goes below the practical threshold', () => {
    const quiet = at(syntheticRuns({ seed: 11, fromMs: from, toMs: T0, locations: LOCS, sigma: 0.05 }), T0);
    const noisy = at(syntheticRuns({ seed: 11, fromMs: from, toMs: T0, locations: LOCS, sigma: 0.15 }), T0);
    expect(quiet.status).toBe('ok');
    expect(quiet.minDetectableChangePct).toBeGreaterThanOrEqual(cfg.synthetic.minEffectPct);
    expect(quiet.minDetectableChangePct).toBeLessThan(25);
    expect(noisy.minDetectableChangePct!).toBeGreaterThan(2 * quiet.minDetectableChangePct!);
    expect(quiet.locations.every((l) => l.minDetectableChangePct !== null)).toBe(true);
    // A flat baseline is not noiseless: the practical threshold is the floor.
    const flat = at(syntheticRuns({ seed: 11, fromMs: from, toMs: T0, locations: LOCS, sigma: 0 }), T0);
    expect(flat.minDetectableChangePct).toBe(cfg.synthetic.minEffectPct);
  });

  it('is what a step of about that size at every location gets detected at', () => {
    const reach = at(syntheticRuns({ seed: 12, fromMs: from, toMs: T0, locations: LOCS }), T0).minDetectableChangePct!;
    const step = (factor: number) =>
      run(syntheticRuns({ seed: 12, fromMs: from, toMs: T0 + 60 * MIN, locations: LOCS, factor: (t) => (t >= T0 + 5 * MIN ? factor : 1) }), T0, T0 + 60 * MIN).some(
        (r) => r.series[0].status === 'regressed',
      );
    expect(step(1 + (1.3 * reach) / 100)).toBe(true);
    expect(step(1 + (0.5 * reach) / 100)).toBe(false);
  });

  it('is told for a thin location from its baseline, and is unknown without one', () => {
    // Runs every 20 minutes: too few recent runs to judge, but the baseline says what it could see.
    const thin = at(syntheticRuns({ seed: 13, fromMs: from, toMs: T0, locations: ['local'], intervalMin: 20 }), T0);
    expect(thin.status).toBe('insufficient');
    expect(thin.minDetectableChangePct).toBeGreaterThanOrEqual(cfg.synthetic.localMinEffectPct);
    const fresh = at(syntheticRuns({ seed: 13, fromMs: T0 - 10 * MIN, toMs: T0, locations: ['local'] }), T0);
    expect(fresh.minDetectableChangePct).toBeNull();
  });
});

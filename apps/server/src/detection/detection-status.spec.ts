import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECT_CONFIG, type LocationVerdict, type RumEvidence, type RumResult, type SyntheticSeriesResult } from '@parallax/detect';
import type { DetectStatus } from '@parallax/detect';
import { coverageSummary, detectionMessage, formatPct, formatSignedPct, rumVerdict, syntheticVerdict } from './detection-status';

const RUM = DEFAULT_DETECT_CONFIG.rum;
const SYN = DEFAULT_DETECT_CONFIG.synthetic;

function rum(status: DetectStatus, over: Partial<RumEvidence> = {}): RumResult {
  const evidence: RumEvidence = {
    segment: { dim: 'all', value: '' },
    windowMinutes: 60,
    baselineP75: 2100.123456,
    currentP75: 2150.987654,
    changePct: 2.38461,
    ciLow: -4.04,
    ciHigh: 9.96,
    ciLevelPct: 99.9,
    ciOf: 'p75',
    shiftPct: null,
    pValue: 0.3,
    nBaseline: 5000,
    nCurrent: 800,
    minDetectableChangePct: 12.345,
    baselineMode: 'same_window',
    baselineDays: 7,
    levelPct: 0,
    ...over,
  };
  return { route: '/product/:id', metric: 'lcp', at: 0, status, evidence, scope: null, segments: [], mixChange: null, onsetAt: null, state: { streak: 0, active: false } };
}

function location(name: string, over: Partial<LocationVerdict> = {}): LocationVerdict {
  return {
    location: name, testable: true, nRecent: 6, nBaseline: 40, baselineMedian: 800, recentMedian: 816, changePct: 2, robustZ: 0.4, rankP: 0.4,
    practical: false, regressed: false, onsetAt: null, minDetectableChangePct: 14.26, ...over,
  };
}

function synthetic(status: DetectStatus, locations: LocationVerdict[], changePct: number | null, minDetectableChangePct: number | null = null): SyntheticSeriesResult {
  return { route: '/cart', metric: 'duration', at: 0, status, scope: null, regressedLocations: [], locations, onsetAt: null, changePct, minDetectableChangePct };
}

describe('rumVerdict', () => {
  it('keeps the compact evidence with the sample sizes the detector needed, rounded', () => {
    expect(rumVerdict(rum('ok'), RUM)).toEqual({
      source: 'rum',
      route: '/product/:id',
      metric: 'lcp',
      status: 'ok',
      evidence: {
        nCurrent: 800, minCurrent: 100, nBaseline: 5000, minBaseline: 300, windowMinutes: 60, baselineMode: 'same_window',
        baselineP75: 2100.123, currentP75: 2150.988, changePct: 2.4, ciLow: -4, ciHigh: 10, shiftPct: null, minDetectableChangePct: 12.3,
      },
    });
  });

  it('turns non-finite numbers into null', () => {
    const v = rumVerdict(rum('insufficient', { baselineP75: null, changePct: NaN, minDetectableChangePct: Infinity }), RUM);
    expect(v.evidence).toMatchObject({ baselineP75: null, changePct: null, minDetectableChangePct: null });
  });
});

describe('detectionMessage (real users)', () => {
  it('names the shortfall of the window and the smallest change it could have seen', () => {
    const v = rumVerdict(rum('insufficient', { nCurrent: 37, minDetectableChangePct: 23.4, changePct: null }), RUM);
    expect(detectionMessage(v)).toBe('not enough data: 37 beacons in the last 60 min (needs 100); could detect a change of 23% or more');
  });

  it('says there is no baseline yet, and no detectable change without one', () => {
    const v = rumVerdict(rum('insufficient', { nCurrent: 1, nBaseline: 0, baselineMode: 'none', minDetectableChangePct: null }), RUM);
    expect(detectionMessage(v)).toBe(
      'not enough data: 1 beacon in the last 60 min (needs 100) and no baseline yet (needs 300 earlier beacons); the smallest detectable change is known once there is a baseline',
    );
  });

  it('names a thin baseline when the window itself has enough', () => {
    const v = rumVerdict(rum('insufficient', { nCurrent: 1200, nBaseline: 120, baselineMode: 'trailing', minDetectableChangePct: 31 }), { minSamples: 100, minBaselineSamples: 300 });
    expect(detectionMessage(v)).toBe('not enough data: a baseline of 120 beacons (needs 300); could detect a change of 31% or more');
  });

  it('reads "watching" with the smallest detectable change when it could judge', () => {
    expect(detectionMessage(rumVerdict(rum('ok'), RUM))).toBe('watching: would detect a change of 12% or more');
    expect(detectionMessage(rumVerdict(rum('ok', { minDetectableChangePct: null }), RUM))).toBe('watching');
  });

  it('gives the change and its interval when regressed', () => {
    const v = rumVerdict(rum('regressed', { changePct: 25.2, ciLow: 18.1, ciHigh: 33.4 }), RUM);
    expect(detectionMessage(v)).toBe('regressed: +25% (CI 18%..33%)');
  });

  it('says the interval is of the typical page view when the verdict rests on it', () => {
    const v = rumVerdict(rum('regressed', { changePct: 25.2, ciOf: 'shift', shiftPct: 21.7, ciLow: 12.1, ciHigh: 31.4 }), RUM);
    expect(detectionMessage(v)).toBe('regressed: p75 +25%, typical page view +22% (CI 12%..31%)');
  });
});

describe('syntheticVerdict and its message', () => {
  it('keeps each location with its status and run counts', () => {
    const v = syntheticVerdict(
      synthetic('ok', [location('eu-west', { changePct: 2.345 }), location('local', { testable: false, nRecent: 2, nBaseline: 5, changePct: null, minDetectableChangePct: 31.04 })], 2.345, 31.04),
      SYN,
    );
    expect(v).toMatchObject({ source: 'synthetic', route: '/cart', metric: 'duration', status: 'ok' });
    expect(v.evidence).toEqual({
      changePct: 2.3, minRecentRuns: 4, minBaselineRuns: 12, recentWindowMinutes: 30, baselineMinutes: 360, minDetectableChangePct: 31,
      locations: [
        { location: 'eu-west', status: 'ok', nRecent: 6, nBaseline: 40, changePct: 2.3, minDetectableChangePct: 14.3 },
        { location: 'local', status: 'insufficient', nRecent: 2, nBaseline: 5, changePct: null, minDetectableChangePct: 31 },
      ],
    });
    expect(detectionMessage(v)).toBe('watching at eu-west: median change +2.3%; would detect a change of 31% or more; not enough runs at local');
  });

  it('tells a thin series what it could see once it has its runs, and reads older verdicts without that figure', () => {
    const thin = syntheticVerdict(synthetic('insufficient', [location('local', { testable: false, nRecent: 2, nBaseline: 12 })], null, 22.4), SYN);
    expect(detectionMessage(thin)).toBe('not enough data: local has 2 runs in the last 30 min (needs 4); once it has them, could detect a change of 22% or more');
    const older = { ...thin, evidence: { ...thin.evidence, minDetectableChangePct: undefined } } as typeof thin;
    expect(detectionMessage(older)).toBe('not enough data: local has 2 runs in the last 30 min (needs 4)');
  });

  it('names what each location lacks when none can be judged', () => {
    const v = syntheticVerdict(
      synthetic('insufficient', [location('local', { testable: false, nRecent: 2, nBaseline: 5 }), location('us-east', { testable: false, nRecent: 6, nBaseline: 1 })], null),
      SYN,
    );
    expect(detectionMessage(v)).toBe(
      'not enough data: local has 2 runs in the last 30 min (needs 4) and 5 baseline runs (needs 12); us-east has 1 baseline run (needs 12)',
    );
  });

  it('counts the locations past the third instead of naming them', () => {
    const locs = ['a', 'b', 'c', 'd', 'e'].map((n) => location(n, { testable: false, nRecent: 0, nBaseline: 0 }));
    expect(detectionMessage(syntheticVerdict(synthetic('insufficient', locs, null), SYN))).toMatch(/; c has 0 runs .*; 2 more locations$/);
  });

  it('names the regressed locations with the change', () => {
    const v = syntheticVerdict(synthetic('regressed', [location('eu-west', { regressed: true, changePct: 41 }), location('local', { regressed: true, changePct: 39 })], 40), SYN);
    expect(detectionMessage(v)).toBe('regressed: +40% at eu-west, local');
  });
});

describe('percentages', () => {
  it('round to whole percent from 10% and to one decimal below', () => {
    expect(formatPct(23.4)).toBe('23%');
    expect(formatPct(4.56)).toBe('4.6%');
    expect(formatSignedPct(4.56)).toBe('+4.6%');
    expect(formatSignedPct(-12.4)).toBe('-12%');
    expect(formatSignedPct(0.01)).toBe('0%');
  });
});

describe('coverageSummary', () => {
  it('counts the series by status', () => {
    const s = coverageSummary([{ status: 'regressed' }, { status: 'ok' }, { status: 'ok' }, { status: 'insufficient' }], 'site-1');
    expect(s).toBe('4 series: 1 regressed, 2 watching, 1 with not enough data');
  });

  it('says what to do when nothing has been judged yet', () => {
    expect(coverageSummary([], 'site-1')).toBe(
      'nothing judged yet: no real-user beacons or synthetic runs have reached the detector; add the tag (GET /api/sites/site-1/snippet) or a journey',
    );
  });
});


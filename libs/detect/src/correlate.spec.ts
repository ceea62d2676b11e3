import { describe, expect, it } from 'vitest';
import { correlate, suspectChange } from './correlate';
import { nextIncidentState, IncidentState } from './incidents';
import type { RumResult } from './rum-detect';
import type { SyntheticSeriesResult } from './synthetic';
import { MIN, T0, testConfig } from './spec-helpers';
import type { Deployment } from './types';

const cfg = testConfig();

function rum(over: Partial<RumResult> & { changePct?: number; mdc?: number | null } = {}): RumResult {
  const { changePct = 30, mdc = 10, ...rest } = over;
  return {
    route: '/p',
    metric: 'lcp',
    at: T0,
    status: 'regressed',
    evidence: {
      segment: { dim: 'all', value: '' },
      windowMinutes: 10,
      baselineP75: 2000,
      currentP75: 2000 * (1 + changePct / 100),
      changePct,
      ciLow: changePct / 2,
      ciHigh: changePct * 1.5,
      ciOf: 'shift',
      shiftPct: changePct,
      ciLevelPct: 99.999,
      pValue: 1e-9,
      nBaseline: 20000,
      nCurrent: 500,
      minDetectableChangePct: mdc,
      baselineMode: 'same_window',
      baselineDays: 7,
      levelPct: 0,
    },
    scope: 'broad',
    segments: [],
    mixChange: null,
    onsetAt: T0 - 10 * MIN,
    state: { streak: 2, active: true },
    ...rest,
  };
}

function synth(over: Partial<SyntheticSeriesResult> = {}): SyntheticSeriesResult {
  return {
    route: '/p',
    metric: 'lcp',
    at: T0,
    status: 'regressed',
    scope: 'global',
    regressedLocations: ['eu-west', 'us-east'],
    locations: [],
    onsetAt: T0 - 12 * MIN,
    changePct: 28,
    minDetectableChangePct: 12,
    ...over,
  };
}

describe('correlate', () => {
  it('labels a change seen by both sides close together "both"', () => {
    const [c] = correlate([rum()], [synth()], [], cfg);
    expect(c.label).toBe('both');
    expect(c.reason).toBeNull();
    expect(c.provisional).toBe(false);
    expect(c.onsetAt).toBe(T0 - 10 * MIN);
    expect(c.key).toBe('/p|lcp|regression');
    expect(c.summary).toContain('real users and synthetic');
  });

  it('labels real users alone "rum_only", provisional while the lab may still confirm', () => {
    const [fresh] = correlate([rum()], [synth({ status: 'ok', scope: null, onsetAt: null })], [], cfg);
    expect(fresh.label).toBe('rum_only');
    expect(fresh.provisional).toBe(true);
    const [old] = correlate([rum({ onsetAt: T0 - 60 * MIN })], [synth({ status: 'ok', scope: null, onsetAt: null })], [], cfg);
    expect(old.provisional).toBe(false);
    const [noLab] = correlate([rum()], [], [], cfg);
    expect(noLab.provisional).toBe(false);
  });

  it('says why only the lab sees it', () => {
    const okRum = rum({ status: 'ok', onsetAt: null });
    expect(correlate([okRum], [synth({ scope: 'local', regressedLocations: ['ap-south'] })], [], cfg)[0].reason).toBe('single_location');
    expect(correlate([rum({ status: 'insufficient', onsetAt: null, mdc: 60 })], [synth()], [], cfg)[0].reason).toBe('thin_real_traffic');
    // Enough traffic, but the smallest change it could see is larger than the lab's change.
    expect(correlate([rum({ status: 'ok', onsetAt: null, mdc: 40 })], [synth()], [], cfg)[0].reason).toBe('thin_real_traffic');
    expect(correlate([], [synth()], [], cfg)[0].reason).toBe('thin_real_traffic');
    const scripted = correlate([okRum], [synth()], [], cfg)[0];
    expect(scripted.label).toBe('synthetic_only');
    expect(scripted.reason).toBe('scripted_path_only');
  });

  it('keeps a mix change and quiet series out of the candidates', () => {
    expect(correlate([rum({ status: 'ok', onsetAt: null })], [synth({ status: 'ok', scope: null })], [], cfg)).toEqual([]);
  });

  it('turns a failing journey into a failure candidate', () => {
    const [c] = correlate([], {
      series: [],
      failures: [{ route: '/checkout', at: T0, status: 'failing', failingLocations: ['eu-west', 'us-east'], totalLocations: 3, consecutiveFailures: { 'eu-west': 3, 'us-east': 2 }, onsetAt: T0 - 10 * MIN }],
      state: { locations: {} },
    }, [], cfg);
    expect(c.kind).toBe('failure');
    expect(c.key).toBe('/checkout|errors|failure');
    expect(c.summary).toContain('2 of 3 locations');
  });
});

describe('suspected change', () => {
  const deploys: Deployment[] = [
    { id: 'old', at: T0 - 200 * MIN, version: 'v1', kind: 'deployment' },
    { id: 'decoy', at: T0 - 50 * MIN, version: 'v2', kind: 'deployment' },
    { id: 'cause', at: T0 - 3 * MIN, version: 'v3', kind: 'deployment' },
    { id: 'after', at: T0 + 20 * MIN, version: 'v4', kind: 'config' },
  ];
  it('names the change just before the onset', () => {
    expect(suspectChange(deploys, T0, cfg)?.id).toBe('cause');
    expect(suspectChange(deploys, T0, cfg)?.minutesBeforeOnset).toBe(3);
  });
  it('tolerates an onset estimated a little early, not a change long after', () => {
    expect(suspectChange(deploys, T0 - 5 * MIN, cfg)?.id).toBe('cause');
    expect(suspectChange(deploys, T0 + 10 * MIN, cfg)?.id).toBe('cause');
  });
  it('prefers the deployment of the release that carries the regression', () => {
    expect(suspectChange(deploys, T0, cfg, 'v2')?.id).toBe('decoy');
    expect(suspectChange(deploys, T0, cfg, 'v9')?.id).toBe('cause');
  });
  it('looks back only so far', () => {
    expect(suspectChange(deploys.slice(0, 1), T0, cfg)).toBeNull();
  });
  it('appears on the candidate', () => {
    const [c] = correlate([rum({ onsetAt: T0 })], [], deploys, cfg);
    expect(c.suspectedChange?.version).toBe('v3');
    expect(c.summary).toContain('suspected deployment v3');
  });
});

describe('incident lifecycle', () => {
  const rumOnly = () => correlate([rum({ onsetAt: T0 - 10 * MIN })], [synth({ status: 'ok', scope: null, onsetAt: null })], [], cfg)[0];
  const both = () => correlate([rum({ onsetAt: T0 - 10 * MIN })], [synth()], [], cfg)[0];

  it('opens, upgrades the label to both, and auto-resolves after the recovery ticks', () => {
    const opened = nextIncidentState(undefined, rumOnly(), T0, cfg);
    expect(opened.transition).toBe('opened');
    expect(opened.incident!.label).toBe('rum_only');
    const same = nextIncidentState(opened.incident, rumOnly(), T0 + MIN, cfg);
    expect(same.transition).toBe('none');
    const upgraded = nextIncidentState(same.incident, both(), T0 + 2 * MIN, cfg);
    expect(upgraded.transition).toBe('updated');
    expect(upgraded.incident!.label).toBe('both');
    // A later one-sided candidate does not downgrade it.
    const kept = nextIncidentState(upgraded.incident, rumOnly(), T0 + 3 * MIN, cfg);
    expect(kept.incident!.label).toBe('both');
    let inc: IncidentState | null = kept.incident;
    const n = cfg.correlation.resolveAfterTicks;
    for (let i = 1; i < n; i++) {
      const step = nextIncidentState(inc, undefined, T0 + (3 + i) * MIN, cfg);
      expect(step.transition).toBe('none');
      inc = step.incident;
    }
    const resolved = nextIncidentState(inc, undefined, T0 + (3 + n) * MIN, cfg);
    expect(resolved.transition).toBe('resolved');
    expect(resolved.incident!.status).toBe('resolved');
    expect(resolved.incident!.autoResolved).toBe(true);
    // A resolved incident is not reopened: a new candidate opens a new one.
    expect(nextIncidentState(resolved.incident, rumOnly(), T0 + 100 * MIN, cfg).transition).toBe('opened');
  });

  it('announces a material change of the numbers, not every wobble', () => {
    const opened = nextIncidentState(undefined, rumOnly(), T0, cfg).incident;
    const quietLab = [synth({ status: 'ok', scope: null, onsetAt: null })];
    const wobble = correlate([rum({ changePct: 32, onsetAt: T0 - 10 * MIN })], quietLab, [], cfg)[0];
    expect(nextIncidentState(opened, wobble, T0 + MIN, cfg).transition).toBe('none');
    const worse = correlate([rum({ changePct: 45, onsetAt: T0 - 10 * MIN })], quietLab, [], cfg)[0];
    const step = nextIncidentState(opened, worse, T0 + MIN, cfg);
    expect(step.transition).toBe('updated');
    expect(step.incident!.peakChangePct).toBe(45);
  });

  it('forgets missed ticks when the candidate comes back', () => {
    let inc = nextIncidentState(undefined, rumOnly(), T0, cfg).incident;
    inc = nextIncidentState(inc, undefined, T0 + MIN, cfg).incident;
    expect(inc!.missedTicks).toBe(1);
    inc = nextIncidentState(inc, rumOnly(), T0 + 2 * MIN, cfg).incident;
    expect(inc!.missedTicks).toBe(0);
    expect(inc!.status).toBe('open');
  });
});

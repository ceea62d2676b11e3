import type { Deployment, IncidentLabel, SyntheticOnlyReason } from '@parallax/detect';
import { Rng } from './random';
import { DAY, MINUTE, RumEffect } from './rum-sim';
import { LOCATIONS, SynthEffect } from './synthetic-sim';

/** The injected scenarios of the evaluation and what a perfect detector would say about each. */

export interface Expected {
  /** regression: an incident should open; none/mix: no incident; subthreshold: below the practical threshold; failure: failing journey. */
  kind: 'regression' | 'none' | 'mix' | 'subthreshold' | 'failure';
  label?: IncidentLabel;
  reason?: SyntheticOnlyReason;
  /** Segment that carries it, 'dim=value'. */
  segment?: string;
  /** Id of the deployment that caused it. */
  deployId?: string;
  /** Mix driver 'dim=value' for mix scenarios. */
  mixDriver?: string;
}

export interface InstanceSpec {
  index: number;
  scenario: string;
  ratePerMin: number;
  seed: number;
  route: string;
  historyDays: number;
  dataStartMs: number;
  /** First tick. */
  startMs: number;
  /** Change injected at (Infinity when nothing is injected). */
  onsetMs: number;
  /** Last tick (exclusive). */
  endMs: number;
  rum: RumEffect[];
  synth: SynthEffect[];
  deployments: Deployment[];
  expected: Expected;
}

const T0 = Date.UTC(2025, 0, 13);
const PRE_MINUTES = 60;
const POST_MINUTES = 180;

interface ScenarioDef {
  name: string;
  rates: number[];
  count: number;
  build(i: number, rng: Rng): { rum: RumEffect[]; synth: SynthEffect[]; expected: Expected; causalDeploy?: boolean; weeks?: number };
}

const SEGMENT_STEPS: { dim: 'country' | 'connection' | 'browser' | 'os'; value: string; factor: number }[] = [
  { dim: 'country', value: 'BR', factor: 1.4 },
  { dim: 'connection', value: '3g', factor: 1.5 },
  { dim: 'browser', value: 'safari', factor: 1.5 },
  { dim: 'os', value: 'android', factor: 1.3 },
];

const rumStep = (factor: number, kind: Expected['kind'] = 'regression') => (): ReturnType<ScenarioDef['build']> => ({
  rum: [{ kind: 'step', factor }],
  synth: [],
  expected: { kind, label: 'rum_only' },
});

/**
 * Weeks without any change (the false-alarm figure): this many in all by default, 3 of them at
 * 150 beacons/min and the rest at 50. ~1 false incident per 100 series-weeks needs hundreds of
 * weeks to be measured tightly; the default keeps the run under 5 minutes on 2 cores, and
 * `--weeks 100` (about 20 minutes) measures it at the resolution of the target.
 */
export const DEFAULT_NO_CHANGE_WEEKS = 12;
const NO_CHANGE_WEEKS_150 = 3;

export const SCENARIOS: ScenarioDef[] = [
  { name: 'rum_step_5', rates: [50, 150], count: 8, build: rumStep(1.05, 'subthreshold') },
  { name: 'rum_step_10', rates: [50, 150], count: 12, build: rumStep(1.1) },
  // Twice as many at 50/min: their median time to detect is a target, and 12 instances make it a coin toss.
  { name: 'rum_step_20', rates: [50], count: 24, build: rumStep(1.2) },
  { name: 'rum_step_20', rates: [150], count: 12, build: rumStep(1.2) },
  { name: 'rum_step_20', rates: [10], count: 6, build: rumStep(1.2) },
  { name: 'rum_step_50', rates: [50, 150], count: 8, build: rumStep(1.5) },
  {
    name: 'segment_step',
    rates: [50, 150],
    count: 12,
    build: (i) => {
      const s = SEGMENT_STEPS[i % SEGMENT_STEPS.length];
      return { rum: [{ kind: 'step', factor: s.factor, segment: { dim: s.dim, value: s.value } }], synth: [], expected: { kind: 'regression', label: 'rum_only', segment: `${s.dim}=${s.value}` } };
    },
  },
  {
    name: 'synthetic_one_location',
    rates: [50],
    count: 12,
    build: (i) => ({
      rum: [],
      synth: [{ kind: 'step', factor: 1.35, locations: [LOCATIONS[i % LOCATIONS.length].name] }],
      expected: { kind: 'regression', label: 'synthetic_only', reason: 'single_location' },
    }),
  },
  {
    name: 'synthetic_scripted_path',
    rates: [50],
    count: 8,
    build: () => ({ rum: [], synth: [{ kind: 'step', factor: 1.3, locations: 'all' }], expected: { kind: 'regression', label: 'synthetic_only', reason: 'scripted_path_only' } }),
  },
  {
    name: 'both_after_deploy',
    rates: [50, 150],
    count: 10,
    build: () => ({
      rum: [{ kind: 'step', factor: 1.25 }],
      synth: [{ kind: 'step', factor: 1.25, locations: 'all' }],
      expected: { kind: 'regression', label: 'both', deployId: 'causal' },
      causalDeploy: true,
    }),
  },
  {
    name: 'gradual_rollout',
    rates: [50, 150],
    count: 8,
    build: () => ({
      // The page's release tag is the version CI posts with the deployment.
      rum: [{ kind: 'rollout', release: 'v2.0.0', factor: 1.35, rampMinutes: 60 }],
      synth: [{ kind: 'rollout', factor: 1.35, rampMinutes: 60 }],
      expected: { kind: 'regression', label: 'both', segment: 'release=v2.0.0', deployId: 'causal' },
      causalDeploy: true,
    }),
  },
  {
    name: 'mix_shift',
    rates: [50, 150],
    count: 8,
    build: () => ({ rum: [{ kind: 'mix', country: 'IN', weightFactor: 5, rampMinutes: 30 }], synth: [], expected: { kind: 'mix', mixDriver: 'country=IN' } }),
  },
  {
    name: 'thin_traffic_both',
    rates: [1],
    count: 8,
    build: () => ({
      rum: [{ kind: 'step', factor: 1.3 }],
      synth: [{ kind: 'step', factor: 1.3, locations: 'all' }],
      expected: { kind: 'regression', label: 'synthetic_only', reason: 'thin_real_traffic' },
    }),
  },
  {
    name: 'journey_failure',
    rates: [50],
    count: 6,
    build: () => ({ rum: [], synth: [{ kind: 'fail', locations: ['eu-west', 'us-east'], probability: 0.9 }], expected: { kind: 'failure' } }),
  },
  { name: 'no_change_week', rates: [150], count: NO_CHANGE_WEEKS_150, build: () => ({ rum: [], synth: [], expected: { kind: 'none' }, weeks: 1 }) },
  // Last, so that asking for more weeks (--weeks) leaves every other instance as it was.
  { name: 'no_change_week', rates: [50], count: 0, build: () => ({ rum: [], synth: [], expected: { kind: 'none' }, weeks: 1 }) },
];

/** Every instance of the evaluation, in a fixed order; a pure function of the seed (and of the week count). */
export function buildInstances(seed: number, scale = 1, noChangeWeeks = DEFAULT_NO_CHANGE_WEEKS): InstanceSpec[] {
  const out: InstanceSpec[] = [];
  for (const def of SCENARIOS) {
    for (const rate of def.rates) {
      const noChange50 = def.name === 'no_change_week' && rate === 50;
      const count = noChange50 ? Math.max(0, noChangeWeeks - NO_CHANGE_WEEKS_150) : Math.max(1, Math.round(def.count * scale));
      for (let i = 0; i < count; i++) {
        const index = out.length;
        const rng = Rng.of(seed, def.name, rate, i);
        const built = def.build(i, rng);
        const instSeed = Rng.of(seed, 'instance', def.name, rate, i).uniform() * 2 ** 32;
        // Sites with a week of history, four days, two days, or none (trailing baseline).
        const u = rng.uniform();
        const historyDays = built.weeks ? 7 : u < 0.45 ? 7 : u < 0.8 ? 4 : u < 0.9 ? 2 : 0;
        const startMs = T0 + index * 3 * DAY + Math.floor(rng.uniform() * 1440) * MINUTE;
        const weeks = built.weeks ?? 0;
        const onsetMs = weeks ? Infinity : startMs + PRE_MINUTES * MINUTE;
        const endMs = weeks ? startMs + weeks * 7 * DAY : onsetMs + POST_MINUTES * MINUTE;
        const dataStartMs = historyDays > 0 ? startMs - historyDays * DAY - 60 * MINUTE : startMs - 60 * MINUTE;
        out.push({
          index,
          scenario: def.name,
          ratePerMin: rate,
          seed: Math.floor(instSeed),
          route: '/product/:id',
          historyDays,
          dataStartMs,
          startMs,
          onsetMs,
          endMs,
          rum: built.rum,
          synth: built.synth,
          deployments: deploymentsFor(seed, index, dataStartMs, endMs, onsetMs, !!built.causalDeploy),
          expected: built.expected,
        });
      }
    }
  }
  return out;
}

/** Background changes (two deployments and a config change a day), plus the cause and decoys around it. */
function deploymentsFor(seed: number, index: number, fromMs: number, toMs: number, onsetMs: number, causal: boolean): Deployment[] {
  const out: Deployment[] = [];
  for (let day = Math.floor(fromMs / DAY); day * DAY < toMs; day++) {
    const rng = Rng.of(seed, 'deploys', index, day);
    for (let k = 0; k < 3; k++) {
      const at = day * DAY + Math.floor(rng.uniform() * 1440) * MINUTE;
      if (at < fromMs || at >= toMs) continue;
      out.push({ id: `bg-${day}-${k}`, at, version: `v1.${day % 100}.${k}`, kind: k === 2 ? 'config' : 'deployment' });
    }
  }
  if (causal) {
    const rng = Rng.of(seed, 'decoys', index);
    out.push({ id: 'causal', at: onsetMs - MINUTE, version: 'v2.0.0', kind: 'deployment', description: 'the change that causes the regression' });
    out.push({ id: 'decoy-before', at: onsetMs - (30 + Math.floor(rng.uniform() * 60)) * MINUTE, version: 'v1.99.0', kind: 'deployment' });
    out.push({ id: 'decoy-after', at: onsetMs + (10 + Math.floor(rng.uniform() * 30)) * MINUTE, version: 'v2.0.1', kind: 'config' });
  }
  return out.sort((a, b) => a.at - b.at);
}

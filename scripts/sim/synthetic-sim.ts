import type { SyntheticRun, TimeRange } from '@parallax/detect';
import { Rng } from './random';
import { DAY, MINUTE } from './rum-sim';

/** Simulated synthetic runs of one journey step from several locations, every few minutes. */

export type SynthEffect =
  /** Lab LCP slower by `factor` at some locations from the onset. */
  | { kind: 'step'; factor: number; locations: string[] | 'all' }
  /** Runs hit the new release with the rollout's share, slower by `factor`. */
  | { kind: 'rollout'; factor: number; rampMinutes: number }
  /** The step fails at these locations with this probability (errors, not slowness). */
  | { kind: 'fail'; locations: string[]; probability: number };

export const LOCATIONS = [
  { name: 'eu-west', baseMs: 1400, offsetMin: 0 },
  { name: 'us-east', baseMs: 1300, offsetMin: 2 },
  { name: 'ap-south', baseMs: 2000, offsetMin: 4 },
];
const INTERVAL_MIN = 5;

export interface SyntheticSimSpec {
  seed: number;
  route: string;
  dataStartMs: number;
  endMs: number;
  onsetMs: number;
  effects: SynthEffect[];
}

export class SyntheticSim {
  /** All runs of the instance, sorted by time. */
  readonly runs: SyntheticRun[] = [];

  constructor(spec: SyntheticSimSpec) {
    const start = Math.ceil(spec.dataStartMs / (INTERVAL_MIN * MINUTE)) * INTERVAL_MIN * MINUTE;
    for (let slot = start; slot < spec.endMs; slot += INTERVAL_MIN * MINUTE) {
      for (const loc of LOCATIONS) {
        const at = slot + loc.offsetMin * MINUTE + 40_000;
        if (at >= spec.endMs) continue;
        this.runs.push(runAt(spec, loc, at));
      }
    }
    this.runs.sort((a, b) => a.at - b.at);
  }

  /** Runs in [fromMs, toMs), as the server would load them. */
  runsIn(range: TimeRange): SyntheticRun[] {
    return this.runs.slice(lowerBound(this.runs, range.fromMs), lowerBound(this.runs, range.toMs));
  }
}

function lowerBound(runs: SyntheticRun[], at: number): number {
  let lo = 0;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (runs[mid].at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function runAt(spec: SyntheticSimSpec, loc: (typeof LOCATIONS)[number], at: number): SyntheticRun {
  const rng = Rng.of(spec.seed, 'run', loc.name, at);
  const h = (at % DAY) / 3_600_000;
  // Interpolated between days (knots at noon) like the real-user day effects.
  const x = at / DAY - 0.5;
  const d0 = Math.floor(x);
  const a = Rng.of(spec.seed, 'labday', loc.name, d0).normal();
  const b = Rng.of(spec.seed, 'labday', loc.name, d0 + 1).normal();
  const dayFactor = Math.exp(0.01 * (a + (b - a) * (x - d0)));
  // The lab sees server load a little (evening peak), much less than real users do.
  let v = loc.baseMs * dayFactor * (1 + 0.03 * Math.cos((2 * Math.PI * (h - 20)) / 24)) * Math.exp(0.06 * rng.normal());
  // Occasional slow run: a cold cache, a noisy neighbour on the agent.
  if (rng.uniform() < 0.03) v *= 1.3 + Math.abs(rng.normal());
  let ok = rng.uniform() >= 0.004;
  if (at >= spec.onsetMs) {
    for (const e of spec.effects) {
      if (e.kind === 'step' && (e.locations === 'all' || e.locations.includes(loc.name))) v *= e.factor;
      if (e.kind === 'rollout' && rng.uniform() < Math.min(1, (at - spec.onsetMs) / (e.rampMinutes * MINUTE))) v *= e.factor;
      if (e.kind === 'fail' && e.locations.includes(loc.name) && rng.uniform() < e.probability) ok = false;
    }
  }
  return {
    runId: `${loc.name}-${at}`,
    at,
    location: loc.name,
    route: spec.route,
    metric: 'lcp',
    value: ok ? Math.round(v) : null,
    ok,
  };
}

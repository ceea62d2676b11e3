import {
  correlate,
  DetectConfig,
  detectRum,
  detectSynthetic,
  IncidentCandidate,
  IncidentState,
  nextIncidentState,
  RumState,
  rumRanges,
  SyntheticState,
  syntheticRange,
} from '@parallax/detect';
import { MINUTE, RumSim } from './rum-sim';
import type { InstanceSpec } from './scenarios';
import { SyntheticSim } from './synthetic-sim';

/** One incident as seen by the evaluation: what it said when it opened and when last updated. */
export interface IncidentRecord {
  key: string;
  kind: IncidentCandidate['kind'];
  openedAt: number;
  resolvedAt: number | null;
  labelAtOpen: string;
  label: string;
  reason: string | null;
  onsetAt: number;
  topSegmentsAtOpen: string[];
  topSegments: string[];
  suspectedAtOpen: string | null;
  suspected: string | null;
  changePct: number | null;
}

export interface InstanceOutcome {
  index: number;
  incidents: IncidentRecord[];
  /** Ticks run, and ticks before the onset (no change yet). */
  ticks: number;
  preOnsetTicks: number;
  /** First mix-change verdict after the onset: the driver it named ('dim=value'). */
  mixDriver: string | null;
  /** Largest aggregate p75 change a mix verdict reported (to show the mix shift mattered). */
  mixAggregatePct: number;
  statusCounts: Record<string, number>;
  elapsedMs: number;
}

const segName = (s: { dim: string; value: string }) => `${s.dim}=${s.value}`;

/** Drives the detectors minute by minute over one instance, exactly as the server ticks. */
export function runInstance(spec: InstanceSpec, cfg: DetectConfig): InstanceOutcome {
  const t0 = process.cpuUsage();
  const rumSim = new RumSim({ seed: spec.seed, ratePerMin: spec.ratePerMin, dataStartMs: spec.dataStartMs, onsetMs: spec.onsetMs, effects: spec.rum });
  const synthSim = new SyntheticSim({
    seed: spec.seed,
    route: spec.route,
    dataStartMs: spec.dataStartMs,
    endMs: spec.endMs,
    onsetMs: spec.onsetMs,
    effects: spec.synth,
  });
  let rumState: RumState | undefined;
  let synthState: SyntheticState | undefined;
  const open = new Map<string, IncidentState>();
  const all: IncidentRecord[] = [];
  const current = new Map<string, IncidentRecord>();
  let ticks = 0;
  let preOnsetTicks = 0;
  let mixDriver: string | null = null;
  let mixAggregatePct = 0;
  const statusCounts: Record<string, number> = {};
  for (let now = spec.startMs; now < spec.endMs; now += MINUTE) {
    ticks++;
    if (now < spec.onsetMs) preOnsetTicks++;
    const rollups = rumSim.rollupsIn(rumRanges(cfg, now, rumState));
    const rum = detectRum({ route: spec.route, metric: 'lcp', rollups }, cfg, now, rumState);
    // The server keeps the state in its database: round-trip it through JSON like it would (the
    // baseline summary only when it was recomputed, to keep the evaluation fast).
    const { baseline, ...rest } = rum.state;
    const sameBaseline = baseline === rumState?.baseline;
    rumState = JSON.parse(JSON.stringify(sameBaseline ? rest : rum.state)) as RumState;
    if (sameBaseline) rumState.baseline = baseline;
    statusCounts[rum.status] = (statusCounts[rum.status] ?? 0) + 1;
    if (rum.mixChange && now >= spec.onsetMs) {
      mixAggregatePct = Math.max(mixAggregatePct, rum.mixChange.aggregateChangePct);
      if (!mixDriver && rum.mixChange.drivers.length) mixDriver = `${rum.mixChange.dim}=${rum.mixChange.drivers[0].value}`;
    }
    const runs = synthSim.runsIn(syntheticRange(cfg, now, synthState));
    const synth = detectSynthetic(runs, cfg, now, synthState);
    synthState = JSON.parse(JSON.stringify(synth.state)) as SyntheticState;
    const deployments = spec.deployments.filter((d) => d.at <= now);
    const candidates = new Map(correlate([rum], synth, deployments, cfg).map((c) => [c.key, c]));
    for (const key of new Set([...open.keys(), ...candidates.keys()])) {
      const step = nextIncidentState(open.get(key), candidates.get(key), now, cfg);
      if (step.transition === 'opened') {
        const i = step.incident!;
        const rec: IncidentRecord = {
          key,
          kind: i.kind,
          openedAt: now,
          resolvedAt: null,
          labelAtOpen: i.label,
          label: i.label,
          reason: i.reason,
          onsetAt: i.onsetAt,
          topSegmentsAtOpen: (i.rum?.segments ?? []).map(segName),
          topSegments: (i.rum?.segments ?? []).map(segName),
          suspectedAtOpen: i.suspectedChange?.id ?? null,
          suspected: i.suspectedChange?.id ?? null,
          changePct: i.changePct,
        };
        all.push(rec);
        current.set(key, rec);
      }
      const rec = current.get(key);
      if (rec && step.incident) {
        const i = step.incident;
        rec.label = i.label;
        rec.reason = i.reason;
        rec.onsetAt = i.onsetAt;
        if (i.rum?.segments.length) rec.topSegments = i.rum.segments.map(segName);
        rec.suspected = i.suspectedChange?.id ?? null;
        if (step.transition === 'resolved') rec.resolvedAt = now;
      }
      if (step.incident && step.incident.status === 'open') open.set(key, step.incident);
      else {
        open.delete(key);
        current.delete(key);
      }
    }
  }
  return { index: spec.index, incidents: all, ticks, preOnsetTicks, mixDriver, mixAggregatePct, statusCounts, elapsedMs: (process.cpuUsage(t0).user + process.cpuUsage(t0).system) / 1000 };
}

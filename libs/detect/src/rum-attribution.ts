import { QuantileSketch } from '@parallax/sketch';
import type { RumConfig } from './config';
import { DistSummary, MixtureComponent, mixtureLogQuantile, P75_INDEX, p75LogSe, summarize } from './dist';
import type { BaselineSummary, SegmentBaseline } from './rum-data';
import { changePct, isPractical, UnitTest, WindowData } from './rum-test';
import type { RumMetric, SegmentDim } from './types';

/** How one segment took part in a regression, for the ranked attribution list. */
export interface SegmentAttribution {
  dim: SegmentDim;
  value: string;
  baselineP75: number;
  currentP75: number;
  changePct: number;
  ciLowPct: number;
  ciHighPct: number;
  pValue: number;
  /** Benjamini-Hochberg adjusted p-value over the segments tested in this tick. */
  qValue: number;
  nBaseline: number;
  nCurrent: number;
  baselineSharePct: number;
  currentSharePct: number;
  /** Change of everyone else in the same dimension (null when they are too few). */
  restChangePct: number | null;
  /** z of "this segment got slower than everyone else in its dimension". */
  excessZ: number;
  /** Part of the route's p75 change that putting this segment back to its baseline removes. */
  contributionPct: number | null;
  /** This segment carries the regression: it got slower, significantly more than the rest. */
  carries: boolean;
  /** A segment absent from the baseline (a new release), compared with the whole route. */
  isNew: boolean;
}

/** The traffic mix changed along one dimension while users within each value did not get slower. */
export interface MixChange {
  dim: SegmentDim;
  aggregateChangePct: number;
  /** The route's change with the baseline mix of this dimension: the "users got slower" part. */
  withinChangePct: number;
  /** Values whose share grew and that are slower than the route, biggest effect first. */
  drivers: { value: string; baselineSharePct: number; currentSharePct: number; baselineP75: number }[];
}

/** Dimensions describing who the users are; a release is a change of the site, never a mix shift. */
const MIX_DIMS: SegmentDim[] = ['country', 'device', 'browser', 'os', 'connection'];

interface DimMix {
  dim: SegmentDim;
  aggregateLog: number;
  withinLog: number;
  mixLog: number;
}

function dimMix(dim: SegmentDim, current: Map<string, WindowData>, baseline: BaselineSummary): DimMix | null {
  const bases = Object.entries(baseline.segments).filter(([, s]) => s.dim === dim);
  const curs = [...current].filter(([key]) => key.startsWith(`${dim}=`));
  const curTotal = curs.reduce((s, [, w]) => s + w.summary.n, 0);
  if (bases.length < 2 || curTotal === 0) return null;
  const baseOf = new Map(bases);
  const curOf = new Map(curs);
  const keys = new Set([...baseOf.keys(), ...curOf.keys()]);
  const mix = (weightFrom: 'base' | 'cur', distFrom: 'base' | 'cur'): number => {
    const comps: MixtureComponent[] = [];
    for (const key of keys) {
      const b = baseOf.get(key);
      const c = curOf.get(key);
      const weight = weightFrom === 'base' ? (b?.share ?? 0) : (c?.summary.n ?? 0) / curTotal;
      // A value seen on one side only keeps its own distribution (it cannot be swapped).
      const preferred: DistSummary | undefined = distFrom === 'base' ? b : c?.summary;
      const fallback: DistSummary | undefined = distFrom === 'base' ? c?.summary : b;
      const enough = (d?: DistSummary) => d && d.n >= 20;
      const dist = enough(preferred) ? preferred : enough(fallback) ? fallback : undefined;
      if (dist && weight > 0) comps.push({ weight, dist });
    }
    return mixtureLogQuantile(comps, 0.75);
  };
  const qb = mix('base', 'base');
  return { dim, aggregateLog: mix('cur', 'cur') - qb, withinLog: mix('base', 'cur') - qb, mixLog: mix('cur', 'base') - qb };
}

/**
 * Decides whether a rise of the route's p75 is a traffic-mix change: for some dimension, holding
 * the baseline mix removes the practical or statistical significance of the change, and the mix
 * alone moves p75 by at least half the practical threshold. Returns null when users got slower.
 */
export function detectMixChange(
  allTest: UnitTest,
  current: Map<string, WindowData>,
  baseline: BaselineSummary,
  cfg: RumConfig,
  metric: RumMetric,
  offset: number,
  zCrit: number,
  levelLog = 0,
): MixChange | null {
  const candidates: DimMix[] = [];
  for (const dim of MIX_DIMS) {
    const m = dimMix(dim, current, baseline);
    if (m && Number.isFinite(m.withinLog)) candidates.push(m);
  }
  if (candidates.length === 0) return null;
  // Today's level is part of the baseline the whole-route test used: compare like with like.
  for (const c of candidates) {
    c.withinLog -= levelLog;
    c.aggregateLog -= levelLog;
  }
  const best = candidates.reduce((x, y) => (y.withinLog < x.withinLog ? y : x));
  const base = allTest.baselineP75;
  const within = (base + offset) * Math.exp(best.withinLog) - offset;
  const withinHolds = isPractical(within, base, cfg, metric) && best.withinLog / allTest.seLog >= zCrit;
  if (withinHolds || best.mixLog < Math.log(1 + cfg.minEffectPct / 200)) return null;
  const allBase = baseline.segments.all;
  const curTotal = [...current].filter(([k]) => k.startsWith(`${best.dim}=`)).reduce((s, [, w]) => s + w.summary.n, 0);
  const drivers = Object.entries(baseline.segments)
    .filter(([, s]) => s.dim === best.dim)
    .map(([key, s]) => {
      const curShare = (current.get(key)?.summary.n ?? 0) / Math.max(1, curTotal);
      const effect = (curShare - s.share) * Math.log((s.p75 + offset) / (allBase.p75 + offset));
      return { value: s.value, baselineSharePct: s.share * 100, currentSharePct: curShare * 100, baselineP75: s.p75, effect };
    })
    .filter((d) => d.effect > 0)
    .sort((x, y) => y.effect - x.effect)
    .map(({ effect: _effect, ...d }) => d);
  return {
    dim: best.dim,
    aggregateChangePct: (Math.exp(best.aggregateLog) - 1) * 100,
    withinChangePct: (Math.exp(best.withinLog) - 1) * 100,
    drivers,
  };
}

/**
 * Ranks the segments of one window: how much more each got slower than the rest of its
 * dimension (excess z), with the part of the route's change it carries.
 */
export function attributeSegments(
  tests: UnitTest[],
  qValues: Map<string, number>,
  current: Map<string, WindowData>,
  baseline: BaselineSummary,
  cfg: RumConfig,
  offset: number,
  zCrit: number,
  levelLog = 0,
): SegmentAttribution[] {
  const out: (SegmentAttribution & { rank: number })[] = [];
  for (const t of tests) {
    if (!t.testable || t.segment.dim === 'all') continue;
    const b: SegmentBaseline | undefined = baseline.segments[t.key];
    const dimKeys = [...current.keys()].filter((k) => k.startsWith(`${t.segment.dim}=`));
    const curTotal = dimKeys.reduce((s, k) => s + (current.get(k)?.summary.n ?? 0), 0);
    const rawRest = restChange(t, dimKeys, current, b, baseline, offset);
    const rest = rawRest && { log: rawRest.log - levelLog, se: rawRest.se };
    // Without a rest to compare with (the dimension has one value) the segment is the whole
    // route and says nothing; a new release with nothing left of the old one carries it all.
    const comparable = rest !== null || t.isNew;
    const excessLog = comparable ? t.logChange - (rest?.log ?? 0) : 0;
    const seExcess = Math.sqrt(t.seCurrentLog ** 2 + p75LogSe(t.nBaseline, b?.logSlope ?? 1) ** 2 + (rest?.se ?? 0) ** 2);
    const excessZ = excessLog / seExcess;
    const q = qValues.get(t.key) ?? 1;
    const half = Math.log(1 + cfg.minEffectPct / 200);
    out.push({
      dim: t.segment.dim,
      value: t.segment.value,
      baselineP75: t.baselineP75,
      currentP75: t.currentP75,
      changePct: changePct(t.currentP75, t.baselineP75, offset),
      ciLowPct: (Math.exp(t.logChange - zCrit * t.seLog) - 1) * 100,
      ciHighPct: (Math.exp(t.logChange + zCrit * t.seLog) - 1) * 100,
      pValue: t.pValue,
      qValue: q,
      nBaseline: t.nBaseline,
      nCurrent: t.nCurrent,
      baselineSharePct: (b?.share ?? 0) * 100,
      currentSharePct: curTotal > 0 ? (t.nCurrent / curTotal) * 100 : 0,
      restChangePct: rest ? (Math.exp(rest.log) - 1) * 100 : null,
      excessZ,
      contributionPct: contribution(t, dimKeys, current, baseline),
      carries: t.practical && t.z >= 3 && excessZ >= 3.5 && excessLog >= half,
      isNew: t.isNew,
      rank: excessZ,
    });
  }
  out.sort((x, y) => Number(y.carries) - Number(x.carries) || y.rank - x.rank);
  return out.map(({ rank: _rank, ...a }) => a);
}

/** Change of the other values of the segment's dimension (current merged vs their baseline). */
function restChange(
  t: UnitTest,
  dimKeys: string[],
  current: Map<string, WindowData>,
  b: SegmentBaseline | undefined,
  baseline: BaselineSummary,
  offset: number,
): { log: number; se: number } | null {
  const others = dimKeys.filter((k) => k !== t.key).map((k) => current.get(k)!.merged).filter((s) => s.count > 0);
  // A new segment's rest is every established value: its baseline is the values' own union.
  const restBase = b?.rest ?? (t.isNew ? restOfAll(t.segment.dim, baseline) : null);
  if (others.length === 0 || !restBase) return null;
  const merged = QuantileSketch.mergeAll(others);
  if (merged.count < 30 || restBase.n < 30) return null;
  const p75 = summarize(merged, offset).p75;
  return {
    log: Math.log((p75 + offset) / (restBase.p75 + offset)),
    se: Math.sqrt(p75LogSe(merged.count, restBase.logSlope) ** 2 + p75LogSe(restBase.n, restBase.logSlope) ** 2),
  };
}

function restOfAll(dim: SegmentDim, baseline: BaselineSummary): SegmentBaseline['rest'] {
  const all = baseline.segments.all;
  const hasDim = Object.values(baseline.segments).some((s) => s.dim === dim);
  return all && hasDim ? { n: all.n, p75: all.p75, logSlope: all.logSlope } : null;
}

/** Share of the route's p75 change removed by giving this segment its baseline distribution back. */
function contribution(t: UnitTest, dimKeys: string[], current: Map<string, WindowData>, baseline: BaselineSummary): number | null {
  const total = dimKeys.reduce((s, k) => s + (current.get(k)?.summary.n ?? 0), 0);
  const b = baseline.segments[t.key] ?? (t.isNew ? baseline.segments.all : undefined);
  if (!b || total === 0) return null;
  const comps = (revert: boolean): MixtureComponent[] =>
    dimKeys
      .map((k) => {
        const w = current.get(k)!;
        return { weight: w.summary.n / total, dist: revert && k === t.key ? b : w.summary };
      })
      .filter((c) => c.dist.n > 0);
  const allBase = baseline.segments.all;
  const now = mixtureLogQuantile(comps(false), 0.75);
  const reverted = mixtureLogQuantile(comps(true), 0.75);
  const baseLog = allBase.logQ[P75_INDEX];
  const change = now - baseLog;
  if (!(Math.abs(change) > 1e-9)) return null;
  return ((now - reverted) / change) * 100;
}

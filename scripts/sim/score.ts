import type { IncidentRecord, InstanceOutcome } from './run-instance';
import type { InstanceSpec } from './scenarios';

/** Scoring of the evaluation: which incidents were right, and the figures of the spec. */

const WEEK_TICKS = 7 * 1440;
const LABELS = ['both', 'rum_only', 'synthetic_only'] as const;

/** An instance counts towards the precision/recall targets when its real traffic has >= 400 beacons per 10-minute window. */
export function inTargetPopulation(spec: InstanceSpec): boolean {
  const k = spec.expected.kind;
  if (k === 'subthreshold' || k === 'failure') return false;
  return spec.ratePerMin * 10 >= 400;
}

export interface InstanceScore {
  spec: InstanceSpec;
  outcome: InstanceOutcome;
  /** The incident that detected the injected change (null when missed or nothing was injected). */
  hit: IncidentRecord | null;
  ttdMin: number | null;
  /** Incidents that should not have opened. */
  falseIncidents: IncidentRecord[];
  /** False incidents opened while nothing had changed yet (for the per-series-week rate). */
  falseNoChange: number;
  /** Further incidents for the same injected change after the first resolved. */
  repeats: number;
  /** Incidents on a 5% change: below the practical threshold, counted apart. */
  subthreshold: number;
}

export function scoreInstance(spec: InstanceSpec, outcome: InstanceOutcome): InstanceScore {
  const exp = spec.expected;
  const score: InstanceScore = { spec, outcome, hit: null, ttdMin: null, falseIncidents: [], falseNoChange: 0, repeats: 0, subthreshold: 0 };
  for (const inc of outcome.incidents) {
    const afterOnset = inc.openedAt >= spec.onsetMs;
    if (!afterOnset) {
      score.falseIncidents.push(inc);
      score.falseNoChange++;
      continue;
    }
    const wantKind = exp.kind === 'failure' ? 'failure' : 'regression';
    if ((exp.kind === 'regression' || exp.kind === 'failure') && inc.kind === wantKind) {
      if (!score.hit) {
        score.hit = inc;
        score.ttdMin = (inc.openedAt - spec.onsetMs) / 60_000;
      } else score.repeats++;
    } else if (exp.kind === 'subthreshold' && inc.kind === 'regression') score.subthreshold++;
    else {
      score.falseIncidents.push(inc);
      if (exp.kind === 'none') score.falseNoChange++;
    }
  }
  return score;
}

function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null, d = 1) => (x === null ? '-' : x.toFixed(d));
const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

export interface Summary {
  lines: string[];
  json: Record<string, number | null>;
}

/** Builds the printed table and the closing JSON figures. */
export function summarize(scores: InstanceScore[], elapsedS: number, machine: string): Summary {
  const lines: string[] = [];
  const groups = new Map<string, InstanceScore[]>();
  for (const s of scores) {
    const key = `${s.spec.scenario}@${s.spec.ratePerMin}/min`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  lines.push('scenario                         n  detected  TTD p50  TTD p90  false  repeat  label ok  top-1  top-3  deploy');
  for (const [key, list] of groups) {
    const exp = list[0].spec.expected;
    const hits = list.filter((s) => s.hit);
    const ttds = hits.map((s) => s.ttdMin!);
    const withSeg = hits.filter((s) => s.spec.expected.segment);
    const withDeploy = hits.filter((s) => s.spec.expected.deployId);
    const labelled = hits.filter((s) => s.hit!.kind === 'regression');
    const detectedText = exp.kind === 'none' || exp.kind === 'mix' ? '-' : exp.kind === 'subthreshold' ? `(${list.filter((s) => s.subthreshold > 0).length})` : String(hits.length);
    lines.push(
      [
        key.padEnd(30),
        String(list.length).padStart(3),
        detectedText.padStart(9),
        num(quantile(ttds, 0.5)).padStart(8),
        num(quantile(ttds, 0.9)).padStart(8),
        String(list.reduce((n, s) => n + s.falseIncidents.length, 0)).padStart(6),
        String(list.reduce((n, s) => n + s.repeats, 0)).padStart(7),
        (labelled.length ? `${labelled.filter((s) => s.hit!.label === exp.label).length}/${labelled.length}` : '-').padStart(9),
        (withSeg.length ? `${withSeg.filter((s) => s.hit!.topSegmentsAtOpen[0] === s.spec.expected.segment).length}/${withSeg.length}` : '-').padStart(6),
        (withSeg.length ? `${withSeg.filter((s) => s.hit!.topSegmentsAtOpen.slice(0, 3).includes(s.spec.expected.segment!)).length}/${withSeg.length}` : '-').padStart(6),
        (withDeploy.length ? `${withDeploy.filter((s) => s.hit!.suspectedAtOpen === exp.deployId).length}/${withDeploy.length}` : '-').padStart(7),
      ].join(' '),
    );
  }

  const target = scores.filter((s) => inTargetPopulation(s.spec));
  const targetRegressions = target.filter((s) => s.spec.expected.kind === 'regression');
  const trueCount = target.filter((s) => s.hit).length;
  const falseCount = target.reduce((n, s) => n + s.falseIncidents.length, 0);
  const precision = ratio(trueCount, trueCount + falseCount);
  const recall = ratio(targetRegressions.filter((s) => s.hit).length, targetRegressions.length);
  const ttdTarget = scores.filter((s) => s.spec.scenario === 'rum_step_20' && s.spec.ratePerMin === 50 && s.hit).map((s) => s.ttdMin!);
  const ttdAll = target.filter((s) => s.hit).map((s) => s.ttdMin!);
  const noChangeTicks = scores.reduce((n, s) => n + (s.spec.expected.kind === 'none' ? s.outcome.ticks : s.outcome.preOnsetTicks), 0);
  const falseNoChange = scores.reduce((n, s) => n + s.falseNoChange, 0);
  const seriesWeeks = noChangeTicks / WEEK_TICKS;
  const falsePer100 = (falseNoChange / seriesWeeks) * 100;
  // One-sided 95% upper bound of a Poisson rate (exact for 0..3 events, normal beyond).
  const upperEvents = [3.0, 4.74, 6.3, 7.75][falseNoChange] ?? falseNoChange + 1.645 * Math.sqrt(falseNoChange) + 1;
  const regressionHits = scores.filter((s) => s.hit && s.hit.kind === 'regression' && s.spec.expected.label);
  const labelOk = regressionHits.filter((s) => s.hit!.label === s.spec.expected.label);
  const labelOkAtOpen = regressionHits.filter((s) => s.hit!.labelAtOpen === s.spec.expected.label);
  const reasonCases = regressionHits.filter((s) => s.spec.expected.reason && s.hit!.label === 'synthetic_only');
  const segCases = scores.filter((s) => s.hit && s.spec.expected.segment);
  const top1 = segCases.filter((s) => s.hit!.topSegmentsAtOpen[0] === s.spec.expected.segment);
  const top3 = segCases.filter((s) => s.hit!.topSegmentsAtOpen.slice(0, 3).includes(s.spec.expected.segment!));
  const top1Final = segCases.filter((s) => s.hit!.topSegments[0] === s.spec.expected.segment);
  const deployCases = scores.filter((s) => s.hit && s.spec.expected.deployId);
  const deployOk = deployCases.filter((s) => s.hit!.suspectedAtOpen === s.spec.expected.deployId);
  const deployOkFinal = deployCases.filter((s) => s.hit!.suspected === s.spec.expected.deployId);
  const mixCases = scores.filter((s) => s.spec.expected.kind === 'mix');
  const mixNamed = mixCases.filter((s) => s.outcome.mixDriver === s.spec.expected.mixDriver);
  const sub = scores.filter((s) => s.spec.expected.kind === 'subthreshold');

  lines.push('');
  lines.push('Confusion matrix of labels (rows: expected, columns: final label of the incident that detected it):');
  lines.push(`${'expected'.padEnd(16)}${LABELS.map((l) => l.padStart(16)).join('')}${'missed'.padStart(10)}`);
  for (const want of LABELS) {
    const rows = scores.filter((s) => s.spec.expected.kind === 'regression' && s.spec.expected.label === want);
    const cells = LABELS.map((got) => String(rows.filter((s) => s.hit?.label === got).length).padStart(16)).join('');
    lines.push(`${want.padEnd(16)}${cells}${String(rows.filter((s) => !s.hit).length).padStart(10)}`);
  }
  lines.push('');
  lines.push(`precision (targets: >=10% shifts, >=400 beacons per window, plus no-change and mix) ${pct(precision)}  (${trueCount} true, ${falseCount} false)`);
  lines.push(`recall (same population)                                  ${pct(recall)}  (${targetRegressions.filter((s) => s.hit).length}/${targetRegressions.length})`);
  lines.push(`time to detect, 20% step at 50 beacons/min               p50 ${num(quantile(ttdTarget, 0.5))} min, p90 ${num(quantile(ttdTarget, 0.9))} min`);
  lines.push(`time to detect, every detected target regression         p50 ${num(quantile(ttdAll, 0.5))} min, p90 ${num(quantile(ttdAll, 0.9))} min`);
  lines.push(`false incidents without change                           ${falseNoChange} in ${seriesWeeks.toFixed(1)} series-weeks = ${falsePer100.toFixed(2)} per 100 series-weeks (95% upper bound ${((upperEvents / seriesWeeks) * 100).toFixed(1)})`);
  lines.push(`label accuracy (final label / at opening)                 ${pct(ratio(labelOk.length, regressionHits.length))} / ${pct(ratio(labelOkAtOpen.length, regressionHits.length))}  (${regressionHits.length} detected)`);
  lines.push(`synthetic-only reason right                               ${pct(ratio(reasonCases.filter((s) => s.hit!.reason === s.spec.expected.reason).length, reasonCases.length))}  (${reasonCases.length})`);
  lines.push(`attribution top-1 / top-3 at opening (final top-1)        ${pct(ratio(top1.length, segCases.length))} / ${pct(ratio(top3.length, segCases.length))} (${pct(ratio(top1Final.length, segCases.length))})  (${segCases.length})`);
  lines.push(`deployment match at opening (final)                       ${pct(ratio(deployOk.length, deployCases.length))} (${pct(ratio(deployOkFinal.length, deployCases.length))})  (${deployCases.length})`);
  lines.push(`mix shifts named as mix changes, right driver             ${mixNamed.length}/${mixCases.length} (aggregate p75 moved up to ${num(Math.max(0, ...mixCases.map((s) => s.outcome.mixAggregatePct)), 0)}%)`);
  lines.push(`5% steps (below the practical threshold) that opened one  ${sub.filter((s) => s.subthreshold > 0).length}/${sub.length}`);
  lines.push(`instances ${scores.length}, ticks ${scores.reduce((n, s) => n + s.outcome.ticks, 0)}, ${elapsedS.toFixed(1)} s on ${machine}`);

  return {
    lines,
    json: {
      precision: round(precision),
      recall: round(recall),
      ttdP50Min: quantile(ttdTarget, 0.5),
      ttdP90Min: quantile(ttdTarget, 0.9),
      falsePer100SeriesWeeks: round(falsePer100),
      labelAccuracy: round(ratio(labelOk.length, regressionHits.length)),
      attributionTop1: round(ratio(top1.length, segCases.length)),
      attributionTop3: round(ratio(top3.length, segCases.length)),
      deployMatch: round(ratio(deployOk.length, deployCases.length)),
      // No timing here: the line is identical for a seed, run after run.
      seriesWeeks: round(seriesWeeks),
    },
  };
}

function round(x: number | null): number | null {
  return x === null ? null : Math.round(x * 1000) / 1000;
}

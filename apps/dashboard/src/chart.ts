// The compare chart: real-user p75 and synthetic p75 over time in one hand-written SVG, an optional p50–p95 band
// for real users, dashed deployment markers, a strip of sample counts and a hover readout.
import { h, replace, s } from './dom';
import { deploymentKindWord, formatAxisValue, formatClock, formatCompactCount, formatCount, formatMetricValue } from './format';
import { bandPath, isolatedPoints, layoutMarkerLabels, linePath, maxValue, type PixelPoint } from './paths';
import { MINUTE_MS, linearScale, nearestIndex, niceTicks, timeTickLabel, timeTicks } from './scale';
import type { Deployment, SeriesPoint } from './types';

/** Everything one chart shows. */
export interface CompareChartData {
  fromMs: number;
  toMs: number;
  bucketMinutes: number;
  metric: string;
  rum: SeriesPoint[];
  synthetic: SeriesPoint[];
  deployments: Deployment[];
  showBand: boolean;
  nowMs: number;
}

interface Bucket {
  startMs: number;
  midMs: number;
  rum: SeriesPoint | null;
  synthetic: SeriesPoint | null;
}

const MARGIN = { top: 36, right: 16, left: 60 };
const COUNTS_HEIGHT_PX = 36;

/** Joins both series by bucket start, in time order. */
function buckets(data: CompareChartData): Bucket[] {
  const bucketMs = data.bucketMinutes * MINUTE_MS;
  const byStart = new Map<number, Bucket>();
  const get = (startMs: number) => {
    let b = byStart.get(startMs);
    if (!b) byStart.set(startMs, (b = { startMs, midMs: startMs + bucketMs / 2, rum: null, synthetic: null }));
    return b;
  };
  for (const p of data.rum) get(Date.parse(p.start)).rum = p;
  for (const p of data.synthetic) get(Date.parse(p.start)).synthetic = p;
  return [...byStart.values()].filter((b) => Number.isFinite(b.startMs)).sort((a, b) => a.startMs - b.startMs);
}

/** Draws the chart into `host` (replacing what was there), sized to the host's width. */
export function renderCompareChart(host: HTMLElement, data: CompareChartData): void {
  const width = Math.max(280, host.clientWidth);
  const plotHeight = width < 600 ? 200 : 280;
  const tzOffsetMinutes = -new Date(data.nowMs).getTimezoneOffset();
  const bucketMs = data.bucketMinutes * MINUTE_MS;
  const rows = buckets(data);

  const plotTop = MARGIN.top;
  const plotBottom = plotTop + plotHeight;
  const countsTop = plotBottom + 30;
  const countsBottom = countsTop + COUNTS_HEIGHT_PX;
  const height = countsBottom + 8;
  const x = linearScale([data.fromMs, data.toMs], [MARGIN.left, width - MARGIN.right]);

  const rumP75 = rows.map((b) => b.rum?.p75 ?? null);
  const synP75 = rows.map((b) => b.synthetic?.p75 ?? null);
  const rumP95 = data.showBand ? rows.map((b) => b.rum?.p95 ?? null) : [];
  const top = maxValue(rumP75, synP75, rumP95);
  const yTicks = niceTicks(0, top, Math.max(2, Math.round(plotHeight / 55)));
  const y = linearScale([0, yTicks.max], [plotBottom, plotTop]);
  const at = (values: (number | null)[]): PixelPoint[] => rows.map((b, i) => (values[i] == null ? null : { x: x(b.midMs), y: y(values[i]!) }));

  const svg = s('svg', { class: 'chart-svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${data.metric.toUpperCase()} p75 over time, real users and synthetic` });

  // Grid and value axis.
  const grid = s('g', { class: 'grid' });
  for (const tick of yTicks.ticks) {
    const py = y(tick);
    grid.append(
      s('line', { x1: MARGIN.left, x2: width - MARGIN.right, y1: py, y2: py }),
      s('text', { x: MARGIN.left - 8, y: py, class: 'axis-label', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, formatAxisValue(data.metric, tick)),
    );
  }
  // Time axis.
  const { stepMs, ticks } = timeTicks(data.fromMs, data.toMs, Math.max(2, Math.floor((width - MARGIN.left - MARGIN.right) / 75)), tzOffsetMinutes);
  for (const tick of ticks) {
    const px = x(tick);
    grid.append(
      s('line', { class: 'tick', x1: px, x2: px, y1: plotBottom, y2: plotBottom + 5 }),
      s('text', { x: px, y: plotBottom + 19, class: 'axis-label', 'text-anchor': 'middle' }, timeTickLabel(tick, stepMs, tzOffsetMinutes)),
    );
  }
  svg.append(grid);

  // Series.
  if (data.showBand) {
    svg.append(s('path', { class: 'band-rum', d: bandPath(at(rumP95), at(rows.map((b) => b.rum?.p50 ?? null))) }));
  }
  const rumPoints = at(rumP75);
  const synPoints = at(synP75);
  svg.append(s('path', { class: 'line-rum', d: linePath(rumPoints) }));
  for (const p of isolatedPoints(rumPoints)) svg.append(s('circle', { class: 'dot-rum', cx: p.x, cy: p.y, r: 2.5 }));
  // Runs come every few minutes, so short buckets leave gaps: join them, and mark the real points.
  svg.append(s('path', { class: 'line-synthetic', d: linePath(synPoints, true) }));
  if (hasInnerGaps(synPoints) || synPoints.filter(Boolean).length <= 30) {
    for (const p of synPoints) if (p) svg.append(s('circle', { class: 'dot-synthetic', cx: p.x, cy: p.y, r: 2.5 }));
  }

  // Deployment markers, labels staggered on two rows above the plot.
  const deployments = data.deployments
    .map((d) => ({ d, atMs: Date.parse(d.at) }))
    .filter(({ atMs }) => atMs >= data.fromMs && atMs <= data.toMs)
    .sort((a, b) => a.atMs - b.atMs);
  const markerXs = deployments.map(({ atMs }) => x(atMs));
  const labelRows = layoutMarkerLabels(markerXs, 78, 2);
  deployments.forEach(({ d, atMs }, i) => {
    const px = markerXs[i];
    const row = labelRows[i];
    const g = s('g', { class: `marker marker-${d.kind}` });
    g.append(
      s('title', null, `${deploymentKindWord(d.kind)} ${d.version} at ${formatClock(atMs, data.nowMs)}${d.description ? `: ${d.description}` : ''}`),
      s('line', { x1: px, x2: px, y1: plotTop - 4, y2: countsBottom }),
      s('path', { class: 'marker-flag', d: `M${px - 4},${plotTop - 8}L${px + 4},${plotTop - 8}L${px},${plotTop - 2}Z` }),
    );
    if (row >= 0) {
      const nearRight = px > width - MARGIN.right - 70;
      const label = d.version.length > 12 ? `${d.version.slice(0, 11)}…` : d.version;
      g.append(s('text', { x: nearRight ? px - 4 : px + 4, y: plotTop - 24 + row * 13, class: 'marker-label', 'text-anchor': nearRight ? 'end' : 'start' }, label));
    }
    svg.append(g);
  });

  // Sample counts per bucket (real users).
  const counts = rows.map((b) => b.rum?.count ?? 0);
  const maxCount = Math.max(0, ...counts);
  const countsG = s('g', { class: 'counts' });
  countsG.append(
    s('line', { class: 'counts-base', x1: MARGIN.left, x2: width - MARGIN.right, y1: countsBottom, y2: countsBottom }),
    s('text', { x: MARGIN.left - 8, y: countsTop + 6, class: 'axis-label', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, maxCount ? formatCompactCount(maxCount) : '0'),
    s('text', { x: MARGIN.left - 8, y: countsBottom, class: 'axis-label', 'text-anchor': 'end' }, 'n'),
  );
  const barWidth = Math.max(1, x(data.fromMs + bucketMs) - x(data.fromMs) - 1);
  rows.forEach((b, i) => {
    if (!counts[i] || !maxCount) return;
    const barHeight = Math.max(1, (counts[i] / maxCount) * COUNTS_HEIGHT_PX);
    countsG.append(s('rect', { x: x(b.startMs) + 0.5, y: countsBottom - barHeight, width: barWidth, height: barHeight }));
  });
  svg.append(countsG);

  if (!rumPoints.some(Boolean) && !synPoints.some(Boolean)) {
    svg.append(s('text', { class: 'chart-empty', x: (MARGIN.left + width - MARGIN.right) / 2, y: (plotTop + plotBottom) / 2, 'text-anchor': 'middle' }, 'No data for this route and metric in the selected range'));
  }

  // Hover readout.
  const crosshair = s('line', { class: 'crosshair', y1: plotTop, y2: countsBottom, visibility: 'hidden' });
  const rumDot = s('circle', { class: 'hover-rum', r: 4, visibility: 'hidden' });
  const synDot = s('circle', { class: 'hover-synthetic', r: 4, visibility: 'hidden' });
  const overlay = s('rect', { class: 'hover-area', x: MARGIN.left, y: plotTop, width: width - MARGIN.left - MARGIN.right, height: countsBottom - plotTop });
  svg.append(crosshair, rumDot, synDot, overlay);
  const tooltip = h('div', { class: 'chart-tooltip', hidden: true });
  const mids = rows.map((b) => b.midMs);

  const hide = () => {
    tooltip.hidden = true;
    for (const el of [crosshair, rumDot, synDot]) el.setAttribute('visibility', 'hidden');
  };
  const show = (event: PointerEvent) => {
    const box = svg.getBoundingClientRect();
    const px = event.clientX - box.left;
    const index = nearestIndex(mids, x.invert(px));
    if (index < 0) return hide();
    const b = rows[index];
    const cx = x(b.midMs);
    crosshair.setAttribute('x1', String(cx));
    crosshair.setAttribute('x2', String(cx));
    crosshair.setAttribute('visibility', 'visible');
    placeDot(rumDot, cx, b.rum?.p75 == null ? null : y(b.rum.p75));
    placeDot(synDot, cx, b.synthetic?.p75 == null ? null : y(b.synthetic.p75));
    const near = deployments.filter(({ atMs }) => Math.abs(x(atMs) - px) <= 8 || (atMs >= b.startMs && atMs < b.startMs + bucketMs));
    replace(tooltip, ...readout(b, bucketMs, data, near.map(({ d }) => d)));
    tooltip.hidden = false;
    const tipWidth = tooltip.offsetWidth;
    const left = cx + 14 + tipWidth > width ? Math.max(0, cx - 14 - tipWidth) : cx + 14;
    tooltip.style.left = `${left}px`;
    tooltip.style.top = `${plotTop}px`;
  };
  overlay.addEventListener('pointermove', show);
  overlay.addEventListener('pointerdown', show);
  overlay.addEventListener('pointerleave', hide);

  replace(host, svg, tooltip);
}

/** Whether a line joined across gaps would hide where the data really is. */
function hasInnerGaps(points: PixelPoint[]): boolean {
  const first = points.findIndex(Boolean);
  let last = points.length - 1;
  while (last >= 0 && !points[last]) last--;
  for (let i = first + 1; i < last; i++) if (!points[i]) return true;
  return false;
}

function placeDot(dot: SVGCircleElement, cx: number, cy: number | null): void {
  if (cy == null) return void dot.setAttribute('visibility', 'hidden');
  dot.setAttribute('cx', String(cx));
  dot.setAttribute('cy', String(cy));
  dot.setAttribute('visibility', 'visible');
}

function readout(b: Bucket, bucketMs: number, data: CompareChartData, deployments: Deployment[]): HTMLElement[] {
  const { metric, nowMs } = data;
  const value = (p: SeriesPoint | null) => formatMetricValue(metric, p?.p75);
  const row = (swatch: string, label: string, p: SeriesPoint | null) => [
    h('span', { class: `swatch ${swatch}` }),
    h('span', null, label),
    h('strong', { class: 'num' }, value(p)),
    h('span', { class: 'tip-n num' }, `n ${formatCount(p?.count ?? 0)}`),
  ];
  const out = [
    h('div', { class: 'tip-time' }, `${formatClock(b.startMs, nowMs)} – ${formatClock(b.startMs + bucketMs, nowMs)}`),
    h(
      'div',
      { class: 'tip-grid' },
      ...row('swatch-rum', 'Real users p75', b.rum),
      b.rum?.p75 != null ? h('span', { class: 'tip-spread' }, `p50 ${formatMetricValue(metric, b.rum.p50)} · p95 ${formatMetricValue(metric, b.rum.p95)}`) : null,
      ...row('swatch-synthetic', 'Synthetic p75', b.synthetic),
    ),
  ];
  for (const d of deployments) {
    out.push(
      h('div', { class: 'tip-deploy' }, `\u25BC ${deploymentKindWord(d.kind)} ${d.version} at ${formatClock(Date.parse(d.at), nowMs)}`, d.commit ? ` (${d.commit.slice(0, 7)})` : '', d.description ? h('div', { class: 'muted' }, d.description) : null),
    );
  }
  return out;
}

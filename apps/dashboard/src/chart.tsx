// Time-series charts on uPlot: one time axis in seconds, gaps (null) drawn as gaps, a y axis fitted to the data
// (not forced to zero), drag to zoom, a hover read-out in the legend, and deployment markers as real buttons.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { formatAxisValue, formatMetricValue } from './format';

export interface ChartLine {
  label: string;
  /** CSS colour or var(--name). */
  color: string;
  values: (number | null)[];
  width?: number;
  dash?: number[];
  /** Points always drawn (synthetic runs are sparse: a lone run between gaps stays visible). */
  pointsOnly?: boolean;
  /** Hidden line that only bounds a band (p50/p95). */
  bandEdge?: boolean;
}

export interface ChartMarker {
  atMs: number;
  label: string;
  title: string;
  onOpen?: () => void;
}

interface Props {
  /** Epoch ms per point, ascending. */
  xsMs: number[];
  lines: ChartLine[];
  metric: string;
  /** Pairs of line indices (0-based into `lines`) filled between, e.g. p95 over p50. */
  bands?: [number, number][];
  markers?: ChartMarker[];
  /** Shown x window, epoch ms (so a range with data only at its end still spans the range). */
  fromMs: number;
  toMs: number;
  height?: number;
  onZoom?: (fromMs: number, toMs: number) => void;
  ariaLabel: string;
}

/** Resolves var(--x) against the document (uPlot paints on canvas and needs real colours). */
export function cssColor(color: string): string {
  const m = /^var\((--[\w-]+)\)$/.exec(color);
  return m ? getComputedStyle(document.documentElement).getPropertyValue(m[1]).trim() || '#888' : color;
}

/** y range padded around the data; zero only when the data is near it. */
function fitRange(_u: uPlot, min: number | null, max: number | null): [number, number] {
  if (min == null || max == null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) return [Math.max(0, min * 0.8), max * 1.2 || 1];
  const pad = (max - min) * 0.12;
  return [Math.max(0, min - pad), max + pad];
}

export function TimeChart(props: Props) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [markerPos, setMarkerPos] = useState<{ left: number; row: number; marker: ChartMarker }[]>([]);
  const propsRef = useRef(props);
  propsRef.current = props;

  useEffect(() => {
    const el = host.current!;
    const text = cssColor('var(--muted)');
    const grid = cssColor('var(--border)');
    const metric = props.metric;
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: props.height ?? 300,
      scales: { x: { time: true, min: props.fromMs / 1000, max: props.toMs / 1000 }, y: { range: fitRange } },
      axes: [
        { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        {
          stroke: text,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid },
          size: 64,
          values: (_u, ticks) => ticks.map((v) => formatAxisValue(metric, v)),
        },
      ],
      series: [
        { label: 'Time' },
        ...props.lines.map((line) => ({
          label: line.label,
          stroke: line.bandEdge ? 'transparent' : cssColor(line.color),
          width: line.bandEdge ? 0 : (line.width ?? 2),
          dash: line.dash,
          spanGaps: false,
          show: true,
          points: line.bandEdge ? { show: false } : line.pointsOnly ? { show: true, size: 7, stroke: cssColor(line.color), fill: cssColor(line.color) } : {},
          value: (_u: uPlot, v: number | null) => (v == null ? '–' : formatMetricValue(metric, v)),
        })),
      ],
      bands: (props.bands ?? []).map(([hi, lo]) => ({ series: [hi + 1, lo + 1] as [number, number], fill: cssColor('var(--rum-band)') })),
      cursor: { drag: { x: true, y: false, setScale: false } },
      legend: { live: true },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 4) return;
            const from = u.posToVal(u.select.left, 'x') * 1000;
            const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            propsRef.current.onZoom?.(Math.round(from), Math.round(to));
          },
        ],
        draw: [
          (u) => {
            const ms = propsRef.current.markers ?? [];
            const ctx = u.ctx;
            const top = u.bbox.top;
            const bottom = u.bbox.top + u.bbox.height;
            ctx.save();
            ctx.strokeStyle = cssColor('var(--marker)');
            ctx.setLineDash([4, 4]);
            ctx.lineWidth = 1 * devicePixelRatio;
            const pos: { left: number; row: number; marker: ChartMarker }[] = [];
            for (const m of ms) {
              const x = u.valToPos(m.atMs / 1000, 'x', true);
              if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
              ctx.beginPath();
              ctx.moveTo(x, top);
              ctx.lineTo(x, bottom);
              ctx.stroke();
              const left = u.valToPos(m.atMs / 1000, 'x', false) + u.over.offsetLeft;
              // Labels closer than ~80 px go on a second row so they do not overlap.
              const last = pos[pos.length - 1];
              pos.push({ left, row: last && left - last.left < 80 && last.row === 0 ? 1 : 0, marker: m });
            }
            ctx.restore();
            setMarkerPos(pos);
          },
        ],
      },
    };
    const data: uPlot.AlignedData = [props.xsMs.map((x) => x / 1000), ...props.lines.map((l) => l.values)];
    const u = new uPlot(opts, data, el);
    plot.current = u;
    const observer = new ResizeObserver(() => u.setSize({ width: Math.max(280, el.clientWidth), height: props.height ?? 300 }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      plot.current = null;
    };
    // A new chart per data change: uPlot's setData cannot change the number of series.
  }, [props.xsMs, props.lines, props.fromMs, props.toMs, props.metric, props.markers]);

  return (
    <div class="chart" role="figure" aria-label={props.ariaLabel}>
      <div class="chart-markers" aria-label="Markers" style={{ height: markerPos.some((p) => p.row) ? '48px' : '24px' }}>
        {markerPos.map(({ left, row, marker }) => (
          <button type="button" class="marker-btn" style={{ left: `${left}px`, top: `${row * 24}px` }} title={marker.title} onClick={marker.onOpen}>
            {marker.label}
          </button>
        ))}
      </div>
      <div ref={host} class="chart-canvas" />
    </div>
  );
}

/** A small p75 trend line without axes; null points are gaps. */
export function Sparkline({ values, label }: { values: (number | null)[]; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current!;
    const first = values.findIndex((v) => v !== null);
    values = first > 0 ? values.slice(first) : values;
    const xs = values.map((_, i) => i);
    const u = new uPlot(
      {
        width: 120,
        height: 32,
        pxAlign: false,
        cursor: { show: false },
        legend: { show: false },
        scales: { x: { time: false }, y: { range: fitRange } },
        axes: [{ show: false }, { show: false }],
        series: [{}, { stroke: cssColor('var(--rum)'), width: 1.5, spanGaps: false, points: { show: false } }],
      },
      [xs, values],
      el,
    );
    return () => u.destroy();
  }, [values]);
  return <div ref={host} class="sparkline" role="img" aria-label={label} />;
}

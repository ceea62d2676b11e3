// Pure SVG path building for the charts: lines with gaps, shaded bands, and label rows for deployment markers.

/** A point in pixels, or null where the series has no data. */
export type PixelPoint = { x: number; y: number } | null;

const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

/**
 * Path data for a line through `points`. Missing points break the line unless `connectGaps` is set (sparse
 * series such as synthetic runs every few minutes read better joined).
 */
export function linePath(points: PixelPoint[], connectGaps = false): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (!p) {
      if (!connectGaps) pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${fmt(p.x)},${fmt(p.y)}`;
    pen = true;
  }
  return d;
}

/** Points with no defined neighbour: a gapped line would not show them, so the chart draws them as dots. */
export function isolatedPoints(points: PixelPoint[]): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  points.forEach((p, i) => {
    if (p && !points[i - 1] && !points[i + 1]) out.push(p);
  });
  return out;
}

/** Closed area between `upper` and `lower` (same length), one polygon per run where both are defined. */
export function bandPath(upper: PixelPoint[], lower: PixelPoint[]): string {
  let d = '';
  let run: number[] = [];
  const flush = () => {
    if (run.length > 1) {
      const top = run.map((i, k) => `${k ? 'L' : 'M'}${fmt(upper[i]!.x)},${fmt(upper[i]!.y)}`).join('');
      const bottom = run.slice().reverse().map((i) => `L${fmt(lower[i]!.x)},${fmt(lower[i]!.y)}`).join('');
      d += `${top}${bottom}Z`;
    }
    run = [];
  };
  for (let i = 0; i < upper.length; i++) {
    if (upper[i] && lower[i]) run.push(i);
    else flush();
  }
  flush();
  return d;
}

/**
 * Row (0 = top) for each marker label so labels at most `minGapPx` apart do not overlap; markers in any order.
 * Labels that would need more than `maxRows` rows get -1 (shown on hover only).
 */
export function layoutMarkerLabels(xs: number[], minGapPx: number, maxRows = 2): number[] {
  const rows = new Array<number>(xs.length).fill(-1);
  const lastXByRow: number[] = [];
  const order = xs.map((x, i) => i).sort((a, b) => xs[a] - xs[b]);
  for (const i of order) {
    let row = lastXByRow.findIndex((last) => xs[i] - last >= minGapPx);
    if (row === -1 && lastXByRow.length < maxRows) row = lastXByRow.length;
    if (row === -1) continue;
    lastXByRow[row] = xs[i];
    rows[i] = row;
  }
  return rows;
}

/** Largest finite value over several series (0 when none). */
export function maxValue(...series: (number | null | undefined)[][]): number {
  let max = 0;
  for (const values of series) for (const v of values) if (v != null && Number.isFinite(v) && v > max) max = v;
  return max;
}

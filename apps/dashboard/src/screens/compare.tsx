// Compare: real users' p75 with its p50–p95 band against the lab per location, on one time axis, with deployment
// markers, drag to zoom, a hover read-out and the whole state in the URL.
import type { DeploymentView, SeriesView } from '@parallax/contracts/dashboard-views';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { TimeChart, type ChartLine, type ChartMarker } from '../chart';
import { deploymentKindWord, formatCount, metricLabel } from '../format';
import { rangeHolding, windowOf } from '../range';
import { Card, Empty, ErrorNote, Loading, RangePicker, Select, useAsync, VITAL_OPTIONS } from '../ui';
import { labLines } from '../series';
import { RoutePicker } from './segments';
import { SegmentChip } from './segment-chip';

export function ComparePage() {
  const { api, site, state, navigate } = useApp();
  const w = windowOf(state, Date.now());
  const metric = state.metric ?? 'lcp';
  const route = state.route;
  const [opened, setOpened] = useState<DeploymentView | null>(null);
  const from = new Date(w.fromMs).toISOString();
  const to = new Date(w.toMs).toISOString();
  const data = useAsync(async () => {
    if (!route) return null;
    const [rum, all, lab, deployments] = await Promise.all([
      api.series(site.id, { route, metric, source: 'rum', from, to, bucketMinutes: w.bucketMinutes, segment: state.segment }),
      state.segment
        ? api.series(site.id, { route, metric, source: 'rum', from, to, bucketMinutes: w.bucketMinutes })
        : Promise.resolve(null as SeriesView | null),
      ['lcp', 'inp', 'cls', 'fcp', 'ttfb'].includes(metric) ? api.lab(site.id, { route, metric, from, to }) : Promise.resolve(null),
      api.deployments(site.id, from, to),
    ]);
    return { rum, all, lab, deployments };
  }, [site.id, route, metric, state.segment, from, to]);

  // No range chosen and the default one is empty: jump to the range holding the newest data.
  useEffect(() => {
    const d = data.data;
    if (!d || !route || state.range || state.from || d.rum.points.some((p) => p.count > 0) || d.lab?.locations.length) return;
    api
      .series(site.id, {
        route,
        metric,
        source: 'rum',
        from: new Date(Date.now() - 7 * 86_400_000).toISOString(),
        to: new Date().toISOString(),
        bucketMinutes: 60,
      })
      .then(
        (week) => {
          const last = [...week.points].reverse().find((p) => p.count > 0);
          const key = last ? rangeHolding(Date.parse(last.start) + 3_600_000, Date.now()) : null;
          if (key && key !== w.key) navigate({ range: key });
        },
        () => undefined,
      );
  }, [data.data]);

  const chart = useMemo(() => {
    const d = data.data;
    if (!d) return null;
    const xs = d.rum.points.map((p) => Date.parse(p.start));
    const lines: ChartLine[] = [
      { label: 'Real users p95', color: 'var(--rum)', values: d.rum.points.map((p) => p.p95), bandEdge: true },
      { label: 'Real users p50', color: 'var(--rum)', values: d.rum.points.map((p) => p.p50), bandEdge: true },
      { label: `Real users p75${state.segment ? ` (${state.segment})` : ''}`, color: 'var(--rum)', values: d.rum.points.map((p) => p.p75), width: 2.5 },
    ];
    if (d.all) lines.push({ label: 'All users p75', color: 'var(--marker)', values: d.all.points.map((p) => p.p75), width: 1, dash: [2, 3] });
    lines.push(...labLines(d.lab, xs, d.rum.bucketMinutes * 60_000));
    const markers: ChartMarker[] = d.deployments.map((dep) => ({
      atMs: Date.parse(dep.at),
      label: dep.version,
      title: `${deploymentKindWord(dep.kind)} ${dep.version} at ${new Date(dep.at).toLocaleString()}`,
      onOpen: () => setOpened(dep),
    }));
    const samples = d.rum.points.reduce((n, p) => n + p.count, 0);
    return { xs, lines, markers, samples, labRuns: d.lab?.locations.reduce((n, l) => n + l.points.length, 0) ?? 0 };
  }, [data.data]);

  return (
    <div class="page">
      <div class="page-head">
        <h2>Compare real users and lab</h2>
        <div class="range-group">
          <RangePicker value={w.key} custom={w.custom} onChange={(range) => navigate({ range, from: undefined, to: undefined })} />
          {w.custom ? (
            <button type="button" class="btn btn-small" onClick={() => navigate({ from: undefined, to: undefined })}>
              Reset zoom
            </button>
          ) : null}
        </div>
      </div>
      <div class="toolbar">
        <RoutePicker value={route} onChange={(r) => navigate({ route: r })} />
        <Select id="compare-metric" label="Vital" value={metric as 'lcp'} options={VITAL_OPTIONS} onChange={(m) => navigate({ metric: m })} />
        <SegmentChip />
      </div>
      {!route ? (
        <Empty title="Nothing to compare yet">
          <p>Once the tag sends beacons (Settings has it) and a journey runs (Journeys), both lines appear here.</p>
        </Empty>
      ) : data.error ? (
        <ErrorNote message={data.error} />
      ) : !chart ? (
        <Loading what="chart" />
      ) : (
        <Card
          title={`${metricLabel(metric)} on ${route}`}
          actions={
            <span class="muted" data-testid="compare-samples">
              {formatCount(chart.samples)} real-user samples · {formatCount(chart.labRuns)} lab measurements
            </span>
          }
        >
          {chart.samples === 0 && chart.labRuns === 0 ? (
            <p class="muted">
              No samples in this window{state.segment ? ' for this segment' : ''}: pick a longer range{state.segment ? ' or clear the segment' : ''}.
            </p>
          ) : null}
          <TimeChart
            xsMs={chart.xs}
            lines={chart.lines}
            bands={[[0, 1]]}
            markers={chart.markers}
            metric={metric}
            fromMs={w.fromMs}
            toMs={w.toMs}
            onZoom={(f, t) => navigate({ from: f, to: t })}
            ariaLabel={`${metricLabel(metric)} p75 of real users with the p50 to p95 band, and lab values per location`}
          />
          <p class="muted chart-help">
            Drag across the chart to zoom; hover for values. The shaded band is p50–p95 of real users; dashed lines with dots are lab runs per location.
          </p>
          {opened ? (
            <div class="deployment-box" role="region" aria-label="Deployment">
              <strong>
                {deploymentKindWord(opened.kind)} {opened.version}
              </strong>{' '}
              at {new Date(opened.at).toLocaleString()}
              {opened.commit ? (
                <>
                  {' '}
                  · commit <code>{opened.commit}</code>
                </>
              ) : null}
              {opened.description ? <p>{opened.description}</p> : null}
              <button type="button" class="btn btn-small" onClick={() => setOpened(null)}>
                Close
              </button>
            </div>
          ) : null}
        </Card>
      )}
    </div>
  );
}

// Segments: for one route and vital, a breakdown per dimension (share of page views, p75, change against the
// baseline, page views, a bar). Clicking a row sets the segment filter that every chart then uses.
import type { SegmentRow } from '@parallax/contracts/dashboard-views';
import { useApp } from '../app-context';
import { DIM_LABEL, formatCount, formatMetricValue, formatSignedPct, metricLabel, segmentValueLabel } from '../format';
import { windowOf } from '../range';
import { Card, Empty, ErrorNote, Loading, RangePicker, Select, useAsync, VITAL_OPTIONS } from '../ui';
import { SegmentChip } from './segment-chip';

export function RoutePicker({ value, onChange }: { value: string | undefined; onChange: (route: string) => void }) {
  const { api, site, state } = useApp();
  const w = windowOf(state, Date.now());
  // Routes of the last 7 days: the picker should not empty out on a short range.
  const routes = useAsync(
    () => api.routes(site.id, 'rum', new Date(Math.min(w.fromMs, Date.now() - 7 * 86_400_000)).toISOString(), new Date().toISOString()),
    [site.id],
  );
  const list = routes.data ?? [];
  if (!value && list.length) queueMicrotask(() => onChange(list[0].route));
  return (
    <Select
      id="route-select"
      label="Route"
      value={value ?? ''}
      options={list.length ? list.map((r): [string, string] => [r.route, r.route]) : [[value ?? '', value ?? 'no routes yet']]}
      onChange={onChange}
    />
  );
}

function changeClass(pct: number | null): string {
  if (pct === null) return 'muted';
  return pct > 10 ? 'worse' : pct < -10 ? 'better' : '';
}

export function SegmentsPage() {
  const { api, site, state, navigate } = useApp();
  const w = windowOf(state, Date.now());
  const metric = (state.metric ?? 'lcp') as 'lcp';
  const route = state.route;
  const data = useAsync(
    () =>
      route ? api.segments(site.id, { route, metric, from: new Date(w.fromMs).toISOString(), to: new Date(w.toMs).toISOString() }) : Promise.resolve(null),
    [site.id, route, metric, w.fromMs, w.toMs],
  );
  const d = data.data;
  const maxShare = (rows: SegmentRow[]) => Math.max(0.0001, ...rows.map((r) => r.share));
  return (
    <div class="page">
      <div class="page-head">
        <h2>Segments</h2>
        <RangePicker value={w.key} custom={w.custom} onChange={(range) => navigate({ range, from: undefined, to: undefined })} />
      </div>
      <div class="toolbar">
        <RoutePicker value={route} onChange={(r) => navigate({ route: r })} />
        <Select id="metric-select" label="Vital" value={metric} options={VITAL_OPTIONS} onChange={(m) => navigate({ metric: m })} />
        <SegmentChip />
      </div>
      {!route ? (
        <Empty title="No route yet">
          <p>Segments appear once real users have sent beacons. Add the tag from Settings to your pages.</p>
        </Empty>
      ) : data.error ? (
        <ErrorNote message={data.error} />
      ) : !d ? (
        <Loading what="segments" />
      ) : d.total.pageViews === 0 ? (
        <Empty title={`No ${metricLabel(metric)} samples on ${route} in this range`}>
          <p>Pick a longer range or another vital.</p>
        </Empty>
      ) : (
        <>
          <p class="summary-line">
            {metricLabel(metric)} p75 on <strong>{route}</strong>: {formatMetricValue(metric, d.total.p75)} over {formatCount(d.total.pageViews)} page views
            {d.total.changePct !== null
              ? `, ${formatSignedPct(d.total.changePct)} against ${d.baseline === 'previous_days' ? 'the same hours of the previous days' : 'the window just before'}`
              : ', no baseline yet'}
            . Pick a row to filter every chart by that segment.
          </p>
          <div class="segments-grid">
            {d.dimensions
              .filter((dim) => dim.rows.length)
              .map((dim) => (
                <Card title={DIM_LABEL[dim.dim] ?? dim.dim}>
                  <table class="data-table segment-table">
                    <thead>
                      <tr>
                        <th scope="col">Value</th>
                        <th scope="col" class="num">
                          Share
                        </th>
                        <th scope="col" class="num">
                          p75
                        </th>
                        <th scope="col" class="num">
                          Change
                        </th>
                        <th scope="col" class="num">
                          Views
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {dim.rows.slice(0, 12).map((r) => {
                        const selected = state.segment === r.segment;
                        return (
                          <tr class={selected ? 'selected' : ''} aria-selected={selected}>
                            <th scope="row">
                              <button
                                type="button"
                                class="row-link"
                                onClick={() => navigate({ segment: selected ? undefined : r.segment })}
                                aria-pressed={selected}
                                title={selected ? 'Show all users again' : `Filter every chart by ${r.dim} ${segmentValueLabel(r.dim, r.value)}`}
                                data-segment={r.segment}
                              >
                                {segmentValueLabel(r.dim, r.value)}
                              </button>
                              <span class="bar" style={{ width: `${(r.share / maxShare(dim.rows)) * 100}%` }} aria-hidden="true" />
                            </th>
                            <td class="num">{Math.round(r.share * 100)}%</td>
                            <td class="num">{formatMetricValue(metric, r.p75)}</td>
                            <td class={`num ${changeClass(r.changePct)}`}>{r.changePct === null ? '–' : formatSignedPct(r.changePct)}</td>
                            <td class="num">{formatCount(r.pageViews)}</td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </Card>
              ))}
          </div>
        </>
      )}
    </div>
  );
}

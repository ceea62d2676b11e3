// Overview of one site: onboarding check, active incidents, what detection can see, and per route the p75 of each
// vital with its good / needs improvement / poor shares, page views and a p75 trend.
import { CWV_THRESHOLDS, type OverviewVital, type VitalName } from '@parallax/contracts/dashboard-views';
import { useEffect } from 'preact/hooks';
import { useApp } from '../app-context';
import { Sparkline } from '../chart';
import { formatCount, formatMetricValue, LABEL_BADGE, metricLabel } from '../format';
import { formatHash } from '../hash-state';
import { rangeHolding, windowOf } from '../range';
import { Badge, Card, Empty, ErrorNote, Loading, RangePicker, useAsync } from '../ui';
import { Onboarding } from './onboarding';
import { seriesLabel, sortCoverage, STATUS_BADGE } from '../coverage';

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function VitalCell({ v }: { v: OverviewVital }) {
  if (!v.shares || v.p75 === null) return <td class="vital-cell muted">no data</td>;
  const t = CWV_THRESHOLDS[v.metric as VitalName];
  const rating = v.p75 <= t.good ? 'good' : v.p75 <= t.poor ? 'ni' : 'poor';
  const s = v.shares;
  return (
    <td class="vital-cell">
      <span class={`p75 rating-${rating}`}>{formatMetricValue(v.metric, v.p75)}</span>
      <div class="share-bar" role="img" aria-label={`${pct(s.good)} good, ${pct(s.needsImprovement)} needs improvement, ${pct(s.poor)} poor`}>
        <span class="share-good" style={{ width: pct(s.good) }} />
        <span class="share-ni" style={{ width: pct(s.needsImprovement) }} />
        <span class="share-poor" style={{ width: pct(s.poor) }} />
      </div>
      <span class="share-text">{pct(s.good)} good</span>
    </td>
  );
}

export function OverviewPage() {
  const { api, site, state, navigate } = useApp();
  const w = windowOf(state, Date.now());
  const overview = useAsync(() => api.overview(site.id, new Date(w.fromMs).toISOString(), new Date(w.toMs).toISOString()), [site.id, w.fromMs, w.toMs]);
  const incidents = useAsync(() => api.incidents(site.id, 'open', 20), [site.id]);
  const detection = useAsync(() => api.detection(site.id), [site.id]);

  // No range chosen and nothing in the default one: show the range that holds the newest data.
  useEffect(() => {
    const d = overview.data;
    if (!d || d.pageViews > 0 || !d.lastDataAt || state.range || state.from) return;
    const key = rangeHolding(Date.parse(d.lastDataAt), Date.now());
    if (key && key !== w.key) navigate({ range: key });
  }, [overview.data]);

  return (
    <div class="page">
      <div class="page-head">
        <h2>Overview · {site.name}</h2>
        <RangePicker value={w.key} custom={w.custom} onChange={(range) => navigate({ range, from: undefined, to: undefined })} />
      </div>
      <div class="grid-2">
        <Onboarding />
        <Card title="Active incidents" actions={<a href={formatHash({ screen: 'incidents', site: site.id })}>All incidents</a>}>
          {incidents.error ? (
            <ErrorNote message={incidents.error} />
          ) : !incidents.data ? (
            <Loading what="incidents" />
          ) : incidents.data.length === 0 ? (
            <p class="muted">No open incident. New ones appear here and on the Incidents screen as the detectors find them.</p>
          ) : (
            <ul class="plain-list">
              {incidents.data.slice(0, 5).map((i) => (
                <li>
                  <Badge kind={i.label}>{LABEL_BADGE[i.label]}</Badge>{' '}
                  <a href={formatHash({ screen: 'incident', id: i.id, site: site.id })}>{i.summary ?? `${metricLabel(i.metric)} on ${i.route}`}</a>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <Card title="What detection can see">
        {detection.error ? (
          <ErrorNote message={detection.error} />
        ) : !detection.data ? (
          <Loading what="detection coverage" />
        ) : (
          <>
            <p>{detection.data.summary}</p>
            {detection.data.series.length ? (
              <details>
                <summary>Each series the detectors judge</summary>
                <ul class="plain-list coverage-list">
                  {sortCoverage(detection.data.series).map((x) => (
                    <li>
                      <Badge kind={`cov-${x.status}`}>{STATUS_BADGE[x.status]}</Badge> {seriesLabel(x)} on <code>{x.route}</code>:{' '}
                      <span class="muted">{x.message}</span>
                    </li>
                  ))}
                </ul>
              </details>
            ) : null}
          </>
        )}
      </Card>
      <Card title={`Routes${overview.data ? ` · ${formatCount(overview.data.pageViews)} page views` : ''}`}>
        {overview.error ? (
          <ErrorNote message={overview.error} />
        ) : !overview.data ? (
          <Loading what="routes" />
        ) : overview.data.routes.length === 0 ? (
          <Empty title="No real-user data in this range">
            <p>
              {overview.data.lastDataAt
                ? `The newest data is from ${new Date(overview.data.lastDataAt).toLocaleString()}: pick a longer range.`
                : 'Add the tag to your pages (Settings shows it with a copy button), open a page, and its beacons show up here within a minute.'}
            </p>
            <a class="btn" href={formatHash({ screen: 'settings', site: site.id })}>
              Open Settings
            </a>
          </Empty>
        ) : (
          <div class="table-wrap">
            <table class="data-table">
              <caption class="visually-hidden">p75 of each vital per route, with good, needs improvement and poor shares</caption>
              <thead>
                <tr>
                  <th scope="col">Route</th>
                  <th scope="col" class="num">
                    Page views
                  </th>
                  <th scope="col">LCP trend</th>
                  {overview.data.routes[0].vitals.map((v) => (
                    <th scope="col">{metricLabel(v.metric)} p75</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {overview.data.routes.map((r) => (
                  <tr>
                    <th scope="row">
                      <a href={formatHash({ ...state, screen: 'segments', route: r.route, metric: state.metric ?? 'lcp' })}>{r.route}</a>
                    </th>
                    <td class="num">{formatCount(r.pageViews)}</td>
                    <td>
                      <Sparkline values={r.vitals.find((v) => v.metric === 'lcp')?.sparkline ?? []} label={`LCP p75 trend of ${r.route}`} />
                    </td>
                    {r.vitals.map((v) => (
                      <VitalCell v={v} />
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}

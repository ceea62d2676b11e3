// Incidents: the live feed (opened, updated, resolved arrive over socket.io without a reload and flash briefly),
// and an incident's page: the label in a sentence, the evidence chart around the onset, segments, the suspected
// deployment, and acknowledge.
import type { IncidentStatus, IncidentView } from '@parallax/contracts/dashboard-views';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { TimeChart, type ChartLine } from '../chart';
import { evidenceFacts, incidentSentence, LABEL_BADGE, LABEL_EXPLAINED, metricLabel, relativeTime, segmentText } from '../format';
import { countByStatus, sortIncidents, upsertIncident } from '../feed';
import { formatHash } from '../hash-state';
import { Badge, Card, Empty, ErrorNote, Loading, useAsync } from '../ui';
import { labLines } from '../series';

const FILTERS: [IncidentStatus | null, string][] = [
  [null, 'All'],
  ['open', 'Open'],
  ['acknowledged', 'Acknowledged'],
  ['resolved', 'Resolved'],
];

export function IncidentsPage() {
  const { api, site, live } = useApp();
  const [filter, setFilter] = useState<IncidentStatus | null>(null);
  const [list, setList] = useState<IncidentView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [flash, setFlash] = useState<Record<string, string>>({});

  useEffect(() => {
    setList(null);
    api.incidents(site.id, filter, 100).then(
      (l) => setList(sortIncidents(l)),
      (e: Error) => setError(e.message),
    );
    const onEvent = (kind: string) => (incident: IncidentView) => {
      setList((current) => (current ? upsertIncident(current, incident, filter).list : current));
      setFlash((f) => ({ ...f, [incident.id]: kind }));
      setTimeout(
        () =>
          setFlash((f) => {
            const { [incident.id]: _, ...rest } = f;
            return rest;
          }),
        4000,
      );
    };
    const offs = [
      live.on('incident.opened', onEvent('new')),
      live.on('incident.updated', onEvent('updated')),
      live.on('incident.resolved', onEvent('resolved')),
    ];
    return () => offs.forEach((off) => off());
  }, [site.id, filter]);

  const counts = list ? countByStatus(list) : null;
  return (
    <div class="page">
      <div class="page-head">
        <h2>Incidents</h2>
        <div class="segmented" role="group" aria-label="Status filter">
          {FILTERS.map(([value, label]) => (
            <button type="button" class={filter === value ? 'active' : ''} aria-pressed={filter === value} onClick={() => setFilter(value)}>
              {label}
              {counts && value ? ` (${counts[value]})` : ''}
            </button>
          ))}
        </div>
      </div>
      <p class="muted">Live: new, updated and resolved incidents appear here without a reload.</p>
      {error ? (
        <ErrorNote message={error} />
      ) : !list ? (
        <Loading what="incidents" />
      ) : list.length === 0 ? (
        <Empty title="No incidents">
          <p>
            Nothing regressed{filter ? ` with status ${filter}` : ''}. The Overview shows what detection can see; incidents open here live as soon as the
            detectors flag one.
          </p>
        </Empty>
      ) : (
        <ul class="incident-feed" aria-live="polite">
          {list.map((i) => (
            <li class={`incident-row status-${i.status} ${flash[i.id] ? `flash flash-${flash[i.id]}` : ''}`} data-incident-id={i.id}>
              <Badge kind={i.label}>{LABEL_BADGE[i.label]}</Badge>
              <a class="incident-link" href={formatHash({ screen: 'incident', id: i.id, site: site.id })}>
                {incidentSentence(i, Date.now())}
              </a>
              <span class="muted">
                {i.status} · opened {relativeTime(Date.parse(i.openedAt), Date.now())}
                {flash[i.id] ? <strong class="flash-tag"> · {flash[i.id]}</strong> : null}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function IncidentPage({ id }: { id: string }) {
  const { api, site, live, navigate } = useApp();
  const data = useAsync(() => api.incident(id), [id]);
  const [incident, setIncident] = useState<IncidentView | null>(null);
  useEffect(() => setIncident(data.data), [data.data]);
  useEffect(() => {
    const update = (i: IncidentView) => i.id === id && setIncident(i);
    const offs = [live.on('incident.updated', update), live.on('incident.resolved', update)];
    return () => offs.forEach((off) => off());
  }, [id]);
  const i = incident;
  // Evidence around the onset: an hour before to an hour after (or now).
  const onsetMs = i ? Date.parse(i.onsetAt ?? i.openedAt) : 0;
  const fromMs = onsetMs - 3_600_000;
  const toMs = Math.min(Date.now() + 60_000, Math.max(onsetMs + 3_600_000, i?.resolvedAt ? Date.parse(i.resolvedAt) + 600_000 : 0));
  const vital = i && ['lcp', 'inp', 'cls', 'fcp', 'ttfb'].includes(i.metric);
  const evidence = useAsync(async () => {
    if (!i || !vital) return null;
    const from = new Date(fromMs).toISOString();
    const to = new Date(toMs).toISOString();
    const [rum, lab] = await Promise.all([
      api.series(site.id, { route: i.route, metric: i.metric, source: 'rum', from, to, bucketMinutes: 1 }),
      api.lab(site.id, { route: i.route, metric: i.metric, from, to }),
    ]);
    return { rum, lab };
  }, [i?.id, vital]);
  const chart = useMemo(() => {
    const d = evidence.data;
    if (!d) return null;
    const xs = d.rum.points.map((p) => Date.parse(p.start));
    const lines: ChartLine[] = [
      { label: 'Real users p75', color: 'var(--rum)', values: d.rum.points.map((p) => p.p75), width: 2.5 },
      ...labLines(d.lab, xs, 60_000),
    ];
    return { xs, lines };
  }, [evidence.data]);

  if (data.error) return <ErrorNote message={data.error} />;
  if (!i) return <Loading what="incident" />;
  return (
    <div class="page">
      <p>
        <a href={formatHash({ screen: 'incidents', site: site.id })}>← Incidents</a>
      </p>
      <div class="page-head">
        <h2>
          {metricLabel(i.metric)} on {i.route}
          {i.metrics && i.metrics.length > 1 ? ` (${i.metrics.map(metricLabel).join(', ')})` : ''}
        </h2>
        <div class="card-actions">
          <Badge kind={i.label}>{LABEL_BADGE[i.label]}</Badge>
          <Badge kind={`status-${i.status}`}>{i.status}</Badge>
          {i.status === 'open' ? (
            <button type="button" class="btn btn-primary" onClick={async () => setIncident(await api.acknowledge(i.id))}>
              Acknowledge
            </button>
          ) : null}
        </div>
      </div>
      <p class="lead">{incidentSentence(i, Date.now())}.</p>
      <p class="explain">{LABEL_EXPLAINED[i.label]}</p>
      {evidenceFacts(i).length ? <p class="facts">{evidenceFacts(i).join(' · ')}</p> : null}
      <Card
        title="Evidence around the onset"
        actions={<a href={formatHash({ screen: 'compare', site: site.id, route: i.route, metric: i.metric, from: fromMs, to: toMs })}>Open in Compare</a>}
      >
        {!vital ? (
          <p class="muted">A failing journey has no vital to chart: open its latest run from Journeys for the failed step and screenshot.</p>
        ) : evidence.error ? (
          <ErrorNote message={evidence.error} />
        ) : !chart ? (
          <Loading what="evidence" />
        ) : (
          <TimeChart
            xsMs={chart.xs}
            lines={chart.lines}
            metric={i.metric}
            fromMs={fromMs}
            toMs={toMs}
            height={260}
            markers={[
              { atMs: onsetMs, label: 'onset', title: `Onset ${new Date(onsetMs).toLocaleString()}` },
              ...(i.suspectedDeployment
                ? [
                    {
                      atMs: Date.parse(i.suspectedDeployment.at),
                      label: i.suspectedDeployment.version,
                      title: `Suspected ${i.suspectedDeployment.kind} ${i.suspectedDeployment.version}`,
                    },
                  ]
                : []),
            ]}
            onZoom={(f, t) => navigate({ screen: 'compare', route: i.route, metric: i.metric, from: f, to: t })}
            ariaLabel="Real-user p75 and lab values around the onset"
          />
        )}
      </Card>
      <div class="grid-2">
        <Card title="Segments">
          {i.segments?.length ? (
            <ul class="plain-list">
              {i.segments.map((s) => (
                <li>
                  <a
                    href={formatHash({
                      screen: 'compare',
                      site: site.id,
                      route: i.route,
                      metric: i.metric,
                      segment: `${s.dim}:${s.value}`,
                      from: fromMs,
                      to: toMs,
                    })}
                  >
                    {segmentText(s)}
                  </a>
                  {s.carries ? <strong> · carries it</strong> : null}
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">
              No single segment stands out: the change is spread over all users{i.locations?.length ? ` (lab locations: ${i.locations.join(', ')})` : ''}.
            </p>
          )}
        </Card>
        <Card title="Suspected deployment">
          {i.suspectedDeployment ? (
            <p>
              <strong>{i.suspectedDeployment.version}</strong> ({i.suspectedDeployment.kind}) at {new Date(i.suspectedDeployment.at).toLocaleString()}, shortly
              before the onset.
            </p>
          ) : (
            <p class="muted">No deployment or config change was recorded shortly before the onset. Record yours with POST /api/deployments from CI.</p>
          )}
        </Card>
      </div>
    </div>
  );
}

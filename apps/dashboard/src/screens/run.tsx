// A run's page: step waterfall with timings, marks, lab vitals, console errors, failed requests and the screenshot.
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { formatDurationMs, formatMetricValue, metricLabel } from '../format';
import { formatHash } from '../hash-state';
import { Card, ErrorNote, Loading, useAsync } from '../ui';
import { vitalsPerPage, waterfall } from '../series';
import { RunStatus } from './journeys';

function StepShot({ runId, artifact, name }: { runId: string; artifact: string; name: string }) {
  const { api } = useApp();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let made: string | null = null;
    api.blobUrl(`/api/runs/${encodeURIComponent(runId)}/artifacts/${encodeURIComponent(artifact)}`).then(
      (u) => setUrl((made = u)),
      () => setUrl(null),
    );
    return () => {
      if (made) URL.revokeObjectURL(made);
    };
  }, [runId, artifact]);
  return (
    <figure class="shot">
      {url ? <img class="step-shot" src={url} alt={`Screenshot taken by step ${name}`} /> : <span class="muted">Loading…</span>}
      <figcaption>{name}</figcaption>
    </figure>
  );
}

export function RunPage({ id }: { id: string }) {
  const { api, site } = useApp();
  const run = useAsync(async () => {
    const r = await api.run(id);
    const journey = r.journeyName ? null : (await api.journeys(site.id)).find((j) => j.id === r.journeyId);
    return { ...r, journeyName: r.journeyName ?? journey?.name };
  }, [id]);
  const [shot, setShot] = useState<{ url: string | null } | null>(null);
  const failed = run.data ? (run.data.hasScreenshot ?? run.data.status === 'failed') : false;
  useEffect(() => {
    let url: string | null = null;
    // Only failed runs keep a screenshot: asking for others' would be a 404 in the console.
    if (!failed) return;
    api.blobUrl(`/api/runs/${encodeURIComponent(id)}/artifacts/screenshot`).then(
      (u) => setShot({ url: (url = u) }),
      () => setShot({ url: null }),
    );
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [id, failed]);
  if (run.error) return <ErrorNote message={run.error} />;
  if (!run.data) return <Loading what="run" />;
  const r = run.data;
  const rows = waterfall(r.steps ?? []);
  const total = Math.max(1, ...rows.map((x) => x.startMs + x.durationMs));
  return (
    <div class="page">
      <p>
        <a href={formatHash({ screen: 'journeys', site: site.id })}>← Journeys</a>
      </p>
      <div class="page-head">
        <h2>
          Run of {r.journeyName ?? 'journey'} at {r.location}
        </h2>
        <RunStatus run={r} />
      </div>
      <p class="muted">
        {r.trigger ? `${r.trigger} run` : 'Run'} · {r.finishedAt ? `finished ${new Date(r.finishedAt).toLocaleString()}` : `${r.status}`} ·{' '}
        {formatDurationMs(r.durationMs)}
      </p>
      {r.error ? (
        <p class="notice error" role="alert">
          {r.error}
        </p>
      ) : null}
      <Card title="Steps">
        {rows.length === 0 ? (
          <p class="muted">{r.status === 'queued' || r.status === 'running' ? 'The run has not reported its steps yet.' : 'No steps were reported.'}</p>
        ) : (
          <ol class="waterfall" aria-label="Step waterfall">
            {rows.map(({ step, startMs, durationMs }) => (
              <li class={`wf-row wf-${step.status}`}>
                <span class="wf-name">
                  {step.name ?? step.action}
                  {step.error ? <span class="run-error"> — {step.error}</span> : null}
                </span>
                <span class="wf-track" aria-hidden="true">
                  <span class="wf-bar" style={{ left: `${(startMs / total) * 100}%`, width: `${Math.max(0.5, (durationMs / total) * 100)}%` }} />
                </span>
                <span class="wf-time">{step.status === 'skipped' ? 'skipped' : formatDurationMs(durationMs)}</span>
              </li>
            ))}
          </ol>
        )}
      </Card>
      <div class="grid-2">
        <Card title="Marks">
          {r.marks?.length ? (
            <ul class="plain-list">
              {r.marks.map((m) => (
                <li>
                  <code>{m.name}</code> at {formatDurationMs(m.atMs ?? m.startMs ?? 0)}
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">
              No marks. Add <code>mark:</code> steps to time parts of the journey.
            </p>
          )}
        </Card>
        <Card title="Lab vitals">
          {r.vitals.length ? (
            <table class="data-table">
              <thead>
                <tr>
                  <th scope="col">Page</th>
                  {(['lcp', 'fcp', 'ttfb', 'cls', 'inp'] as const).map((m) => (
                    <th scope="col" class="num">
                      {metricLabel(m)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {vitalsPerPage(r.vitals).map((v) => (
                  <tr>
                    <th scope="row">{v.route}</th>
                    {(['lcp', 'fcp', 'ttfb', 'cls', 'inp'] as const).map((m) => (
                      <td class="num">{formatMetricValue(m, v[m])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="muted">No lab vitals: the pages of this run sent no beacon (is the site's tag on them?).</p>
          )}
        </Card>
        <Card title="Console errors">
          {r.consoleErrors?.length ? (
            <ul class="plain-list mono">
              {r.consoleErrors.map((e) => (
                <li>{e}</li>
              ))}
            </ul>
          ) : (
            <p class="muted">None.</p>
          )}
        </Card>
        <Card title="Failed requests">
          {r.failedRequests?.length ? (
            <ul class="plain-list mono">
              {r.failedRequests.map((f) => (
                <li>
                  {f.status ?? (f as { failure?: string }).failure ?? f.error ?? 'failed'} {f.url}
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">None.</p>
          )}
        </Card>
      </div>
      {(r.steps ?? []).some((s) => s.artifact) ? (
        <Card title="Step screenshots">
          <div class="shots">
            {(r.steps ?? [])
              .filter((s) => s.artifact)
              .map((s) => (
                <StepShot runId={r.id} artifact={s.artifact!} name={s.name ?? s.artifact!} />
              ))}
          </div>
        </Card>
      ) : null}
      <Card title="Screenshot on failure">
        {!failed ? (
          <p class="muted">No screenshot: only failed runs keep one.</p>
        ) : !shot ? (
          <Loading what="screenshot" />
        ) : shot.url ? (
          <img class="screenshot" src={shot.url} alt={`Screenshot of the page when run ${r.id} ended`} />
        ) : (
          <p class="muted">No screenshot: only failed runs keep one.</p>
        )}
      </Card>
    </div>
  );
}

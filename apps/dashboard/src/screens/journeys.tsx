// Journeys: each journey with its latest result per location, next run, run now, enable/disable, its YAML (editable,
// with the server's validation errors), and recent runs that each open their page.
import type { JourneyView, RunView } from '@parallax/contracts/dashboard-views';
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { formatDurationMs, relativeTime } from '../format';
import { formatHash } from '../hash-state';
import { Badge, Card, Empty, ErrorNote, Loading, useAsync } from '../ui';

const STATUS_HELP: Record<string, string> = {
  degraded: 'passed, but much slower than its recent runs at this location',
  lost: 'no agent finished it (none claimed it, or the one running it stopped answering)',
  retried: 'failed once and was run again',
};

export function RunStatus({ run }: { run: Pick<RunView, 'status'> }) {
  return (
    <span title={STATUS_HELP[run.status]}>
      <Badge kind={`run-${run.status}`}>{run.status}</Badge>
      {STATUS_HELP[run.status] ? <span class="visually-hidden"> ({STATUS_HELP[run.status]})</span> : null}
    </span>
  );
}

function JourneyCard({ journey, runs, reload }: { journey: JourneyView; runs: RunView[]; reload: () => void }) {
  const { api, site } = useApp();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [yaml, setYaml] = useState(journey.yaml ?? '');
  const [yamlError, setYamlError] = useState<string | null>(null);
  const latest = journey.locations.map((location) => ({ location, run: runs.find((r) => r.journeyId === journey.id && r.location === location) }));
  const act = async (fn: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await fn();
      setMessage(done);
      reload();
    } catch (e) {
      setMessage((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card
      title={
        <>
          {journey.name} {journey.enabled ? null : <Badge kind="muted">disabled</Badge>}
        </>
      }
      actions={
        <>
          <button
            type="button"
            class="btn btn-primary btn-small"
            disabled={busy}
            onClick={() => act(() => api.runNow(journey.id), 'Queued a run at each location.')}
          >
            Run now
          </button>
          <button
            type="button"
            class="btn btn-small"
            disabled={busy}
            onClick={() => act(() => api.setJourneyEnabled(journey.id, !journey.enabled), journey.enabled ? 'Disabled.' : 'Enabled.')}
          >
            {journey.enabled ? 'Disable' : 'Enable'}
          </button>
        </>
      }
    >
      <p class="muted">
        {journey.enabled
          ? journey.nextRunAt
            ? `Next run ${new Date(journey.nextRunAt).toLocaleTimeString()}`
            : 'No run scheduled'
          : 'Not scheduled while disabled'}
        {message ? <span role="status"> · {message}</span> : null}
      </p>
      <table class="data-table">
        <thead>
          <tr>
            <th scope="col">Location</th>
            <th scope="col">Latest result</th>
            <th scope="col" class="num">
              Duration
            </th>
            <th scope="col">When</th>
          </tr>
        </thead>
        <tbody>
          {latest.map(({ location, run }) => (
            <tr>
              <th scope="row">{location}</th>
              <td>
                {run ? (
                  <a href={formatHash({ screen: 'run', id: run.id, site: site.id })}>
                    <RunStatus run={run} />
                  </a>
                ) : (
                  <span class="muted">no run yet</span>
                )}
              </td>
              <td class="num">{run ? formatDurationMs(run.durationMs) : '–'}</td>
              <td>{run?.finishedAt ? relativeTime(Date.parse(run.finishedAt), Date.now()) : run ? run.status : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {journey.yaml !== undefined ? (
        <details class="yaml">
          <summary>Journey YAML</summary>
          <label for={`yaml-${journey.id}`} class="visually-hidden">
            YAML of {journey.name}
          </label>
          <textarea id={`yaml-${journey.id}`} rows={14} spellcheck={false} value={yaml} onInput={(e) => setYaml((e.target as HTMLTextAreaElement).value)} />
          {yamlError ? (
            <p class="notice error" role="alert">
              {yamlError}
            </p>
          ) : null}
          <button
            type="button"
            class="btn btn-small"
            disabled={busy || yaml === journey.yaml}
            onClick={async () => {
              setYamlError(null);
              try {
                await api.updateJourney(journey.id, yaml);
                setMessage('Saved a new version.');
                reload();
              } catch (e) {
                setYamlError((e as Error).message);
              }
            }}
          >
            Save
          </button>
        </details>
      ) : null}
    </Card>
  );
}

export function JourneysPage() {
  const { api, site, live } = useApp();
  const data = useAsync(() => Promise.all([api.journeys(site.id), api.runs(site.id, 200), api.locations()]), [site.id]);
  // A finished run updates the latest results without a reload.
  useEffect(() => live.on('run.completed', () => data.reload()), [site.id]);
  if (data.error) return <ErrorNote message={data.error} />;
  if (!data.data) return <Loading what="journeys" />;
  const [journeys, runs, locations] = data.data;
  return (
    <div class="page">
      <div class="page-head">
        <h2>Journeys and runs</h2>
        <p class="muted">
          Locations:{' '}
          {locations.length
            ? locations.map((l) => `${l.name} (${l.liveAgents} agent${l.liveAgents === 1 ? '' : 's'}${l.stale ? ', stale' : ''})`).join(', ')
            : 'none yet'}
        </p>
      </div>
      {journeys.length === 0 ? (
        <Empty title="No journey for this site">
          <p>
            Put a YAML file in the journeys folder (see <code>journeys/checkout.yaml</code>), or POST it to <code>/api/journeys</code> with this site's id. Its
            runs appear here.
          </p>
        </Empty>
      ) : (
        journeys.map((j) => <JourneyCard journey={j} runs={runs} reload={data.reload} />)
      )}
      <Card title="Recent runs">
        {runs.length === 0 ? (
          <p class="muted">No run yet. Press "Run now" on a journey.</p>
        ) : (
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">Journey</th>
                <th scope="col">Location</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Duration
                </th>
                <th scope="col">Finished</th>
              </tr>
            </thead>
            <tbody>
              {runs.slice(0, 15).map((r) => (
                <tr>
                  <th scope="row">
                    <a href={formatHash({ screen: 'run', id: r.id, site: site.id })}>
                      {journeys.find((j) => j.id === r.journeyId)?.name ?? r.journeyName ?? 'run'}
                    </a>
                  </th>
                  <td>{r.location}</td>
                  <td>
                    <RunStatus run={r} />
                    {r.error ? <div class="run-error">{r.error}</div> : null}
                  </td>
                  <td class="num">{formatDurationMs(r.durationMs)}</td>
                  <td>{r.finishedAt ? relativeTime(Date.parse(r.finishedAt), Date.now()) : r.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

// Onboarding truth: is the tag seen, are beacons arriving, and how many were refused and why.
import type { IngestStatusView } from '@parallax/contracts/dashboard-views';
import { useApp } from '../app-context';
import { formatCount, relativeTime } from '../format';
import { formatHash } from '../hash-state';
import { Card, ErrorNote, Loading, useAsync } from '../ui';

const REASONS: [keyof IngestStatusView['rejected'], string][] = [
  ['origin', 'wrong origin (add it to the allowed origins in Settings)'],
  ['key', 'bad site key'],
  ['size', 'too large'],
  ['rate', 'rate-limited'],
  ['invalid', 'invalid beacon'],
];

export function Onboarding() {
  const { api, site } = useApp();
  const status = useAsync(() => api.ingestStatus(site.id), [site.id]);
  const now = Date.now();
  return (
    <Card title="Tag and beacons">
      {status.error ? (
        <ErrorNote message={status.error} />
      ) : status.loading ? (
        <Loading what="ingest status" />
      ) : !status.data ? (
        <p class="muted">This server does not report ingest status yet. The Routes table below shows what arrived.</p>
      ) : (
        <>
          <p class={status.data.lastBeaconAt ? 'check check-ok' : 'check check-wait'}>
            {status.data.lastBeaconAt
              ? `Tag seen: last beacon ${relativeTime(Date.parse(status.data.lastBeaconAt), now)}`
              : 'No beacon yet: add the tag to your pages.'}
          </p>
          <p>{formatCount(status.data.acceptedLastHour)} beacons accepted in the last hour.</p>
          {REASONS.some(([k]) => status.data!.rejected[k] > 0) ? (
            <ul class="plain-list rejected">
              {REASONS.filter(([k]) => status.data!.rejected[k] > 0).map(([k, text]) => (
                <li>
                  <strong>{formatCount(status.data!.rejected[k])}</strong> refused: {text}
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">No beacon refused.</p>
          )}
          {!status.data.lastBeaconAt ? <a href={formatHash({ screen: 'settings', site: site.id })}>Get the tag in Settings</a> : null}
        </>
      )}
    </Card>
  );
}

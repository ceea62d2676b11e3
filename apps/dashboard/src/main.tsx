// The dashboard shell: sign-in, site picker, navigation, the live connection, and the screen named by the URL hash.
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { SiteView } from '@parallax/contracts/dashboard-views';
import { Api } from './api';
import { Ctx, type AppContext } from './app-context';
import { TokenStore } from './auth';
import { formatCount } from './format';
import { formatHash, parseHash, type HashState } from './hash-state';
import { LiveFeed, type LiveStatus } from './live';
import { ComparePage } from './screens/compare';
import { DemoPanel } from './screens/demo';
import { IncidentPage, IncidentsPage } from './screens/incidents';
import { JourneysPage } from './screens/journeys';
import { OverviewPage } from './screens/overview';
import { RunPage } from './screens/run';
import { SegmentsPage } from './screens/segments';
import { FirstSite, SettingsPage } from './screens/settings';
import { ErrorNote, Loading } from './ui';

const NAV: [HashState['screen'], string][] = [
  ['overview', 'Overview'],
  ['segments', 'Segments'],
  ['compare', 'Compare'],
  ['journeys', 'Journeys'],
  ['incidents', 'Incidents'],
  ['settings', 'Settings'],
];
const SITE_KEY = 'parallax.siteId';

const tokens = new TokenStore();
const api = new Api(tokens);
const live = new LiveFeed(tokens);

function useHashState(): [HashState, (patch: Partial<HashState>, replace?: boolean) => void] {
  const [state, setState] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setState(parseHash(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  const navigate = (patch: Partial<HashState>, replace = false) => {
    const current = parseHash(location.hash);
    const next = replace ? { site: current.site, ...patch } : { ...current, ...patch };
    // A screen change drops the other page's id.
    if (patch.screen && patch.screen !== 'run' && patch.screen !== 'incident') delete next.id;
    const hash = formatHash(next as HashState);
    if (hash !== location.hash) location.hash = hash;
  };
  return [state, navigate];
}

function App() {
  const [state, navigate] = useHashState();
  const [sites, setSites] = useState<SiteView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [rate, setRate] = useState<number | null>(null);
  const [unseen, setUnseen] = useState(0);

  const reloadSites = (selectId?: string) => {
    api.sites().then(
      (list) => {
        setSites(list);
        if (selectId) navigate({ site: selectId });
      },
      (e: Error) => setError(`Could not reach the server: ${e.message}`),
    );
  };
  useEffect(() => {
    reloadSites();
    live.onStatus(setStatus);
    live.on('beacons.minute', (e) => setRate(e.count));
    live.on('incident.opened', () => {
      if (parseHash(location.hash).screen !== 'incidents') setUnseen((n) => n + 1);
    });
    void live.start();
  }, []);

  const site = useMemo(() => {
    if (!sites?.length) return null;
    return sites.find((s) => s.id === state.site) ?? sites.find((s) => s.id === localStorage.getItem(SITE_KEY)) ?? sites[0];
  }, [sites, state.site]);
  useEffect(() => {
    if (!site) return;
    localStorage.setItem(SITE_KEY, site.id);
    live.setSite(site.id);
    setRate(null);
  }, [site?.id]);
  useEffect(() => {
    if (state.screen === 'incidents') setUnseen(0);
  }, [state.screen]);

  const isLive = status === 'live' || status === 'reconnected';
  const current = state.screen === 'run' ? 'journeys' : state.screen === 'incident' ? 'incidents' : state.screen;
  const ctx: AppContext | null = site && sites ? { api, live, site, sites, state, navigate, reloadSites } : null;

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <div class="topbar-inner">
          <div class="brand">
            <span class="logo" aria-hidden="true" />
            Parallax
          </div>
          {sites && sites.length > 0 && site ? (
            <label class="site-picker">
              <span class="visually-hidden">Site</span>
              <select id="site-select" value={site.id} onChange={(e) => navigate({ site: (e.target as HTMLSelectElement).value })}>
                {sites.map((s) => (
                  <option value={s.id}>{s.name + (s.demo ? ' (demo)' : '')}</option>
                ))}
              </select>
            </label>
          ) : null}
          {site?.demo ? <span class="badge badge-demo">demo</span> : null}
          <div class="live" title="Live feed over socket.io" role="status">
            <span class={`live-dot live-${isLive ? 'live' : status}`} />
            <span>{isLive ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…'}</span>
            {rate !== null ? <span class="muted">· {formatCount(rate)} beacons/min</span> : null}
          </div>
        </div>
        <nav class="tabs-row" aria-label="Screens">
          <ul class="tabs">
            {NAV.map(([key, label]) => (
              <li>
                <a
                  href={formatHash({ ...state, screen: key, id: undefined, site: site?.id })}
                  class={key === current ? 'active' : ''}
                  aria-current={key === current ? 'page' : undefined}
                >
                  {label}
                  {key === 'incidents' && unseen > 0 && current !== 'incidents' ? (
                    <span class="tab-badge" aria-label={`${unseen} new`}>
                      {unseen}
                    </span>
                  ) : null}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main class="content" id="main" tabIndex={-1}>
        {error ? (
          <ErrorNote message={error} />
        ) : !sites ? (
          <Loading what="sites" />
        ) : !ctx ? (
          <FirstSite api={api} onCreated={(id) => reloadSites(id)} />
        ) : (
          <Ctx.Provider value={ctx}>
            <Screen state={state} />
            <DemoPanel />
          </Ctx.Provider>
        )}
      </main>
    </>
  );
}

function Screen({ state }: { state: HashState }) {
  switch (state.screen) {
    case 'segments':
      return <SegmentsPage />;
    case 'compare':
      return <ComparePage />;
    case 'journeys':
      return <JourneysPage />;
    case 'run':
      return <RunPage id={state.id!} />;
    case 'incidents':
      return <IncidentsPage />;
    case 'incident':
      return <IncidentPage id={state.id!} />;
    case 'settings':
      return <SettingsPage />;
    default:
      return <OverviewPage />;
  }
}

render(<App />, document.getElementById('app')!);

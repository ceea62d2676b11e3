// Synthetic: the latest runs (live), the journeys and the locations with their agents.
import type { AppContext, View } from '../context';
import { h, notice, replace } from '../dom';
import { prependRun } from '../feed';
import { formatClock, formatDurationMs, relativeTime } from '../format';
import type { Journey, LocationInfo, Run } from '../types';

const RUN_LIMIT = 20;
const HIGHLIGHT_MS = 6000;

/** The synthetic screen. */
export function syntheticView(ctx: AppContext): View {
  let runs: Run[] = [];
  let journeys: Journey[] = [];
  let locations: LocationInfo[] = [];
  let loaded = false;
  let seq = 0;
  const fresh = new Map<string, number>();

  const runsBox = h('div', { class: 'table-wrap' });
  const journeysBox = h('div');
  const locationsBox = h('div');
  const root = h(
    'section',
    { class: 'view', id: 'view-synthetic' },
    h('div', { class: 'view-head' }, h('div', null, h('h2', null, 'Synthetic monitoring'), h('p', { class: 'muted' }, 'Scripted journeys run on a schedule from each location; new runs appear live.'))),
    h('div', { class: 'card' }, h('h3', null, 'Recent runs'), runsBox),
    h('div', { class: 'grid-2' }, h('div', { class: 'card' }, h('h3', null, 'Journeys'), journeysBox), h('div', { class: 'card' }, h('h3', null, 'Locations'), locationsBox)),
  );

  const journeyName = (run: Run) => run.journeyName ?? journeys.find((j) => j.id === run.journeyId)?.name ?? run.journeyId.slice(0, 8);

  function renderRuns() {
    if (!loaded) return replace(runsBox, notice('Loading runs…', 'loading'));
    if (!runs.length) return replace(runsBox, notice('No runs yet. Enabled journeys run on their schedule.'));
    const now = ctx.now();
    replace(
      runsBox,
      h(
        'table',
        { class: 'runs' },
        h('thead', null, h('tr', null, h('th', null, 'Finished'), h('th', null, 'Journey'), h('th', null, 'Location'), h('th', null, 'Status'), h('th', { class: 'num' }, 'Duration'), h('th', null, 'Error'))),
        h(
          'tbody',
          null,
          ...runs.map((run) =>
            h(
              'tr',
              { class: (fresh.get(run.id) ?? 0) > now ? 'is-new' : null },
              h('td', { class: 'nowrap', title: run.finishedAt ?? '' }, run.finishedAt ? [formatClock(Date.parse(run.finishedAt), now), h('span', { class: 'muted rel' }, ` · ${relativeTime(Date.parse(run.finishedAt), now)}`)] : '–'),
              h('td', null, journeyName(run), h('div', { class: 'muted phone-only' }, run.location)),
              h('td', null, run.location),
              h('td', null, h('span', { class: `status status-${run.status}` }, run.status)),
              h('td', { class: 'num' }, formatDurationMs(run.durationMs)),
              h('td', { class: 'error-cell', title: run.error ?? '' }, run.error ?? ''),
            ),
          ),
        ),
      ),
    );
  }

  function renderJourneys() {
    if (!loaded) return replace(journeysBox);
    if (!journeys.length) return replace(journeysBox, notice('No journeys for this site. Add YAML files under journeys/.'));
    replace(
      journeysBox,
      h(
        'ul',
        { class: 'plain-list' },
        ...journeys.map((j) =>
          h('li', null, h('span', null, h('strong', null, j.name), h('span', { class: 'muted' }, ` · ${j.locations.join(', ') || 'no locations'}`)), h('span', { class: j.enabled ? 'status status-passed' : 'status status-disabled' }, j.enabled ? 'enabled' : 'disabled')),
        ),
      ),
    );
  }

  function renderLocations() {
    if (!loaded) return replace(locationsBox);
    if (!locations.length) return replace(locationsBox, notice('No locations registered.'));
    replace(
      locationsBox,
      h(
        'ul',
        { class: 'plain-list' },
        ...locations.map((l) =>
          h(
            'li',
            null,
            h('span', null, h('strong', null, l.name), l.region ? h('span', { class: 'muted' }, ` · ${l.region}`) : null),
            h('span', { class: 'muted' }, `${l.liveAgents} agent${l.liveAgents === 1 ? '' : 's'} `, h('span', { class: l.stale ? 'status status-failed' : 'status status-passed' }, l.stale ? 'stale' : 'healthy')),
          ),
        ),
      ),
    );
  }

  function renderAll() {
    renderRuns();
    renderJourneys();
    renderLocations();
  }

  async function refresh() {
    const site = ctx.site;
    if (!site) return;
    const mine = ++seq;
    loaded = false;
    renderAll();
    try {
      const [r, j, l] = await Promise.all([ctx.api.runs(site.id, RUN_LIMIT), ctx.api.journeys(site.id), ctx.api.locations()]);
      if (mine !== seq) return;
      runs = r;
      journeys = j;
      locations = l;
      loaded = true;
      renderAll();
    } catch (e) {
      if (mine === seq) replace(runsBox, notice(`Could not load synthetic data: ${(e as Error).message}`, 'error'));
    }
  }

  ctx.live.on('run.completed', (event) => {
    if (!loaded || event.siteId !== ctx.site?.id) return;
    runs = prependRun(runs, { id: event.runId, journeyId: event.journeyId ?? '', journeyName: event.journeyName, location: event.location, status: event.status, durationMs: event.durationMs, finishedAt: event.finishedAt, error: null }, RUN_LIMIT);
    fresh.set(event.runId, ctx.now() + HIGHLIGHT_MS);
    renderRuns();
    setTimeout(renderRuns, HIGHLIGHT_MS + 50);
  });

  return { root, refresh };
}

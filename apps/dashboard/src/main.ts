// The dashboard shell: sign-in, site and range pickers, tabs, and the live connection shared by all screens.
import { Api } from './api';
import { TokenStore } from './auth';
import type { AppContext, TabKey, View } from './context';
import { h, notice, options, replace } from './dom';
import { formatCount } from './format';
import { LiveFeed, type LiveStatus } from './live';
import { RANGES, isRangeKey, type RangeKey } from './range';
import type { Site } from './types';
import { compareView } from './views/compare';
import { incidentsView } from './views/incidents';
import { setupView } from './views/setup';
import { syntheticView } from './views/synthetic';

const TABS: [TabKey, string][] = [['incidents', 'Incidents'], ['compare', 'Compare'], ['synthetic', 'Synthetic'], ['setup', 'Setup']];
const SITE_KEY = 'parallax.siteId';
const RANGE_KEY = 'parallax.range';

const tokens = new TokenStore();
const api = new Api(tokens);
const live = new LiveFeed(tokens);
let sites: Site[] = [];
let activeTab: TabKey = tabFromHash() ?? 'incidents';
let unseenIncidents = 0;
const storedRange = localStorage.getItem(RANGE_KEY);

const ctx: AppContext = {
  api,
  live,
  tokens,
  site: null,
  range: isRangeKey(storedRange) ? storedRange : '24h',
  now: () => Date.now(),
  go: (tab, params) => show(tab, params),
};

function tabFromHash(): TabKey | null {
  const name = location.hash.replace(/^#\/?/, '');
  return TABS.some(([key]) => key === name) ? (name as TabKey) : null;
}

// Header.
const siteSelect = h('select', { id: 'site-select', 'aria-label': 'Site', onchange: () => selectSite(siteSelect.value) });
const rangeBar = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Time range' });
const liveDot = h('span', { class: 'live-dot' });
const liveText = h('span', { class: 'live-text' });
const beaconRate = h('span', { class: 'live-rate muted' });
const tabButtons = new Map<TabKey, HTMLButtonElement>();
const nav = h('nav', { class: 'tabs', 'aria-label': 'Screens' });
for (const [key, label] of TABS) {
  const button = h('button', { type: 'button', role: 'tab', onclick: () => show(key) }, label);
  tabButtons.set(key, button);
  nav.append(button);
}
const header = h(
  'header',
  { class: 'topbar' },
  h(
    'div',
    { class: 'topbar-inner' },
    h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'Parallax'),
    h('label', { class: 'site-picker' }, h('span', { class: 'visually-hidden' }, 'Site'), siteSelect),
    rangeBar,
    h('div', { class: 'live', title: 'Live feed over socket.io' }, liveDot, liveText, beaconRate),
  ),
  h('div', { class: 'tabs-row' }, nav),
);
const main = h('main', { class: 'content' }, notice('Loading…', 'loading'));
document.body.append(header, main);

function renderRange() {
  replace(
    rangeBar,
    ...(Object.keys(RANGES) as RangeKey[]).map((key) =>
      h('button', { type: 'button', class: key === ctx.range ? 'active' : null, 'aria-pressed': String(key === ctx.range), onclick: () => selectRange(key) }, RANGES[key].label),
    ),
  );
}

function renderTabs() {
  for (const [key, button] of tabButtons) {
    const active = key === activeTab;
    button.className = active ? 'active' : '';
    button.setAttribute('aria-selected', String(active));
    button.replaceChildren(TABS.find(([k]) => k === key)![1]);
    if (key === 'incidents' && unseenIncidents > 0 && !active) button.append(h('span', { class: 'tab-badge' }, String(unseenIncidents)));
  }
}

live.onStatus((status: LiveStatus) => {
  const isLive = status === 'live' || status === 'reconnected';
  liveDot.className = `live-dot live-${isLive ? 'live' : status}`;
  liveText.textContent = isLive ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…';
  if (status === 'reconnected' && views) {
    // Events sent while we were away are lost: reload the live lists.
    stale.add('incidents');
    stale.add('synthetic');
    show(activeTab);
  }
});
live.on('beacons.minute', (event) => {
  beaconRate.textContent = `· ${formatCount(event.count)} beacons/min`;
});
live.on('incident.opened', () => {
  if (activeTab === 'incidents') return;
  unseenIncidents++;
  renderTabs();
});

// Screens, built once; a screen reloads when shown after its inputs changed.
let views: Map<TabKey, View> | null = null;
const stale = new Set<TabKey>();

function show(tab: TabKey, params?: { route?: string; metric?: string }) {
  activeTab = tab;
  if (location.hash !== `#${tab}`) history.replaceState(null, '', `#${tab}`);
  if (tab === 'incidents') unseenIncidents = 0;
  renderTabs();
  if (!views) return;
  for (const [key, view] of views) view.root.hidden = key !== tab;
  const view = views.get(tab)!;
  const reloaded = view.shown?.(params);
  if (stale.has(tab)) {
    stale.delete(tab);
    if (!reloaded) view.refresh();
  }
}

function selectSite(siteId: string) {
  const site = sites.find((s) => s.id === siteId) ?? sites[0];
  ctx.site = site;
  localStorage.setItem(SITE_KEY, site.id);
  live.setSite(site.id);
  beaconRate.textContent = '';
  for (const [key] of TABS) stale.add(key);
  show(activeTab);
}

function selectRange(key: RangeKey) {
  ctx.range = key;
  localStorage.setItem(RANGE_KEY, key);
  renderRange();
  // The chart reloads; the incident feed filters what it has (see incidentsView); runs are "latest N".
  stale.add('compare');
  show(activeTab);
}

window.addEventListener('hashchange', () => {
  const tab = tabFromHash();
  if (tab && tab !== activeTab) show(tab);
});

async function boot() {
  renderRange();
  renderTabs();
  try {
    sites = await api.sites();
  } catch (e) {
    replace(main, notice(`Could not reach the server: ${(e as Error).message}`, 'error'));
    return;
  }
  if (!sites.length) {
    replace(main, notice('No sites yet. Create one with POST /api/sites, then reload this page.'));
    return;
  }
  replace(siteSelect, ...options(sites.map((s): [string, string] => [s.id, s.name]), localStorage.getItem(SITE_KEY)));
  views = new Map<TabKey, View>([
    ['incidents', incidentsView(ctx)],
    ['compare', compareView(ctx)],
    ['synthetic', syntheticView(ctx)],
    ['setup', setupView(ctx)],
  ]);
  replace(main, ...[...views.values()].map((v) => v.root));
  selectSite(siteSelect.value);
  void live.start();
}

void boot();

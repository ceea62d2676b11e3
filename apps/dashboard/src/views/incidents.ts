// Incidents: the live feed, newest first, each in plain words with its label, evidence and an acknowledge button;
// under it, the detection coverage (which series the detectors can judge, and which have too little data).
import type { AppContext, View } from '../context';
import { h, notice, replace } from '../dom';
import { activeSince, countByStatus, sortIncidents, upsertIncident } from '../feed';
import { LABEL_BADGE, evidenceFacts, formatClock, incidentSentence, metricLabel, relativeTime, segmentText, deploymentKindWord } from '../format';
import { RANGES, rangeWindow } from '../range';
import type { Incident, IncidentStatus } from '../types';
import { coveragePanel } from './coverage';

const FILTERS: [IncidentStatus | null, string][] = [[null, 'All'], ['open', 'Open'], ['acknowledged', 'Acknowledged'], ['resolved', 'Resolved']];
const LIMIT = 100;
const HIGHLIGHT_MS = 6000;

/** The incidents screen. */
export function incidentsView(ctx: AppContext): View {
  let filter: IncidentStatus | null = null;
  let incidents: Incident[] = [];
  let loaded = false;
  let error: string | null = null;
  let loadSeq = 0;
  const highlighted = new Map<string, number>();
  // Cards that slide in on the next render only (a later re-render must not replay the animation).
  const arriving = new Set<string>();
  const ackErrors = new Map<string, string>();
  const pendingAcks = new Set<string>();

  const filterBar = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Status' });
  const summary = h('p', { class: 'muted summary' });
  const list = h('div', { class: 'incident-list', 'aria-live': 'polite' });
  const coverage = coveragePanel(ctx);
  const root = h(
    'section',
    { class: 'view', id: 'view-incidents' },
    h('div', { class: 'view-head' }, h('div', null, h('h2', null, 'Incidents'), summary), filterBar),
    list,
    coverage.root,
  );

  function renderFilters() {
    replace(
      filterBar,
      ...FILTERS.map(([value, label]) =>
        h('button', { type: 'button', class: value === filter ? 'active' : null, 'aria-pressed': String(value === filter), onclick: () => setFilter(value) }, label),
      ),
    );
  }

  function setFilter(value: IncidentStatus | null) {
    filter = value;
    renderFilters();
    refresh();
  }

  function render() {
    // The range picker applies as "active during the range": unresolved ones always show.
    const { fromMs } = rangeWindow(ctx.range, ctx.now());
    const shown = incidents.filter((i) => activeSince(i, fromMs));
    const counts = countByStatus(shown);
    const span = `last ${RANGES[ctx.range].label}`;
    summary.textContent = loaded ? `${counts.open} open · ${counts.acknowledged} acknowledged · ${counts.resolved} resolved in the ${span}${incidents.length >= LIMIT ? ` (of the latest ${LIMIT})` : ''}` : '';
    if (error) return replace(list, notice(error, 'error'));
    if (!loaded) return replace(list, notice('Loading incidents…', 'loading'));
    if (!shown.length) {
      return replace(list, notice(filter ? `No ${filter} incidents in the ${span}.` : `No incidents in the ${span}. New ones appear here as soon as the detectors open them.`));
    }
    replace(list, ...shown.map(card));
    arriving.clear();
  }

  function card(incident: Incident): HTMLElement {
    const now = ctx.now();
    const facts = evidenceFacts(incident);
    const segments = incident.segments ?? [];
    const locations = incident.locations ?? [];
    const isNew = (highlighted.get(incident.id) ?? 0) > now;
    const suspect = incident.suspectedDeployment;
    const ackError = ackErrors.get(incident.id);
    const canChart = incident.label !== 'failing' && ['lcp', 'inp', 'cls', 'fcp', 'ttfb'].includes(incident.metric);
    const times = [`opened ${formatClock(Date.parse(incident.openedAt), now)}`, relativeTime(Date.parse(incident.openedAt), now)];
    if (incident.status === 'resolved' && incident.resolvedAt) times.push(`resolved ${formatClock(Date.parse(incident.resolvedAt), now)}`);
    else if (incident.updatedAt !== incident.openedAt) times.push(`updated ${relativeTime(Date.parse(incident.updatedAt), now)}`);

    return h(
      'article',
      { class: `incident status-${incident.status}${isNew ? ' is-new' : ''}${arriving.has(incident.id) ? ' is-arriving' : ''}`, 'data-id': incident.id },
      h(
        'div',
        { class: 'incident-top' },
        h('span', { class: `badge label-${incident.label}` }, LABEL_BADGE[incident.label] ?? incident.label),
        h('span', { class: `pill pill-${incident.status}` }, incident.status),
        incident.label !== 'failing' ? h('span', { class: 'pill pill-metric' }, metricLabel(incident.metric)) : null,
        h('span', { class: 'incident-time muted' }, times.join(' · ')),
      ),
      h('h3', { class: 'sentence' }, incidentSentence(incident, now)),
      facts.length ? h('div', { class: 'facts' }, h('span', { class: 'chips-label muted' }, 'Evidence'), ...facts.map((f) => h('span', { class: 'fact' }, f))) : null,
      segments.length ? h('div', { class: 'chips' }, h('span', { class: 'chips-label muted' }, 'Segments'), ...segments.slice(0, 6).map((sg) => h('span', { class: sg.carries === false ? 'chip chip-weak' : 'chip' }, segmentText(sg)))) : null,
      h(
        'div',
        { class: 'incident-foot' },
        h(
          'div',
          { class: 'muted foot-info' },
          locations.length ? h('span', null, `Locations: ${locations.join(', ')}`) : null,
          suspect ? h('span', null, `Suspected ${deploymentKindWord(suspect.kind)} ${suspect.version} at ${formatClock(Date.parse(suspect.at), now)}`) : null,
        ),
        h(
          'div',
          { class: 'actions' },
          ackError ? h('span', { class: 'inline-error', role: 'alert' }, ackError) : null,
          canChart ? h('button', { type: 'button', class: 'btn', onclick: () => ctx.go('compare', { route: incident.route, metric: incident.metric }) }, 'View chart') : null,
          incident.status === 'open'
            ? h('button', { type: 'button', class: 'btn btn-primary', disabled: pendingAcks.has(incident.id), onclick: () => acknowledge(incident) }, pendingAcks.has(incident.id) ? 'Acknowledging…' : 'Acknowledge')
            : null,
        ),
      ),
    );
  }

  async function acknowledge(incident: Incident) {
    pendingAcks.add(incident.id);
    ackErrors.delete(incident.id);
    render();
    try {
      const updated = await ctx.api.acknowledge(incident.id);
      incidents = upsertIncident(incidents, updated ?? { ...incident, status: 'acknowledged', updatedAt: new Date(ctx.now()).toISOString() }, filter, LIMIT).list;
    } catch (e) {
      ackErrors.set(incident.id, (e as Error).message);
    } finally {
      pendingAcks.delete(incident.id);
      render();
    }
  }

  async function refresh() {
    const seq = ++loadSeq;
    const site = ctx.site;
    if (!site) return;
    loaded = false;
    error = null;
    render();
    try {
      const rows = await ctx.api.incidents(site.id, filter, LIMIT);
      if (seq !== loadSeq) return;
      incidents = sortIncidents(rows);
    } catch (e) {
      if (seq !== loadSeq) return;
      error = `Could not load incidents: ${(e as Error).message}`;
    }
    loaded = true;
    render();
  }

  function onLive(incident: Incident) {
    if (!loaded || incident.siteId !== ctx.site?.id) return;
    const { list: next } = upsertIncident(incidents, incident, filter, LIMIT);
    if (next === incidents) return;
    incidents = next;
    highlighted.set(incident.id, ctx.now() + HIGHLIGHT_MS);
    arriving.add(incident.id);
    render();
    // Let the highlight fade once its time is up.
    setTimeout(render, HIGHLIGHT_MS + 50);
  }

  ctx.live.on('incident.opened', onLive);
  ctx.live.on('incident.updated', onLive);
  ctx.live.on('incident.resolved', onLive);
  // Keeps "5 min ago" honest.
  setInterval(() => loaded && !error && render(), 30_000);

  renderFilters();
  // The filter reloads the feed only; a new site (or a reconnect) reloads the coverage too.
  const reload = () => {
    coverage.refresh();
    void refresh();
  };
  return { root, refresh: reload, shown: () => void (loaded && render()) };
}

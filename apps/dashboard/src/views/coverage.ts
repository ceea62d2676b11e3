// Detection coverage: what the detectors can see per route and metric, so "no incidents" is never mistaken for
// "all fine" when there is too little traffic to tell. Shown under the incident feed.
import type { AppContext } from '../context';
import { STATUS_BADGE, isStale, seriesLabel, sortCoverage } from '../coverage';
import { h, notice, replace } from '../dom';
import { relativeTime } from '../format';
import type { DetectionCoverage } from '../types';

/** Rows shown before "Show all". */
const COLLAPSED_ROWS = 8;
const RELOAD_MS = 60_000;

/** The coverage card and its reload (called when the site changes). */
export function coveragePanel(ctx: AppContext): { root: HTMLElement; refresh(): void } {
  let coverage: DetectionCoverage | null = null;
  let error: string | null = null;
  let expanded = false;
  let seq = 0;

  const summary = h('span', { class: 'muted coverage-summary' });
  const body = h('div', { class: 'table-wrap' });
  const root = h('div', { class: 'card coverage' }, h('div', { class: 'coverage-head' }, h('h3', null, 'Detection coverage'), summary), body);

  function render() {
    // The server words the site's summary (and what to do when nothing is judged yet).
    summary.textContent = coverage && coverage.series.length ? coverage.summary : '';
    if (error) return replace(body, notice(error, 'error'));
    if (!coverage) return replace(body, notice('Loading coverage…', 'loading'));
    if (!coverage.series.length) return replace(body, notice(coverage.summary));
    const now = ctx.now();
    const sorted = sortCoverage(coverage.series);
    const shown = expanded ? sorted : sorted.slice(0, COLLAPSED_ROWS);
    const tick = coverage.tickSeconds;
    replace(
      body,
      h(
        'table',
        { class: 'coverage-table' },
        h('thead', null, h('tr', null, h('th', null, 'Route'), h('th', null, 'Series'), h('th', null, 'Status'), h('th', null, 'What it can see'))),
        h(
          'tbody',
          null,
          ...shown.map((s) =>
            h(
              'tr',
              { class: `coverage-${s.status}` },
              h('td', { class: 'mono' }, s.route),
              h('td', { class: 'nowrap' }, seriesLabel(s)),
              h('td', null, h('span', { class: `status cov-${s.status}` }, STATUS_BADGE[s.status])),
              h(
                'td',
                { class: 'coverage-message' },
                s.message,
                isStale(s, tick, now) ? h('span', { class: 'muted', title: s.updatedAt }, ` · last judged ${relativeTime(Date.parse(s.updatedAt), now)}`) : null,
              ),
            ),
          ),
        ),
      ),
      sorted.length > COLLAPSED_ROWS
        ? h('button', { type: 'button', class: 'btn btn-small', onclick: () => { expanded = !expanded; render(); } }, expanded ? 'Show fewer' : `Show all ${sorted.length}`)
        : null,
    );
  }

  async function refresh() {
    const site = ctx.site;
    if (!site) return;
    const mine = ++seq;
    try {
      const next = await ctx.api.detection(site.id);
      if (mine !== seq) return;
      coverage = next;
      error = null;
    } catch (e) {
      if (mine !== seq) return;
      error = `Could not load detection coverage: ${(e as Error).message}`;
    }
    render();
  }

  // Verdicts change every tick: reload while the panel is on screen.
  setInterval(() => root.isConnected && !root.closest('[hidden]') && void refresh(), RELOAD_MS);
  render();
  return {
    root,
    refresh() {
      // A new site starts from "loading", not from the previous site's rows.
      coverage = null;
      error = null;
      expanded = false;
      render();
      void refresh();
    },
  };
}

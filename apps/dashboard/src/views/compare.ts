// Compare: real-user p75 against synthetic p75 for one route and metric, with deployment markers, an optional
// segment filter on the real-user line and the sample counts.
import { renderCompareChart, type CompareChartData } from '../chart';
import type { AppContext, View } from '../context';
import { h, notice, options, replace } from '../dom';
import { deploymentKindWord, formatClock, formatCount } from '../format';
import { SEGMENT_DIMS, mergeRoutes, parseSegment, rangeWindow } from '../range';
import type { MetricName } from '../types';

const METRICS: MetricName[] = ['lcp', 'inp', 'cls', 'fcp', 'ttfb'];

/** The compare screen. */
export function compareView(ctx: AppContext): View {
  let route: string | null = null;
  // Routes belong to a site: a route chosen on another site is forgotten.
  let routeSiteId: string | null = null;
  let metric: MetricName = 'lcp';
  let segment: string | null = null;
  let showBand = false;
  let chartData: CompareChartData | null = null;
  let routesSeq = 0;
  let seriesSeq = 0;

  const routeSelect = h('select', { id: 'route-select', onchange: () => { route = routeSelect.value; loadSeries(); } });
  const metricBar = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Metric' });
  const dimSelect = h('select', { id: 'segment-dim', 'aria-label': 'Segment dimension', onchange: () => onDimChange() }, ...options([['', 'All users'], ...SEGMENT_DIMS.map((d): [string, string] => [d, d])], ''));
  const valueInput = h('input', { id: 'segment-value', type: 'text', placeholder: 'value, e.g. BR', 'aria-label': 'Segment value', disabled: true, onkeydown: (e: Event) => (e as KeyboardEvent).key === 'Enter' && applySegment() });
  const applyButton = h('button', { type: 'button', class: 'btn', disabled: true, onclick: () => applySegment() }, 'Apply');
  const segmentError = h('span', { class: 'inline-error', role: 'alert' });
  const bandToggle = h('input', { type: 'checkbox', id: 'band-toggle', checked: showBand, onchange: () => { showBand = bandToggle.checked; bandLegend.hidden = !showBand; draw(); } });
  const chartHost = h('div', { class: 'chart' });
  const summary = h('p', { class: 'muted chart-summary' });
  const deploymentsBox = h('div', { class: 'deployments' });
  const body = h('div', null, chartHost, summary, deploymentsBox);
  const rumLegend = h('span', null, 'Real users p75');
  const bandLegend = h('span', { hidden: !showBand }, h('span', { class: 'swatch swatch-band' }), 'p50–p95');
  const legend = h(
    'div',
    { class: 'legend' },
    h('span', null, h('span', { class: 'swatch swatch-rum' }), rumLegend),
    bandLegend,
    h('span', null, h('span', { class: 'swatch swatch-synthetic' }), 'Synthetic p75'),
    h('span', null, h('span', { class: 'swatch swatch-marker' }), 'Deployment'),
    h('span', null, h('span', { class: 'swatch swatch-marker swatch-config' }), 'Config change'),
  );

  const root = h(
    'section',
    { class: 'view', id: 'view-compare' },
    h('div', { class: 'view-head' }, h('div', null, h('h2', null, 'Compare real users and synthetic'), h('p', { class: 'muted' }, 'p75 per time bucket; markers show deployments and config changes.'))),
    h(
      'div',
      { class: 'card' },
      h(
        'div',
        { class: 'controls' },
        h('label', { class: 'field field-route' }, h('span', null, 'Route'), routeSelect),
        h('div', { class: 'field' }, h('span', null, 'Metric'), metricBar),
        h('div', { class: 'field field-segment' }, h('span', null, 'Real-user segment'), h('div', { class: 'inline' }, dimSelect, valueInput, applyButton)),
        h('label', { class: 'check' }, bandToggle, 'Show p50–p95 band'),
      ),
      segmentError,
      legend,
      body,
    ),
  );

  function renderMetrics() {
    replace(
      metricBar,
      ...METRICS.map((m) => h('button', { type: 'button', class: m === metric ? 'active' : null, 'aria-pressed': String(m === metric), onclick: () => { metric = m; renderMetrics(); loadSeries(); } }, m.toUpperCase())),
    );
  }

  function onDimChange() {
    const hasDim = dimSelect.value !== '';
    valueInput.disabled = !hasDim;
    applyButton.disabled = !hasDim;
    if (!hasDim) {
      valueInput.value = '';
      applySegment();
    } else valueInput.focus();
  }

  function applySegment() {
    const text = dimSelect.value && valueInput.value.trim() ? `${dimSelect.value}:${valueInput.value}` : '';
    if (dimSelect.value && !valueInput.value.trim()) return void (segmentError.textContent = 'Enter a value for the segment, e.g. BR for country.');
    const parsed = parseSegment(text);
    if ('error' in parsed) return void (segmentError.textContent = parsed.error);
    segmentError.textContent = '';
    if (parsed.segment === segment) return;
    segment = parsed.segment;
    rumLegend.textContent = segment ? `Real users p75, ${segment.replace(':', '=')}` : 'Real users p75';
    loadSeries();
  }

  function draw() {
    if (chartData && chartHost.isConnected) renderCompareChart(chartHost, { ...chartData, showBand });
  }

  async function refresh() {
    const site = ctx.site;
    if (!site) return;
    const seq = ++routesSeq;
    if (routeSiteId !== site.id) route = null;
    routeSiteId = site.id;
    const { fromMs, toMs } = rangeWindow(ctx.range, ctx.now());
    const from = new Date(fromMs).toISOString();
    const to = new Date(toMs).toISOString();
    try {
      const [rum, synthetic] = await Promise.all([ctx.api.routes(site.id, 'rum', from, to), ctx.api.routes(site.id, 'synthetic', from, to)]);
      if (seq !== routesSeq) return;
      const routes = mergeRoutes(rum, synthetic);
      if (route && !routes.some((r) => r.route === route)) routes.push({ route, rum: 0, synthetic: 0 });
      if (!routes.length) {
        route = null;
        replace(routeSelect, h('option', { value: '' }, 'No routes yet'));
        chartData = null;
        replace(chartHost, notice('No traffic in this range yet. Add the snippet to your pages (see Setup) or enable a journey.'));
        summary.textContent = '';
        replace(deploymentsBox);
        return;
      }
      route = route ?? routes[0].route;
      replace(routeSelect, ...options(routes.map((r): [string, string] => [r.route, `${r.route}  (${formatCount(r.rum)} real · ${formatCount(r.synthetic)} synthetic)`]), route));
      loadSeries();
    } catch (e) {
      if (seq === routesSeq) replace(chartHost, notice(`Could not load routes: ${(e as Error).message}`, 'error'));
    }
  }

  async function loadSeries() {
    const site = ctx.site;
    if (!site || !route) return;
    const seq = ++seriesSeq;
    const nowMs = ctx.now();
    const { fromMs, toMs, bucketMinutes } = rangeWindow(ctx.range, nowMs);
    const q = { route, metric, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), bucketMinutes };
    chartHost.classList.add('is-loading');
    try {
      const [rum, synthetic, deployments] = await Promise.all([
        ctx.api.series(site.id, { ...q, source: 'rum', segment }),
        ctx.api.series(site.id, { ...q, source: 'synthetic' }),
        ctx.api.deployments(site.id, q.from, q.to),
      ]);
      if (seq !== seriesSeq) return;
      chartData = { fromMs, toMs, bucketMinutes, metric, rum: rum.points, synthetic: synthetic.points, deployments, showBand, nowMs };
      if (!chartHost.querySelector('svg')) replace(chartHost);
      draw();
      const rumCount = rum.points.reduce((sum, p) => sum + p.count, 0);
      const synCount = synthetic.points.reduce((sum, p) => sum + p.count, 0);
      summary.textContent = `Real users: ${formatCount(rumCount)} samples${segment ? ` in ${segment.replace(':', '=')}` : ''} · Synthetic: ${formatCount(synCount)} samples · ${bucketMinutes}-minute buckets`;
      renderDeployments(deployments, nowMs);
    } catch (e) {
      if (seq === seriesSeq) {
        chartData = null;
        replace(chartHost, notice(`Could not load the series: ${(e as Error).message}`, 'error'));
      }
    } finally {
      if (seq === seriesSeq) chartHost.classList.remove('is-loading');
    }
  }

  function renderDeployments(deployments: CompareChartData['deployments'], nowMs: number) {
    if (!deployments.length) return replace(deploymentsBox, h('p', { class: 'muted' }, 'No deployments recorded in this range. Send them from CI (see Setup).'));
    const rows = deployments
      .slice()
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
      .map((d) =>
        h('tr', null, h('td', null, formatClock(Date.parse(d.at), nowMs)), h('td', null, h('strong', null, d.version)), h('td', null, deploymentKindWord(d.kind)), h('td', { class: 'mono' }, d.commit ? d.commit.slice(0, 7) : ''), h('td', null, d.description ?? '')),
      );
    replace(
      deploymentsBox,
      h('h3', null, 'Deployments in range'),
      h('div', { class: 'table-wrap' }, h('table', null, h('thead', null, h('tr', null, h('th', null, 'Time'), h('th', null, 'Version'), h('th', null, 'Kind'), h('th', null, 'Commit'), h('th', null, 'Description'))), h('tbody', null, ...rows))),
    );
  }

  // Redraw on width changes only (a height change is our own doing).
  let lastWidth = 0;
  new ResizeObserver(() => {
    if (chartHost.clientWidth && chartHost.clientWidth !== lastWidth) {
      lastWidth = chartHost.clientWidth;
      draw();
    }
  }).observe(chartHost);

  renderMetrics();
  return {
    root,
    refresh,
    shown(params) {
      let changed = false;
      if (params?.metric && (METRICS as string[]).includes(params.metric) && params.metric !== metric) {
        metric = params.metric as MetricName;
        renderMetrics();
        changed = true;
      }
      if (params?.route && params.route !== route) {
        route = params.route;
        routeSiteId = ctx.site?.id ?? null;
        changed = true;
      }
      if (changed) refresh();
      else draw();
      return changed;
    },
  };
}

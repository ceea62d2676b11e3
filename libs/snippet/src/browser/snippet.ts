/**
 * The Parallax browser snippet: web-vitals, navigation timings and business events per page view, sent as
 * beacons in the wire format of libs/contracts (beacon.ts). Every visitor downloads this code, so it is
 * written for size (budget: 5,000 B gzip -9 together with web-vitals, which alone is about 3,600 B):
 * internal property names end in `_` so the build can mangle them, and only types come from contracts.
 *
 * Page views and when beacons go out:
 * - the hard navigation is a page view; its load beacon goes 100 ms after web-vitals reports TTFB (which it
 *   does just after the load event), with FCP and the navigation timings; the rest goes when the page is
 *   hidden (visibilitychange) or left (pagehide). Chrome fires pagehide before visibilitychange when leaving,
 *   so a page that is left sends two small beacons: events and LCP, then CLS and INP.
 * - a history route change (pushState / replaceState / popstate to a new path) flushes what is pending and
 *   starts a page view with navType 'soft';
 * - a bfcache restore (pageshow persisted) starts a page view with navType 'back-forward-cache'; web-vitals
 *   measures it afresh (TTFB 0, FCP and LCP from the restore, CLS and INP until hidden).
 * Web-vitals metrics belong to the hard (or bfcache-restored) page view, as in CrUX: CLS and INP cover the
 * whole document life, soft page views included, and arrive when the page is hidden, in a later beacon of
 * that page view (same pageViewId, next seq). Soft page views carry events and context but no vitals:
 * web-vitals cannot re-measure them without the browser's Soft Navigation API, and measuring CLS/INP per
 * soft view ourselves does not fit the size budget.
 * Each metric is sent at most once per page view: the first final value web-vitals reports (a later,
 * larger CLS or INP after the tab came back is dropped, so the server never counts a page view twice).
 * Sampling (per page view) applies to beacons only; GA4 forwarding follows consent but not sampling.
 * Events queued before the bundle loaded get their atMs when the queue is drained.
 */
import type { Beacon, BeaconEvent, MetricName, NavType } from '@parallax/contracts/beacon';
import type { MetricType } from 'web-vitals';
import type { SnippetConfig } from '../config';

/** One web-vitals `onX` function, called once with our reporter and default options. */
export type VitalsReporter = (onReport: (metric: MetricType) => void) => void;
/** Adds the metric's attribution fields to the pending beacon data (attribution build only). */
export type AddAttribution = (metric: MetricType, pending: Partial<Beacon>) => void;

type Command = (...args: unknown[]) => void;

declare global {
  interface Window {
    __pxc?: SnippetConfig;
    /** Set once started, so a page that has both the tag and the agent's injection starts only once. */
    __pxr?: 1;
    parallax?: Command & { q?: ArrayLike<unknown>[] };
    gtag?: Command;
  }
}

interface PageView {
  id_: string;
  url_: string;
  nav_?: NavType;
  seq_: number;
  sampled_: boolean;
  startMs_: number;
  /** Data not sent yet; merged into the next beacon of this page view. */
  pending_: Partial<Beacon>;
  /** Metrics already taken for this page view. */
  done_: { [name: string]: 1 };
}

const MAX_MS = 36e5;
/** Beacons and gtag calls kept in memory while consent is pending. */
const MAX_HELD = 100;

/** Rounds a duration to whole ms, or drops it when outside what the collector accepts. */
const ms = (x: number) => (x >= 0 && x <= MAX_MS ? Math.round(x) : undefined);

/** Starts collecting; `vitals` are web-vitals' onTTFB, onFCP, onLCP, onCLS, onINP (plain or attribution). */
export function start(vitals: VitalsReporter[], addAttribution?: AddAttribution): void {
  const w = window;
  const d = document;
  const nav = navigator as Navigator & { connection?: { effectiveType?: '4g'; rtt?: number; saveData?: boolean }; deviceMemory?: number };
  const perf = performance;
  const cfg = w.__pxc;
  if (!cfg || w.__pxr) return;
  w.__pxr = 1;
  // Only valid while this script runs; null when the agent injects the bundle.
  const data = ((d.currentScript || {}) as HTMLElement).dataset || {};
  let release = data.release;
  // undefined: the page has not decided yet, so hold; false: drop.
  let consent: boolean | undefined = data.consent != 'required' || undefined;
  const ga4 = data.ga4 != 'off';
  const held: (() => void)[] = [];
  const gate = (fn: () => void) => (consent ? fn() : consent ?? (held.length < MAX_HELD && held.push(fn)));

  // 128 random bits as four decimal numbers, e.g. "3141592653-589793238-4626433-832795028" (at most 43 chars).
  const randomId = () => crypto.getRandomValues(new Uint32Array(4)).join('-');
  let sessionId: string;
  try {
    sessionStorage.setItem('_pxs', (sessionId = sessionStorage.getItem('_pxs') || randomId()));
  } catch (e) {
    sessionId = randomId(); // storage blocked: a session of one page
  }

  const newView = (navType?: NavType, startMs = perf.now()): PageView => ({
    id_: randomId(),
    url_: location.href.slice(0, 2048),
    nav_: navType,
    seq_: 0,
    // Also true when no rate is configured (comparison with undefined is false).
    sampled_: !(Math.random() >= cfg.sampleRate!),
    startMs_: startMs,
    pending_: {},
    done_: {},
  });
  // The hard navigation's navType comes from its first web-vitals metric (web-vitals knows prerender etc.).
  let view = newView(undefined, 0);
  // The page view web-vitals is measuring: the hard navigation, or the latest bfcache restore.
  let vitalsView = view;
  let path = location.pathname;

  const flush = (v: PageView) => {
    const pending = v.pending_;
    const c = nav.connection;
    v.pending_ = {};
    // The first beacon goes even when empty: it records the page view.
    if (!v.sampled_ || (v.seq_ && !Object.keys(pending).length)) return;
    const body = JSON.stringify(
      Object.assign(
        {
          v: 1,
          siteKey: cfg.siteKey,
          pageViewId: v.id_,
          sessionId,
          seq: v.seq_++,
          url: v.url_,
          navType: v.nav_,
          release: release && release.slice(0, 100),
          syntheticRunId: cfg.syntheticRunId,
          timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
          viewport: { w: Math.min(innerWidth, 2e4), h: Math.min(innerHeight, 2e4) },
          deviceMemoryGb: nav.deviceMemory,
          // Chrome's values fit the contract as they are (effectiveType 'slow-2g'..'4g', rtt at most 3,000 ms).
          connection: c && { effectiveType: c.effectiveType, rttMs: c.rtt, saveData: c.saveData },
        } satisfies Beacon,
        pending,
      ),
    );
    // A string body goes as text/plain;charset=UTF-8 with both, which needs no CORS preflight. fetch takes
    // over when sendBeacon refuses (its queue is full).
    gate(() => nav.sendBeacon(cfg.endpoint, body) || fetch(cfg.endpoint, { method: 'POST', body, keepalive: true }).catch(() => 0));
  };
  const flushAll = () => {
    flush(vitalsView);
    if (view != vitalsView) flush(view);
  };

  const onMetric = (m: MetricType) => {
    const v = vitalsView;
    const name = m.name.toLowerCase() as MetricName;
    const value = m.value;
    const pending = v.pending_;
    const done = v.done_;
    const gtag = w.gtag;
    if (done[name]) return;
    done[name] = 1;
    v.nav_ = v.nav_ || (m.navigationType as NavType);
    (pending.metrics = pending.metrics || {})[name] = name == 'cls' ? Math.min(Math.round(value * 1e4) / 1e4, 100) : ms(value);
    if (addAttribution) addAttribution(m, pending);
    if (ga4 && typeof gtag == 'function') {
      // GA4 event values are integers: CLS goes as thousandths, like Google's own web-vitals recipe.
      gate(() => gtag('event', m.name, { value: Math.round(name == 'cls' ? value * 1e3 : value), metric_id: v.id_, metric_value: value }));
    }
    if (name == 'ttfb') {
      const n = perf.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      if (n && v.nav_ != 'back-forward-cache') {
        pending.timings = {
          dns: ms(n.domainLookupEnd - n.domainLookupStart),
          tcp: ms(n.connectEnd - n.connectStart),
          // 0 when the connection has no TLS (secureConnectionStart is 0 then).
          tls: ms(n.secureConnectionStart && n.connectEnd - n.secureConnectionStart),
          request: ms(n.responseStart - n.requestStart),
          response: ms(n.responseEnd - n.responseStart),
          domContentLoaded: ms(n.domContentLoadedEventEnd),
          load: ms(n.loadEventEnd),
        };
      }
      // web-vitals reports TTFB just after the load event (on restore: at once, with FCP two frames later):
      // wait a moment so FCP rides in this load beacon too.
      setTimeout(flush, 100, v);
    }
  };

  const run = (args: ArrayLike<unknown>) => {
    const command = args[0];
    const arg = args[1];
    const props = args[2] as { [key: string]: unknown } | undefined;
    if (command == 'release') release = String(arg);
    if (command == 'consent') {
      consent = !!arg;
      held.splice(0).map((fn) => consent && fn());
    }
    if (command == 'track' && typeof arg == 'string' && arg) {
      const event: BeaconEvent = { name: arg.slice(0, 100), atMs: ms(perf.now() - view.startMs_), props: {} };
      const events = (view.pending_.events = view.pending_.events || []);
      let count = 0;
      // Coerce props to what the collector accepts, so one odd value never costs the whole beacon.
      for (const key in props) {
        const x = props[key];
        if (count++ < 20) event.props![key.slice(0, 50)] = x === !!x || Number.isFinite(x) ? (x as number) : String(x).slice(0, 200);
      }
      if (events.push(event) > 49) flush(view);
    }
  };

  const onRoute = () => {
    if (location.pathname != path) {
      path = location.pathname;
      flushAll();
      view = newView('soft');
    }
  };
  for (const key of ['pushState', 'replaceState'] as const) {
    const original = history[key];
    history[key] = function (this: History) {
      original.apply(this, arguments as unknown as Parameters<History['pushState']>);
      onRoute();
    };
  }
  addEventListener('popstate', onRoute);
  // On document, not window: the target phase runs after web-vitals' capture listener on window, so the
  // CLS, INP and LCP it reports on hide are already pending when we flush.
  d.addEventListener('visibilitychange', () => d.hidden && flushAll());
  addEventListener('pagehide', flushAll);
  // Registered before web-vitals' own listeners, so the new page view exists when they report on restore.
  addEventListener(
    'pageshow',
    (e) => {
      if (e.persisted) view = vitalsView = newView('back-forward-cache', e.timeStamp);
    },
    true,
  );

  const queued = (w.parallax && w.parallax.q) || [];
  w.parallax = function () {
    run(arguments);
  };
  queued.map(run);

  vitals.map((on) => on(onMetric));
}

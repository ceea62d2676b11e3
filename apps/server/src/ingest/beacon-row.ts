import type { Beacon } from '@parallax/contracts';
import { connectionClass, InvalidUrlError, parseUserAgent, redactUrl, regionFrom, RouteTemplater } from '@parallax/privacy';

/** One stored beacon: enriched, pseudonymised, without IP or raw user agent. */
export interface BeaconRow {
  siteId: string;
  receivedAt: Date;
  pageViewId: string;
  seq: number;
  sessionHash: string | null;
  syntheticRunId: string | null;
  route: string;
  path: string;
  navType: string | null;
  country: string;
  device: string;
  browser: string;
  browserMajor: string;
  os: string;
  connection: string;
  release: string | null;
  lcp: number | null;
  inp: number | null;
  cls: number | null;
  fcp: number | null;
  ttfb: number | null;
  dns: number | null;
  tcp: number | null;
  tls: number | null;
  request: number | null;
  response: number | null;
  domContentLoaded: number | null;
  load: number | null;
  rttMs: number | null;
  saveData: boolean | null;
  deviceMemoryGb: number | null;
  viewportW: number | null;
  viewportH: number | null;
  events: Beacon['events'] | null;
  attribution: Beacon['attribution'] | null;
}

/** What the collector knows about the site, cached. */
export interface SiteIngestConfig {
  id: string;
  allowedOrigins: string[];
  allowedQueryParams: string[];
  samplingRate: number;
  templater: RouteTemplater;
}

/** Facts taken from the request; the IP is not among them. */
export interface RequestFacts {
  userAgent: string | undefined;
  /** Value of the trusted edge country header, when one is configured. */
  edgeCountry: string | undefined;
  receivedAt: Date;
}

/** Raised for a beacon URL that cannot be parsed; the collector answers 400. */
export { InvalidUrlError };

const n = (v: number | undefined) => (v === undefined ? null : v);

// PostgreSQL rejects NUL in text and jsonb, and lone surrogates in jsonb: one such beacon would fail its whole
// group-commit batch (503 for every client in it), so free text is made storable here.
const UNSTORABLE = /[\u0000\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `text` without NUL characters and with lone surrogates replaced by U+FFFD. */
export function storableText(text: string): string {
  return UNSTORABLE.test(text) ? text.replace(LONE_SURROGATE, '\ufffd').replace(/\u0000/g, '') : text;
}

const storable = (text: string | undefined) => (text === undefined ? null : storableText(text));

function storableEvents(events: NonNullable<Beacon['events']>): NonNullable<Beacon['events']> {
  return events.map((e) => ({
    ...e,
    name: storableText(e.name),
    ...(e.props ? { props: Object.fromEntries(Object.entries(e.props).map(([k, v]) => [storableText(k), typeof v === 'string' ? storableText(v) : v])) } : {}),
  }));
}

function storableAttribution(a: NonNullable<Beacon['attribution']>): NonNullable<Beacon['attribution']> {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, typeof v === 'string' ? storableText(v) : v]));
}

/** Turns a validated beacon into the row we store: route template, redacted path, segments, pseudonymous session. */
export function toBeaconRow(
  beacon: Beacon,
  site: SiteIngestConfig,
  facts: RequestFacts,
  pseudonymise: (sessionId: string) => string,
): BeaconRow {
  const url = redactUrl(beacon.url, site.allowedQueryParams);
  const ua = parseUserAgent(facts.userAgent);
  const m = beacon.metrics ?? {};
  const t = beacon.timings ?? {};
  return {
    siteId: site.id,
    receivedAt: facts.receivedAt,
    pageViewId: beacon.pageViewId,
    seq: beacon.seq,
    sessionHash: beacon.sessionId ? pseudonymise(beacon.sessionId) : null,
    syntheticRunId: storable(beacon.syntheticRunId),
    route: site.templater.toRoute(url.path),
    path: url.query ? `${url.path}?${url.query}` : url.path,
    navType: beacon.navType ?? null,
    country: regionFrom({ edgeHeaderValue: facts.edgeCountry, timeZone: beacon.timeZone }),
    device: ua.deviceClass,
    browser: ua.browser,
    browserMajor: ua.browserMajor ? `${ua.browser} ${ua.browserMajor}` : ua.browser,
    os: ua.os,
    connection: connectionClass(beacon.connection?.effectiveType),
    release: storable(beacon.release),
    lcp: n(m.lcp),
    inp: n(m.inp),
    cls: n(m.cls),
    fcp: n(m.fcp),
    ttfb: n(m.ttfb),
    dns: n(t.dns),
    tcp: n(t.tcp),
    tls: n(t.tls),
    request: n(t.request),
    response: n(t.response),
    domContentLoaded: n(t.domContentLoaded),
    load: n(t.load),
    rttMs: n(beacon.connection?.rttMs),
    saveData: beacon.connection?.saveData ?? null,
    deviceMemoryGb: n(beacon.deviceMemoryGb),
    viewportW: beacon.viewport?.w ?? null,
    viewportH: beacon.viewport?.h ?? null,
    events: beacon.events ? storableEvents(beacon.events) : null,
    attribution: beacon.attribution ? storableAttribution(beacon.attribution) : null,
  };
}

/** True when `origin` may send beacons for the site (an empty list or '*' allows any). */
export function originAllowed(allowedOrigins: string[], origin: string | undefined): boolean {
  if (allowedOrigins.length === 0 || allowedOrigins.includes('*')) return true;
  return origin !== undefined && allowedOrigins.includes(origin);
}

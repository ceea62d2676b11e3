// REST client: every call carries the admin token; a 401 asks the user for the token again and retries.
import { queryString } from './range';
import type {
  DemoView, DeploymentView as Deployment, DetectionCoverage, IncidentStatus, IncidentView as Incident, IngestStatusView, JourneyView as Journey, LabView,
  LocationView as LocationInfo, OverviewView, RouteCount, RunDetailView, RunView as Run, SegmentsView, SeriesSource as Source, SeriesView as Series,
  SiteView as Site, SnippetView as Snippet, WebhookDeliveryView, WebhookView,
} from '@parallax/contracts/dashboard-views';

/** A failed API call, with the HTTP status and the server's message. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const MAX_AUTH_ATTEMPTS = 3;

/** Where the client gets the admin token, and how it reports a rejected one (TokenStore in the app). */
export interface TokenSource {
  token(): Promise<string>;
  rejected(badToken: string): Promise<string>;
}

/** Typed calls to the server's REST API. */
export class Api {
  constructor(private readonly tokens: TokenSource, private readonly baseUrl = '') {}

  private async request<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, json?: unknown): Promise<T> {
    let token = await this.tokens.token();
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(this.baseUrl + path, {
        method,
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(json === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: json === undefined ? undefined : JSON.stringify(json),
      });
      if (response.status === 401 && attempt < MAX_AUTH_ATTEMPTS) {
        token = await this.tokens.rejected(token);
        continue;
      }
      const text = await response.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = null;
      }
      if (!response.ok) throw new ApiError(response.status, errorMessage(body) ?? `${method} ${path} failed (HTTP ${response.status})`);
      return body as T;
    }
  }

  sites() {
    return this.request<Site[]>('GET', '/api/sites');
  }

  routes(siteId: string, source: Source, fromIso: string, toIso: string) {
    return this.request<RouteCount[]>('GET', `/api/sites/${encodeURIComponent(siteId)}/rum/routes${queryString({ source, from: fromIso, to: toIso })}`);
  }

  series(siteId: string, q: { route: string; metric: string; source: Source; from: string; to: string; bucketMinutes: number; segment?: string | null }) {
    return this.request<Series>(
      'GET',
      `/api/sites/${encodeURIComponent(siteId)}/rum/series${queryString({ route: q.route, metric: q.metric, source: q.source, from: q.from, to: q.to, bucketMinutes: q.bucketMinutes, segment: q.segment })}`,
    );
  }

  snippet(siteId: string) {
    return this.request<Snippet>('GET', `/api/sites/${encodeURIComponent(siteId)}/snippet`);
  }

  deployments(siteId: string, fromIso: string, toIso: string) {
    return this.request<Deployment[]>('GET', `/api/deployments${queryString({ siteId, from: fromIso, to: toIso })}`);
  }

  incidents(siteId: string, status: IncidentStatus | null, limit: number) {
    return this.request<Incident[]>('GET', `/api/incidents${queryString({ siteId, status, limit })}`);
  }

  /** The latest verdict of every series the detectors judge, "not enough data" included. */
  detection(siteId: string) {
    return this.request<DetectionCoverage>('GET', `/api/sites/${encodeURIComponent(siteId)}/detection`);
  }

  acknowledge(incidentId: string) {
    return this.request<Incident>('POST', `/api/incidents/${encodeURIComponent(incidentId)}/acknowledge`);
  }

  runs(siteId: string, limit: number, journeyId?: string) {
    return this.request<Run[]>('GET', `/api/runs${queryString({ siteId, journeyId, limit })}`);
  }

  journeys(siteId: string) {
    return this.request<Journey[]>('GET', `/api/journeys${queryString({ siteId })}`);
  }

  locations() {
    return this.request<LocationInfo[]>('GET', '/api/locations');
  }

  /** Null when the endpoint is not there (404): callers hide what depends on it. */
  private async optional<T>(path: string): Promise<T | null> {
    try {
      return await this.request<T>('GET', path);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  }

  private site(siteId: string, rest: string) {
    return `/api/sites/${encodeURIComponent(siteId)}${rest}`;
  }

  createSite(body: { name: string; allowedOrigins: string[] }) {
    return this.request<Site>('POST', '/api/sites', body);
  }

  updateSite(siteId: string, body: { name?: string; allowedOrigins?: string[]; detectConfig?: Record<string, unknown> }) {
    return this.request<Site>('PATCH', this.site(siteId, ''), body);
  }

  siteDetail(siteId: string) {
    return this.request<Site & { detectConfig?: Record<string, unknown> | null }>('GET', this.site(siteId, ''));
  }

  overview(siteId: string, from: string, to: string) {
    return this.request<OverviewView>('GET', this.site(siteId, `/views/overview${queryString({ from, to })}`));
  }

  segments(siteId: string, q: { route: string; metric: string; from: string; to: string }) {
    return this.request<SegmentsView>('GET', this.site(siteId, `/views/segments${queryString(q)}`));
  }

  lab(siteId: string, q: { route: string; metric: string; from: string; to: string }) {
    return this.request<LabView>('GET', this.site(siteId, `/views/lab${queryString(q)}`));
  }

  ingestStatus(siteId: string) {
    return this.optional<IngestStatusView>(this.site(siteId, '/ingest-status'));
  }

  demo() {
    return this.optional<DemoView>('/api/demo');
  }

  setDemoFault(key: string, on: boolean) {
    return this.request<DemoView>('POST', '/api/demo/faults', { fault: key, on });
  }

  /** A binary resource (a run's screenshot) as an object URL, or null when there is none (404). */
  async blobUrl(path: string): Promise<string | null> {
    const token = await this.tokens.token();
    const response = await fetch(this.baseUrl + path, { headers: { Authorization: `Bearer ${token}` } });
    if (response.status === 404) return null;
    if (!response.ok) throw new ApiError(response.status, `GET ${path} failed (HTTP ${response.status})`);
    return URL.createObjectURL(await response.blob());
  }

  updateJourney(journeyId: string, yaml: string) {
    return this.request<Journey>('PUT', `/api/journeys/${encodeURIComponent(journeyId)}`, { yaml });
  }

  incident(id: string) {
    return this.request<Incident>('GET', `/api/incidents/${encodeURIComponent(id)}`);
  }

  run(id: string) {
    return this.request<RunDetailView>('GET', `/api/runs/${encodeURIComponent(id)}`);
  }

  runNow(journeyId: string) {
    return this.request<Run[]>('POST', `/api/journeys/${encodeURIComponent(journeyId)}/run`);
  }

  setJourneyEnabled(journeyId: string, enabled: boolean) {
    return this.request<Journey>('POST', `/api/journeys/${encodeURIComponent(journeyId)}/${enabled ? 'enable' : 'disable'}`);
  }

  webhooks(siteId: string) {
    return this.request<WebhookView[]>('GET', `/api/webhooks${queryString({ siteId })}`);
  }

  createWebhook(siteId: string, url: string) {
    return this.request<WebhookView & { secret?: string }>('POST', '/api/webhooks', { siteId, url });
  }

  deliveries(webhookId: string) {
    return this.request<WebhookDeliveryView[]>('GET', `/api/webhooks/${encodeURIComponent(webhookId)}/deliveries`);
  }
}

function errorMessage(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as { message?: unknown; error?: unknown };
  if (typeof b.message === 'string') return b.message;
  if (Array.isArray(b.message)) return b.message.join('; ');
  if (b.error && typeof b.error === 'object' && typeof (b.error as { message?: unknown }).message === 'string') return (b.error as { message: string }).message;
  return null;
}

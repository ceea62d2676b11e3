// REST client: every call carries the admin token; a 401 asks the user for the token again and retries.
import { queryString } from './range';
import type {
  DetectionCoverage, Deployment, Incident, IncidentStatus, Journey, LocationInfo, RouteCount, Run, Series, Site, Snippet, Source,
} from './types';

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

  private async request<T>(method: 'GET' | 'POST', path: string): Promise<T> {
    let token = await this.tokens.token();
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(this.baseUrl + path, {
        method,
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
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

  runs(siteId: string, limit: number) {
    return this.request<Run[]>('GET', `/api/runs${queryString({ siteId, limit })}`);
  }

  journeys(siteId: string) {
    return this.request<Journey[]>('GET', `/api/journeys${queryString({ siteId })}`);
  }

  locations() {
    return this.request<LocationInfo[]>('GET', '/api/locations');
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

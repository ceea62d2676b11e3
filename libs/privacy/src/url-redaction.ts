/** A page URL with everything personal removed: no userinfo, no fragment, only allow-listed query parameters. */
export interface RedactedUrl {
  /** `https://shop.example` (scheme, lower-cased host, non-default port). */
  origin: string;
  /** Percent-encoded pathname, dot segments resolved, session path parameters removed, email segments as `:email`. */
  path: string;
  /** Allow-listed parameters sorted by name, without the leading `?`; '' when none. */
  query: string;
}

/** A beacon URL that cannot be parsed or is not http(s); the collector answers 400 with it. */
export class InvalidUrlError extends Error {
  readonly code = 'validation_failed' as const;
  readonly field = 'url';

  constructor(reason: string) {
    super(`invalid url: ${reason}`);
    this.name = 'InvalidUrlError';
  }
}

/** Java and PHP put session ids into the path (`/cart;jsessionid=ABC`); they must never be stored. */
const SESSION_PATH_PARAM = /;(?:jsessionid|phpsessid|sid|sessionid)=[^/]*/gi;

/** A path segment that is an email address (plain or with `@` percent-encoded). */
export const EMAIL_SEGMENT = /^[^@/]+(?:@|%40)[^@/]+\.[A-Za-z]{2,}$/i;

/**
 * Path segments that are email addresses become `:email`, as the route templater names them: an address in
 * the path (`/users/jane@example.com/orders`) is as personal as one in the query string, which is dropped.
 */
function redactPathSegments(path: string): string {
  if (!path.includes('@') && !/%40/i.test(path)) return path;
  return path
    .split('/')
    .map((segment) => (EMAIL_SEGMENT.test(segment) ? ':email' : segment))
    .join('/');
}

const allowSets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** The allow-list as a Set, built once per array (sites hand the same array in for every beacon). */
function allowSetOf(allowed: readonly string[]): ReadonlySet<string> {
  let set = allowSets.get(allowed);
  if (!set) {
    set = new Set(allowed);
    allowSets.set(allowed, set);
  }
  return set;
}

/** Splits a page URL into origin, path and an allow-listed query; throws `InvalidUrlError` when it is not a URL. */
export function redactUrl(url: string, allowedQueryParams: readonly string[]): RedactedUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidUrlError('not an absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InvalidUrlError(`unsupported scheme ${parsed.protocol}`);
  // origin never includes user:pass@, and the fragment and query are rebuilt below, so neither can leak.
  const path = redactPathSegments(parsed.pathname.includes(';') ? parsed.pathname.replace(SESSION_PATH_PARAM, '') : parsed.pathname);
  return { origin: parsed.origin, path, query: allowedQuery(parsed.searchParams, allowedQueryParams) };
}

function allowedQuery(params: URLSearchParams, allowedQueryParams: readonly string[]): string {
  if (allowedQueryParams.length === 0 || params.size === 0) return '';
  const allowed = allowSetOf(allowedQueryParams);
  const kept = new URLSearchParams();
  for (const [name, value] of params) {
    if (allowed.has(name)) kept.append(name, value);
  }
  if (kept.size === 0) return '';
  // Stable sort by name: the same page gives the same query whatever order the parameters came in.
  kept.sort();
  return kept.toString();
}

const NUMERIC = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LONG_HEX = /^[0-9a-f]{16,}$/i;

/**
 * Route template of a URL path by a simple rule: numeric, UUID and long hex segments become `:id`
 * (`/product/42` -> `/product/:id`). The site's real templater lives with the RUM pipeline; a step's own
 * `route` takes precedence over this.
 */
export function deriveRoute(pathname: string): string {
  const segments = pathname.split('/').map((s) => (NUMERIC.test(s) || UUID.test(s) || LONG_HEX.test(s) ? ':id' : s));
  const path = segments.join('/');
  // '/cart/' and '/cart' are one route
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** Route template of a page URL, or undefined for non-http pages such as about:blank. */
export function routeOfUrl(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? deriveRoute(u.pathname) : undefined;
  } catch {
    return undefined;
  }
}

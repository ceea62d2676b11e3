import { LruCache } from './lru';
import { EMAIL_SEGMENT } from './url-redaction';

/** A site owner's rule: paths matching `pattern` are reported as `template`. */
export interface RouteRule {
  /** `/product/:id` (`:name` = any one segment), `/docs/*` (trailing `*` = one or more segments, elsewhere one). */
  pattern: string;
  /** What matching paths become, e.g. `/product/:id`. */
  template: string;
}

export interface RouteTemplaterOptions {
  /** Distinct pathnames cached per templater. */
  maxEntries?: number;
}

export const MAX_ROUTE_LENGTH = 256;
export const MAX_ROUTE_SEGMENTS = 20;
export const MAX_ROUTE_RULES = 200;
export const DEFAULT_ROUTE_CACHE_ENTRIES = 10_000;
/** Longest pathname looked at; beyond it the segment and length caps have long been hit. */
const MAX_PATHNAME_CHARS = 4096;

/** A route rule that cannot be used; the sites API answers 400 with it. */
export class InvalidRouteRuleError extends Error {
  readonly code = 'validation_failed' as const;
  readonly field: string;

  constructor(index: number, reason: string) {
    super(`route rule ${index}: ${reason}`);
    this.name = 'InvalidRouteRuleError';
    this.field = `routeRules.${index}`;
  }
}

type PatternSegment = { kind: 'literal'; value: string } | { kind: 'one' } | { kind: 'rest' };
interface CompiledRule {
  segments: PatternSegment[];
  template: string;
}

/** Maps page pathnames to low-cardinality route templates: site rules first, then automatic id collapsing. */
export class RouteTemplater {
  private readonly rules: CompiledRule[];
  private readonly cache: LruCache<string, string>;

  constructor(rules: readonly RouteRule[] = [], options: RouteTemplaterOptions = {}) {
    this.rules = compileRouteRules(rules);
    this.cache = new LruCache(options.maxEntries ?? DEFAULT_ROUTE_CACHE_ENTRIES);
  }

  /** The route template of a pathname, e.g. `/product/123/` -> `/product/:id`. */
  toRoute(pathname: string): string {
    const cached = this.cache.get(pathname);
    if (cached !== undefined) return cached;
    const route = this.compute(pathname);
    this.cache.set(pathname, route);
    return route;
  }

  private compute(pathname: string): string {
    const segments = splitPath(pathname);
    for (const rule of this.rules) {
      if (matches(rule.segments, segments)) return rule.template;
    }
    return joinCapped(segments.map(templateSegment));
  }
}

/** Checks rules before they are saved; throws `InvalidRouteRuleError` naming the first bad one. */
export function validateRouteRules(rules: readonly RouteRule[]): void {
  compileRouteRules(rules);
}

function compileRouteRules(rules: readonly RouteRule[]): CompiledRule[] {
  if (rules.length > MAX_ROUTE_RULES) throw new InvalidRouteRuleError(MAX_ROUTE_RULES, `at most ${MAX_ROUTE_RULES} rules`);
  return rules.map((rule, index) => {
    const { pattern, template } = rule ?? ({} as RouteRule);
    if (typeof pattern !== 'string' || !pattern.startsWith('/')) throw new InvalidRouteRuleError(index, 'pattern must start with /');
    if (pattern.length > MAX_ROUTE_LENGTH) throw new InvalidRouteRuleError(index, `pattern longer than ${MAX_ROUTE_LENGTH}`);
    if (/[?#\s]/.test(pattern)) throw new InvalidRouteRuleError(index, 'pattern must not contain ?, # or spaces');
    if (typeof template !== 'string' || !template.startsWith('/')) throw new InvalidRouteRuleError(index, 'template must start with /');
    if (template.length > MAX_ROUTE_LENGTH) throw new InvalidRouteRuleError(index, `template longer than ${MAX_ROUTE_LENGTH}`);
    if (/[?#\s]/.test(template)) throw new InvalidRouteRuleError(index, 'template must not contain ?, # or spaces');
    const parts = pattern.split('/').filter((part) => part.length > 0);
    const segments: PatternSegment[] = parts.map((part, i) => {
      if (part === '*') return i === parts.length - 1 ? { kind: 'rest' } : { kind: 'one' };
      if (part.startsWith(':') && part.length > 1) return { kind: 'one' };
      if (part.includes('*')) throw new InvalidRouteRuleError(index, '* must be a whole segment');
      return { kind: 'literal', value: part };
    });
    return { segments, template: normaliseTemplate(template) };
  });
}

function normaliseTemplate(template: string): string {
  return template.length > 1 && template.endsWith('/') ? template.replace(/\/+$/, '') || '/' : template;
}

function splitPath(pathname: string): string[] {
  let path = pathname.length > MAX_PATHNAME_CHARS ? pathname.slice(0, MAX_PATHNAME_CHARS) : pathname;
  // Callers pass a pathname, but a stray query or fragment must never reach a template.
  const cut = path.search(/[?#]/);
  if (cut >= 0) path = path.slice(0, cut);
  // Empty parts come from the leading slash, doubled slashes and a trailing slash.
  return path.split('/').filter((part) => part.length > 0);
}

function matches(pattern: PatternSegment[], segments: string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i];
    if (part.kind === 'rest') return segments.length > i;
    if (i >= segments.length) return false;
    if (part.kind === 'literal' && part.value !== segments[i]) return false;
  }
  return pattern.length === segments.length;
}

/** Joins segments into a route within the segment and length caps; a last `*` marks where it was cut. */
function joinCapped(segments: string[]): string {
  if (segments.length === 0) return '/';
  let kept = segments.length > MAX_ROUTE_SEGMENTS ? segments.slice(0, MAX_ROUTE_SEGMENTS - 1) : segments;
  let route = buildRoute(kept, kept.length < segments.length);
  while (route.length > MAX_ROUTE_LENGTH) {
    kept = kept.slice(0, -1);
    route = buildRoute(kept, true);
  }
  return route;
}

function buildRoute(segments: string[], truncated: boolean): string {
  return '/' + (truncated ? [...segments, '*'] : segments).join('/');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMERIC = /^\d+$/;
const HEX = /^[0-9a-f]{16,}$/i;
const DIGIT = /\d/;
const LETTER = /[A-Za-z]/;
/** ISO dates (optionally with a time), 2024_01_31, and day-first 31-01-2024 / 31.01.2024. */
const DATE =
  /^(?:\d{4}([-_.])[01]\d\1[0-3]\d(?:[T ][0-2]\d(?::|%3A)[0-5]\d(?:(?::|%3A)[0-5]\d(?:\.\d+)?)?(?:Z|[+-][0-2]\d(?::|%3A)?\d\d)?)?|[0-3]\d([-.])[01]\d\2\d{4})$/i;
const TOKEN = /^[A-Za-z0-9_.~=-]+$/;

/** The automatic template of one path segment: an id-like value becomes a placeholder. */
export function templateSegment(segment: string): string {
  if (NUMERIC.test(segment)) return ':id';
  if (segment.length === 36 && UUID.test(segment)) return ':uuid';
  if (DATE.test(segment)) return ':date';
  if (EMAIL_SEGMENT.test(segment)) return ':email';
  if (segment.length >= 16 && HEX.test(segment) && DIGIT.test(segment)) return ':hash';
  if (isIdLikeToken(segment)) return ':hash';
  return segment;
}

/**
 * Mixed letter/digit tokens of 8+ characters that look generated (`x7k2m9q4`, `usr12345`, nanoids),
 * while product-ish words with a number stay (`windows11`, `iphone-15-pro`, `covid19vaccine`).
 */
function isIdLikeToken(segment: string): boolean {
  if (segment.length < 8 || !TOKEN.test(segment) || !DIGIT.test(segment) || !LETTER.test(segment)) return false;
  return segment.split(/[-_.~=]/).some(isIdLikePart);
}

function isIdLikePart(part: string): boolean {
  if (part.length < 8) return false;
  let digits = 0;
  let letters = 0;
  let runs = 0;
  let previousIsDigit: boolean | undefined;
  for (let i = 0; i < part.length; i++) {
    const code = part.charCodeAt(i);
    const isDigit = code >= 48 && code <= 57;
    if (isDigit) digits++;
    else letters++;
    if (isDigit !== previousIsDigit) runs++;
    previousIsDigit = isDigit;
  }
  if (digits === 0 || letters === 0) return false;
  return part.length >= 16 || digits >= 3 || runs >= 4;
}

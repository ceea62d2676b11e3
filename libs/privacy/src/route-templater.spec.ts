import { describe, expect, it } from 'vitest';
import { InvalidRouteRuleError, MAX_ROUTE_LENGTH, RouteTemplater, templateSegment, validateRouteRules } from './route-templater';

describe('RouteTemplater automatic collapsing', () => {
  const templater = new RouteTemplater();

  it.each([
    ['/', '/'],
    ['', '/'],
    ['//', '/'],
    ['/about', '/about'],
    ['/about/', '/about'],
    ['/About/Team', '/About/Team'], // case is kept
    ['//docs///intro/', '/docs/intro'],
    ['/product/123', '/product/:id'],
    ['/product/123/', '/product/:id'],
    ['/users/42/orders/1007', '/users/:id/orders/:id'],
    ['/order/550e8400-e29b-41d4-a716-446655440000', '/order/:uuid'],
    ['/order/550E8400-E29B-41D4-A716-446655440000/items', '/order/:uuid/items'],
    ['/commit/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b', '/commit/:hash'],
    ['/asset/deadbeef00c0ffee', '/asset/:hash'],
    ['/share/x7k2m9q4', '/share/:hash'],
    ['/u/usr12345', '/u/:hash'],
    ['/s/V1StGXR8_Z5jdHi6B-myT', '/s/:hash'],
    ['/profile/jane.doe@example.com', '/profile/:email'],
    ['/profile/jane.doe%40example.com/settings', '/profile/:email/settings'],
    ['/archive/2024-01-31', '/archive/:date'],
    ['/archive/2024-01-31T10:15:00Z', '/archive/:date'],
    ['/archive/31.01.2024', '/archive/:date'],
    ['/archive/2024_01_31/summary', '/archive/:date/summary'],
    ['/blog/2024/01/hello-world', '/blog/:id/:id/hello-world'],
  ])('%s -> %s', (pathname, route) => {
    expect(templater.toRoute(pathname)).toBe(route);
  });

  it.each([
    'windows11',
    'iphone-15-pro-max',
    'covid19vaccine',
    'iPhone15Pro',
    'mp3player',
    'page2',
    'checkout',
    'ab12cd3', // 7 characters: too short to be an id
    'deadbeefcafebabe', // hex letters only, no digit: a word, not a hash
  ])('keeps the word-like segment %s', (segment) => {
    expect(templateSegment(segment)).toBe(segment);
  });

  it('drops a stray query or fragment', () => {
    expect(templater.toRoute('/search/?q=secret#top')).toBe('/search');
    expect(templater.toRoute('/a/123#frag')).toBe('/a/:id');
  });

  it('keeps at most 20 segments, marking the cut with *', () => {
    const path = '/' + Array.from({ length: 30 }, (_, i) => `s${i}`).join('/');
    const route = templater.toRoute(path);
    const segments = route.split('/').slice(1);
    expect(segments).toHaveLength(20);
    expect(segments[18]).toBe('s18');
    expect(segments[19]).toBe('*');
  });

  it('keeps a 20-segment path whole', () => {
    const path = '/' + Array.from({ length: 20 }, (_, i) => `s${i}`).join('/');
    expect(templater.toRoute(path)).toBe(path);
  });

  it('caps the route at 256 characters at a segment boundary', () => {
    const segment = 'abcdefghij'.repeat(4); // 40 letters, no digits: kept as is
    const path = '/' + Array.from({ length: 10 }, () => segment).join('/');
    const route = templater.toRoute(path);
    expect(route.length).toBeLessThanOrEqual(MAX_ROUTE_LENGTH);
    expect(route).toBe('/' + Array.from({ length: 6 }, () => segment).join('/') + '/*');
  });

  it('turns one overlong segment into /*', () => {
    expect(templater.toRoute('/' + 'x'.repeat(400))).toBe('/*');
  });

  it('returns the cached route for a repeated pathname', () => {
    const t = new RouteTemplater([], { maxEntries: 2 });
    expect(t.toRoute('/p/1')).toBe('/p/:id');
    expect(t.toRoute('/p/1')).toBe('/p/:id');
    t.toRoute('/p/2');
    t.toRoute('/p/3');
    expect(t.toRoute('/p/1')).toBe('/p/:id');
  });
});

describe('RouteTemplater site rules', () => {
  const templater = new RouteTemplater([
    { pattern: '/product/:slug', template: '/product/:slug' },
    { pattern: '/docs/*', template: '/docs/*' },
    { pattern: '/:lang/help/*/contact', template: '/:lang/help/:topic/contact' },
    { pattern: '/legacy/', template: '/legacy-home/' },
    { pattern: '/', template: '/home' },
  ]);

  it('wins over automatic collapsing', () => {
    expect(templater.toRoute('/product/red-shoes')).toBe('/product/:slug');
    expect(templater.toRoute('/product/123')).toBe('/product/:slug');
  });

  it('matches a trailing * against one or more segments', () => {
    expect(templater.toRoute('/docs/intro')).toBe('/docs/*');
    expect(templater.toRoute('/docs/api/v2/errors/')).toBe('/docs/*');
    expect(templater.toRoute('/docs')).toBe('/docs');
  });

  it('matches a * in the middle against exactly one segment', () => {
    expect(templater.toRoute('/de/help/billing/contact')).toBe('/:lang/help/:topic/contact');
    expect(templater.toRoute('/de/help/billing/x/contact')).toBe('/de/help/billing/x/contact');
  });

  it('normalises trailing slashes on paths and templates', () => {
    expect(templater.toRoute('/legacy')).toBe('/legacy-home');
    expect(templater.toRoute('/')).toBe('/home');
  });

  it('falls back to automatic collapsing when no rule matches', () => {
    expect(templater.toRoute('/product/123/reviews')).toBe('/product/:id/reviews');
  });

  it('is case-sensitive', () => {
    expect(templater.toRoute('/Docs/intro')).toBe('/Docs/intro');
  });

  it('applies the first matching rule', () => {
    const t = new RouteTemplater([
      { pattern: '/a/special', template: '/a/special' },
      { pattern: '/a/:x', template: '/a/:x' },
    ]);
    expect(t.toRoute('/a/special')).toBe('/a/special');
    expect(t.toRoute('/a/other')).toBe('/a/:x');
  });
});

describe('validateRouteRules', () => {
  it.each([
    [{ pattern: 'product/:id', template: '/product/:id' }, 'pattern must start with /'],
    [{ pattern: '/product/:id', template: 'product' }, 'template must start with /'],
    [{ pattern: '/p?x=1', template: '/p' }, 'must not contain'],
    [{ pattern: '/p/a*', template: '/p' }, '* must be a whole segment'],
    [{ pattern: '/p', template: '/' + 'x'.repeat(300) }, 'template longer'],
  ])('rejects %j', (rule, message) => {
    expect(() => validateRouteRules([rule])).toThrow(InvalidRouteRuleError);
    expect(() => validateRouteRules([rule])).toThrow(message);
  });

  it('names the bad rule in the error field', () => {
    try {
      new RouteTemplater([{ pattern: '/ok', template: '/ok' }, { pattern: 'bad', template: '/x' }]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidRouteRuleError);
      expect((error as InvalidRouteRuleError).field).toBe('routeRules.1');
      expect((error as InvalidRouteRuleError).code).toBe('validation_failed');
    }
  });

  it('rejects more than 200 rules', () => {
    const rules = Array.from({ length: 201 }, (_, i) => ({ pattern: `/r${i}`, template: `/r${i}` }));
    expect(() => validateRouteRules(rules)).toThrow('at most 200');
  });
});

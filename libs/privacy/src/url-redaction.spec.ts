import { describe, expect, it } from 'vitest';
import { InvalidUrlError, redactUrl } from './url-redaction';

describe('redactUrl', () => {
  it('drops every query parameter and the fragment when nothing is allow-listed', () => {
    expect(redactUrl('https://shop.example/product/123?email=a%40b.c&token=xyz#reviews', [])).toEqual({
      origin: 'https://shop.example',
      path: '/product/123',
      query: '',
    });
  });

  it('keeps only allow-listed parameters, sorted by name', () => {
    const result = redactUrl('https://shop.example/search?utm_source=news&q=shoes&session=abc&page=2', ['q', 'page', 'utm_source']);
    expect(result.query).toBe('page=2&q=shoes&utm_source=news');
  });

  it('keeps repeated allow-listed parameters in their original order', () => {
    expect(redactUrl('https://a.example/?tag=b&x=1&tag=a', ['tag']).query).toBe('tag=b&tag=a');
  });

  it('matches parameter names exactly (case-sensitive)', () => {
    expect(redactUrl('https://a.example/?Q=1&q=2', ['q']).query).toBe('q=2');
  });

  it('re-encodes kept values', () => {
    expect(redactUrl('https://a.example/s?q=red%20shoes%26socks', ['q']).query).toBe('q=red+shoes%26socks');
  });

  it('drops a fragment that looks like a query', () => {
    expect(redactUrl('https://a.example/app#/route?token=secret', ['token'])).toEqual({
      origin: 'https://a.example',
      path: '/app',
      query: '',
    });
  });

  it('strips userinfo', () => {
    const result = redactUrl('https://alice:s3cret@shop.example:8443/account', []);
    expect(result).toEqual({ origin: 'https://shop.example:8443', path: '/account', query: '' });
    expect(JSON.stringify(result)).not.toContain('alice');
    expect(JSON.stringify(result)).not.toContain('s3cret');
  });

  it('normalises host case, default ports and dot segments', () => {
    expect(redactUrl('HTTPS://Shop.Example:443/a/./b/../c', [])).toEqual({ origin: 'https://shop.example', path: '/a/c', query: '' });
    expect(redactUrl('http://shop.example', []).path).toBe('/');
  });

  it('keeps the path case', () => {
    expect(redactUrl('https://a.example/Docs/Intro', []).path).toBe('/Docs/Intro');
  });

  it('removes session ids carried as path parameters', () => {
    expect(redactUrl('https://a.example/cart;jsessionid=0123ABCD/checkout', []).path).toBe('/cart/checkout');
    expect(redactUrl('https://a.example/cart;JSESSIONID=0123ABCD', []).path).toBe('/cart');
    expect(redactUrl('https://a.example/matrix;color=red', []).path).toBe('/matrix;color=red');
  });

  it('accepts an allow-list given as the same array many times (cached set)', () => {
    const allowed = ['q'];
    for (let i = 0; i < 3; i++) expect(redactUrl(`https://a.example/?q=${i}&z=1`, allowed).query).toBe(`q=${i}`);
  });

  it.each(['not a url', '/relative/path', '', 'https://', 'http://exa mple.com/'])('throws InvalidUrlError for %j', (url) => {
    expect(() => redactUrl(url, [])).toThrow(InvalidUrlError);
  });

  it.each(['javascript:alert(1)', 'file:///etc/passwd', 'chrome-extension://abc/page.html', 'about:blank'])(
    'rejects the non-http scheme of %s',
    (url) => {
      expect(() => redactUrl(url, [])).toThrow(/unsupported scheme/);
    },
  );

  it('carries a code and field the collector maps to a 400', () => {
    try {
      redactUrl('nope', []);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidUrlError);
      expect((error as InvalidUrlError).code).toBe('validation_failed');
      expect((error as InvalidUrlError).field).toBe('url');
    }
  });

  it('replaces email addresses in the path as the route templater names them, plain or percent-encoded', () => {
    expect(redactUrl('https://shop.example/users/jane.doe@example.com/orders?email=jane%40example.com', []).path).toBe('/users/:email/orders');
    expect(redactUrl('https://shop.example/u/jane%40example.co.uk', []).path).toBe('/u/:email');
    expect(redactUrl('https://shop.example/@handle/posts', []).path).toBe('/@handle/posts');
  });
});

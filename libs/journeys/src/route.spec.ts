import { describe, expect, it } from 'vitest';
import { deviceProfile, networkProfile } from './profiles';
import { deriveRoute, routeOfUrl } from './route';

describe('deriveRoute', () => {
  it('collapses numeric, UUID and long hex segments to :id', () => {
    expect(deriveRoute('/product/42')).toBe('/product/:id');
    expect(deriveRoute('/users/7/orders/1001')).toBe('/users/:id/orders/:id');
    expect(deriveRoute('/o/3f2b8c1e-9a4d-4c2e-8f7a-1b2c3d4e5f60')).toBe('/o/:id');
    expect(deriveRoute('/blob/0123456789abcdef0123')).toBe('/blob/:id');
  });

  it('keeps words, the root, and drops a trailing slash', () => {
    expect(deriveRoute('/')).toBe('/');
    expect(deriveRoute('/cart/')).toBe('/cart');
    expect(deriveRoute('/v2/checkout')).toBe('/v2/checkout');
    expect(deriveRoute('/product/42abc')).toBe('/product/42abc');
  });

  it('derives from a full URL, ignoring query and fragment, and not for about:blank', () => {
    expect(routeOfUrl('https://shop.example/product/42?ref=x#top')).toBe('/product/:id');
    expect(routeOfUrl('about:blank')).toBeUndefined();
    expect(routeOfUrl('not a url')).toBeUndefined();
  });
});

describe('device and network profiles', () => {
  it('resolves presets and custom devices', () => {
    expect(deviceProfile('desktop')).toMatchObject({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, mobile: false, hasTouch: false });
    expect(deviceProfile('iphone-13').deviceScaleFactor).toBe(3);
  });

  it('maps network presets, with none meaning no throttling', () => {
    expect(networkProfile('none')).toBeUndefined();
    expect(networkProfile('3g')).toEqual({ latencyMs: 300, downloadKbps: 1600, uploadKbps: 768 });
    expect(networkProfile({ latencyMs: 50, downloadKbps: 100, uploadKbps: 10 })).toEqual({ latencyMs: 50, downloadKbps: 100, uploadKbps: 10 });
  });
});

import { describe, expect, it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { applyThrottling, contextOptionsFor, deviceProfile, networkProfile } from './profiles';
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
  it('turns presets and custom devices into context options', () => {
    expect(contextOptionsFor({ device: 'desktop' })).toEqual({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false });
    expect(contextOptionsFor({ device: 'pixel-7' })).toMatchObject({ viewport: { width: 412, height: 839 }, isMobile: true, hasTouch: true, userAgent: expect.stringContaining('Pixel 7') });
    expect(contextOptionsFor({ device: { viewport: { width: 500, height: 900 }, mobile: true, userAgent: 'UA/1' } })).toEqual({
      viewport: { width: 500, height: 900 },
      deviceScaleFactor: 1,
      isMobile: true,
      hasTouch: true,
      userAgent: 'UA/1',
    });
    expect(deviceProfile('iphone-13').deviceScaleFactor).toBe(3);
  });

  it('maps network presets, with none meaning no throttling', () => {
    expect(networkProfile('none')).toBeUndefined();
    expect(networkProfile('3g')).toEqual({ latencyMs: 300, downloadKbps: 1600, uploadKbps: 768 });
    expect(networkProfile({ latencyMs: 50, downloadKbps: 100, uploadKbps: 10 })).toEqual({ latencyMs: 50, downloadKbps: 100, uploadKbps: 10 });
  });
});

describe('applyThrottling', () => {
  function fakePage() {
    const sent: [string, unknown][] = [];
    const session = { send: async (method: string, params?: unknown) => void sent.push([method, params]) } as unknown as CDPSession;
    let created = 0;
    const page = { context: () => ({ newCDPSession: async () => (created++, session) }) } as unknown as Page;
    return { page, sent, created: () => created };
  }

  it('sends the network profile in bytes per second and the CPU rate', async () => {
    const fake = fakePage();
    await applyThrottling(fake.page, { network: '3g', cpuSlowdown: 4 });
    expect(fake.sent).toEqual([
      ['Network.enable', undefined],
      ['Network.emulateNetworkConditions', { offline: false, latency: 300, downloadThroughput: 204_800, uploadThroughput: 98_304 }],
      ['Emulation.setCPUThrottlingRate', { rate: 4 }],
    ]);
    expect(fake.created()).toBe(1);
  });

  it('opens no session when nothing is throttled', async () => {
    const fake = fakePage();
    expect(await applyThrottling(fake.page, { network: 'none', cpuSlowdown: 1 })).toBeUndefined();
    expect(fake.created()).toBe(0);
  });
});

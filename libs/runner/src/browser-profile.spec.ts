import { describe, expect, it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { applyThrottling, contextOptionsFor } from './browser-profile';

describe('contextOptionsFor', () => {
  it('turns presets and custom devices into context options', () => {
    expect(contextOptionsFor({ device: 'desktop' })).toEqual({
      viewport: { width: 1366, height: 768 },
      deviceScaleFactor: 1,
      isMobile: false,
      hasTouch: false,
    });
    expect(contextOptionsFor({ device: 'pixel-7' })).toMatchObject({
      viewport: { width: 412, height: 839 },
      isMobile: true,
      hasTouch: true,
      userAgent: expect.stringContaining('Pixel 7'),
    });
    expect(contextOptionsFor({ device: { viewport: { width: 500, height: 900 }, mobile: true, userAgent: 'UA/1' } })).toEqual({
      viewport: { width: 500, height: 900 },
      deviceScaleFactor: 1,
      isMobile: true,
      hasTouch: true,
      userAgent: 'UA/1',
    });
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

import { deviceProfile, networkProfile, type Journey } from '@parallax/journeys';
import type { BrowserContextOptions, CDPSession, Page } from 'playwright-core';

/** Options for `browser.newContext()` that emulate the journey's device. */
export function contextOptionsFor(journey: Pick<Journey, 'device'>): BrowserContextOptions {
  const d = deviceProfile(journey.device);
  return {
    viewport: d.viewport,
    deviceScaleFactor: d.deviceScaleFactor,
    isMobile: d.mobile,
    hasTouch: d.hasTouch,
    ...(d.userAgent ? { userAgent: d.userAgent } : {}),
  };
}

/**
 * Applies the journey's network profile and CPU slow-down to one page over the DevTools protocol.
 * Returns the CDP session used (the given one, or a new one the page owns), or undefined when nothing was needed.
 */
export async function applyThrottling(page: Page, journey: Pick<Journey, 'network' | 'cpuSlowdown'>, cdp?: CDPSession): Promise<CDPSession | undefined> {
  const net = networkProfile(journey.network);
  const cpuRate = journey.cpuSlowdown ?? 1;
  if (!net && cpuRate <= 1) return cdp;
  const session = cdp ?? (await page.context().newCDPSession(page));
  if (net) {
    // Network.enable first: Chromium ignores emulated conditions on a disabled Network domain
    await session.send('Network.enable');
    await session.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: net.latencyMs,
      // DevTools convention: kbps of 1024 bits, throughput in bytes per second
      downloadThroughput: (net.downloadKbps * 1024) / 8,
      uploadThroughput: (net.uploadKbps * 1024) / 8,
    });
  }
  if (cpuRate > 1) await session.send('Emulation.setCPUThrottlingRate', { rate: cpuRate });
  return session;
}

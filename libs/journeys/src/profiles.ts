import type { BrowserContextOptions, CDPSession, Page } from 'playwright-core';
import type { DeviceSpec, Journey, NetworkSpec } from './schema';

export const DEVICE_PRESET_NAMES = ['desktop', 'iphone-13', 'pixel-7'] as const;
export type DevicePresetName = (typeof DEVICE_PRESET_NAMES)[number];

export const NETWORK_PRESET_NAMES = ['none', 'cable', '4g', '3g', 'slow-3g'] as const;
export type NetworkPresetName = (typeof NETWORK_PRESET_NAMES)[number];

export interface DeviceProfile {
  viewport: { width: number; height: number };
  /** Undefined keeps Chromium's own user agent. */
  userAgent?: string;
  deviceScaleFactor: number;
  mobile: boolean;
  hasTouch: boolean;
}

/** Device presets, copied from Playwright's descriptors ('iPhone 13', 'Pixel 7') so parsing never loads playwright. */
export const DEVICE_PRESETS: Record<DevicePresetName, DeviceProfile> = {
  desktop: { viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1, mobile: false, hasTouch: false },
  'iphone-13': {
    viewport: { width: 390, height: 664 },
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 15_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.0 Mobile/15E148 Safari/604.1',
    deviceScaleFactor: 3,
    mobile: true,
    hasTouch: true,
  },
  'pixel-7': {
    viewport: { width: 412, height: 839 },
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
    deviceScaleFactor: 2.625,
    mobile: true,
    hasTouch: true,
  },
};

export interface NetworkProfile {
  /** Added round-trip latency per request. */
  latencyMs: number;
  downloadKbps: number;
  uploadKbps: number;
}

/** Network presets after WebPageTest's connectivity profiles ('none' = no throttling). */
export const NETWORK_PRESETS: Record<Exclude<NetworkPresetName, 'none'>, NetworkProfile> = {
  cable: { latencyMs: 28, downloadKbps: 5000, uploadKbps: 1000 },
  '4g': { latencyMs: 170, downloadKbps: 9000, uploadKbps: 9000 },
  '3g': { latencyMs: 300, downloadKbps: 1600, uploadKbps: 768 },
  'slow-3g': { latencyMs: 400, downloadKbps: 400, uploadKbps: 400 },
};

/** The concrete device a journey's `device` field stands for. */
export function deviceProfile(device: DeviceSpec): DeviceProfile {
  if (typeof device === 'string') return DEVICE_PRESETS[device];
  return {
    viewport: device.viewport,
    userAgent: device.userAgent,
    deviceScaleFactor: device.deviceScaleFactor ?? 1,
    mobile: device.mobile ?? false,
    hasTouch: device.hasTouch ?? device.mobile ?? false,
  };
}

/** The concrete throttling a journey's `network` field stands for; undefined means none. */
export function networkProfile(network: NetworkSpec): NetworkProfile | undefined {
  if (network === 'none') return undefined;
  return typeof network === 'string' ? NETWORK_PRESETS[network] : network;
}

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
export async function applyThrottling(
  page: Page,
  journey: Pick<Journey, 'network' | 'cpuSlowdown'>,
  cdp?: CDPSession,
): Promise<CDPSession | undefined> {
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

import { DEVICE_PRESET_NAMES, NETWORK_PRESET_NAMES, type DevicePresetName, type NetworkPresetName } from './preset-names';
import type { DeviceSpec, NetworkSpec } from './schema';

export { DEVICE_PRESET_NAMES, NETWORK_PRESET_NAMES, type DevicePresetName, type NetworkPresetName };

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

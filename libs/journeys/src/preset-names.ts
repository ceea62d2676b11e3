/** Names of the device and network presets a journey may use (the profiles they stand for are in profiles.ts). */
export const DEVICE_PRESET_NAMES = ['desktop', 'iphone-13', 'pixel-7'] as const;
export type DevicePresetName = (typeof DEVICE_PRESET_NAMES)[number];

export const NETWORK_PRESET_NAMES = ['none', 'cable', '4g', '3g', 'slow-3g'] as const;
export type NetworkPresetName = (typeof NETWORK_PRESET_NAMES)[number];

import { resolveConfig, type DetectConfig, type DetectConfigInput } from './config';

/** Fastest per-site detector tick. */
export const MIN_TICK_SECONDS = 1;
export const DEFAULT_TICK_SECONDS = 60;

/** A site's detection settings: libs/detect config over the defaults, and how often it is judged. */
export interface SiteDetectSettings {
  tickSeconds: number;
  config: DetectConfig;
}

const SECTIONS = ['rum', 'synthetic', 'correlation'] as const;

/** Why a stored/posted detectConfig is unusable (`path: message`), or undefined when it is fine. */
export function detectConfigProblem(input: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(input)) {
    if (key !== 'tickSeconds' && !(SECTIONS as readonly string[]).includes(key)) return `${key}: unknown setting (use tickSeconds, rum, synthetic, correlation)`;
  }
  const tick = input.tickSeconds;
  if (tick !== undefined && (typeof tick !== 'number' || !Number.isFinite(tick) || tick < MIN_TICK_SECONDS || tick > 3600)) {
    return `tickSeconds: must be a number from ${MIN_TICK_SECONDS} to 3600`;
  }
  const defaults = resolveConfig() as unknown as Record<string, Record<string, unknown>>;
  for (const section of SECTIONS) {
    const value = input[section];
    if (value === undefined) continue;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${section}: must be an object`;
    for (const [key, v] of Object.entries(value)) {
      const expected = defaults[section][key];
      if (expected === undefined) return `${section}.${key}: unknown setting`;
      const kind = Array.isArray(expected) ? 'array' : typeof expected;
      const actual = Array.isArray(v) ? 'array' : typeof v;
      if (kind !== actual) return `${section}.${key}: must be ${kind === 'object' ? 'an object' : `a ${kind}`}`;
      if (kind === 'number' && (!Number.isFinite(v as number) || (v as number) < 0)) return `${section}.${key}: must be a non-negative number`;
      if (kind === 'array' && !(v as unknown[]).every((x) => typeof x === 'number' && x > 0)) return `${section}.${key}: must be positive numbers`;
    }
  }
  return undefined;
}

/** The settings a site runs with (an unusable stored value falls back to the defaults). */
export function siteDetectSettings(input: Record<string, unknown> | undefined): SiteDetectSettings {
  const ok = input && !detectConfigProblem(input);
  const tick = ok && typeof input.tickSeconds === 'number' ? input.tickSeconds : DEFAULT_TICK_SECONDS;
  return { tickSeconds: tick, config: resolveConfig(ok ? (input as DetectConfigInput) : {}) };
}

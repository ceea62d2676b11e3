import { createHash } from 'node:crypto';
import { Cron } from 'croner';
import type { DeviceSpec, Journey, NetworkSpec } from '@parallax/journeys';

/** When a journey runs: a fixed interval or a cron pattern (UTC). */
export interface JourneySchedule {
  intervalMs?: number | null;
  cron?: string | null;
  /** IANA time zone of the cron pattern; UTC when absent. */
  timezone?: string | null;
}

/** Longest spread of cron slots (and at most a quarter of the cron period); interval slots spread over the whole interval. */
const CRON_SPREAD_MS = 30_000;

/** A stable offset in [0, rangeMs) from a key, so slots of different journeys and locations do not all start at :00. */
export function spreadOffsetMs(key: string, rangeMs: number): number {
  if (rangeMs <= 1) return 0;
  const n = createHash('sha256').update(key).digest().readUInt32BE(0);
  return n % Math.floor(rangeMs);
}

/** Start times of `schedule` in [fromMs, toMs), spread by `spreadKey` (journey id and location). */
export function slotsBetween(schedule: JourneySchedule, spreadKey: string, fromMs: number, toMs: number, maxSlots = 1000): number[] {
  const slots: number[] = [];
  if (schedule.intervalMs) {
    const interval = schedule.intervalMs;
    const offset = spreadOffsetMs(spreadKey, interval);
    let t = Math.ceil((fromMs - offset) / interval) * interval + offset;
    for (; t < toMs && slots.length < maxSlots; t += interval) slots.push(t);
    return slots;
  }
  if (schedule.cron) {
    const cron = new Cron(schedule.cron, { timezone: schedule.timezone ?? 'UTC', paused: true });
    const [first, second] = cron.nextRuns(2, new Date(fromMs));
    const periodMs = first && second ? second.getTime() - first.getTime() : CRON_SPREAD_MS * 4;
    const offset = spreadOffsetMs(spreadKey, Math.min(CRON_SPREAD_MS, periodMs / 4));
    // A cron time c runs at c + offset; look back by the offset so none in range is missed.
    let cursor = new Date(fromMs - offset - 1);
    while (slots.length < maxSlots) {
      const next = cron.nextRun(cursor);
      if (!next) break;
      const slot = next.getTime() + offset;
      if (slot >= toMs) break;
      if (slot >= fromMs) slots.push(slot);
      cursor = next;
    }
    cron.stop();
  }
  return slots;
}

/**
 * A run is "degraded" when it passed but took clearly longer than its own recent history at that location:
 * above the median of the baseline by more than 50% and by at least `minExtraMs`, with at least 5 baseline runs.
 */
export function isDegraded(durationMs: number, baselineDurationsMs: number[], minExtraMs = 500): boolean {
  if (baselineDurationsMs.length < 5) return false;
  const sorted = [...baselineDurationsMs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return durationMs > median * 1.5 && durationMs - median >= minExtraMs;
}

/** A location's default profiles (null: none set). */
export interface LocationDefaults {
  device: DeviceSpec | null;
  network: NetworkSpec | null;
}

/** A journey that does not set its own device or network profile runs with its location's defaults. */
export function withLocationDefaults(journey: Journey, defaults: LocationDefaults | undefined): Journey {
  if (!defaults) return journey;
  const out = { ...journey };
  if (defaults.device != null && !journey.setByFile.device) out.device = defaults.device;
  if (defaults.network != null && !journey.setByFile.network) out.network = defaults.network;
  return out;
}

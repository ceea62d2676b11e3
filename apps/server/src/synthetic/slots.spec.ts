import { describe, expect, it } from 'vitest';
import { parseJourney } from '@parallax/journeys';
import { isDegraded, slotsBetween, spreadOffsetMs, withLocationDefaults } from './slots';

const MIN = 60_000;

describe('slotsBetween', () => {
  it('gives interval slots at a stable offset inside the interval', () => {
    const slots = slotsBetween({ intervalMs: 5 * MIN }, 'journey-a|local', 0, 30 * MIN);
    expect(slots).toHaveLength(6);
    const offset = spreadOffsetMs('journey-a|local', 5 * MIN);
    expect(slots[0]).toBe(offset);
    expect(slots.every((s, i) => i === 0 || s - slots[i - 1] === 5 * MIN)).toBe(true);
  });
  it('spreads different keys over the interval', () => {
    const firsts = new Set(Array.from({ length: 50 }, (_, i) => slotsBetween({ intervalMs: 5 * MIN }, `j${i}|local`, 0, 5 * MIN)[0]));
    expect(firsts.size).toBeGreaterThan(40);
  });
  it('never repeats or skips a slot across consecutive windows', () => {
    const a = slotsBetween({ intervalMs: MIN }, 'k', 0, 10 * MIN);
    const b = [...slotsBetween({ intervalMs: MIN }, 'k', 0, 4 * MIN), ...slotsBetween({ intervalMs: MIN }, 'k', 4 * MIN, 10 * MIN)];
    expect(b).toEqual(a);
  });
  it('follows cron patterns, spread by up to 30 s', () => {
    const from = Date.UTC(2026, 0, 1, 0, 0);
    const slots = slotsBetween({ cron: '*/15 * * * *' }, 'k', from, from + 60 * MIN);
    expect(slots).toHaveLength(4);
    const offset = spreadOffsetMs('k', 30_000);
    expect(slots).toEqual([0, 15, 30, 45].map((m) => from + m * MIN + offset));
  });
  it('honours the cron time zone and keeps spreads below a quarter of the period', () => {
    const from = Date.UTC(2026, 0, 1, 0, 0);
    const daily = slotsBetween({ cron: '0 9 * * *', timezone: 'America/Sao_Paulo' }, 'k', from, from + 24 * 60 * MIN);
    expect(daily).toHaveLength(1);
    expect(new Date(daily[0]).getUTCHours()).toBe(12);
    const everySecond = slotsBetween({ cron: '* * * * * *' }, 'k', from, from + 10_000);
    expect(everySecond).toHaveLength(10);
    expect(everySecond[0] - from).toBeLessThan(250);
  });
  it('keeps cron windows contiguous too', () => {
    const from = Date.UTC(2026, 0, 1, 0, 0);
    const whole = slotsBetween({ cron: '* * * * *' }, 'x', from, from + 10 * MIN);
    const parts = [...slotsBetween({ cron: '* * * * *' }, 'x', from, from + 3 * MIN + 1234), ...slotsBetween({ cron: '* * * * *' }, 'x', from + 3 * MIN + 1234, from + 10 * MIN)];
    expect(parts).toEqual(whole);
    expect(whole).toHaveLength(10);
  });
});

describe('isDegraded', () => {
  it('needs a baseline, a 50% and an absolute excess', () => {
    expect(isDegraded(5000, [1000, 1000])).toBe(false);
    expect(isDegraded(1400, [900, 1000, 1000, 1000, 1100])).toBe(false);
    expect(isDegraded(1600, [900, 1000, 1000, 1000, 1100])).toBe(true);
    expect(isDegraded(150, [90, 100, 100, 100, 110])).toBe(false);
  });
});

describe('withLocationDefaults', () => {
  const journey = (head: string) => {
    const r = parseJourney(`name: j\nschedule: { every: 5m }\n${head}steps:\n  - goto: https://shop.example/\n`, 'j.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.journey;
  };
  it('applies the location profiles a journey leaves unset', () => {
    expect(withLocationDefaults(journey(''), { device: 'pixel-7', network: '3g' })).toMatchObject({ device: 'pixel-7', network: '3g' });
  });
  it('keeps what the journey sets itself, even when it names the default', () => {
    expect(withLocationDefaults(journey('device: desktop\nnetwork: none\n'), { device: 'pixel-7', network: '3g' })).toMatchObject({ device: 'desktop', network: 'none' });
  });
  it('reads the flags from the parsed model, not from the text (a nested "device:" is not the journey\'s)', () => {
    const j = journey('description: "device: set elsewhere"\n');
    expect(j.setByFile).toEqual({ device: false, network: false });
    expect(withLocationDefaults(j, { device: 'pixel-7', network: null })).toMatchObject({ device: 'pixel-7', network: 'none' });
  });
  it('changes nothing without location defaults', () => {
    const j = journey('');
    expect(withLocationDefaults(j, { device: null, network: null })).toEqual(j);
  });
});

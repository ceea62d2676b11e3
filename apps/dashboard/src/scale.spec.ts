import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS, linearScale, nearestIndex, niceTicks, timeTickLabel, timeTicks } from './scale';

describe('linearScale', () => {
  it('maps and inverts, including reversed pixel ranges', () => {
    const y = linearScale([0, 200], [300, 100]);
    expect(y(0)).toBe(300);
    expect(y(100)).toBe(200);
    expect(y.invert(100)).toBe(200);
  });

  it('puts a zero-width domain in the middle', () => {
    expect(linearScale([5, 5], [0, 100])(5)).toBe(50);
  });
});

describe('niceTicks', () => {
  it('covers the data on 1-2-5 steps', () => {
    expect(niceTicks(0, 2890, 5)).toEqual({ min: 0, max: 3000, step: 500, ticks: [0, 500, 1000, 1500, 2000, 2500, 3000] });
    expect(niceTicks(0, 0.27, 4).ticks).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]);
    expect(niceTicks(0, 0.27, 2).ticks).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it('opens a flat or empty domain', () => {
    expect(niceTicks(0, 0).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(400, 400, 4).min).toBe(0);
    expect(niceTicks(NaN, 3).max).toBe(1);
  });
});

describe('timeTicks', () => {
  const from = Date.parse('2025-11-24T13:07:00Z');

  it('picks round clock steps that fit the count', () => {
    const { stepMs, ticks } = timeTicks(from, from + HOUR_MS, 4);
    expect(stepMs).toBe(15 * MINUTE_MS);
    expect(ticks.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(['13:15', '13:30', '13:45', '14:00']);
  });

  it('aligns to the viewer clock', () => {
    // UTC+5:30: local 18:37 to 00:37; 2-hour ticks fall on even local hours.
    const { stepMs, ticks } = timeTicks(from, from + 6 * HOUR_MS, 4, 330);
    expect(stepMs).toBe(2 * HOUR_MS);
    expect(ticks.map((t) => timeTickLabel(t, stepMs, 330))).toEqual(['20:00', '22:00', 'Tue 25']);
  });

  it('uses days for a week', () => {
    const { stepMs, ticks } = timeTicks(from, from + 7 * DAY_MS, 8);
    expect(stepMs).toBe(DAY_MS);
    expect(ticks).toHaveLength(7);
    expect(timeTickLabel(ticks[0], stepMs)).toBe('Tue 25');
  });
});

describe('nearestIndex', () => {
  it('finds the closest value, preferring the earlier on a tie', () => {
    expect(nearestIndex([10, 20, 30], 24)).toBe(1);
    expect(nearestIndex([10, 20, 30], 25)).toBe(1);
    expect(nearestIndex([10, 20, 30], 99)).toBe(2);
    expect(nearestIndex([10, 20, 30], -5)).toBe(0);
    expect(nearestIndex([], 1)).toBe(-1);
  });
});

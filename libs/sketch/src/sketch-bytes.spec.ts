import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QuantileSketch } from './index';
import { CHECKED_QUANTILES, logNormal, sketchOf } from './spec-helpers';

const DENSE_FLAG = 4;

function expectSameSketch(back: QuantileSketch, sketch: QuantileSketch): void {
  expect(back.toBytes()).toEqual(sketch.toBytes());
  expect([back.count, back.sum, back.min, back.max, back.relativeAccuracy]).toEqual([
    sketch.count,
    sketch.sum,
    sketch.min,
    sketch.max,
    sketch.relativeAccuracy,
  ]);
  expect(back.quantiles(CHECKED_QUANTILES)).toEqual(sketch.quantiles(CHECKED_QUANTILES));
}

/** A decoded sketch re-encodes to a fixed point and answers ordered quantiles inside [min, max]. */
function expectConsistent(sketch: QuantileSketch): void {
  const again = QuantileSketch.fromBytes(sketch.toBytes());
  expect(again.toBytes()).toEqual(sketch.toBytes());
  if (sketch.isEmpty()) return;
  const qs = sketch.quantiles(CHECKED_QUANTILES);
  expect(qs[0]).toBe(sketch.min);
  expect(qs[qs.length - 1]).toBe(sketch.max);
  for (let i = 1; i < qs.length; i++) expect(qs[i]).toBeGreaterThanOrEqual(qs[i - 1]);
}

/** Hand-built version 1 bytes: header with sum/min/max, then the given tail. */
function craft(sum: number, min: number, max: number, tail: number[], flags = 2): Uint8Array {
  const head = new Uint8Array(26);
  head[0] = 1;
  head[1] = flags;
  const view = new DataView(head.buffer);
  view.setFloat64(2, sum, true);
  view.setFloat64(10, min, true);
  view.setFloat64(18, max, true);
  return Uint8Array.from([...head, ...tail]);
}

describe('QuantileSketch bytes form', () => {
  const cases: Record<string, () => QuantileSketch> = {
    'log-normal LCP': () => sketchOf(logNormal(1000, 2500, 0.5, 11)),
    'CLS with zeros': () => sketchOf([0, 0, 0, 0.0004, 0.01, 0.1, 0.25, 4.9]),
    'only zeros': () => sketchOf([0, 0, 0]),
    'one value': () => sketchOf([1234.5]),
    'custom accuracy': () => sketchOf(logNormal(300, 200, 1, 12), 0.025),
    'extreme range': () => sketchOf([Number.MIN_VALUE, 1e-300, 1, 1e300, Number.MAX_VALUE]),
    'large counts': () => {
      const sketch = new QuantileSketch();
      sketch.add(100, 2 ** 40);
      sketch.add(0, 2 ** 35 + 3);
      return sketch;
    },
  };

  for (const [name, make] of Object.entries(cases)) {
    it(`round-trips exactly: ${name}`, () => {
      const sketch = make();
      expectSameSketch(QuantileSketch.fromBytes(sketch.toBytes()), sketch);
    });
  }

  it('accepts a Buffer that is a slice of a larger allocation', () => {
    const sketch = sketchOf(logNormal(500, 2500, 0.5, 13));
    const pooled = Buffer.concat([Buffer.from([9, 9, 9]), Buffer.from(sketch.toBytes())]).subarray(3);
    expect(pooled.byteOffset).toBeGreaterThan(0);
    expectSameSketch(QuantileSketch.fromBytes(pooled), sketch);
  });

  it('keeps working after decoding: adds and merges extend the decoded buckets', () => {
    const values = logNormal(400, 2500, 0.5, 14);
    const back = QuantileSketch.fromBytes(sketchOf(values.slice(0, 200)).toBytes());
    for (const value of values.slice(200)) back.add(value);
    back.merge(sketchOf([0.5, 9e5]));
    expect(back.quantiles(CHECKED_QUANTILES)).toEqual(sketchOf([...values, 0.5, 9e5]).quantiles(CHECKED_QUANTILES));
  });

  it('is compact: 1,000 LCP values take about 200 bytes, 2 for an empty sketch', () => {
    const bytes = sketchOf(logNormal(1000, 2500, 0.5, 15).map(Math.round)).toBytes();
    expect(bytes.length).toBeLessThan(240);
    expect(bytes[1] & DENSE_FLAG).toBe(DENSE_FLAG); // contiguous run: one byte per bucket
    expect(new QuantileSketch().toBytes()).toEqual(Uint8Array.from([1, 0]));
    // A few scattered values: the sparse pairs layout is smaller.
    const sparse = sketchOf([1, 1000, 1e6]).toBytes();
    expect(sparse[1] & DENSE_FLAG).toBe(0);
    expect(sparse.length).toBeLessThan(40);
  });

  it('rejects non-bytes, empty input, unknown versions and flags with a clear error', () => {
    expect(() => QuantileSketch.fromBytes('abc' as unknown as Uint8Array)).toThrow(/expected a Uint8Array/);
    expect(() => QuantileSketch.fromBytes(new Uint8Array(0))).toThrow(/corrupt sketch bytes \(truncated at version\)/);
    expect(() => QuantileSketch.fromBytes(Uint8Array.from([2, 0]))).toThrow(/unsupported version 2/);
    expect(() => QuantileSketch.fromBytes(Uint8Array.from([1, 8]))).toThrow(/unknown flags/);
    expect(() => QuantileSketch.fromBytes(Uint8Array.from([1, 4]))).toThrow(/dense flag on an empty sketch/);
    expect(() => QuantileSketch.fromBytes(Uint8Array.from([1, 0, 0]))).toThrow(/1 trailing bytes/);
  });

  it('rejects every truncation of valid bytes', () => {
    for (const sketch of [sketchOf(logNormal(300, 2500, 0.5, 16)), sketchOf([0, 1, 1e6], 0.05)]) {
      const bytes = sketch.toBytes();
      for (let length = 0; length < bytes.length; length++) {
        expect(() => QuantileSketch.fromBytes(bytes.subarray(0, length))).toThrow(/corrupt sketch bytes/);
      }
    }
  });

  it('rejects bad accuracy, malformed varints and inconsistent buckets', () => {
    const accuracy = new Uint8Array(10);
    accuracy.set([1, 1]);
    new DataView(accuracy.buffer).setFloat64(2, 2, true);
    expect(() => QuantileSketch.fromBytes(accuracy)).toThrow(/accuracy 2 out of range/);
    // value 10 sits in bucket 116 (zigzag 232 = 0xe8 0x01) at accuracy 0.01
    expect(() => QuantileSketch.fromBytes(craft(10, 10, 10, [0, 1, 0xe8, 0x01, 1]))).not.toThrow();
    expect(() => QuantileSketch.fromBytes(craft(10, 10, 10, [0, 1, 0xe8, 0x81, 0x00, 1]))).toThrow(/overlong varint/);
    expect(() => QuantileSketch.fromBytes(craft(10, 10, 10, [0, 1, 0xe8, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 1]))).toThrow(/varint too long/);
    expect(() => QuantileSketch.fromBytes(craft(10, 10, 10, [0, 1, 0xe8, 0x01, 0]))).toThrow(/empty bucket/);
    expect(() => QuantileSketch.fromBytes(craft(10, 10, 10, [0, 2, 0xe8, 0x01, 1, 0, 1]))).toThrow(/not increasing/);
    expect(() => QuantileSketch.fromBytes(craft(10, 10, 10, [0, 1, 0xfe, 0xff, 0x7f, 1]))).toThrow(/bucket index .* out of range/);
    expect(() => QuantileSketch.fromBytes(craft(10, 10, 10, [0, 100, 0xe8, 0x01, 1]))).toThrow(/pair count 100 exceeds input/);
    expect(() => QuantileSketch.fromBytes(craft(10, 10, 10, [0, 0xe8, 0x01, 50, 1], 6))).toThrow(/bucket run length 50/);
    expect(() => QuantileSketch.fromBytes(craft(10, 10, 10, [0, 0xe8, 0x01, 2, 1, 0], 6))).toThrow(/not trimmed/);
    expect(() => QuantileSketch.fromBytes(craft(10, 11, 10, [0, 1, 0xe8, 0x01, 1]))).toThrow(/min 11 \/ max 10/);
    expect(() => QuantileSketch.fromBytes(craft(10, 20, 20, [0, 1, 0xe8, 0x01, 1]))).toThrow(/min 20 does not match/);
    expect(() => QuantileSketch.fromBytes(craft(10, 10, NaN, [0, 1, 0xe8, 0x01, 1]))).toThrow(/max NaN/);
    expect(() => QuantileSketch.fromBytes(craft(-1, 10, 10, [0, 1, 0xe8, 0x01, 1]))).toThrow(/sum -1/);
    expect(() => QuantileSketch.fromBytes(craft(0, 0, 0, [0, 0]))).toThrow(/no counts/);
  });

  it('random garbage either throws a clear Error or decodes to a self-consistent sketch', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (garbage) => {
        let sketch: QuantileSketch;
        try {
          sketch = QuantileSketch.fromBytes(garbage);
        } catch (error) {
          return error instanceof Error && /QuantileSketch\.fromBytes/.test(error.message);
        }
        expectConsistent(sketch);
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  it('corrupted real sketches (one byte changed) either throw or stay self-consistent', () => {
    const bytes = sketchOf(logNormal(200, 2500, 0.5, 17)).toBytes();
    let rejected = 0;
    for (let pos = 0; pos < bytes.length; pos++) {
      const damaged = bytes.slice();
      damaged[pos] ^= 0x5a;
      try {
        expectConsistent(QuantileSketch.fromBytes(damaged));
      } catch (error) {
        expect((error as Error).message).toMatch(/corrupt sketch bytes/);
        rejected++;
      }
    }
    // Bucket counts carry no checksum, so only header damage is caught: version, flags, min, max.
    expect(rejected).toBeGreaterThanOrEqual(4);
  });
});

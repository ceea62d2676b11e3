/** Default relative accuracy of a QuantileSketch (1 %). */
export const DEFAULT_RELATIVE_ACCURACY = 0.01;

/**
 * Smallest accepted relative accuracy. Below it the dense bucket array could need tens of
 * millions of slots for a sketch that spans the whole double range, so we refuse early.
 */
export const MIN_RELATIVE_ACCURACY = 1e-4;

/**
 * Logarithmic value <-> bucket index mapping of DDSketch: bucket i holds (gamma^(i-1), gamma^i],
 * gamma = (1 + a) / (1 - a), and its representative value 2 gamma^i / (1 + gamma) is within a
 * relative error a of every value in the bucket.
 */
export class LogMapping {
  /** 1 / ln(gamma): multiplying by it is cheaper than dividing on every add. */
  readonly multiplier: number;
  /** 2 / (1 + gamma): turns a bucket's upper bound into its representative value. */
  readonly estimateFactor: number;
  /** Index of the bucket holding Number.MIN_VALUE: no positive double maps lower. */
  readonly minIndex: number;
  /** Index of the bucket holding Number.MAX_VALUE: no finite double maps higher. */
  readonly maxIndex: number;

  constructor(readonly relativeAccuracy: number) {
    // log1p keeps ln(gamma) precise when the accuracy is small.
    const lnGamma = Math.log1p((2 * relativeAccuracy) / (1 - relativeAccuracy));
    this.multiplier = 1 / lnGamma;
    this.estimateFactor = 2 / (1 + Math.exp(lnGamma));
    this.minIndex = this.index(Number.MIN_VALUE);
    this.maxIndex = this.index(Number.MAX_VALUE);
  }

  /** Bucket index of a positive finite value. */
  index(value: number): number {
    return Math.ceil(Math.log(value) * this.multiplier);
  }

  /** Representative value of a bucket (may overflow to Infinity at the very top; callers clamp). */
  value(index: number): number {
    return Math.exp(index / this.multiplier) * this.estimateFactor;
  }
}

const DEFAULT_MAPPING = new LogMapping(DEFAULT_RELATIVE_ACCURACY);

/** Throws a RangeError unless the accuracy is a number in [MIN_RELATIVE_ACCURACY, 1). */
export function assertRelativeAccuracy(relativeAccuracy: number): void {
  if (!(relativeAccuracy >= MIN_RELATIVE_ACCURACY && relativeAccuracy < 1)) {
    throw new RangeError(
      `relativeAccuracy must be in [${MIN_RELATIVE_ACCURACY}, 1), got ${String(relativeAccuracy)}`,
    );
  }
}

/** Mapping for an accuracy; the default one is shared so the common path allocates nothing. */
export function mappingFor(relativeAccuracy: number): LogMapping {
  if (relativeAccuracy === DEFAULT_RELATIVE_ACCURACY) return DEFAULT_MAPPING;
  assertRelativeAccuracy(relativeAccuracy);
  return new LogMapping(relativeAccuracy);
}

import { DenseStore } from './dense-store';
import { DEFAULT_RELATIVE_ACCURACY, LogMapping, mappingFor } from './log-mapping';
import { decodeSketch, encodeSketch, SketchState } from './sketch-bytes';

/**
 * Nearest-rank rule used by quantile(): the 1-based rank is ceil(q * n), at least 1, so q = 0 is
 * the minimum, q = 1 the maximum and q = 0.5 of 4 values the 2nd. q * n is nudged down by a relative
 * 1e-12 first, so float noise such as 0.07 * 100 = 7.000000000000001 still gives rank 7.
 */
function nearestRank(q: number, count: number): number {
  const exact = q * count;
  return Math.min(count, Math.max(1, Math.ceil(exact - exact * 1e-12)));
}

function assertQuantile(q: number): void {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${String(q)}`);
}

/**
 * Mergeable quantile sketch with relative-error guarantees (DDSketch: logarithmic buckets).
 * Any quantile it returns is within relativeAccuracy of the true value at that rank, for values
 * from 0 (kept in their own bucket) up to Number.MAX_VALUE; subnormal values below 2.2e-308 are
 * accepted but limited by float precision.
 */
export class QuantileSketch {
  private readonly mapping: LogMapping;
  // Copied from the mapping: add() is the hot path and this saves a load per call.
  private readonly multiplier: number;
  private store: DenseStore;
  private zeroCount = 0;
  private total = 0;
  private sumValue = 0;
  private minValue = Infinity;
  private maxValue = -Infinity;

  /** Creates an empty sketch; relativeAccuracy must be in [0.0001, 1) (RangeError otherwise). */
  constructor(relativeAccuracy: number = DEFAULT_RELATIVE_ACCURACY) {
    this.mapping = mappingFor(relativeAccuracy);
    this.multiplier = this.mapping.multiplier;
    this.store = new DenseStore(this.mapping.minIndex, this.mapping.maxIndex);
  }

  /** Relative accuracy this sketch was built with; only sketches with equal accuracy merge. */
  get relativeAccuracy(): number {
    return this.mapping.relativeAccuracy;
  }

  /** Records a value (>= 0, finite) count times; count must be a positive integer. */
  add(value: number, count = 1): void {
    if (!(value >= 0 && value < Infinity)) throw new RangeError(`value must be finite and >= 0, got ${String(value)}`);
    if (count !== 1 && !(Number.isSafeInteger(count) && count > 0)) {
      throw new RangeError(`count must be a positive integer, got ${String(count)}`);
    }
    if (value === 0) {
      value = 0; // drops the sign of -0 so min/max and the bytes stay canonical
      this.zeroCount += count;
    } else {
      this.store.add(Math.ceil(Math.log(value) * this.multiplier), count);
    }
    this.total += count;
    this.sumValue += count === 1 ? value : value * count;
    if (value < this.minValue) this.minValue = value;
    if (value > this.maxValue) this.maxValue = value;
  }

  /**
   * Records one value in several sketches of this sketch's accuracy (a beacon's value goes to its route's sketch
   * and to one sketch per segment): the bucket index, a logarithm, is computed once instead of once per sketch.
   */
  addToEach(value: number, others: QuantileSketch[]): void {
    this.add(value);
    if (value === 0 || !(value > 0 && value < Infinity)) {
      for (const o of others) o.add(value);
      return;
    }
    const index = Math.ceil(Math.log(value) * this.multiplier);
    for (const o of others) {
      if (o.multiplier !== this.multiplier) {
        o.add(value);
        continue;
      }
      o.store.add(index, 1);
      o.total += 1;
      o.sumValue += value;
      if (value < o.minValue) o.minValue = value;
      if (value > o.maxValue) o.maxValue = value;
    }
  }

  /** Adds all of another sketch's values into this one; throws if the accuracies differ. */
  merge(other: QuantileSketch): void {
    if (other.mapping.relativeAccuracy !== this.mapping.relativeAccuracy) {
      throw new Error(
        `cannot merge sketches with different relative accuracy (${this.mapping.relativeAccuracy} vs ${other.mapping.relativeAccuracy})`,
      );
    }
    if (other.total === 0) return;
    this.store.merge(other.store);
    this.zeroCount += other.zeroCount;
    this.total += other.total;
    this.sumValue += other.sumValue;
    if (other.minValue < this.minValue) this.minValue = other.minValue;
    if (other.maxValue > this.maxValue) this.maxValue = other.maxValue;
  }

  /** Value at quantile q in [0, 1] by the nearest-rank rule (see nearestRank); NaN when empty. */
  quantile(q: number): number {
    return this.quantiles([q])[0];
  }

  /** Several quantiles in one pass over the buckets, in the order given. */
  quantiles(qs: number[]): number[] {
    for (const q of qs) assertQuantile(q);
    const result = new Array<number>(qs.length);
    const n = this.total;
    if (n === 0) return result.fill(NaN);

    const order = qs.map((_, i) => i);
    // Callers mostly pass ascending probabilities: skip the sort then.
    let ascending = true;
    for (let i = 1; i < qs.length && ascending; i++) ascending = qs[i - 1] <= qs[i];
    if (!ascending) order.sort((a, b) => qs[a] - qs[b]);
    const { counts, offset } = this.store;
    let index = this.store.lo; // next bucket to take
    let cumulative = this.zeroCount; // count of all values below bucket `index`
    for (const position of order) {
      const rank = nearestRank(qs[position], n);
      if (rank <= this.zeroCount) result[position] = 0;
      else if (rank === 1) result[position] = this.minValue;
      else if (rank === n) result[position] = this.maxValue;
      else {
        // Ranks arrive in ascending order, so the walk only ever moves up.
        while (cumulative < rank) cumulative += counts[index++ - offset];
        result[position] = this.clamp(this.mapping.value(index - 1));
      }
    }
    return result;
  }

  /**
   * How many values are at most `value` (a rank), to the sketch's relative accuracy: a value within
   * relativeAccuracy of `value` may land on either side. Used for the share of page views within a threshold.
   */
  countAtMost(value: number): number {
    if (this.total === 0 || !(value >= 0)) return 0;
    if (value >= this.maxValue) return this.total;
    if (value < this.minValue) return 0;
    let n = this.zeroCount;
    if (value === 0) return n;
    const last = Math.ceil(Math.log(value) * this.multiplier);
    const { counts, offset, lo, hi } = this.store;
    for (let index = lo, end = Math.min(hi, last); index <= end; index++) n += counts[index - offset];
    return n;
  }

  /** Number of values added. */
  get count(): number {
    return this.total;
  }

  /** Sum of values added (0 when empty). */
  get sum(): number {
    return this.sumValue;
  }

  /** Smallest value added, exact; NaN when empty. */
  get min(): number {
    return this.total === 0 ? NaN : this.minValue;
  }

  /** Largest value added, exact; NaN when empty. */
  get max(): number {
    return this.total === 0 ? NaN : this.maxValue;
  }

  /** True when nothing has been added. */
  isEmpty(): boolean {
    return this.total === 0;
  }

  /** Removes every value; the memory stays, so one sketch can be refilled (e.g. once per minute) without allocating. */
  clear(): void {
    this.store.clear();
    this.zeroCount = 0;
    this.total = 0;
    this.sumValue = 0;
    this.minValue = Infinity;
    this.maxValue = -Infinity;
  }

  /** Independent copy. */
  clone(): QuantileSketch {
    const copy = new QuantileSketch(this.mapping.relativeAccuracy);
    copy.store = this.store.clone();
    copy.zeroCount = this.zeroCount;
    copy.total = this.total;
    copy.sumValue = this.sumValue;
    copy.minValue = this.minValue;
    copy.maxValue = this.maxValue;
    return copy;
  }

  /** Compact bytes form for storage (e.g. PostgreSQL bytea); layout documented in sketch-bytes.ts. */
  toBytes(): Uint8Array {
    return encodeSketch({
      mapping: this.mapping,
      store: this.store,
      zeroCount: this.zeroCount,
      count: this.total,
      sum: this.sumValue,
      min: this.minValue,
      max: this.maxValue,
    });
  }

  /** Rebuilds a sketch from toBytes() output; throws an Error naming the problem on corrupt input. */
  static fromBytes(bytes: Uint8Array | Buffer): QuantileSketch {
    return QuantileSketch.fromState(decodeSketch(bytes));
  }

  /** Merges any number of sketches into a new one (empty, default accuracy, when there are none). */
  static mergeAll(sketches: Iterable<QuantileSketch>): QuantileSketch {
    const list = Array.isArray(sketches) ? (sketches as QuantileSketch[]) : [...sketches];
    if (list.length === 0) return new QuantileSketch();
    const merged = new QuantileSketch(list[0].relativeAccuracy);
    // One allocation for the union of bucket ranges instead of repeated doubling.
    let lo = Infinity;
    let hi = -Infinity;
    for (const sketch of list) {
      if (sketch.store.isEmpty()) continue;
      lo = Math.min(lo, sketch.store.lo);
      hi = Math.max(hi, sketch.store.hi);
    }
    if (lo <= hi) merged.store.reserve(lo, hi);
    for (const sketch of list) merged.merge(sketch);
    return merged;
  }

  private static fromState(state: SketchState): QuantileSketch {
    const sketch = new QuantileSketch(state.mapping.relativeAccuracy);
    sketch.store = state.store;
    sketch.zeroCount = state.zeroCount;
    sketch.total = state.count;
    sketch.sumValue = state.sum;
    if (state.count > 0) {
      sketch.minValue = state.min;
      sketch.maxValue = state.max;
    }
    return sketch;
  }

  private clamp(value: number): number {
    return value < this.minValue ? this.minValue : value > this.maxValue ? this.maxValue : value;
  }
}

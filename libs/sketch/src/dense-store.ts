const EMPTY_COUNTS = new Float64Array(0);
const INITIAL_SLOTS = 128;
// Sentinels inside V8's small-integer range so lo/hi stay unboxed; real indices are far smaller.
const EMPTY_LO = 0x3fffffff;
const EMPTY_HI = -0x40000000;

/**
 * Bucket counts in one Float64Array over a sliding window of indices. Web-vital values span a few
 * hundred buckets, so a dense array beats a Map on both adds and serialisation. Counts are stored as
 * doubles so they stay exact integers up to 2^53.
 */
export class DenseStore {
  /** counts[k] is the count of bucket (offset + k). */
  counts: Float64Array = EMPTY_COUNTS;
  offset = 0;
  /** Lowest and highest non-empty bucket index; hi < lo when the store is empty. */
  lo = EMPTY_LO;
  hi = EMPTY_HI;

  /** minIndex/maxIndex bound the window so it never grows past what the mapping can produce. */
  constructor(
    private readonly minIndex: number,
    private readonly maxIndex: number,
  ) {}

  /** True when no bucket holds a count. */
  isEmpty(): boolean {
    return this.hi < this.lo;
  }

  /** Adds count to one bucket. */
  add(index: number, count: number): void {
    let slot = index - this.offset;
    if (slot < 0 || slot >= this.counts.length) {
      this.reserve(index, index);
      slot = index - this.offset;
    }
    this.counts[slot] += count;
    if (index < this.lo) this.lo = index;
    if (index > this.hi) this.hi = index;
  }

  /** Adds every bucket of another store (which may be this one). */
  merge(other: DenseStore): void {
    if (other.isEmpty()) return;
    const { lo, hi, counts: src, offset: srcOffset } = other;
    this.reserve(lo, hi);
    const dst = this.counts;
    const shift = srcOffset - this.offset;
    // Branch-free: adding the empty buckets' zeros is cheaper than testing for them.
    for (let k = lo - srcOffset, end = hi - srcOffset; k <= end; k++) dst[k + shift] += src[k];
    if (lo < this.lo) this.lo = lo;
    if (hi > this.hi) this.hi = hi;
  }

  /** Empties the store but keeps its window, so a reused store does not allocate again. */
  clear(): void {
    if (!this.isEmpty()) this.counts.fill(0, this.lo - this.offset, this.hi - this.offset + 1);
    this.lo = EMPTY_LO;
    this.hi = EMPTY_HI;
  }

  /** Count of one bucket (0 outside the window). */
  countAt(index: number): number {
    const slot = index - this.offset;
    return slot >= 0 && slot < this.counts.length ? this.counts[slot] : 0;
  }

  /** Sum of all bucket counts. */
  total(): number {
    let sum = 0;
    for (let k = this.lo - this.offset, end = this.hi - this.offset; k <= end; k++) sum += this.counts[k];
    return sum;
  }

  /** Copy holding exactly the used range. */
  clone(): DenseStore {
    const copy = new DenseStore(this.minIndex, this.maxIndex);
    if (!this.isEmpty()) {
      copy.counts = this.counts.slice(this.lo - this.offset, this.hi - this.offset + 1);
      copy.offset = this.lo;
      copy.lo = this.lo;
      copy.hi = this.hi;
    }
    return copy;
  }

  /** Makes sure indices fromIndex..toIndex have slots, doubling the window to keep adds amortised O(1). */
  reserve(fromIndex: number, toIndex: number): void {
    const len = this.counts.length;
    if (len > 0 && fromIndex >= this.offset && toIndex < this.offset + len) return;
    const empty = this.isEmpty();
    const wantLo = empty ? fromIndex : Math.min(fromIndex, this.lo);
    const wantHi = empty ? toIndex : Math.max(toIndex, this.hi);
    const span = wantHi - wantLo + 1;
    const newLen = Math.min(this.maxIndex - this.minIndex + 1, Math.max(span, 2 * len, INITIAL_SLOTS));
    const slack = newLen - span;
    // Put the slack on the side we grew towards: values tend to keep drifting the same way.
    let newOffset: number;
    if (len === 0 || (wantLo < this.offset && wantHi >= this.offset + len)) newOffset = wantLo - (slack >> 1);
    else if (wantLo < this.offset) newOffset = wantLo - slack;
    else newOffset = wantLo;
    newOffset = Math.max(this.minIndex, Math.min(newOffset, this.maxIndex - newLen + 1));

    const next = new Float64Array(newLen);
    if (!empty) next.set(this.counts.subarray(this.lo - this.offset, this.hi - this.offset + 1), this.lo - newOffset);
    this.counts = next;
    this.offset = newOffset;
  }
}

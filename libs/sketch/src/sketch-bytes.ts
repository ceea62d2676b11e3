import { ByteReader, corrupt, unzigzag, uvarintLength, writeUvarint, zigzag } from './byte-io';
import { DenseStore } from './dense-store';
import { DEFAULT_RELATIVE_ACCURACY, LogMapping, MIN_RELATIVE_ACCURACY, mappingFor } from './log-mapping';

/*
 * Bytes form, version 1 (all varints unsigned LEB128; "zz" = zigzag-encoded signed):
 *
 *   u8       version = 1
 *   u8       flags: 1 = custom accuracy follows, 2 = non-empty, 4 = dense bucket layout
 *   f64 LE   relativeAccuracy                       only with flag 1 (0.01 is implied)
 *   --- only with flag 2 ---
 *   f64 LE   sum, min, max
 *   varint   zeroCount                              values equal to 0
 *   sparse:  varint pairCount, then pairCount x (zz varint index delta from the previous index
 *            (from 0 for the first), varint count >= 1); indices strictly increase
 *   dense:   zz varint firstIndex, varint length, then length x varint count (0 allowed; the
 *            first and last are >= 1)
 *
 * The count is not stored: it is zeroCount plus the bucket counts. The encoder writes whichever
 * layout is smaller: sparse wins for scattered buckets, dense for the contiguous run a minute of
 * web-vital values usually fills (1 byte per bucket instead of 2).
 */

const FORMAT_VERSION = 1;
const FLAG_CUSTOM_ACCURACY = 1;
const FLAG_NON_EMPTY = 2;
const FLAG_DENSE = 4;
const KNOWN_FLAGS = FLAG_CUSTOM_ACCURACY | FLAG_NON_EMPTY | FLAG_DENSE;

/** The parts of a sketch that go into its bytes. */
export interface SketchState {
  mapping: LogMapping;
  store: DenseStore;
  zeroCount: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** Serialises a sketch state into the version 1 bytes form. */
export function encodeSketch(state: SketchState): Uint8Array {
  const { mapping, store } = state;
  const customAccuracy = mapping.relativeAccuracy !== DEFAULT_RELATIVE_ACCURACY;
  let flags = customAccuracy ? FLAG_CUSTOM_ACCURACY : 0;
  let size = 2 + (customAccuracy ? 8 : 0);

  const { counts, offset, lo, hi } = store;
  const hasBuckets = !store.isEmpty();
  let pairCount = 0;
  let sparseSize = 0;
  let denseSize = 0;
  if (state.count > 0) {
    flags |= FLAG_NON_EMPTY;
    size += 24 + uvarintLength(state.zeroCount);
    if (hasBuckets) {
      let previous = 0;
      for (let k = lo - offset, end = hi - offset; k <= end; k++) {
        const c = counts[k];
        const cLength = uvarintLength(c);
        denseSize += cLength;
        if (c !== 0) {
          const index = k + offset;
          sparseSize += uvarintLength(zigzag(index - previous)) + cLength;
          previous = index;
          pairCount++;
        }
      }
      denseSize += uvarintLength(zigzag(lo)) + uvarintLength(hi - lo + 1);
    }
    sparseSize += uvarintLength(pairCount);
    if (hasBuckets && denseSize < sparseSize) flags |= FLAG_DENSE;
    size += flags & FLAG_DENSE ? denseSize : sparseSize;
  }

  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes[0] = FORMAT_VERSION;
  bytes[1] = flags;
  let pos = 2;
  if (customAccuracy) {
    view.setFloat64(pos, mapping.relativeAccuracy, true);
    pos += 8;
  }
  if (state.count === 0) return bytes;

  view.setFloat64(pos, state.sum, true);
  view.setFloat64(pos + 8, state.min, true);
  view.setFloat64(pos + 16, state.max, true);
  pos = writeUvarint(bytes, pos + 24, state.zeroCount);
  if (flags & FLAG_DENSE) {
    pos = writeUvarint(bytes, pos, zigzag(lo));
    pos = writeUvarint(bytes, pos, hi - lo + 1);
    for (let k = lo - offset, end = hi - offset; k <= end; k++) pos = writeUvarint(bytes, pos, counts[k]);
  } else {
    pos = writeUvarint(bytes, pos, pairCount);
    let previous = 0;
    for (let k = lo - offset, end = hi - offset; k <= end && hasBuckets; k++) {
      const c = counts[k];
      if (c === 0) continue;
      const index = k + offset;
      pos = writeUvarint(bytes, pos, zigzag(index - previous));
      pos = writeUvarint(bytes, pos, c);
      previous = index;
    }
  }
  return bytes;
}

/** Parses and validates the bytes form; throws a descriptive Error on anything malformed. */
export function decodeSketch(bytes: Uint8Array): SketchState {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('QuantileSketch.fromBytes: expected a Uint8Array or Buffer');
  const reader = new ByteReader(bytes);
  const version = reader.byte('version');
  if (version !== FORMAT_VERSION) throw corrupt(`unsupported version ${version}`);
  const flags = reader.byte('flags');
  if ((flags & ~KNOWN_FLAGS) !== 0) throw corrupt(`unknown flags 0x${flags.toString(16)}`);

  let accuracy = DEFAULT_RELATIVE_ACCURACY;
  if (flags & FLAG_CUSTOM_ACCURACY) {
    accuracy = reader.float64('accuracy');
    if (!(accuracy >= MIN_RELATIVE_ACCURACY && accuracy < 1)) throw corrupt(`accuracy ${accuracy} out of range`);
  }
  const mapping = mappingFor(accuracy);
  const store = new DenseStore(mapping.minIndex, mapping.maxIndex);
  const state: SketchState = { mapping, store, zeroCount: 0, count: 0, sum: 0, min: Infinity, max: -Infinity };

  if (flags & FLAG_NON_EMPTY) {
    state.sum = reader.float64('sum');
    state.min = reader.float64('min');
    state.max = reader.float64('max');
    state.zeroCount = reader.uvarint('zeroCount');
    if (flags & FLAG_DENSE) readDense(reader, store, mapping);
    else readSparse(reader, store, mapping);
    state.count = state.zeroCount + store.total();
    checkSummary(state);
  } else if (flags & FLAG_DENSE) {
    throw corrupt('dense flag on an empty sketch');
  }
  if (reader.remaining() !== 0) throw corrupt(`${reader.remaining()} trailing bytes`);
  return state;
}

function readIndex(reader: ByteReader, mapping: LogMapping, base: number, field: string): number {
  const index = base + unzigzag(reader.uvarint(field));
  if (index < mapping.minIndex || index > mapping.maxIndex) throw corrupt(`bucket index ${index} out of range`);
  return index;
}

function readDense(reader: ByteReader, store: DenseStore, mapping: LogMapping): void {
  const first = readIndex(reader, mapping, 0, 'firstIndex');
  const length = reader.uvarint('length');
  // Every count takes at least one byte, which also caps the allocation below.
  if (length === 0 || length > reader.remaining()) throw corrupt(`bucket run length ${length}`);
  const last = first + length - 1;
  if (last > mapping.maxIndex) throw corrupt(`bucket index ${last} out of range`);
  const counts = new Float64Array(length);
  for (let k = 0; k < length; k++) counts[k] = reader.uvarint('bucket count');
  if (counts[0] === 0 || counts[length - 1] === 0) throw corrupt('bucket run not trimmed');
  store.counts = counts;
  store.offset = first;
  store.lo = first;
  store.hi = last;
}

// Reused between calls so decoding a sparse sketch allocates only its final counts array.
let scratchIndices = new Float64Array(256);
let scratchCounts = new Float64Array(256);

function readSparse(reader: ByteReader, store: DenseStore, mapping: LogMapping): void {
  const pairCount = reader.uvarint('pairCount');
  if (pairCount === 0) return;
  if (pairCount * 2 > reader.remaining()) throw corrupt(`pair count ${pairCount} exceeds input`);
  if (pairCount > scratchIndices.length) {
    scratchIndices = new Float64Array(pairCount);
    scratchCounts = new Float64Array(pairCount);
  }
  let previous = 0;
  for (let p = 0; p < pairCount; p++) {
    const index = readIndex(reader, mapping, previous, 'bucket index');
    if (p > 0 && index <= previous) throw corrupt('bucket indices not increasing');
    const count = reader.uvarint('bucket count');
    if (count === 0) throw corrupt('empty bucket in sparse layout');
    scratchIndices[p] = index;
    scratchCounts[p] = count;
    previous = index;
  }
  const first = scratchIndices[0];
  const counts = new Float64Array(previous - first + 1);
  for (let p = 0; p < pairCount; p++) counts[scratchIndices[p] - first] = scratchCounts[p];
  store.counts = counts;
  store.offset = first;
  store.lo = first;
  store.hi = previous;
}

// Cross-checks that cost nothing to store: they catch most bit flips in the float header.
function checkSummary(state: SketchState): void {
  const { count, zeroCount, sum, min, max, store, mapping } = state;
  if (count === 0) throw corrupt('non-empty flag with no counts');
  if (count > Number.MAX_SAFE_INTEGER) throw corrupt('total count too large');
  if (!(sum >= 0)) throw corrupt(`sum ${sum}`);
  if (!(min >= 0 && min <= max && max < Infinity)) throw corrupt(`min ${min} / max ${max}`);
  if (zeroCount > 0 ? min !== 0 : min === 0 || mapping.index(min) !== store.lo) {
    throw corrupt(`min ${min} does not match the buckets`);
  }
  if (store.isEmpty() ? max !== 0 : max === 0 || mapping.index(max) !== store.hi) {
    throw corrupt(`max ${max} does not match the buckets`);
  }
}

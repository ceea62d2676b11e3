/** Thrown by fromBytes for anything that is not a well-formed sketch. */
export function corrupt(reason: string): Error {
  return new Error(`QuantileSketch.fromBytes: corrupt sketch bytes (${reason})`);
}

const TWO_POW_31 = 2 ** 31;
// 8 groups of 7 bits cover 2^56 > 2^53, so a ninth byte can only be garbage.
const MAX_VARINT_BYTES = 8;

/** Bytes an unsigned LEB128 varint of a non-negative safe integer takes. */
export function uvarintLength(value: number): number {
  let length = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    length++;
  }
  return length;
}

/** Writes an unsigned LEB128 varint at pos and returns the position after it. */
export function writeUvarint(bytes: Uint8Array, pos: number, value: number): number {
  // Bit operators only see 32 bits, so large counts take the arithmetic path first.
  while (value >= TWO_POW_31) {
    bytes[pos++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  while (value >= 0x80) {
    bytes[pos++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  bytes[pos++] = value;
  return pos;
}

/** Maps a signed integer to an unsigned one so small magnitudes of either sign stay short. */
export function zigzag(value: number): number {
  return value >= 0 ? 2 * value : -2 * value - 1;
}

/** Inverse of zigzag. */
export function unzigzag(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

/** Sequential reader that turns every malformed read into a clear decode error. */
export class ByteReader {
  pos = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes not read yet. */
  remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** One unsigned byte. */
  byte(field: string): number {
    if (this.pos >= this.bytes.length) throw corrupt(`truncated at ${field}`);
    return this.bytes[this.pos++];
  }

  /** Little-endian float64. */
  float64(field: string): number {
    if (this.remaining() < 8) throw corrupt(`truncated at ${field}`);
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** Canonical (shortest form) unsigned varint, at most 2^53 - 1. */
  uvarint(field: string): number {
    const bytes = this.bytes;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= bytes.length) throw corrupt(`truncated at ${field}`);
      const b = bytes[this.pos++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (b === 0 && i > 0) throw corrupt(`overlong varint at ${field}`);
        if (value > Number.MAX_SAFE_INTEGER) throw corrupt(`varint too large at ${field}`);
        return value;
      }
      scale *= 128;
    }
    throw corrupt(`varint too long at ${field}`);
  }
}

// Bit-level primitives of Redis's bitops.c over byte arrays: population count, first set/clear
// bit, bitfield integers of 1..64 bits at any bit offset, and the overflow rules of BITFIELD.
// Bit 0 is the most significant bit of byte 0 (SETBIT's numbering). 64-bit values are bigints,
// with the wrap-around of Redis's C arithmetic made explicit by BigInt.asIntN/asUintN.

/** Bits set in each byte value. */
const POPCOUNT8 = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT8[i] = (i & 1) + POPCOUNT8[i >> 1]!;

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Set bits in bytes[from, from + count). */
export function popcount(bytes: Uint8Array, from: number, count: number): number {
  let bits = 0;
  let i = from;
  const end = from + count;
  // Whole 32-bit words where the buffer is aligned to them (bit order within a word is irrelevant).
  while (i < end && (bytes.byteOffset + i) & 3) bits += POPCOUNT8[bytes[i++]!]!;
  const words = (end - i) >> 2;
  if (words > 0) {
    const w = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let k = 0; k < words; k++) bits += popcount32(w[k]!);
    i += words << 2;
  }
  while (i < end) bits += POPCOUNT8[bytes[i++]!]!;
  return bits;
}

/**
 * Redis `redisBitpos`: the first bit equal to `bit` in bytes[from, from + count), relative to
 * `from`. Looking for a 0 the bytes are taken as zero-padded on the right, so "none" is count*8;
 * looking for a 1, "none" is -1.
 */
export function bitpos(bytes: Uint8Array, from: number, count: number, bit: 0 | 1): number {
  const skip = bit ? 0 : 0xff;
  for (let i = 0; i < count; i++) {
    const b = bytes[from + i]!;
    if (b === skip) continue;
    for (let k = 0; k < 8; k++) {
      if (((b >> (7 - k)) & 1) === bit) return i * 8 + k;
    }
  }
  return bit ? -1 : count * 8;
}

/** Redis `getUnsignedBitfield`: `bits` bits at bit `offset`, bytes past `length` read as 0. */
export function getUnsignedBitfield(
  bytes: Uint8Array,
  length: number,
  offset: number,
  bits: number,
): bigint {
  let v = 0n;
  // Whole bytes when aligned, bit by bit otherwise; numbers up to 32 bits, then bigints.
  let small = 0;
  let smallBits = 0;
  for (let j = 0; j < bits; j++) {
    const pos = offset + j;
    const byte = pos >>> 3;
    const b = byte < length ? bytes[byte]! : 0;
    small = small * 2 + ((b >> (7 - (pos & 7))) & 1);
    if (++smallBits === 32) {
      v = (v << 32n) | BigInt(small);
      small = 0;
      smallBits = 0;
    }
  }
  return smallBits ? (v << BigInt(smallBits)) | BigInt(small) : v;
}

/** Redis `getSignedBitfield`: two's complement of `bits` bits. */
export function getSignedBitfield(
  bytes: Uint8Array,
  length: number,
  offset: number,
  bits: number,
): bigint {
  return BigInt.asIntN(bits, getUnsignedBitfield(bytes, length, offset, bits));
}

/**
 * Redis `setUnsignedBitfield`: writes the low `bits` bits of `value` at bit `offset` through
 * `put(byteIndex, byteValue)`, byte by byte (the caller has made the bytes exist).
 */
export function setBitfield(
  bytes: Uint8Array,
  offset: number,
  bits: number,
  value: bigint,
  put: (i: number, v: number) => void,
): void {
  const u = BigInt.asUintN(64, value);
  let j = 0;
  while (j < bits) {
    const pos = offset + j;
    const byte = pos >>> 3;
    let b = bytes[byte]!;
    // The bits of this field that fall in this byte.
    for (; j < bits && (offset + j) >>> 3 === byte; j++) {
      const bit = 7 - ((offset + j) & 7);
      const v = Number((u >> BigInt(bits - 1 - j)) & 1n);
      b = (b & ~(1 << bit)) | (v << bit);
    }
    put(byte, b & 0xff);
  }
}

/** BITFIELD OVERFLOW behaviours. */
export type Overflow = "wrap" | "sat" | "fail";

const I64_MAX = (1n << 63n) - 1n;
const i64 = (v: bigint) => BigInt.asIntN(64, v);

/**
 * Redis `checkUnsignedBitfieldOverflow`: 0, or ±1 with the value to store instead (wrapped or
 * saturated; unused for FAIL). `value` is the old value or SET's argument as a uint64.
 */
export function unsignedOverflow(
  value: bigint,
  incr: bigint,
  bits: number,
  ow: Overflow,
): { dir: number; limit: bigint } {
  const max = (1n << BigInt(bits)) - 1n;
  const maxincr = i64(max - value);
  const minincr = i64(-value);
  const wrap = () => BigInt.asUintN(bits, value + incr);
  if (value > max || (incr > 0n && incr > maxincr)) {
    return { dir: 1, limit: ow === "wrap" ? wrap() : max };
  }
  if (incr < 0n && incr < minincr) return { dir: -1, limit: ow === "wrap" ? wrap() : 0n };
  return { dir: 0, limit: 0n };
}

/** Redis `checkSignedBitfieldOverflow`, for `bits` from 1 to 64. */
export function signedOverflow(
  value: bigint,
  incr: bigint,
  bits: number,
  ow: Overflow,
): { dir: number; limit: bigint } {
  const max = bits === 64 ? I64_MAX : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxincr = i64(max - value);
  const minincr = i64(min - value);
  // The sum as uint64, then its sign bit propagated above `bits` (two's complement).
  const wrap = () => BigInt.asIntN(bits, value + incr);
  if (
    value > max ||
    (bits !== 64 && incr > maxincr) ||
    (value >= 0n && incr > 0n && incr > maxincr)
  ) {
    return { dir: 1, limit: ow === "wrap" ? wrap() : max };
  }
  if (
    value < min ||
    (bits !== 64 && incr < minincr) ||
    (value < 0n && incr < 0n && incr < minincr)
  ) {
    return { dir: -1, limit: ow === "wrap" ? wrap() : min };
  }
  return { dir: 0, limit: 0n };
}

/** BITOP operations (DIFF, DIFF1, ANDOR and ONE are Redis 8.2's). */
export type BitOp = "and" | "or" | "xor" | "not" | "diff" | "diff1" | "andor" | "one";

/** Operations of a first key X against the disjunction of the others, Y1 | Y2 | … */
const AGAINST_REST: Partial<Record<BitOp, (x: number, ys: number) => number>> = {
  diff: (x, ys) => x & ~ys,
  diff1: (x, ys) => ~x & ys,
  andor: (x, ys) => x & ys,
};

/** Redis `bitopCommand`'s result: sources shorter than the longest read as zero-padded. */
export function bitop(op: BitOp, sources: readonly Uint8Array[], maxlen: number): Uint8Array {
  const out = new Uint8Array(maxlen);
  const first = sources[0]!;
  out.set(first.subarray(0, Math.min(first.length, maxlen)));
  if (op === "not") {
    for (let i = 0; i < maxlen; i++) out[i] = ~out[i]! & 0xff;
    return out;
  }
  const against = AGAINST_REST[op];
  if (against) {
    const ys = new Uint8Array(maxlen);
    for (let s = 1; s < sources.length; s++) {
      const src = sources[s]!;
      for (let i = 0, n = Math.min(src.length, maxlen); i < n; i++) ys[i] = ys[i]! | src[i]!;
    }
    for (let i = 0; i < maxlen; i++) out[i] = against(out[i]!, ys[i]!) & 0xff;
    return out;
  }
  if (op === "one") {
    // Bits seen in two or more sources are cleared: XOR keeps what is set an odd number of times.
    const common = new Uint8Array(maxlen);
    for (let s = 1; s < sources.length; s++) {
      const src = sources[s]!;
      for (let i = 0, n = Math.min(src.length, maxlen); i < n; i++) {
        common[i] = common[i]! | (out[i]! & src[i]!);
        out[i] = out[i]! ^ src[i]!;
      }
    }
    for (let i = 0; i < maxlen; i++) out[i] = out[i]! & ~common[i]!;
    return out;
  }
  for (let s = 1; s < sources.length; s++) {
    const src = sources[s]!;
    const n = Math.min(src.length, maxlen);
    if (op === "and") {
      for (let i = 0; i < n; i++) out[i] = out[i]! & src[i]!;
      out.fill(0, n);
    } else if (op === "or") {
      for (let i = 0; i < n; i++) out[i] = out[i]! | src[i]!;
    } else {
      for (let i = 0; i < n; i++) out[i] = out[i]! ^ src[i]!;
    }
  }
  return out;
}

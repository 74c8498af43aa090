// The layout of Redis's HyperLogLog values (hyperloglog.c): a 16-byte header ("HYLL", encoding,
// 3 unused bytes, the cached cardinality little endian with bit 63 marking it stale), then 16384
// six-bit registers, dense (12288 bytes, LSB first) or sparse (ZERO / XZERO / VAL opcodes).
// Constants, opcode fields, the header and dense register access.

import type { ByteView } from "./byte-view.ts";

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
export const HLL_P_MASK = HLL_REGISTERS - 1;
export const HLL_BITS = 6;
export const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * HLL_BITS + 7) >> 3);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
export const HLL_MAX_ENCODING = 1;
/** Byte of the header holding the encoding, and the last byte of the cached cardinality. */
export const ENCODING_AT = 4;
export const CARD_AT = 8;
export const CARD_STALE_AT = 15;

export const SPARSE_VAL_MAX_VALUE = 32;
export const SPARSE_VAL_MAX_LEN = 4;
export const SPARSE_ZERO_MAX_LEN = 64;
export const SPARSE_XZERO_MAX_LEN = 16384;
export const ALPHA_INF = 0.72134752044448170368; // 0.5 / ln(2)

export const isZero = (op: number) => (op & 0xc0) === 0;
export const isXZero = (op: number) => (op & 0xc0) === 0x40;
export const zeroLen = (op: number) => (op & 0x3f) + 1;
export const xzeroLen = (op: number, next: number) => (((op & 0x3f) << 8) | next) + 1;
export const valValue = (op: number) => ((op >> 2) & 0x1f) + 1;
export const valLen = (op: number) => (op & 0x3) + 1;
export const valOp = (val: number, len: number) => (((val - 1) << 2) | (len - 1) | 0x80) & 0xff;

// ---- header -------------------------------------------------------------------------------

/** Redis `isHLLObjectOrReply`'s checks on a string's bytes. */
export function isHll(b: Uint8Array, len: number): boolean {
  if (len < HLL_HDR_SIZE) return false;
  if (b[0] !== 0x48 || b[1] !== 0x59 || b[2] !== 0x4c || b[3] !== 0x4c) return false; // HYLL
  const enc = b[ENCODING_AT]!;
  if (enc > HLL_MAX_ENCODING) return false;
  return enc !== HLL_DENSE || len === HLL_DENSE_SIZE;
}

/** The encoding byte (HLL_DENSE or HLL_SPARSE) of a valid HLL. */
export function encodingOf(b: Uint8Array): number {
  return b[ENCODING_AT]!;
}

/** Redis `createHLLObject`: an empty sparse HLL (one XZERO opcode covering every register). */
export function newHll(): Uint8Array {
  const n = Math.ceil(HLL_REGISTERS / SPARSE_XZERO_MAX_LEN);
  const b = new Uint8Array(HLL_HDR_SIZE + n * 2);
  b.set([0x48, 0x59, 0x4c, 0x4c, HLL_SPARSE]);
  let p = HLL_HDR_SIZE;
  for (let left = HLL_REGISTERS; left > 0; p += 2) {
    const x = Math.min(left, SPARSE_XZERO_MAX_LEN) - 1;
    b[p] = (x >> 8) | 0x40;
    b[p + 1] = x & 0xff;
    left -= x + 1;
  }
  return b;
}

/**
 * The cached cardinality, or undefined when marked stale. A value copied from elsewhere may cache
 * any 63-bit number, which Redis answers as it is: past 2^53 it is a bigint, exact.
 */
export function cachedCard(b: Uint8Array): number | bigint | undefined {
  if (b[CARD_STALE_AT]! & 0x80) return undefined;
  let v = 0;
  for (let i = 7; i >= 0; i--) v = v * 256 + b[CARD_AT + i]!;
  if (Number.isSafeInteger(v)) return v;
  let big = 0n;
  for (let i = 7; i >= 0; i--) big = (big << 8n) | BigInt(b[CARD_AT + i]!);
  return big;
}

/** Stores the cached cardinality (little endian). */
export function setCachedCard(v: ByteView, card: number): void {
  let c = card;
  for (let i = 0; i < 8; i++) {
    v.set(CARD_AT + i, c % 256);
    c = Math.floor(c / 256);
  }
}

/** Marks the cached cardinality stale (HLL_INVALIDATE_CACHE). */
export function invalidateCard(v: ByteView): void {
  v.set(CARD_STALE_AT, v.bytes[CARD_STALE_AT]! | 0x80);
}

// ---- dense ----------------------------------------------------------------------------------

/** HLL_DENSE_GET_REGISTER on the registers starting at byte `base`. */
export function denseGet(b: Uint8Array, base: number, reg: number): number {
  const bit = reg * HLL_BITS;
  const byte = base + (bit >> 3);
  const fb = bit & 7;
  // The byte after the last register is read as 0 (sds's terminator in C).
  const b1 = byte + 1 < b.length ? b[byte + 1]! : 0;
  return ((b[byte]! >> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX;
}

/** HLL_DENSE_SET_REGISTER through `put` (byte index, new byte). */
function denseSetWith(
  b: Uint8Array,
  base: number,
  reg: number,
  val: number,
  put: (i: number, v: number) => void,
): void {
  const bit = reg * HLL_BITS;
  const byte = base + (bit >> 3);
  const fb = bit & 7;
  const fb8 = 8 - fb;
  put(byte, ((b[byte]! & ~(HLL_REGISTER_MAX << fb)) | (val << fb)) & 0xff);
  // With fb <= 2 the register lies within one byte and the next byte is left as it is.
  if (fb > 2) put(byte + 1, ((b[byte + 1]! & ~(HLL_REGISTER_MAX >> fb8)) | (val >> fb8)) & 0xff);
}

/** Redis `hllDenseSet` on a view: raises register `reg` to `count`; 1 when it changed. */
export function denseSet(v: ByteView, reg: number, count: number): number {
  if (count <= denseGet(v.bytes, HLL_HDR_SIZE, reg)) return 0;
  denseSetWith(v.bytes, HLL_HDR_SIZE, reg, count, (i, x) => v.set(i, x));
  return 1;
}

export function rawDenseSet(b: Uint8Array, reg: number, val: number): void {
  denseSetWith(b, HLL_HDR_SIZE, reg, val, (i, x) => {
    b[i] = x;
  });
}

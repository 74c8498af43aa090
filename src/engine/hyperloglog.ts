// HyperLogLog exactly as Redis 7.0 hyperloglog.c lays it out, so a value made here reads the same
// in redis-server and back: a 16-byte header ("HYLL", encoding, 3 unused bytes, the cached
// cardinality little endian with bit 63 marking it stale), then 16384 six-bit registers either
// dense (12288 bytes, LSB first) or sparse (ZERO / XZERO / VAL run-length opcodes). Elements are
// hashed with MurmurHash64A (seed 0xadc83b19) and the count is Ertl's improved estimator, in the
// same double arithmetic as the C code, so cardinalities equal redis-server's to the unit.

import { ByteView } from "./byte-view.ts";

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
const HLL_BITS = 6;
const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * HLL_BITS + 7) >> 3);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const HLL_MAX_ENCODING = 1;
/** Byte of the header holding the encoding, and the last byte of the cached cardinality. */
const ENCODING_AT = 4;
const CARD_AT = 8;
const CARD_STALE_AT = 15;

const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
const ALPHA_INF = 0.72134752044448170368; // 0.5 / ln(2)

const isZero = (op: number) => (op & 0xc0) === 0;
const isXZero = (op: number) => (op & 0xc0) === 0x40;
const zeroLen = (op: number) => (op & 0x3f) + 1;
const xzeroLen = (op: number, next: number) => (((op & 0x3f) << 8) | next) + 1;
const valValue = (op: number) => ((op >> 2) & 0x1f) + 1;
const valLen = (op: number) => (op & 0x3) + 1;
const valOp = (val: number, len: number) => (((val - 1) << 2) | (len - 1) | 0x80) & 0xff;

// ---- MurmurHash64A on 32-bit halves -------------------------------------------------------

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
const SEED = 0xadc83b19;
/** Result of mul64 (kept in module state to avoid allocating per multiply). */
let rh = 0;
let rl = 0;

/** (ah:al) * (bh:bl) mod 2^64 into rh:rl. */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  rl = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const hi = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  rh = (hi + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** Redis `MurmurHash64A(key, len, 0xadc83b19)`, as [high 32 bits, low 32 bits]. */
export function murmurHash64A(d: Uint8Array, len: number): [number, number] {
  hash(d, len);
  return [hh, hl];
}

let hh = 0;
let hl = 0;

function hash(d: Uint8Array, len: number): void {
  mul64(0, len, M_HI, M_LO);
  let h1 = rh;
  let h0 = (rl ^ SEED) >>> 0;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    const k0 = (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24)) >>> 0;
    const k1 = (d[i + 4]! | (d[i + 5]! << 8) | (d[i + 6]! << 16) | (d[i + 7]! << 24)) >>> 0;
    mul64(k1, k0, M_HI, M_LO);
    const t1 = rh;
    const t0 = (rl ^ (rh >>> 15)) >>> 0; // k ^= k >> 47
    mul64(t1, t0, M_HI, M_LO);
    mul64((h1 ^ rh) >>> 0, (h0 ^ rl) >>> 0, M_HI, M_LO);
    h1 = rh;
    h0 = rl;
  }
  const rem = len & 7;
  if (rem) {
    const b = blocks;
    // The C switch falls through from case `rem` down to case 1.
    if (rem >= 7) h1 ^= d[b + 6]! << 16;
    if (rem >= 6) h1 ^= d[b + 5]! << 8;
    if (rem >= 5) h1 ^= d[b + 4]!;
    if (rem >= 4) h0 ^= d[b + 3]! << 24;
    if (rem >= 3) h0 ^= d[b + 2]! << 16;
    if (rem >= 2) h0 ^= d[b + 1]! << 8;
    h0 ^= d[b]!;
    mul64(h1 >>> 0, h0 >>> 0, M_HI, M_LO);
    h1 = rh;
    h0 = rl;
  }
  h0 = (h0 ^ (h1 >>> 15)) >>> 0;
  mul64(h1, h0, M_HI, M_LO);
  hh = rh;
  hl = (rl ^ (rh >>> 15)) >>> 0;
}

/** Register of the last patLen call. */
let patIndex = 0;

/** Redis `hllPatLen`: the run length of "0..01" in the hash (1..51); sets patIndex. */
function patLen(ele: Uint8Array, len: number): number {
  hash(ele, len);
  patIndex = hl & HLL_P_MASK;
  const low = hl >>> HLL_P; // hash bits 14..31
  if (low !== 0) return ctz(low) + 1;
  if (hh !== 0) return 32 - HLL_P + ctz(hh) + 1;
  return HLL_Q + 1;
}

function ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}

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

/** The cached cardinality, or undefined when marked stale. */
export function cachedCard(b: Uint8Array): number | undefined {
  if (b[CARD_STALE_AT]! & 0x80) return undefined;
  let v = 0;
  for (let i = 7; i >= 0; i--) v = v * 256 + b[CARD_AT + i]!;
  return v;
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

function rawDenseSet(b: Uint8Array, reg: number, val: number): void {
  denseSetWith(b, HLL_HDR_SIZE, reg, val, (i, x) => {
    b[i] = x;
  });
}

// ---- sparse ---------------------------------------------------------------------------------

/** Redis `hllSparseToDense` on a view; false (and no change) when the sparse form is corrupt. */
export function sparseToDense(v: ByteView): boolean {
  const b = v.bytes;
  if (b[ENCODING_AT] === HLL_DENSE) return true;
  const dense = new Uint8Array(HLL_DENSE_SIZE + 1); // + the terminator byte the C code relies on
  dense.set(b.subarray(0, HLL_HDR_SIZE));
  dense[ENCODING_AT] = HLL_DENSE;
  let idx = 0;
  for (let p = HLL_HDR_SIZE; p < v.length;) {
    const op = b[p]!;
    if (isZero(op)) {
      idx += zeroLen(op);
      p++;
    } else if (isXZero(op)) {
      idx += xzeroLen(op, v.get(p + 1));
      p += 2;
    } else {
      let runlen = valLen(op);
      const val = valValue(op);
      if (runlen + idx > HLL_REGISTERS) break;
      while (runlen--) rawDenseSet(dense, idx++, val);
      p++;
    }
  }
  if (idx !== HLL_REGISTERS) return false;
  v.rewrote(dense, HLL_DENSE_SIZE);
  return true;
}

/** Opcodes between the checkpoints of a SparseIndex. */
const CHECK_EVERY = 16;

/**
 * Checkpoints into a sparse HLL that one command edits register by register (PFADD's elements,
 * PFMERGE's registers): the byte position of every 16th opcode, the first register it covers and
 * the position of the opcode before it. A lookup then scans a few opcodes from the nearest
 * checkpoint instead of every opcode from the start, as Redis does. Valid while only
 * `sparseSet` edits the bytes; it keeps the checkpoints in step with its own edits.
 */
export class SparseIndex {
  pos: number[] = [];
  first: number[] = [];
  prev: number[] = [];

  /** The last checkpoint covering registers up to `index`, or -1. */
  find(index: number): number {
    let lo = 0;
    let hi = this.first.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.first[mid]! <= index) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return at;
  }

  /**
   * After an edit: opcodes before byte `lo` are unchanged; from `hiNew` on (new positions) the
   * bytes are the old ones moved by `delta`; checkpoints in between are dropped.
   */
  edited(lo: number, hiNew: number, delta: number): void {
    const hiOld = hiNew - delta;
    let n = 0;
    for (let j = 0; j < this.pos.length; j++) {
      let pos = this.pos[j]!;
      let prev = this.prev[j]!;
      if (pos >= lo) {
        if (pos < hiOld || prev < hiOld) continue; // inside the edit, or its neighbour is
        pos += delta;
        prev += delta;
      }
      this.pos[n] = pos;
      this.first[n] = this.first[j]!;
      this.prev[n] = prev;
      n++;
    }
    this.pos.length = this.first.length = this.prev.length = n;
  }
}

/**
 * Redis `hllSparseSet`: raises register `index` to `count` in a sparse HLL, in place, promoting
 * it to dense when the value does not fit a VAL opcode or the result would pass `sparseMax`
 * bytes. 1 when changed, 0 when not, -1 when the representation is corrupt. `ix` speeds up
 * repeated calls within one command (see SparseIndex); the bytes come out the same.
 */
export function sparseSet(
  v: ByteView,
  index: number,
  count: number,
  sparseMax: number,
  ix?: SparseIndex,
): number {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(v, index, count);
  v.reserve(v.length + 3);
  const b = v.bytes;
  let end = v.length;
  b[end] = 0; // sds's terminator, which the C code reads past a final XZERO's first byte
  // Step 1: the opcode covering `index`, from the nearest checkpoint.
  let p = HLL_HDR_SIZE;
  let first = 0;
  let prev = -1;
  let span = 0;
  let ck = ix ? ix.find(index) : -1;
  if (ck >= 0) {
    p = ix!.pos[ck]!;
    first = ix!.first[ck]!;
    prev = ix!.prev[ck]!;
  }
  let since = 0;
  while (p < end) {
    const op = b[p]!;
    let oplen = 1;
    if (isZero(op)) span = zeroLen(op);
    else if (op & 0x80) span = valLen(op);
    else {
      span = xzeroLen(op, b[p + 1]!);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
    if (ix && ++since >= CHECK_EVERY && p < end) {
      ck++;
      ix.pos.splice(ck, 0, p);
      ix.first.splice(ck, 0, first);
      ix.prev.splice(ck, 0, prev);
      since = 0;
    }
  }
  if (span === 0 || p >= end) return -1;
  const target = p;
  let next = isXZero(b[p]!) ? p + 2 : p + 1;
  if (next >= end) next = -1;
  const op = b[p]!;
  const zero = isZero(op);
  const xzero = isXZero(op);
  const runlen = zero ? zeroLen(op) : xzero ? xzeroLen(op, b[p + 1]!) : valLen(op);
  const endBefore = end;
  /** End (exclusive, current positions) of the bytes this call rewrote. */
  let touched = p + 1;

  // Step 2: the trivial cases update one byte in place.
  let updated = false;
  if (!zero && !xzero) {
    if (valValue(op) >= count) return 0;
    if (runlen === 1) {
      b[p] = valOp(count, 1);
      updated = true;
    }
  }
  if (!updated && zero && runlen === 1) {
    b[p] = valOp(count, 1);
    updated = true;
  }
  if (!updated) {
    // The general case: split the opcode into up to three (at most 5 bytes).
    const seq = SEQ;
    let n = 0;
    const last = first + span - 1;
    if (zero || xzero) {
      if (index !== first) n = putZeros(seq, n, index - first);
      seq[n++] = valOp(count, 1);
      if (index !== last) n = putZeros(seq, n, last - index);
    } else {
      const cur = valValue(op);
      if (index !== first) seq[n++] = valOp(cur, index - first);
      seq[n++] = valOp(count, 1);
      if (index !== last) seq[n++] = valOp(cur, last - index);
    }
    // Step 3: put the new sequence in place of the old opcode.
    const oldlen = xzero ? 2 : 1;
    const delta = n - oldlen;
    if (delta > 0 && end + delta > sparseMax) return promote(v, index, count);
    if (delta && next >= 0) b.copyWithin(next + delta, next, end);
    end += delta;
    b.set(seq.subarray(0, n), p);
    touched = target + n;
  }

  // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from prev.
  p = prev >= 0 ? prev : HLL_HDR_SIZE;
  let scan = 5;
  while (p < end && scan--) {
    const o = b[p]!;
    if (isXZero(o)) {
      p += 2;
      continue;
    }
    if (isZero(o)) {
      p++;
      continue;
    }
    if (p + 1 < end && b[p + 1]! & 0x80) {
      const v1 = valValue(o);
      if (v1 === valValue(b[p + 1]!)) {
        const len = valLen(o) + valLen(b[p + 1]!);
        if (len <= SPARSE_VAL_MAX_LEN) {
          b[p + 1] = valOp(v1, len);
          b.copyWithin(p, p + 1, end);
          end--;
          // The byte at p + 1 went: what followed moved back one; the merged opcode is [p, p+1).
          if (touched > p + 1) touched--;
          if (touched < p + 1) touched = p + 1;
          continue;
        }
      }
    }
    p++;
  }
  ix?.edited(prev >= 0 ? prev : HLL_HDR_SIZE, touched, end - endBefore);
  b[CARD_STALE_AT] = b[CARD_STALE_AT]! | 0x80; // invalidate the cached cardinality
  v.rewrote(b, end);
  return 1;
}

/** Scratch for the up to 5 bytes an opcode split produces. */
const SEQ = new Uint8Array(5);

/** Writes a ZERO or XZERO opcode for `len` registers at seq[n]; returns the next index. */
function putZeros(seq: Uint8Array, n: number, len: number): number {
  if (len > SPARSE_ZERO_MAX_LEN) {
    seq[n] = ((len - 1) >> 8) | 0x40;
    seq[n + 1] = (len - 1) & 0xff;
    return n + 2;
  }
  seq[n] = len - 1;
  return n + 1;
}

function promote(v: ByteView, index: number, count: number): number {
  if (!sparseToDense(v)) return -1;
  return denseSet(v, index, count);
}

// ---- adding, counting, merging --------------------------------------------------------------

/** Redis `hllAdd`: 1 when a register changed, 0 when not, -1 on a corrupt value. */
export function hllAdd(
  v: ByteView,
  ele: Uint8Array,
  len: number,
  sparseMax: number,
  ix?: SparseIndex,
): number {
  const count = patLen(ele, len);
  switch (v.bytes[ENCODING_AT]) {
    case HLL_DENSE:
      return denseSet(v, patIndex, count);
    case HLL_SPARSE:
      return sparseSet(v, patIndex, count, sparseMax, ix);
    default:
      return -1;
  }
}

/** Register histogram of a dense HLL. */
function denseHisto(b: Uint8Array, histo: Float64Array): void {
  for (let r = 0; r < HLL_REGISTERS; r++) histo[denseGet(b, HLL_HDR_SIZE, r)]!++;
}

/** Register histogram of a sparse HLL; false when the opcodes do not cover 16384 registers. */
function sparseHisto(b: Uint8Array, len: number, histo: Float64Array): boolean {
  let idx = 0;
  for (let p = HLL_HDR_SIZE; p < len;) {
    const op = b[p]!;
    if (isZero(op)) {
      const n = zeroLen(op);
      idx += n;
      histo[0]! += n;
      p++;
    } else if (isXZero(op)) {
      const n = xzeroLen(op, p + 1 < len ? b[p + 1]! : 0);
      idx += n;
      histo[0]! += n;
      p += 2;
    } else {
      const n = valLen(op);
      idx += n;
      histo[valValue(op)]! += n;
      p++;
    }
  }
  return idx === HLL_REGISTERS;
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y; // pow(1 - x, 2), which the C compiler emits as a product
  } while (zPrime !== z);
  return z / 3;
}

/** Ertl's estimator over a register histogram (Redis `hllCount`'s second half). */
function estimate(histo: Float64Array): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histo[HLL_Q + 1]!) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += histo[j]!;
    z *= 0.5;
  }
  z += m * sigma(histo[0]! / m);
  return Math.round((ALPHA_INF * m * m) / z);
}

/** Redis `hllCount` of a valid HLL's bytes; undefined when a sparse form is corrupt. */
export function hllCount(b: Uint8Array, len: number): number | undefined {
  const histo = new Float64Array(64);
  if (b[ENCODING_AT] === HLL_DENSE) denseHisto(b, histo);
  else if (!sparseHisto(b, len, histo)) return undefined;
  return estimate(histo);
}

/** Count of 16384 raw byte registers (PFCOUNT of several keys: Redis's HLL_RAW). */
export function rawCount(regs: Uint8Array): number {
  const histo = new Float64Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) histo[regs[i]!]!++;
  return estimate(histo);
}

/** Redis `hllMerge`: max[i] = max(max[i], register i); false when a sparse form is corrupt. */
export function hllMerge(max: Uint8Array, b: Uint8Array, len: number): boolean {
  if (b[ENCODING_AT] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const val = denseGet(b, HLL_HDR_SIZE, i);
      if (val > max[i]!) max[i] = val;
    }
    return true;
  }
  let i = 0;
  for (let p = HLL_HDR_SIZE; p < len;) {
    const op = b[p]!;
    if (isZero(op)) {
      i += zeroLen(op);
      p++;
    } else if (isXZero(op)) {
      i += xzeroLen(op, p + 1 < len ? b[p + 1]! : 0);
      p += 2;
    } else {
      let runlen = valLen(op);
      const val = valValue(op);
      if (runlen + i > HLL_REGISTERS) break;
      while (runlen--) {
        if (val > max[i]!) max[i] = val;
        i++;
      }
      p++;
    }
  }
  return i === HLL_REGISTERS;
}

/** The registers of a dense HLL (PFDEBUG GETREG). */
export function denseRegisters(b: Uint8Array): number[] {
  const out: number[] = new Array<number>(HLL_REGISTERS);
  for (let i = 0; i < HLL_REGISTERS; i++) out[i] = denseGet(b, HLL_HDR_SIZE, i);
  return out;
}

/** PFDEBUG DECODE's text of a sparse HLL: "z:len", "Z:len" and "v:value,len" opcodes. */
export function decodeSparse(b: Uint8Array, len: number): string {
  const parts: string[] = [];
  for (let p = HLL_HDR_SIZE; p < len;) {
    const op = b[p]!;
    if (isZero(op)) {
      parts.push(`z:${zeroLen(op)}`);
      p++;
    } else if (isXZero(op)) {
      parts.push(`Z:${xzeroLen(op, p + 1 < len ? b[p + 1]! : 0)}`);
      p += 2;
    } else {
      parts.push(`v:${valValue(op)},${valLen(op)}`);
      p++;
    }
  }
  return parts.join(" ");
}

// ---- self test ------------------------------------------------------------------------------

/** Register round-trips checked by selfTest (Redis: 1000; kept small: this runs in a request). */
const SELFTEST_CYCLES = 10;
/** Largest cardinality checked by selfTest (Redis: 10,000,000). */
const SELFTEST_MAX_CARD = 100000;

/**
 * Redis `pfselftestCommand`, scaled down: dense registers hold what is written without touching
 * their neighbours; dense and sparse counts agree, sparse is used while small, and the error
 * stays within 6 standard errors. Returns an error text ("TESTFAILED ...") or undefined.
 */
export function selfTest(sparseMax: number): string | undefined {
  const dense = new Uint8Array(HLL_DENSE_SIZE + 1);
  const expect = new Uint8Array(HLL_REGISTERS);
  for (let j = 0; j < SELFTEST_CYCLES; j++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = Math.floor(Math.random() * 64);
      expect[i] = r;
      rawDenseSet(dense, i, r);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const val = denseGet(dense, HLL_HDR_SIZE, i);
      if (val !== expect[i]) {
        return `TESTFAILED Register ${i} should be ${expect[i]} but is ${val}`;
      }
    }
  }
  dense.fill(0);
  const denseView = ByteView.fromBytes(dense.subarray(0, HLL_DENSE_SIZE)); // encoding 0: dense
  const sparse = ByteView.fromBytes(newHll());
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  const seedHi = (Math.random() * 2 ** 32) >>> 0;
  const seedLo = (Math.random() * 2 ** 32) >>> 0;
  const ele = new Uint8Array(8);
  const dv = new DataView(ele.buffer);
  let checkpoint = 1;
  for (let j = 1; j <= SELFTEST_MAX_CARD; j++) {
    dv.setUint32(0, (j ^ seedLo) >>> 0, true);
    dv.setUint32(4, seedHi, true);
    hllAdd(denseView, ele, 8, sparseMax);
    hllAdd(sparse, ele, 8, sparseMax);
    if (j !== checkpoint) continue;
    if (j < sparseMax / 2 && sparse.bytes[ENCODING_AT] !== HLL_SPARSE) {
      return "TESTFAILED sparse encoding not used";
    }
    const card = hllCount(denseView.bytes, denseView.length)!;
    if (card !== hllCount(sparse.bytes, sparse.length)) return "TESTFAILED dense/sparse disagree";
    const maxerr = j === 10 ? 1 : Math.ceil(relerr * 6 * checkpoint);
    const abserr = Math.abs(checkpoint - card);
    if (abserr > maxerr) return `TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`;
    checkpoint *= 10;
  }
  return undefined;
}

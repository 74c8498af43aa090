// Sparse HyperLogLog edits exactly as Redis's hllSparseSet makes them (so the bytes equal
// redis-server's), promotion to dense, and a checkpoint index that spares repeated edits within one
// command the scan from the first opcode.

import type { ByteView } from "./byte-view.ts";
import {
  HLL_REGISTERS,
  HLL_HDR_SIZE,
  HLL_DENSE_SIZE,
  HLL_DENSE,
  ENCODING_AT,
  CARD_STALE_AT,
  SPARSE_VAL_MAX_VALUE,
  SPARSE_VAL_MAX_LEN,
  SPARSE_ZERO_MAX_LEN,
  isZero,
  isXZero,
  zeroLen,
  xzeroLen,
  valValue,
  valLen,
  valOp,
  denseSet,
  rawDenseSet,
} from "./hll-layout.ts";

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

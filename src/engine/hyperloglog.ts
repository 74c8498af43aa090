// HyperLogLog exactly as Redis 7.0 hyperloglog.c computes it, so a value made here reads the same
// in redis-server and back (layout in hll-layout.ts, sparse edits in hll-sparse.ts, hashing in
// murmur-hash.ts): adding elements, Ertl's improved estimator in the same double arithmetic as
// the C code (cardinalities equal redis-server's to the unit), merging, PFDEBUG's views and
// PFSELFTEST.

import { ByteView } from "./byte-view.ts";
import {
  HLL_P,
  HLL_Q,
  HLL_REGISTERS,
  HLL_HDR_SIZE,
  HLL_DENSE_SIZE,
  HLL_DENSE,
  HLL_SPARSE,
  ENCODING_AT,
  ALPHA_INF,
  isZero,
  isXZero,
  zeroLen,
  xzeroLen,
  valValue,
  valLen,
  denseGet,
  denseSet,
  rawDenseSet,
  newHll,
} from "./hll-layout.ts";
import { SparseIndex, sparseSet } from "./hll-sparse.ts";
import { patLen } from "./murmur-hash.ts";

// ---- adding, counting, merging --------------------------------------------------------------

/** Redis `hllAdd`: 1 when a register changed, 0 when not, -1 on a corrupt value. */
export function hllAdd(
  v: ByteView,
  ele: Uint8Array,
  len: number,
  sparseMax: number,
  ix?: SparseIndex,
): number {
  const pat = patLen(ele, len);
  const count = pat >> HLL_P;
  const index = pat & (HLL_REGISTERS - 1);
  switch (v.bytes[ENCODING_AT]) {
    case HLL_DENSE:
      return denseSet(v, index, count);
    case HLL_SPARSE:
      return sparseSet(v, index, count, sparseMax, ix);
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
      // A run past the last register: corrupt. Redis 7.0.15's source only breaks out here, which
      // accepts a value whose runs before made exactly 16384 registers; the redis-server 7.0.15
      // we compare with (Debian's 7.0.15-1~deb12u10, with later fixes) answers INVALIDOBJ.
      if (runlen + i > HLL_REGISTERS) return false;
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

// MurmurHash64A (seed 0xadc83b19) as Redis's hyperloglog.c hashes elements, on 32-bit halves,
// and hllPatLen: which register an element lands in and the run of zeros that follows.

import { HLL_P, HLL_P_MASK, HLL_Q } from "./hll-layout.ts";

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

/**
 * Redis `hllPatLen`, packed in one number to allocate nothing: the register (the low 14 bits of
 * the hash) in the low 14 bits, the run length of "0..01" in the rest of the hash (1..51) above.
 */
export function patLen(ele: Uint8Array, len: number): number {
  hash(ele, len);
  const index = hl & HLL_P_MASK;
  const low = hl >>> HLL_P; // hash bits 14..31
  const count = low !== 0 ? ctz(low) + 1 : hh !== 0 ? 32 - HLL_P + ctz(hh) + 1 : HLL_Q + 1;
  return (count << HLL_P) | index;
}

function ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}

// LZF as Redis 7.0.15 uses it for RDB strings: decompression (lzf_d.c) and compression
// ported from lzf_c.c (HLOG 16, VERY_FAST) so compressed payloads equal redis-server's.

import { RdbFormatError } from "./rdb-types.ts";

const fail = (why: string): never => {
  throw new RdbFormatError(why);
};

/** LZF decompression (lzf_d.c) to exactly `outLen` bytes. */
export function lzfDecompress(input: Uint8Array, outLen: number): Uint8Array {
  const out = new Uint8Array(outLen);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    let ctrl = input[ip++]!;
    if (ctrl < 1 << 5) {
      ctrl++;
      if (op + ctrl > outLen || ip + ctrl > input.length) fail("lzf overrun");
      out.set(input.subarray(ip, ip + ctrl), op);
      op += ctrl;
      ip += ctrl;
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (ip >= input.length) fail("lzf truncated");
      if (len === 7) {
        len += input[ip++]!;
        if (ip >= input.length) fail("lzf truncated");
      }
      ref -= input[ip++]!;
      len += 2;
      if (op + len > outLen || ref < 0) fail("lzf bad reference");
      for (let i = 0; i < len; i++) out[op++] = out[ref++]!;
    }
  }
  if (op !== outLen) fail("lzf length mismatch");
  return out;
}

// LZF compression as Redis's lzf_c.c does it (HLOG 16, VERY_FAST), so our DUMP payloads match
// redis-server's byte for byte. Hash slots hold input offsets (-1: empty).
const LZF_HSIZE = 1 << 16;
const LZF_MAX_LIT = 1 << 5;
const LZF_MAX_OFF = 1 << 13;
const LZF_MAX_REF = (1 << 8) + (1 << 3);
const lzfIdx = (h: number): number => ((h >>> 8) - Math.imul(h, 5)) & (LZF_HSIZE - 1);
let lzfTable: Int32Array | null = null;

/** lzf_compress into at most `outLen` bytes; undefined when the result would not fit. */
export function lzfCompress(input: Uint8Array, outLen: number): Uint8Array | undefined {
  const inLen = input.length;
  if (inLen === 0 || outLen <= 0) return undefined;
  const htab = (lzfTable ??= new Int32Array(LZF_HSIZE));
  htab.fill(-1);
  const out = new Uint8Array(outLen + 3);
  let ip = 0;
  let op = 1; // start run
  let lit = 0;
  let hval = ((input[0]! << 8) | input[1]!) >>> 0;
  while (ip < inLen - 2) {
    hval = ((hval << 8) | input[ip + 2]!) >>> 0;
    const slot = lzfIdx(hval);
    const ref = htab[slot]!;
    htab[slot] = ip;
    const off = ip - ref - 1;
    if (
      ref > 0 &&
      off >= 0 &&
      off < LZF_MAX_OFF &&
      input[ref + 2] === input[ip + 2] &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1]
    ) {
      let len = 2;
      let maxlen = inLen - ip - len;
      if (maxlen > LZF_MAX_REF) maxlen = LZF_MAX_REF;
      if (op + 3 + 1 >= outLen && op - (lit ? 0 : 1) + 3 + 1 >= outLen) return undefined;
      out[op - lit - 1] = lit - 1; // stop run
      if (!lit) op--; // undo run if length is zero
      do len++;
      while (len < maxlen && input[ref + len] === input[ip + len]);
      len -= 2; // len is now #octets - 1
      ip++;
      if (len < 7) out[op++] = (off >> 8) + (len << 5);
      else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start run
      ip += len + 1;
      if (ip >= inLen - 2) break;
      ip -= 2;
      hval = ((input[ip]! << 8) | input[ip + 1]!) >>> 0;
      hval = ((hval << 8) | input[ip + 2]!) >>> 0;
      htab[lzfIdx(hval)] = ip;
      ip++;
      hval = ((hval << 8) | input[ip + 2]!) >>> 0;
      htab[lzfIdx(hval)] = ip;
      ip++;
    } else {
      if (op >= outLen) return undefined;
      lit++;
      out[op++] = input[ip++]!;
      if (lit === LZF_MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outLen) return undefined;
  while (ip < inLen) {
    lit++;
    out[op++] = input[ip++]!;
    if (lit === LZF_MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1; // end run
  if (!lit) op--;
  return out.slice(0, op);
}

// Byte-level pieces of Redis's RDB serialization (rdb.c, crc64.c, lzf_d.c) for DUMP/RESTORE:
// a growing writer, a bounds-checked reader, RDB lengths and the CRC-64 (Jones) checksum. A
// malformed input throws RdbFormatError (LZF is in rdb-lzf.ts).

import { lzfDecompress } from "./rdb-lzf.ts";
import { RdbFormatError } from "./rdb-types.ts";

const fail = (why: string): never => {
  throw new RdbFormatError(why);
};

/** RDB length encodings (rdb.h). */
const RDB_6BITLEN = 0;
const RDB_14BITLEN = 1;
const RDB_32BITLEN = 0x80;
const RDB_64BITLEN = 0x81;
const RDB_ENCVAL = 3;
export const RDB_ENC_INT8 = 0;
export const RDB_ENC_INT16 = 1;
export const RDB_ENC_INT32 = 2;
export const RDB_ENC_LZF = 3;

/** An append-only byte buffer. */
export class ByteWriter {
  private buf = new Uint8Array(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b & 0xff;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Little-endian unsigned integer of `n` bytes (n <= 6 exact in doubles). */
  uintLE(v: number, n: number): void {
    for (let i = 0; i < n; i++) this.byte(Math.floor(v / 2 ** (8 * i)));
  }

  /** Little-endian two's complement integer of `n` bytes. */
  intLE(v: bigint, n: number): void {
    let u = BigInt.asUintN(8 * n, v);
    for (let i = 0; i < n; i++) {
      this.byte(Number(u & 0xffn));
      u >>= 8n;
    }
  }

  /** A little-endian IEEE double. */
  doubleLE(x: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, true);
    this.bytes(b);
  }

  /** An RDB length (rdbSaveLen). */
  rdbLen(n: number): void {
    if (n < 1 << 6) this.byte((RDB_6BITLEN << 6) | n);
    else if (n < 1 << 14) {
      this.byte((RDB_14BITLEN << 6) | (n >> 8));
      this.byte(n & 0xff);
    } else if (n <= 0xffffffff) {
      this.byte(RDB_32BITLEN);
      for (let i = 3; i >= 0; i--) this.byte(Math.floor(n / 2 ** (8 * i)));
    } else {
      this.byte(RDB_64BITLEN);
      for (let i = 7; i >= 0; i--) this.byte(Math.floor(n / 2 ** (8 * i)));
    }
  }

  /** Writes into a fixed offset (listpack header). */
  patchUintLE(at: number, v: number, n: number): void {
    for (let i = 0; i < n; i++) this.buf[at + i] = Math.floor(v / 2 ** (8 * i)) & 0xff;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** A cursor over bytes; reading past the end throws RdbFormatError. */
export class ByteReader {
  pos = 0;
  readonly buf: Uint8Array;
  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  byte(): number {
    if (this.pos >= this.buf.length) fail("truncated");
    return this.buf[this.pos++]!;
  }

  bytes(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.buf.length) fail("truncated");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  uintLE(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v += this.byte() * 2 ** (8 * i);
    return v;
  }

  intLE(n: number): bigint {
    let u = 0n;
    for (let i = 0; i < n; i++) u |= BigInt(this.byte()) << BigInt(8 * i);
    return BigInt.asIntN(8 * n, u);
  }

  doubleLE(): number {
    const b = this.bytes(8);
    return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
  }

  /** An RDB length, or an encoded-value marker (rdbLoadLenByRef). */
  rdbLen(): { len: number; encoded: boolean } {
    const first = this.byte();
    const type = (first & 0xc0) >> 6;
    if (type === RDB_ENCVAL) return { len: first & 0x3f, encoded: true };
    if (type === RDB_6BITLEN) return { len: first & 0x3f, encoded: false };
    if (type === RDB_14BITLEN) return { len: ((first & 0x3f) << 8) | this.byte(), encoded: false };
    if (first === RDB_32BITLEN) {
      let v = 0;
      for (let i = 0; i < 4; i++) v = v * 256 + this.byte();
      return { len: v, encoded: false };
    }
    if (first === RDB_64BITLEN) {
      let v = 0;
      for (let i = 0; i < 8; i++) v = v * 256 + this.byte();
      return { len: v, encoded: false };
    }
    return fail("bad length");
  }

  /** A plain RDB length (no encoded value allowed). */
  len(): number {
    const { len, encoded } = this.rdbLen();
    if (encoded) fail("unexpected encoded length");
    return len;
  }

  /** An RDB string's bytes (rdbGenericLoadStringObject): raw, integer-encoded or LZF. */
  string(): Uint8Array {
    const { len, encoded } = this.rdbLen();
    if (!encoded) return this.bytes(len);
    switch (len) {
      case RDB_ENC_INT8:
        return ascii(String(this.intLE(1)));
      case RDB_ENC_INT16:
        return ascii(String(this.intLE(2)));
      case RDB_ENC_INT32:
        return ascii(String(this.intLE(4)));
      case RDB_ENC_LZF: {
        const clen = this.len();
        const ulen = this.len();
        return lzfDecompress(this.bytes(clen), ulen);
      }
      default:
        return fail("unknown string encoding");
    }
  }
}

function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

// CRC-64/Jones as Redis computes it (crc64.c: reflected, polynomial 0xad93d23594c935a9, init 0,
// no final xor), held as two 32-bit halves for speed.
const CRC_LO = new Uint32Array(256);
const CRC_HI = new Uint32Array(256);
{
  const poly = 0x95ac9329ac4bc9b5n; // 0xad93d23594c935a9 bit-reflected
  for (let n = 0; n < 256; n++) {
    let c = BigInt(n);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
    CRC_LO[n] = Number(c & 0xffffffffn);
    CRC_HI[n] = Number(c >> 32n);
  }
}

/** CRC-64 of `data` as the 8 little-endian bytes Redis appends to a DUMP payload. */
export function crc64(data: Uint8Array): Uint8Array {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < data.length; i++) {
    const idx = (lo ^ data[i]!) & 0xff;
    lo = (((lo >>> 8) | (hi << 24)) ^ CRC_LO[idx]!) >>> 0;
    hi = ((hi >>> 8) ^ CRC_HI[idx]!) >>> 0;
  }
  const out = new Uint8Array(8);
  const v = new DataView(out.buffer);
  v.setUint32(0, lo, true);
  v.setUint32(4, hi, true);
  return out;
}

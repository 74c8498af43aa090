// The compact blobs Redis 7.0.15 embeds in RDB values: listpack (listpack.c), ziplist
// (ziplist.c, read only: older payloads) and intset (intset.c). Entries are byte strings;
// integers come back as their decimal text, as Redis's accessors give them.

import { ByteReader, ByteWriter } from "./rdb-bytes.ts";
import { RdbFormatError } from "./rdb-types.ts";

const fail = (why: string): never => {
  throw new RdbFormatError(why);
};

const LP_HDR_SIZE = 6;
const LP_EOF = 0xff;
/** Longest text listpack tries to store as an integer (LP_INTBUF_SIZE - 1). */
const LP_INT_TEXT_MAX = 20;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const STRICT_INT_RE = /^-?(?:0|[1-9][0-9]*)$/;

const latin = new TextDecoder("latin1");

function text(b: Uint8Array): string {
  return latin.decode(b);
}

/** The integer a listpack/ziplist entry text stands for (lpStringToInt64 / string2ll), if any. */
function entryInt(b: Uint8Array): bigint | undefined {
  if (b.length === 0 || b.length > LP_INT_TEXT_MAX) return undefined;
  const s = text(b);
  if (!STRICT_INT_RE.test(s) || s === "-0") return undefined;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? undefined : v;
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Builds a listpack from entries (lpAppend each). */
export function writeListpack(entries: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter();
  w.uintLE(0, 4);
  w.uintLE(entries.length < 0xffff ? entries.length : 0xffff, 2);
  for (const e of entries) {
    const start = w.length;
    const v = entryInt(e);
    if (v !== undefined) writeLpInt(w, v);
    else if (e.length < 64) {
      w.byte(0x80 | e.length);
      w.bytes(e);
    } else if (e.length < 4096) {
      w.byte(0xe0 | (e.length >> 8));
      w.byte(e.length & 0xff);
      w.bytes(e);
    } else {
      w.byte(0xf0);
      w.uintLE(e.length, 4);
      w.bytes(e);
    }
    writeBacklen(w, w.length - start);
  }
  w.byte(LP_EOF);
  w.patchUintLE(0, w.length, 4);
  return w.result();
}

function writeLpInt(w: ByteWriter, v: bigint): void {
  if (v >= 0n && v <= 127n) w.byte(Number(v));
  else if (v >= -4096n && v <= 4095n) {
    const u = Number(BigInt.asUintN(13, v));
    w.byte(0xc0 | (u >> 8));
    w.byte(u & 0xff);
  } else if (v >= -32768n && v <= 32767n) {
    w.byte(0xf1);
    w.intLE(v, 2);
  } else if (v >= -8388608n && v <= 8388607n) {
    w.byte(0xf2);
    w.intLE(v, 3);
  } else if (v >= -2147483648n && v <= 2147483647n) {
    w.byte(0xf3);
    w.intLE(v, 4);
  } else {
    w.byte(0xf4);
    w.intLE(v, 8);
  }
}

/** lpEncodeBacklen: the entry's length, readable from its end. */
function writeBacklen(w: ByteWriter, l: number): void {
  if (l <= 127) w.byte(l);
  else if (l < 16383) {
    w.byte(l >> 7);
    w.byte((l & 127) | 128);
  } else if (l < 2097151) {
    w.byte(l >> 14);
    w.byte(((l >> 7) & 127) | 128);
    w.byte((l & 127) | 128);
  } else if (l < 268435455) {
    w.byte(l >> 21);
    w.byte(((l >> 14) & 127) | 128);
    w.byte(((l >> 7) & 127) | 128);
    w.byte((l & 127) | 128);
  } else {
    w.byte(Math.floor(l / 2 ** 28));
    w.byte(((l >> 21) & 127) | 128);
    w.byte(((l >> 14) & 127) | 128);
    w.byte(((l >> 7) & 127) | 128);
    w.byte((l & 127) | 128);
  }
}

/** Bytes an entry takes in a listpack (encoding, data and backlen). */
export function lpEntrySize(e: Uint8Array): number {
  const v = entryInt(e);
  let n: number;
  if (v !== undefined) {
    n =
      v >= 0n && v <= 127n
        ? 1
        : v >= -4096n && v <= 4095n
          ? 2
          : v >= -32768n && v <= 32767n
            ? 3
            : v >= -8388608n && v <= 8388607n
              ? 4
              : v >= -2147483648n && v <= 2147483647n
                ? 5
                : 9;
  } else n = e.length + (e.length < 64 ? 1 : e.length < 4096 ? 2 : 5);
  return n + backlenSize(n);
}

/** Bytes of an empty listpack (header and terminator). */
export const LP_EMPTY_BYTES = LP_HDR_SIZE + 1;

function backlenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

/** The entries of a listpack (its header's byte count must match, as lpValidateIntegrity checks). */
export function readListpack(blob: Uint8Array): Uint8Array[] {
  const r = new ByteReader(blob);
  if (blob.length < LP_HDR_SIZE + 1) fail("listpack too short");
  if (r.uintLE(4) !== blob.length) fail("listpack size mismatch");
  r.uintLE(2);
  const out: Uint8Array[] = [];
  for (;;) {
    const start = r.pos;
    const b = r.byte();
    if (b === LP_EOF) break;
    let entry: Uint8Array;
    if ((b & 0x80) === 0) entry = ascii(String(b));
    else if ((b & 0xc0) === 0x80) entry = r.bytes(b & 0x3f);
    else if ((b & 0xe0) === 0xc0) {
      const u = ((b & 0x1f) << 8) | r.byte();
      entry = ascii(String(BigInt.asIntN(13, BigInt(u))));
    } else if ((b & 0xf0) === 0xe0) entry = r.bytes(((b & 0x0f) << 8) | r.byte());
    else if (b === 0xf0) entry = r.bytes(r.uintLE(4));
    else if (b === 0xf1) entry = ascii(String(r.intLE(2)));
    else if (b === 0xf2) entry = ascii(String(r.intLE(3)));
    else if (b === 0xf3) entry = ascii(String(r.intLE(4)));
    else if (b === 0xf4) entry = ascii(String(r.intLE(8)));
    else return fail("bad listpack encoding");
    r.bytes(backlenSize(r.pos - start));
    out.push(entry);
  }
  if (r.remaining !== 0) fail("listpack trailing bytes");
  return out;
}

/** The entries of a ziplist (older RDB payloads). */
export function readZiplist(blob: Uint8Array): Uint8Array[] {
  const r = new ByteReader(blob);
  if (blob.length < 11) fail("ziplist too short");
  if (r.uintLE(4) !== blob.length) fail("ziplist size mismatch");
  r.uintLE(4);
  r.uintLE(2);
  const out: Uint8Array[] = [];
  for (;;) {
    const first = r.byte();
    if (first === 0xff) break;
    if (first === 0xfe) r.bytes(4); // prevlen: 1 byte, or 0xfe + 4 bytes
    const enc = r.byte();
    const kind = enc >> 6;
    if (kind === 0) out.push(r.bytes(enc & 0x3f));
    else if (kind === 1) out.push(r.bytes(((enc & 0x3f) << 8) | r.byte()));
    else if (kind === 2) {
      let n = 0;
      for (let i = 0; i < 4; i++) n = n * 256 + r.byte();
      out.push(r.bytes(n));
    } else if (enc === 0xc0) out.push(ascii(String(r.intLE(2))));
    else if (enc === 0xd0) out.push(ascii(String(r.intLE(4))));
    else if (enc === 0xe0) out.push(ascii(String(r.intLE(8))));
    else if (enc === 0xf0) out.push(ascii(String(r.intLE(3))));
    else if (enc === 0xfe) out.push(ascii(String(r.intLE(1))));
    else if (enc >= 0xf1 && enc <= 0xfd) out.push(ascii(String((enc & 0x0f) - 1)));
    else fail("bad ziplist encoding");
  }
  if (r.remaining !== 0) fail("ziplist trailing bytes");
  return out;
}

/** Builds an intset of sorted distinct integers (the smallest width that holds them all). */
export function writeIntset(sorted: readonly bigint[]): Uint8Array {
  let width = 2;
  for (const v of sorted) {
    if (v < -2147483648n || v > 2147483647n) width = 8;
    else if ((v < -32768n || v > 32767n) && width < 4) width = 4;
  }
  const w = new ByteWriter();
  w.uintLE(width, 4);
  w.uintLE(sorted.length, 4);
  for (const v of sorted) w.intLE(v, width);
  return w.result();
}

/** The members of an intset as decimal texts. */
export function readIntset(blob: Uint8Array): string[] {
  const r = new ByteReader(blob);
  const width = r.uintLE(4);
  if (width !== 2 && width !== 4 && width !== 8) fail("bad intset encoding");
  const n = r.uintLE(4);
  if (r.remaining !== n * width || n === 0) fail("bad intset size");
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(String(r.intLE(width)));
  return out;
}

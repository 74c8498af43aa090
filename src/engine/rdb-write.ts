// DUMP payloads in Redis 7.0.15's format (cluster.c createDumpPayload, rdb.c rdbSaveObject):
// the value's RDB type and encoding, the RDB version (2 bytes LE) and the CRC-64 of everything
// before (8 bytes LE). Written in the encodings Redis itself picks for the value (listpack,
// intset, quicklist of listpacks, LZF-compressed strings, or the general forms), so a payload
// equals redis-server's byte for byte wherever Redis's order is not its hash order.

import { toBytes } from "./bytes.ts";
import type { Deque } from "./deque.ts";
import type { Entry } from "./entry.ts";
import { parseStrictInt } from "./numbers.ts";
import { hashIsListpack, smallIntSetOrder, zsetIsListpack } from "./object-encoding.ts";
import {
  ByteWriter,
  RDB_ENC_INT16,
  RDB_ENC_INT32,
  RDB_ENC_INT8,
  RDB_ENC_LZF,
  crc64,
} from "./rdb-bytes.ts";
import { lzfCompress } from "./rdb-lzf.ts";
import { LP_EMPTY_BYTES, lpEntrySize, writeIntset, writeListpack } from "./rdb-packed.ts";
import { QUICKLIST_NODE_PACKED, RDB_TYPE as T, RDB_VERSION } from "./rdb-types.ts";
import { writeStream } from "./rdb-stream-write.ts";
import type { SortedSet } from "./sorted-set.ts";
import type { Stream } from "./stream.ts";
import { LIST_NODE_MAX_BYTES } from "../limits.ts";

/** quicklist.c SIZE_ESTIMATE_OVERHEAD. */
const QUICKLIST_SIZE_ESTIMATE_OVERHEAD = 8;
/** Integer-encoded RDB strings are tried for texts this short (rdbSaveRawString). */
const RDB_INT_TEXT_MAX = 11;
/** Strings longer than this are tried with LZF (rdbSaveRawString). */
const LZF_MIN_LEN = 20;
/** d2string prints integral doubles within ±2^52 as integers. */
const D2STRING_INT_MAX = 2 ** 52;

function writeString(w: ByteWriter, s: string): void {
  const b = toBytes(s);
  if (b.length <= RDB_INT_TEXT_MAX) {
    const v = parseStrictInt(s);
    if (v !== undefined && v >= -(2n ** 31n) && v < 2n ** 31n) {
      if (v >= -128n && v <= 127n) {
        w.byte(0xc0 | RDB_ENC_INT8);
        w.intLE(v, 1);
      } else if (v >= -32768n && v <= 32767n) {
        w.byte(0xc0 | RDB_ENC_INT16);
        w.intLE(v, 2);
      } else {
        w.byte(0xc0 | RDB_ENC_INT32);
        w.intLE(v, 4);
      }
      return;
    }
  }
  writeBlob(w, b);
}

/** rdbSaveRawString: LZF-compressed when over 20 bytes and it saves at least 4, else raw. */
function writeBlob(w: ByteWriter, b: Uint8Array): void {
  if (b.length > LZF_MIN_LEN) {
    const c = lzfCompress(b, b.length - 4);
    if (c) {
      w.byte(0xc0 | RDB_ENC_LZF);
      w.rdbLen(c.length);
      w.rdbLen(b.length);
      w.bytes(c);
      return;
    }
  }
  w.rdbLen(b.length);
  w.bytes(b);
}

/** Redis d2string: integral values as integers, else `%.17g`. */
export function d2string(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x > -D2STRING_INT_MAX + 1 && x < D2STRING_INT_MAX && Number.isInteger(x)) {
    return String(x === 0 ? 0 : x);
  }
  return formatG17(x);
}

/** C printf `%.17g`. */
function formatG17(x: number): string {
  const [mant, expText] = x.toExponential(16).split("e") as [string, string];
  const exp = Number(expText);
  const strip = (t: string) => (t.includes(".") ? t.replace(/0+$/, "").replace(/\.$/, "") : t);
  if (exp < -4 || exp >= 17) {
    const e = Math.abs(exp);
    return `${strip(mant)}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
  }
  return strip(x.toFixed(16 - exp));
}

const STRINGS = { string: writeString, blob: writeBlob };

function writeValue(w: ByteWriter, e: Entry): void {
  switch (e.type) {
    case "stream":
      writeStream(w, e.value as Stream, STRINGS);
      return;
    case "string":
    case "json":
      w.byte(T.STRING);
      writeString(w, e.value as string);
      return;
    case "int":
      w.byte(T.STRING);
      writeString(w, (e.value as bigint).toString());
      return;
    case "list":
      w.byte(T.LIST_QUICKLIST_2);
      writeQuicklist(w, (e.value as Deque).slice());
      return;
    case "set": {
      const s = e.value as Set<string>;
      const ints = smallIntSetOrder(s);
      if (ints) {
        w.byte(T.SET_INTSET);
        writeBlob(w, writeIntset(ints.map(BigInt)));
        return;
      }
      w.byte(T.SET);
      w.rdbLen(s.size);
      for (const m of s) writeString(w, m);
      return;
    }
    case "hash": {
      const h = e.value as Map<string, string>;
      if (hashIsListpack(h)) {
        const items: Uint8Array[] = [];
        for (const [f, v] of h) items.push(toBytes(f), toBytes(v));
        w.byte(T.HASH_LISTPACK);
        writeBlob(w, writeListpack(items));
        return;
      }
      w.byte(T.HASH);
      w.rdbLen(h.size);
      for (const [f, v] of h) {
        writeString(w, f);
        writeString(w, v);
      }
      return;
    }
    case "zset": {
      const z = e.value as SortedSet;
      if (zsetIsListpack(z)) {
        const items: Uint8Array[] = [];
        z.forRange(0, z.size, (m, s) => items.push(toBytes(m), toBytes(d2string(s))));
        w.byte(T.ZSET_LISTPACK);
        writeBlob(w, writeListpack(items));
        return;
      }
      // ZSET_2 lists members from the highest rank down (Redis saves from the skiplist tail).
      w.byte(T.ZSET_2);
      w.rdbLen(z.size);
      const pairs: [string, number][] = [];
      z.forRange(0, z.size, (m, s) => pairs.push([m, s]));
      for (let i = pairs.length - 1; i >= 0; i--) {
        writeString(w, pairs[i]![0]);
        w.doubleLE(pairs[i]![1]);
      }
      return;
    }
  }
}

/**
 * A list as quicklist nodes of listpacks, split where RPUSH would have started a new node
 * (_quicklistNodeAllowInsert: listpack bytes + element length + 8 must stay within 8 KB).
 */
function writeQuicklist(w: ByteWriter, items: readonly string[]): void {
  const nodes: Uint8Array[][] = [];
  let cur: Uint8Array[] = [];
  let bytes = LP_EMPTY_BYTES;
  for (const x of items) {
    const b = toBytes(x);
    if (
      cur.length > 0 &&
      bytes + b.length + QUICKLIST_SIZE_ESTIMATE_OVERHEAD > LIST_NODE_MAX_BYTES
    ) {
      nodes.push(cur);
      cur = [];
      bytes = LP_EMPTY_BYTES;
    }
    cur.push(b);
    bytes += lpEntrySize(b);
  }
  if (cur.length) nodes.push(cur);
  w.rdbLen(nodes.length);
  for (const n of nodes) {
    w.rdbLen(QUICKLIST_NODE_PACKED);
    writeBlob(w, writeListpack(n));
  }
}

/** The DUMP payload of an entry. */
export function dumpPayload(e: Entry): Uint8Array {
  const w = new ByteWriter();
  writeValue(w, e);
  w.uintLE(RDB_VERSION, 2);
  const body = w.result();
  const out = new Uint8Array(body.length + 8);
  out.set(body);
  out.set(crc64(body), body.length);
  return out;
}

/** Bytes of the value's RDB serialization alone (DEBUG OBJECT serializedlength). */
export function serializedLength(e: Entry): number {
  const w = new ByteWriter();
  writeValue(w, e);
  return w.length - 1;
}

// DUMP/RESTORE payloads in Redis 7.0.15's format (cluster.c createDumpPayload/verifyDumpPayload,
// rdb.c rdbSaveObject/rdbLoadObject): the value's RDB type and encoding, the RDB version (2
// bytes LE) and the CRC-64 of everything before (8 bytes LE). Written in the encodings Redis
// itself would pick for the value (listpack, intset, quicklist of listpacks, or the general
// forms); read in every encoding Redis 7.0 emits or loads for strings, lists, sets, hashes and
// sorted sets.

import { byteLength, fromBytes, toBytes } from "./bytes.ts";
import { Deque } from "./deque.ts";
import type { Entry, ValueOf, ValueType } from "./entry.ts";
import { parseStrictInt } from "./numbers.ts";
import { hashIsListpack, smallIntSetOrder, zsetIsListpack } from "./object-encoding.ts";
import {
  ByteReader,
  ByteWriter,
  RDB_ENC_INT16,
  RDB_ENC_INT32,
  RDB_ENC_INT8,
  RDB_ENC_LZF,
  RdbFormatError,
  crc64,
  lzfCompress,
} from "./rdb-bytes.ts";
import {
  LP_EMPTY_BYTES,
  lpEntrySize,
  readIntset,
  readListpack,
  readZiplist,
  writeIntset,
  writeListpack,
} from "./rdb-packed.ts";
import { SortedSet } from "./sorted-set.ts";
import { LIST_NODE_MAX_BYTES } from "../limits.ts";

/** RDB_VERSION of Redis 7.0: payloads of a later version are refused. */
export const RDB_VERSION = 10;

const T = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
} as const;
const QUICKLIST_NODE_PLAIN = 1;
const QUICKLIST_NODE_PACKED = 2;
/** quicklist.c SIZE_ESTIMATE_OVERHEAD. */
const QUICKLIST_SIZE_ESTIMATE_OVERHEAD = 8;
/** Integer-encoded RDB strings are tried for texts this short (rdbSaveRawString). */
const RDB_INT_TEXT_MAX = 11;
/** Strings longer than this are tried with LZF (rdbSaveRawString). */
const LZF_MIN_LEN = 20;
/** d2string prints integral doubles within ±2^52 as integers. */
const D2STRING_INT_MAX = 2 ** 52;

const fail = (why: string): never => {
  throw new RdbFormatError(why);
};

// ---- writing --------------------------------------------------------------------------------

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

function writeValue(w: ByteWriter, e: Entry): void {
  switch (e.type) {
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

// ---- reading --------------------------------------------------------------------------------

/** True when the payload's version is at most ours and its checksum matches (verifyDumpPayload). */
export function verifyPayload(p: Uint8Array): boolean {
  if (p.length < 10) return false;
  const footer = p.length - 10;
  const version = p[footer]! | (p[footer + 1]! << 8);
  if (version > RDB_VERSION) return false;
  const crc = crc64(p.subarray(0, p.length - 8));
  for (let i = 0; i < 8; i++) if (crc[i] !== p[p.length - 8 + i]) return false;
  return true;
}

/** A value read from a payload: its type, value and payload size (spec §3.7). */
export interface LoadedValue {
  type: ValueType;
  value: ValueOf[ValueType];
  size: number;
}

const bstr = (b: Uint8Array): string => fromBytes(b);

function parseScoreText(b: Uint8Array): number {
  const t = new TextDecoder("latin1").decode(b);
  const inf = /^([+-]?)inf(inity)?$/i.exec(t);
  if (inf) return inf[1] === "-" ? -Infinity : Infinity;
  const v = Number(t);
  if (t.trim() === "" || Number.isNaN(v)) fail("bad score");
  return v;
}

function asSet(members: Iterable<string>): LoadedValue {
  const s = new Set<string>();
  let size = 0;
  for (const m of members) {
    if (s.has(m)) fail("duplicate set member");
    s.add(m);
    size += byteLength(m);
  }
  if (s.size === 0) fail("empty set");
  return { type: "set", value: s, size };
}

function asHash(pairs: readonly string[]): LoadedValue {
  if (pairs.length === 0 || pairs.length % 2 !== 0) fail("bad hash");
  const h = new Map<string, string>();
  let size = 0;
  for (let i = 0; i < pairs.length; i += 2) {
    if (h.has(pairs[i]!)) fail("duplicate hash field");
    h.set(pairs[i]!, pairs[i + 1]!);
    size += byteLength(pairs[i]!) + byteLength(pairs[i + 1]!);
  }
  return { type: "hash", value: h, size };
}

function asZset(pairs: readonly (readonly [string, number])[]): LoadedValue {
  if (pairs.length === 0) fail("empty zset");
  const seen = new Set<string>();
  let size = 0;
  for (const [m, s] of pairs) {
    if (seen.has(m) || Number.isNaN(s)) fail("bad zset member");
    seen.add(m);
    size += byteLength(m);
  }
  return { type: "zset", value: SortedSet.fromEntries(pairs), size };
}

function asList(items: readonly string[]): LoadedValue {
  if (items.length === 0) fail("empty list");
  let size = 0;
  for (const x of items) size += byteLength(x);
  return { type: "list", value: new Deque(items), size };
}

function zsetFromFlat(flat: readonly Uint8Array[]): LoadedValue {
  if (flat.length % 2 !== 0) fail("bad zset listpack");
  const pairs: [string, number][] = [];
  for (let i = 0; i < flat.length; i += 2)
    pairs.push([bstr(flat[i]!), parseScoreText(flat[i + 1]!)]);
  return asZset(pairs);
}

function readValue(r: ByteReader, type: number): LoadedValue {
  switch (type) {
    case T.STRING: {
      const v = bstr(r.string());
      return { type: "string", value: v, size: byteLength(v) };
    }
    case T.LIST:
    case T.SET: {
      const n = r.len();
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(bstr(r.string()));
      return type === T.LIST ? asList(items) : asSet(items);
    }
    case T.ZSET:
    case T.ZSET_2: {
      const n = r.len();
      const pairs: [string, number][] = [];
      for (let i = 0; i < n; i++) {
        const m = bstr(r.string());
        pairs.push([m, type === T.ZSET_2 ? r.doubleLE() : readOldDouble(r)]);
      }
      return asZset(pairs);
    }
    case T.HASH: {
      const n = r.len();
      const flat: string[] = [];
      for (let i = 0; i < n * 2; i++) flat.push(bstr(r.string()));
      return asHash(flat);
    }
    case T.SET_INTSET:
      return asSet(readIntset(r.string()));
    case T.LIST_ZIPLIST:
      return asList(readZiplist(r.string()).map(bstr));
    case T.ZSET_ZIPLIST:
      return zsetFromFlat(readZiplist(r.string()));
    case T.HASH_ZIPLIST:
      return asHash(readZiplist(r.string()).map(bstr));
    case T.HASH_LISTPACK:
      return asHash(readListpack(r.string()).map(bstr));
    case T.ZSET_LISTPACK:
      return zsetFromFlat(readListpack(r.string()));
    case T.LIST_QUICKLIST:
    case T.LIST_QUICKLIST_2: {
      const nodes = r.len();
      const items: string[] = [];
      for (let i = 0; i < nodes; i++) {
        let container = QUICKLIST_NODE_PACKED;
        if (type === T.LIST_QUICKLIST_2) {
          container = r.len();
          if (container !== QUICKLIST_NODE_PACKED && container !== QUICKLIST_NODE_PLAIN) {
            fail("bad quicklist container");
          }
        }
        const blob = r.string();
        if (container === QUICKLIST_NODE_PLAIN) items.push(bstr(blob));
        else {
          const entries = type === T.LIST_QUICKLIST ? readZiplist(blob) : readListpack(blob);
          // Redis skips an empty node rather than failing the load.
          for (const x of entries) items.push(bstr(x));
        }
      }
      return asList(items);
    }
    default:
      return fail(`unsupported RDB type ${type}`);
  }
}

/** rdbLoadDoubleValue: a length byte (253 NaN, 254 +inf, 255 -inf) then the text. */
function readOldDouble(r: ByteReader): number {
  const n = r.byte();
  if (n === 253) return NaN;
  if (n === 254) return Infinity;
  if (n === 255) return -Infinity;
  return parseScoreText(r.bytes(n));
}

/** The value of a verified payload; throws RdbFormatError when it is malformed. */
export function loadPayload(p: Uint8Array): LoadedValue {
  const r = new ByteReader(p.subarray(0, p.length - 10));
  return readValue(r, r.byte());
}

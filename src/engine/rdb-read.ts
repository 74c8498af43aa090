// RESTORE's side of DUMP payloads (cluster.c verifyDumpPayload, rdb.c rdbLoadObject): the
// version and CRC-64 check, and every encoding Redis 7.0 emits or loads for strings, lists, sets,
// hashes and sorted sets (raw, integer and LZF strings; listpack, ziplist, intset, quicklist), and
// streams (rdb-stream.ts).

import { byteLength, fromBytes } from "./bytes.ts";
import { Deque } from "./deque.ts";
import type { ValueOf, ValueType } from "./entry.ts";
import { ByteReader, crc64 } from "./rdb-bytes.ts";
import { readIntset, readListpack, readZiplist } from "./rdb-packed.ts";
import {
  QUICKLIST_NODE_PACKED,
  QUICKLIST_NODE_PLAIN,
  RDB_TYPE as T,
  RDB_VERSION,
  RdbFormatError,
} from "./rdb-types.ts";
import { readStream } from "./rdb-stream.ts";
import { SortedSet } from "./sorted-set.ts";

const fail = (why: string): never => {
  throw new RdbFormatError(why);
};

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
    case T.STREAM_LISTPACKS:
    case T.STREAM_LISTPACKS_2: {
      const { value, size } = readStream(r, type);
      return { type: "stream", value, size };
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

// DUMP of a stream as Redis 7.0 saves one (rdb.c rdbSaveObject, RDB_TYPE_STREAM_LISTPACKS_2):
// listpack nodes of stream-node-max-entries entries in t_stream.c's layout (a master entry with
// the first entry's fields, then each entry as flags, id deltas and values), the top id and
// counters, then the consumer groups (by name, as Redis's radix tree orders them) with their
// pending entries and consumers.

import { toBytes } from "./bytes.ts";
import type { ByteWriter } from "./rdb-bytes.ts";
import { writeListpack } from "./rdb-packed.ts";
import { RDB_TYPE } from "./rdb-types.ts";
import type { Stream } from "./stream.ts";
import { MAX_ID, MIN_ID } from "./stream-id.ts";
import type { StreamId } from "./stream-id.ts";

/** Entry flags of a stream listpack (t_stream.c STREAM_ITEM_FLAG_SAMEFIELDS). */
const FLAG_NONE = 0;
const FLAG_SAMEFIELDS = 2;
/** RDB_64BITLEN: a length in the 8 big-endian bytes that follow. */
const RDB_64BITLEN = 0x81;
const U32_LIMIT = 2n ** 32n;

/** The RDB string writers of rdb-write.ts (passed in: it imports this file). */
export interface RdbStrings {
  string(w: ByteWriter, s: string): void;
  blob(w: ByteWriter, b: Uint8Array): void;
}

/** An RDB length of any 64-bit unsigned value. */
function lenBig(w: ByteWriter, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  if (u < U32_LIMIT) return w.rdbLen(Number(u));
  w.byte(RDB_64BITLEN);
  for (let shift = 56n; shift >= 0n; shift -= 8n) w.byte(Number((u >> shift) & 0xffn));
}

function lenId(w: ByteWriter, id: StreamId): void {
  lenBig(w, id.ms);
  lenBig(w, id.seq);
}

/** 16 bytes, big-endian ms then seq (streamEncodeID). */
function rawId(id: StreamId): Uint8Array {
  const b = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    b[7 - i] = Number((id.ms >> BigInt(8 * i)) & 0xffn);
    b[15 - i] = Number((id.seq >> BigInt(8 * i)) & 0xffn);
  }
  return b;
}

const text = (n: number | bigint): Uint8Array => toBytes(String(n));

/** One listpack node of `entries` (all live), its master id the first's. */
function node(entries: [StreamId, string[]][]): Uint8Array {
  const [master, first] = entries[0]!;
  const masterFields: string[] = [];
  for (let i = 0; i < first.length; i += 2) masterFields.push(first[i]!);
  const items: Uint8Array[] = [text(entries.length), text(0), text(masterFields.length)];
  for (const f of masterFields) items.push(toBytes(f));
  items.push(text(0));
  for (const [id, fields] of entries) {
    const same =
      fields.length === masterFields.length * 2 &&
      masterFields.every((f, i) => fields[2 * i] === f);
    items.push(text(same ? FLAG_SAMEFIELDS : FLAG_NONE), text(id.ms - master.ms));
    items.push(text(id.seq - master.seq));
    const n = fields.length / 2;
    if (same) for (let i = 1; i < fields.length; i += 2) items.push(toBytes(fields[i]!));
    else {
      items.push(text(n));
      for (const f of fields) items.push(toBytes(f));
    }
    items.push(text(same ? n + 3 : 2 * n + 4)); // lp-count, for walking backwards
  }
  return writeListpack(items);
}

const byName = (a: string, b: string): number => {
  const x = toBytes(a);
  const y = toBytes(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
};

/** Writes a stream value (type byte included). */
export function writeStream(w: ByteWriter, s: Stream, strings: RdbStrings): void {
  w.byte(RDB_TYPE.STREAM_LISTPACKS_2);
  const entries = s.range(MIN_ID, MAX_ID);
  const nodes: [StreamId, string[]][][] = [];
  for (let i = 0; i < entries.length; i += s.nodeSize) nodes.push(entries.slice(i, i + s.nodeSize));
  w.rdbLen(nodes.length);
  for (const n of nodes) {
    strings.blob(w, rawId(n[0]![0]));
    strings.blob(w, node(n));
  }
  w.rdbLen(s.length);
  lenId(w, s.lastId);
  lenId(w, entries[0]?.[0] ?? MIN_ID);
  lenId(w, s.maxDeletedId);
  lenBig(w, s.entriesAdded);
  const groups = [...s.groups.values()].sort((a, b) => byName(a.name, b.name));
  w.rdbLen(groups.length);
  for (const g of groups) {
    strings.string(w, g.name);
    lenId(w, g.lastId);
    lenBig(w, g.entriesRead);
    const pel = [...g.pel.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    w.rdbLen(pel.length);
    for (const [, p] of pel) {
      w.bytes(rawId(p.id));
      w.intLE(BigInt(p.time), 8);
      w.rdbLen(p.count);
    }
    const consumers = [...g.consumers.values()].sort((a, b) => byName(a.name, b.name));
    w.rdbLen(consumers.length);
    for (const c of consumers) {
      strings.string(w, c.name);
      w.intLE(BigInt(c.seen), 8);
      const own = [...c.pending.keys()].sort();
      w.rdbLen(own.length);
      for (const k of own) w.bytes(rawId(c.pending.get(k)!.id));
    }
  }
}

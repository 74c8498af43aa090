// RESTORE of a stream (rdb.c rdbLoadObject, RDB_TYPE_STREAM_LISTPACKS and _2): its listpack
// nodes of entries (t_stream.c's layout: a master entry of fields, then each entry as flags, id
// deltas and values), its top id and counters, and its consumer groups with their pending entries
// and consumers. A Redis 6.2 payload (type 15) has no first id, max-deleted id, entries-added or
// entries-read: they are derived as Redis 7.0 derives them.

import { fromBytes } from "./bytes.ts";
import { estimateEntriesRead } from "./commands/stream-lag.ts";
import type { ByteReader } from "./rdb-bytes.ts";
import { readListpack } from "./rdb-packed.ts";
import { RDB_TYPE, RdbFormatError } from "./rdb-types.ts";
import { Stream } from "./stream.ts";
import type { Pending } from "./stream.ts";
import { MIN_ID, compareIds, idBytes } from "./stream-id.ts";
import type { StreamId } from "./stream-id.ts";

const fail = (why: string): never => {
  throw new RdbFormatError(why);
};

/** Bytes of a raw stream id (rdb: big-endian ms then seq). */
const RAW_ID_BYTES = 16;
/** Entry flags of a stream listpack (t_stream.c STREAM_ITEM_FLAG_*). */
const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;

function rawId(b: Uint8Array): StreamId {
  if (b.length !== RAW_ID_BYTES) fail("bad stream id");
  let ms = 0n;
  let seq = 0n;
  for (let i = 0; i < 8; i++) ms = (ms << 8n) | BigInt(b[i]!);
  for (let i = 8; i < 16; i++) seq = (seq << 8n) | BigInt(b[i]!);
  return { ms, seq };
}

/** rdbLoadMillisecondTime: 8 bytes, little-endian. */
function msTime(r: ByteReader): number {
  return Number(r.intLE(8));
}

/** RDB_64BITLEN: a length in the 8 big-endian bytes that follow. */
const RDB_64BITLEN = 0x81;

/** An RDB length as a 64-bit unsigned value (ids, counters: past 2^53). */
function lenBig(r: ByteReader): bigint {
  if (r.buf[r.pos] !== RDB_64BITLEN) return BigInt(r.len());
  r.pos++;
  let v = 0n;
  for (const b of r.bytes(8)) v = (v << 8n) | BigInt(b);
  return v;
}

function lenId(r: ByteReader): StreamId {
  return { ms: lenBig(r), seq: lenBig(r) };
}

function intOf(b: Uint8Array): bigint {
  const t = fromBytes(b);
  if (!/^-?\d+$/.test(t)) fail("bad listpack integer");
  return BigInt(t);
}

/**
 * The live entries of one listpack node whose master id is `master`; returns the node's entry
 * count, deleted ones included.
 */
function nodeEntries(master: StreamId, lp: Uint8Array[], out: [StreamId, string[]][]): number {
  let i = 0;
  const next = (): Uint8Array => lp[i++] ?? fail("truncated stream listpack");
  const count = intOf(next()) + intOf(next()); // valid + deleted entries
  const masterFields: string[] = [];
  for (let n = intOf(next()); n > 0n; n--) masterFields.push(fromBytes(next()));
  next(); // the master entry's terminator
  for (let e = 0n; e < count; e++) {
    const flags = Number(intOf(next()));
    const id = { ms: master.ms + intOf(next()), seq: master.seq + intOf(next()) };
    const fields: string[] = [];
    if (flags & FLAG_SAMEFIELDS) {
      for (const f of masterFields) fields.push(f, fromBytes(next()));
    } else {
      for (let n = intOf(next()); n > 0n; n--) fields.push(fromBytes(next()), fromBytes(next()));
    }
    next(); // lp-count, for walking backwards
    if (!(flags & FLAG_DELETED)) out.push([id, fields]);
  }
  if (i !== lp.length) fail("stream listpack trailing entries");
  return Number(count);
}

/** A stream value of RDB type 15 (Redis 5.0-6.2) or 19 (Redis 7.0). */
export function readStream(r: ByteReader, type: number): { value: Stream; size: number } {
  const v2 = type === RDB_TYPE.STREAM_LISTPACKS_2;
  const entries: [StreamId, string[]][] = [];
  let nodeSize = 0;
  for (let nodes = r.len(); nodes > 0; nodes--) {
    const master = rawId(r.string());
    const lp = readListpack(r.string());
    if (lp.length === 0) fail("empty listpack inside stream");
    nodeSize = Math.max(nodeSize, nodeEntries(master, lp, entries));
  }
  const s = new Stream();
  // The nodes' size as the payload's server made them (`~` trims whole nodes of it).
  if (nodeSize > 0) s.nodeSize = nodeSize;
  let prev: StreamId | undefined;
  for (const [id, fields] of entries) {
    if (prev && compareIds(prev, id) >= 0) fail("stream ids out of order");
    s.append(id, fields);
    prev = id;
  }
  if (r.len() !== s.length) fail("stream length mismatch");
  s.lastId = lenId(r);
  if (prev && compareIds(prev, s.lastId) > 0) fail("stream last id below its entries");
  if (v2) {
    lenId(r); // first id: the first live entry's, known from the entries
    s.maxDeletedId = lenId(r);
    s.entriesAdded = lenBig(r);
  } else {
    s.maxDeletedId = MIN_ID;
    s.entriesAdded = BigInt(s.length);
  }
  for (let groups = r.len(); groups > 0; groups--) {
    const name = fromBytes(r.string());
    if (s.groups.has(name)) fail("duplicated consumer group name");
    const g = s.groupFor(name);
    g.lastId = lenId(r);
    // -1 (unknown) is saved as 2^64 - 1
    g.entriesRead = v2 ? BigInt.asIntN(64, lenBig(r)) : estimateEntriesRead(s, g.lastId);
    for (let n = r.len(); n > 0; n--) {
      const id = rawId(r.bytes(RAW_ID_BYTES));
      const p: Pending = { id, consumer: "", time: msTime(r), count: Number(lenBig(r)) };
      if (g.pel.has(idBytes(id))) fail("duplicated pending entry");
      g.pel.set(idBytes(id), p);
    }
    for (let n = r.len(); n > 0; n--) {
      const cname = fromBytes(r.string());
      if (g.consumers.has(cname)) fail("duplicated consumer name");
      const seen = msTime(r);
      const c = s.consumerFor(g, cname, seen);
      c.active = seen;
      for (let k = r.len(); k > 0; k--) {
        const key = idBytes(rawId(r.bytes(RAW_ID_BYTES)));
        const p = g.pel.get(key) ?? fail("consumer pending entry not in the group's");
        if (p.consumer !== "") fail("pending entry of two consumers");
        p.consumer = cname;
        c.pending.set(key, p);
      }
    }
    for (const p of g.pel.values()) if (p.consumer === "") fail("pending entry without consumer");
  }
  // Counted as XADD counts a stream: its entries' bytes.
  return { value: s, size: s.bytes };
}

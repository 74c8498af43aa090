// What the stream commands share: the trim spec (parsed in stream-trim-args.ts) and how a trim
// applies, COUNT, and the entry replies.

import type { Ctx } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { STREAM_NODE_MAX_ENTRIES } from "../stream-entries.ts";
import type { Stream } from "../stream.ts";
import { compareIds, idText } from "../stream-id.ts";
import type { StreamId } from "../stream-id.ts";

const I64_MAX = (1n << 63n) - 1n;

export interface TrimSpec {
  kind: "maxlen" | "minid";
  approx: boolean;
  maxlen: number;
  minid: StreamId;
  /** Most entries one call removes (`~` only; Infinity for `=`). */
  limit: number;
}

/** A non-negative integer argument; `what` names it in Redis's error. */
export function parseCount(s: string): number {
  const n = parseStrictInt(s);
  if (n === undefined || n > I64_MAX) throw Errors.notInteger();
  return Number(n);
}

/** Trims a stream by a spec; the removed entries. */
export function applyTrim(s: Stream, t: TrimSpec): [StreamId, string[]][] {
  const mustGo =
    t.kind === "maxlen"
      ? (_id: StreamId, remaining: number) => remaining > t.maxlen
      : (id: StreamId) => compareIds(id, t.minid) < 0;
  return s.trim(mustGo, t.approx, t.limit);
}

/** One entry as Redis replies it: [id, [field, value, ...]]. */
export function entryReply(id: StreamId, fields: readonly string[]): Reply {
  return R.array([R.bulk(idText(id)), R.bulks(fields)]);
}

/** Entries as an array reply. */
export function entriesReply(entries: readonly [StreamId, string[]][]): Reply {
  return R.array(entries.map(([id, f]) => entryReply(id, f)));
}

/** XREAD/XREADGROUP's reply: per key, its entries (RESP3 map, RESP2 array of pairs). */
export function perKeyReply(ctx: Ctx, out: [string, Reply][]): Reply {
  if (!out.length) return R.NILARRAY;
  if (ctx.conn.resp === 3) return R.map(out.flatMap(([k, v]) => [R.bulk(k), v]));
  return R.array(out.map(([k, v]) => R.array([R.bulk(k), v])));
}

/** stream-node-max-entries as configured (CONFIG SET); its default when 0 (no entry bound). */
export function nodeSizeOf(ctx: Ctx): number {
  const v = Number(ctx.engine.params.get("stream-node-max-entries") ?? STREAM_NODE_MAX_ENTRIES);
  return v > 0 && Number.isSafeInteger(v) ? v : STREAM_NODE_MAX_ENTRIES;
}

// Merging the replies of one command's parts on several shards into the reply the command would
// give on one store. Every merge returns the first error of any part instead of a partial answer.

import type { JsonValue } from "../../engine/json-value.ts";
import { R } from "../../engine/reply.ts";
import type { ErrorReply, Reply } from "../../engine/reply.ts";
import { INFO_KEYS_MAX } from "../../limits.ts";

/** Replies of each part (outer: parts in order; inner: that part's items in order). */
export type PartReplies = readonly (readonly Reply[])[];

/** The first error of any part, in part order. */
export function firstError(parts: PartReplies): ErrorReply | undefined {
  for (const p of parts) for (const r of p) if (r.k === "error") return r;
  return undefined;
}

function intOf(r: Reply): bigint {
  if (r.k === "int") return BigInt(r.v);
  if (r.k === "bulk" || r.k === "status") return BigInt(r.v);
  throw new Error(`expected an integer reply, got ${r.k}`);
}

function asNumber(n: bigint): number | bigint {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= -BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(n)
    : n;
}

/** Sum of one integer reply per part (DBSIZE, DEL, EXISTS, gevent FLUSH and MSET). */
export function sumInts(parts: PartReplies): Reply {
  const err = firstError(parts);
  if (err) return err;
  let n = 0n;
  for (const p of parts) n += intOf(p[0]!);
  return R.int(asNumber(n));
}

/** The smallest integer reply (LASTSAVE: the oldest shard snapshot bounds the namespace's). */
export function minInt(parts: PartReplies): Reply {
  const err = firstError(parts);
  if (err) return err;
  let n: bigint | undefined;
  for (const p of parts) {
    const v = intOf(p[0]!);
    if (n === undefined || v < n) n = v;
  }
  return R.int(asNumber(n ?? 0n));
}

/** The first part's reply once every part succeeded (FLUSHDB, SAVE, CONFIG SET, MSET…). */
export function allOk(parts: PartReplies): Reply {
  return firstError(parts) ?? parts[0]![0]!;
}

/** The parts' arrays one after the other, in shard order (KEYS). */
export function concatArrays(parts: PartReplies): Reply {
  const err = firstError(parts);
  if (err) return err;
  const out: Reply[] = [];
  for (const p of parts) {
    const r = p[0]!;
    if (r.k === "array" || r.k === "set") out.push(...r.v);
  }
  return R.array(out);
}

/** Blink `USAGE n` / `STATS`: the sum of the shards' usage. */
export function sumUsage(parts: PartReplies): Reply {
  const err = firstError(parts);
  if (err) return err;
  let n = 0;
  for (const p of parts) {
    const r = p[0]!;
    n += r.k === "status" ? Number(r.v.slice(r.v.indexOf(" ") + 1)) : 0;
  }
  return R.status(`USAGE ${n}`);
}

/**
 * Elements of several arrays back in argument order: `positions[i]` lists, for part i, the
 * argument positions its array answers (MGET, gevent MGET).
 */
export function byPosition(
  parts: PartReplies,
  positions: readonly (readonly number[])[],
  total: number,
): Reply {
  const err = firstError(parts);
  if (err) return err;
  const out: Reply[] = new Array<Reply>(total);
  parts.forEach((p, i) => {
    const r = p[0]!;
    const v = r.k === "array" ? r.v : [];
    positions[i]!.forEach((pos, j) => {
      out[pos] = v[j] ?? R.NIL;
    });
  });
  return R.array(out);
}

/**
 * RANDOMKEY from per-shard `[DBSIZE, RANDOMKEY]` pairs: a shard picked with probability
 * proportional to its key count, then its random key (as uniform as each shard's pick).
 */
export function randomKey(parts: PartReplies, random: () => number): Reply {
  const err = firstError(parts);
  if (err) return err;
  const sizes = parts.map((p) => Number(intOf(p[0]!)));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total === 0) return R.NIL;
  let x = Math.floor(random() * total);
  for (let i = 0; i < parts.length; i++) {
    if (x < sizes[i]! && parts[i]![1]!.k === "bulk") return parts[i]![1]!;
    x -= sizes[i]!;
  }
  // A shard emptied between its DBSIZE and RANDOMKEY cannot happen (one turn); keep a key anyway.
  return parts.find((p) => p[1]!.k === "bulk")?.[1] ?? R.NIL;
}

/** CONFIG GET: every parameter is the same on every shard except `maxmemory`, the sum of the parts. */
export function configGet(parts: PartReplies): Reply {
  const err = firstError(parts);
  if (err) return err;
  const first = parts[0]![0]!;
  if (first.k !== "map") return first;
  const out = [...first.v];
  for (let i = 0; i + 1 < out.length; i += 2) {
    const name = out[i]!;
    if (name.k !== "bulk" || name.v !== "maxmemory") continue;
    let total = 0n;
    for (const p of parts) {
      const r = p[0]!;
      if (r.k === "map") total += BigInt((r.v[i + 1] as { v: string }).v);
    }
    out[i + 1] = R.bulk(String(total));
  }
  return R.map(out);
}

/**
 * Light-Redis `info` (spec §8.5) over shards: keys listed shard by shard (creation order within
 * a shard), at most INFO_KEYS_MAX; counts and writes summed; the oldest snapshot time.
 */
export function lightRedisInfo(parts: PartReplies): Reply {
  const err = firstError(parts);
  if (err) return err;
  const maps = parts.map((p) => {
    const r = p[0]!;
    if (r.k !== "json" || !(r.v instanceof Map))
      throw new Error("expected a Light-Redis info object");
    return r.v;
  });
  const keys: JsonValue[] = [];
  let count = 0n;
  let writes = 0n;
  let snapshot: bigint | undefined;
  for (const m of maps) {
    for (const k of m.get("keys") as JsonValue[]) if (keys.length < INFO_KEYS_MAX) keys.push(k);
    count += m.get("keys_count") as bigint;
    writes += m.get("writable_row") as bigint;
    const at = m.get("last_db_snapshot_write") as bigint;
    if (snapshot === undefined || at < snapshot) snapshot = at;
  }
  const out = new Map<string, JsonValue>([
    ["db_file_name", maps[0]!.get("db_file_name")!],
    ["keys", keys],
    ["keys_count", count],
  ]);
  if (count > BigInt(INFO_KEYS_MAX)) out.set("keys_truncated", true);
  out.set("last_db_snapshot_write", snapshot ?? 0n);
  out.set("writable_row", writes);
  return R.json(out);
}

// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD (Redis 7.0.15's
// zunionInterDiffGenericCommand): numkeys, WEIGHTS, AGGREGATE SUM|MIN|MAX, WITHSCORES, LIMIT,
// with Redis's checks in Redis's order. Plain sets are accepted as inputs, every member scoring 1.

import { byteLength } from "../bytes.ts";
import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import type { Entry } from "../entry.ts";
import { Errors } from "../errors.ts";
import { parseIntArg, parseScore } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { SortedSet } from "../sorted-set.ts";
import { parseCount } from "./range-args.ts";
import { optionName } from "./redis-args.ts";
import { Notify, notifyKeyspaceEvent } from "../keyspace-events.ts";

type ZOp = "union" | "inter" | "diff";
type Aggregate = "sum" | "min" | "max";

/** Redis's zset-max-listpack-entries and zset-max-listpack-value defaults. */
const LISTPACK_MAX_ENTRIES = 128;
const LISTPACK_MAX_VALUE = 64;
const WEIGHT_NOT_FLOAT = "ERR weight value is not a float";
const LIMIT_NEGATIVE = "ERR LIMIT can't be negative";

/** One input: a sorted set, a plain set (scores 1) or a missing key (empty). */
interface Source {
  readonly value: SortedSet | Set<string> | undefined;
  readonly size: number;
  weight: number;
}

/** Calls `visit` for every (member, score) of a source (a set's members score 1). */
function forEachMember(src: Source, visit: (m: string, s: number) => void): void {
  const v = src.value;
  if (v instanceof SortedSet) v.forRange(0, v.size, visit);
  else if (v) for (const m of v) visit(m, 1);
}

/** A member's score in a source, or undefined when absent. */
function scoreIn(src: Source, m: string): number | undefined {
  const v = src.value;
  if (v instanceof SortedSet) return v.score(m);
  return v?.has(m) ? 1 : undefined;
}

/** Redis's zunionInterAggregate: a SUM of +inf and -inf is 0; MIN/MAX keep the old on NaN. */
function aggregate(target: number, val: number, agg: Aggregate): number {
  if (agg === "sum") {
    const s = target + val;
    return Number.isNaN(s) ? 0 : s;
  }
  if (agg === "min") return val < target ? val : target;
  return val > target ? val : target;
}

/** The inputs named after `numkeys` at argv[at], looked up as reads (WRONGTYPE first). */
export function sourcesOf(ctx: Ctx, argv: readonly string[], at: number, name: string): Source[] {
  const n = parseIntArg(argv[at]!);
  if (n < 1) throw Errors.custom(`ERR at least 1 input key is needed for '${name}' command`);
  if (n > argv.length - (at + 1)) throw Errors.syntax();
  const out: Source[] = [];
  for (let i = 0; i < n; i++) {
    const e: Entry | undefined = ctx.store.read(argv[at + 1 + i]!);
    if (e && e.type !== "zset" && e.type !== "set") throw Errors.wrongType();
    const value = e?.value as SortedSet | Set<string> | undefined;
    out.push({ value, size: value?.size ?? 0, weight: 1 });
  }
  return out;
}

interface Options {
  agg: Aggregate;
  withScores: boolean;
  limit: number;
}

/** Options after the keys, as Redis accepts them for each form. */
function optionsOf(
  argv: readonly string[],
  from: number,
  src: Source[],
  op: ZOp,
  store: boolean,
  cardOnly: boolean,
): Options {
  const o: Options = { agg: "sum", withScores: false, limit: 0 };
  for (let j = from; j < argv.length;) {
    const left = argv.length - j;
    const opt = optionName(argv[j]!);
    const weighted = op !== "diff" && !cardOnly;
    if (weighted && left >= src.length + 1 && opt === "weights") {
      j++;
      for (const s of src) {
        const w = parseScore(argv[j++]!);
        if (w === undefined) throw Errors.custom(WEIGHT_NOT_FLOAT);
        s.weight = w;
      }
    } else if (weighted && left >= 2 && opt === "aggregate") {
      const a = optionName(argv[j + 1]!);
      if (a !== "sum" && a !== "min" && a !== "max") throw Errors.syntax();
      o.agg = a;
      j += 2;
    } else if (!store && !cardOnly && opt === "withscores") {
      o.withScores = true;
      j++;
    } else if (cardOnly && left >= 2 && opt === "limit") {
      o.limit = parseCount(argv[j + 1]!, LIMIT_NEGATIVE);
      j += 2;
    } else throw Errors.syntax();
  }
  return o;
}

/** Weighted score; a NaN product (0 * inf) counts as 0, as in Redis. */
function weighted(s: number, w: number): number {
  const v = s * w;
  return Number.isNaN(v) ? 0 : v;
}

/** The result as member -> score (for INTER with `cardOnly`, only its size matters). */
function compute(src: Source[], op: ZOp, o: Options, cardOnly = false): Map<string, number> {
  const out = new Map<string, number>();
  // Smallest first, stably (Redis sorts by cardinality; the first set drives the walk).
  if (op !== "diff") src = src.slice().sort((a, b) => a.size - b.size);
  const first = src[0]!;
  if (op === "inter") {
    if (first.size === 0) return out;
    let count = 0;
    const visit = (m: string, s0: number): void => {
      if (o.limit && count >= o.limit) return;
      let score = weighted(s0, first.weight);
      for (let j = 1; j < src.length; j++) {
        const s = scoreIn(src[j]!, m);
        if (s === undefined) return;
        score = aggregate(score, s * src[j]!.weight, o.agg);
      }
      count++;
      out.set(m, cardOnly ? 0 : score);
    };
    forEachMember(first, visit);
    return out;
  }
  if (op === "union") {
    for (const s of src) {
      forEachMember(s, (m, sc) => {
        const v = weighted(sc, s.weight);
        const cur = out.get(m);
        out.set(m, cur === undefined ? v : aggregate(cur, v, o.agg));
      });
    }
    return out;
  }
  // DIFF: the first set's members that no other input holds, with their own scores.
  const others = src.slice(1).filter((s) => s.size > 0);
  forEachMember(first, (m, s) => {
    if (!others.some((x) => x.value === first.value || scoreIn(x, m) !== undefined)) out.set(m, s);
  });
  return out;
}

/**
 * Replaces `key` with a sorted set of `result` (member -> score; the new set takes the map
 * over), any old type and TTL gone; deletes the key when the result is empty. Returns its size.
 */
export function storeZset(
  ctx: Ctx,
  key: string,
  result: Map<string, number>,
  event: string,
): number {
  const store = ctx.store;
  const old = store.get(key);
  if (result.size === 0) {
    if (old) {
      store.remove(old);
      notifyKeyspaceEvent(ctx, Notify.GENERIC, "del", key);
    }
    return 0;
  }
  let size = 0;
  let maxLen = 0;
  for (const m of result.keys()) {
    const n = byteLength(m);
    size += n;
    if (n > maxLen) maxLen = n;
  }
  // A result small enough for Redis's listpack encoding keeps a zero score as the integer 0,
  // so -0 reads back as 0 there (and stays -0 in a larger, skiplist-encoded result).
  if (result.size <= LISTPACK_MAX_ENTRIES && maxLen <= LISTPACK_MAX_VALUE) {
    for (const [m, s] of result) if (s === 0) result.set(m, 0);
  }
  store.put(key, "zset", SortedSet.fromMap(result), size);
  notifyKeyspaceEvent(ctx, Notify.ZSET, event, key);
  return result.size;
}

/** The reply of a sorted set in rank order (RESP3 WITHSCORES nests pairs, as Redis). */
export function zsetReply(ctx: Ctx, z: SortedSet, withScores: boolean): Reply {
  const nested = withScores && ctx.conn.resp === 3;
  const out: Reply[] = [];
  z.forRange(0, z.size, (m, s) => {
    if (!withScores) out.push(R.bulk(m));
    else if (nested) out.push(R.array([R.bulk(m), R.double(s)]));
    else out.push(R.bulk(m), R.double(s));
  });
  return R.array(out);
}

/** ZUNION/ZINTER/ZDIFF numkeys key … [options] [WITHSCORES]. */
function algebra(op: ZOp, name: string) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    const src = sourcesOf(ctx, argv, 1, name);
    const o = optionsOf(argv, 2 + src.length, src, op, false, false);
    return zsetReply(ctx, SortedSet.fromMap(compute(src, op, o)), o.withScores);
  };
}

/** Z*STORE destination numkeys key … [options]: the result's size. */
function algebraStore(op: ZOp, name: string) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    const src = sourcesOf(ctx, argv, 2, name);
    const o = optionsOf(argv, 3 + src.length, src, op, true, false);
    return R.int(storeZset(ctx, argv[1]!, compute(src, op, o), name));
  };
}

/** ZINTERCARD numkeys key … [LIMIT limit]. */
function zintercard(ctx: Ctx, argv: readonly string[]): Reply {
  const src = sourcesOf(ctx, argv, 1, "zintercard");
  const o = optionsOf(argv, 2 + src.length, src, "inter", false, true);
  return R.int(compute(src, "inter", o, true).size);
}

const doc = (summary: string, since: string, params: string) => ({
  doc: { summary, group: "sorted-set", since, params },
});
const AGG = "[WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]";

/** The sorted-set algebra commands. */
export const zsetAlgebraCommands: readonly CommandSpec[] = [
  command("zunion", -3, "r", null, algebra("union", "zunion"), {
    numkeys: 1,
    ...doc("Add multiple sorted sets", "6.2.0", `numkeys key [key ...] ${AGG} [WITHSCORES]`),
  }),
  command("zinter", -3, "r", null, algebra("inter", "zinter"), {
    numkeys: 1,
    ...doc("Intersect multiple sorted sets", "6.2.0", `numkeys key [key ...] ${AGG} [WITHSCORES]`),
  }),
  command("zdiff", -3, "r", null, algebra("diff", "zdiff"), {
    numkeys: 1,
    ...doc("Subtract multiple sorted sets", "6.2.0", "numkeys key [key ...] [WITHSCORES]"),
  }),
  command("zunionstore", -4, "w", [1, 1, 1], algebraStore("union", "zunionstore"), {
    numkeys: 2,
    ...doc(
      "Add multiple sorted sets and store the resulting sorted set in a new key",
      "2.0.0",
      `destination numkeys key [key ...] ${AGG}`,
    ),
  }),
  command("zinterstore", -4, "w", [1, 1, 1], algebraStore("inter", "zinterstore"), {
    numkeys: 2,
    ...doc(
      "Intersect multiple sorted sets and store the resulting sorted set in a new key",
      "2.0.0",
      `destination numkeys key [key ...] ${AGG}`,
    ),
  }),
  command("zdiffstore", -4, "w", [1, 1, 1], algebraStore("diff", "zdiffstore"), {
    numkeys: 2,
    ...doc(
      "Subtract multiple sorted sets and store the resulting sorted set in a new key",
      "6.2.0",
      "destination numkeys key [key ...]",
    ),
  }),
  command("zintercard", -3, "r", null, zintercard, {
    numkeys: 1,
    ...doc(
      "Intersect multiple sorted sets and return the cardinality of the result",
      "7.0.0",
      "numkeys key [key ...] [LIMIT limit]",
    ),
  }),
];

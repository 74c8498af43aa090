// Redis sorted-set commands (spec §10.12) with Redis 7.0.15's option parsing, replies and error
// texts; the range family lives in zset-range.ts. Scores are replied as R.double, which RESP2
// prints as Redis's bulk score text and RESP3 as a `,` double.

import { command, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import { createCollection, zsetDelete, zsetPut } from "../collection-ops.ts";
import type { Entry } from "../entry.ts";
import { Errors } from "../errors.ts";
import { parseScore } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import type { SortedSet } from "../sorted-set.ts";
import { lookupForWrite } from "./collection-write.ts";
import { parseCount } from "./range-args.ts";
import { optionName } from "./redis-args.ts";
import { zsetAlgebraCommands } from "./zset-algebra.ts";
import { zsetRangeCommands } from "./zset-range.ts";
import { Notify, notifyKeyspaceEvent, notifyRemoval } from "../keyspace-events.ts";
import { zrandmember, zscan } from "./zset-sample-scan.ts";
import { zsetToRead } from "./zset-ranks.ts";

const XX_AND_NX = "ERR XX and NX options at the same time are not compatible";
const GT_LT_NX = "ERR GT, LT, and/or NX options at the same time are not compatible";
const INCR_PAIRS = "ERR INCR option supports a single increment-element pair";
const NAN_SCORE = "ERR resulting score is not a number (NaN)";

const zsetOf = (e: Entry): SortedSet => e.value as SortedSet;

/** ZADD and ZINCRBY (Redis zaddGenericCommand). */
export function zadd(ctx: Ctx, argv: readonly string[], incrCommand: boolean): Reply {
  let nx = false;
  let xx = false;
  let gt = false;
  let lt = false;
  let ch = false;
  let incr = incrCommand;
  let at = 2;
  for (; at < argv.length; at++) {
    const opt = optionName(argv[at]!);
    if (opt === "nx") nx = true;
    else if (opt === "xx") xx = true;
    else if (opt === "ch") ch = true;
    else if (opt === "incr") incr = true;
    else if (opt === "gt") gt = true;
    else if (opt === "lt") lt = true;
    else break;
  }
  const args = argv.length - at;
  if (args % 2 !== 0 || args === 0) throw Errors.syntax();
  if (nx && xx) throw Errors.custom(XX_AND_NX);
  if ((gt && nx) || (lt && nx) || (gt && lt)) throw Errors.custom(GT_LT_NX);
  const pairs = args / 2;
  if (incr && pairs > 1) throw Errors.custom(INCR_PAIRS);
  const scores: number[] = new Array(pairs);
  for (let j = 0; j < pairs; j++) {
    const s = parseScore(argv[at + 2 * j]!);
    if (s === undefined) throw Errors.notFloat();
    scores[j] = s;
  }
  const store = ctx.store;
  let e = lookupForWrite(ctx, argv[1]!, "zset");
  if (!e) {
    if (xx) return incr ? R.NIL : R.ZERO;
    e = createCollection(store, argv[1]!, "zset");
  }
  const z = zsetOf(e);
  let added = 0;
  let updated = 0;
  let processed = 0;
  let result = 0;
  for (let j = 0; j < pairs; j++) {
    const m = argv[at + 2 * j + 1]!;
    let s = scores[j]!;
    const cur = z.score(m);
    if (cur === undefined) {
      if (xx) continue;
      zsetPut(store, e, m, storedScore(s));
      added++;
    } else {
      if (nx) continue;
      if (incr) {
        s += cur;
        if (Number.isNaN(s)) throw Errors.custom(NAN_SCORE);
      }
      if ((lt && s >= cur) || (gt && s <= cur)) continue;
      if (s !== cur) {
        zsetPut(store, e, m, storedScore(s));
        updated++;
      }
    }
    processed++;
    result = s;
  }
  if (added || updated) notifyKeyspaceEvent(ctx, Notify.ZSET, incr ? "zincr" : "zadd", e.key);
  if (incr) return processed ? R.double(result) : R.NIL;
  return R.int(ch ? added + updated : added);
}

// Redis's small (listpack) encoding stores an integral score as an integer, so -0 reads back
// as 0; store it that way everywhere for one consistent answer.
function storedScore(s: number): number {
  return s === 0 ? 0 : s;
}

function zrem(ctx: Ctx, argv: readonly string[]): Reply {
  const e = lookupForWrite(ctx, argv[1]!, "zset");
  if (!e) return R.ZERO;
  let n = 0;
  for (let i = 2; i < argv.length && e.alive; i++) if (zsetDelete(ctx.store, e, argv[i]!)) n++;
  if (n) notifyRemoval(ctx, Notify.ZSET, "zrem", e);
  return R.int(n);
}

function zrank(ctx: Ctx, argv: readonly string[], reverse: boolean): Reply {
  const z = zsetToRead(ctx, argv[1]!);
  const r = z?.rank(argv[2]!);
  if (r === undefined) return R.NIL;
  return R.int(reverse ? z!.size - 1 - r : r);
}

/** ZPOPMIN / ZPOPMAX key [count]. */
function zpop(ctx: Ctx, argv: readonly string[], max: boolean): Reply {
  if (argv.length > 3) throw Errors.syntax();
  const count = argv.length === 3 ? parseCount(argv[2]!) : -1;
  const e = lookupForWrite(ctx, argv[1]!, "zset");
  if (!e || count === 0) return R.EMPTY;
  const z = zsetOf(e);
  const nested = ctx.conn.resp === 3 && count !== -1;
  const n = count === -1 ? 1 : Math.min(count, z.size);
  const out: Reply[] = [];
  for (let i = 0; i < n; i++) {
    const m = z.at(max ? z.size - 1 : 0)!;
    const s = z.score(m)!;
    zsetDelete(ctx.store, e, m);
    if (nested) out.push(R.array([R.bulk(m), R.double(s)]));
    else out.push(R.bulk(m), R.double(s));
  }
  notifyRemoval(ctx, Notify.ZSET, max ? "zpopmax" : "zpopmin", e);
  return R.array(out);
}

/** ZADD … ZSCAN (spec §10.12). */
/** Docs of this family's records (COMMAND DOCS, REPL help, docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  zadd: {
    summary: "Add one or more members to a sorted set, or update its score if it already exists",
    group: "sorted-set",
    since: "1.2.0",
    params: "key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]",
  },
  zincrby: {
    summary: "Increment the score of a member in a sorted set",
    group: "sorted-set",
    since: "1.2.0",
    params: "key increment member",
  },
  zrem: {
    summary: "Remove one or more members from a sorted set",
    group: "sorted-set",
    since: "1.2.0",
    params: "key member [member ...]",
  },
  zscore: {
    summary: "Get the score associated with the given member in a sorted set",
    group: "sorted-set",
    since: "1.2.0",
    params: "key member",
  },
  zmscore: {
    summary: "Get the score associated with the given members in a sorted set",
    group: "sorted-set",
    since: "6.2.0",
    params: "key member [member ...]",
  },
  zcard: {
    summary: "Get the number of members in a sorted set",
    group: "sorted-set",
    since: "1.2.0",
    params: "key",
  },
  zrank: {
    summary: "Determine the index of a member in a sorted set",
    group: "sorted-set",
    since: "2.0.0",
    params: "key member",
  },
  zrevrank: {
    summary:
      "Determine the index of a member in a sorted set, with scores ordered from high to low",
    group: "sorted-set",
    since: "2.0.0",
    params: "key member",
  },
  zpopmin: {
    summary: "Remove and return members with the lowest scores in a sorted set",
    group: "sorted-set",
    since: "5.0.0",
    params: "key [count]",
  },
  zpopmax: {
    summary: "Remove and return members with the highest scores in a sorted set",
    group: "sorted-set",
    since: "5.0.0",
    params: "key [count]",
  },
  zrandmember: {
    summary: "Get one or multiple random elements from a sorted set",
    group: "sorted-set",
    since: "6.2.0",
    params: "key [count [WITHSCORES]]",
  },
  zscan: {
    summary: "Incrementally iterate sorted sets elements and associated scores",
    group: "sorted-set",
    since: "2.8.0",
    params: "key cursor [MATCH pattern] [COUNT count]",
  },
};

export const zsetsCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("zadd", -4, "w", [1, 1, 1], (ctx, argv) => zadd(ctx, argv, false)),
  command("zincrby", 4, "w", [1, 1, 1], (ctx, argv) => zadd(ctx, argv, true)),
  command("zrem", -3, "w", [1, 1, 1], zrem),
  command("zscore", 3, "r", [1, 1, 1], (ctx, argv) => {
    const s = zsetToRead(ctx, argv[1]!)?.score(argv[2]!);
    return s === undefined ? R.NIL : R.double(s);
  }),
  command("zmscore", -3, "r", [1, 1, 1], (ctx, argv) => {
    const z = zsetToRead(ctx, argv[1]!);
    const out: Reply[] = [];
    for (let i = 2; i < argv.length; i++) {
      const s = z?.score(argv[i]!);
      out.push(s === undefined ? R.NIL : R.double(s));
    }
    return R.array(out);
  }),
  command("zcard", 2, "r", [1, 1, 1], (ctx, argv) => R.int(zsetToRead(ctx, argv[1]!)?.size ?? 0)),
  command("zrank", 3, "r", [1, 1, 1], (ctx, argv) => zrank(ctx, argv, false)),
  command("zrevrank", 3, "r", [1, 1, 1], (ctx, argv) => zrank(ctx, argv, true)),
  command("zpopmin", -2, "w", [1, 1, 1], (ctx, argv) => zpop(ctx, argv, false)),
  command("zpopmax", -2, "w", [1, 1, 1], (ctx, argv) => zpop(ctx, argv, true)),
  command("zrandmember", -2, "r", [1, 1, 1], zrandmember),
  command("zscan", -3, "r", [1, 1, 1], zscan),
  ...zsetRangeCommands,
  ...zsetAlgebraCommands,
]);

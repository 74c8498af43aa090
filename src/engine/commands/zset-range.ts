// Sorted-set range commands (spec §10.12): ZRANGE with BYSCORE/BYLEX/REV/LIMIT/WITHSCORES and
// its older forms, ZCOUNT, ZREMRANGEBYRANK, ZREMRANGEBYSCORE — Redis 7.0.15's
// zrangeGenericCommand, option for option and error for error.

import { command, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import { zsetDelete } from "../collection-ops.ts";
import { Errors } from "../errors.ts";
import { parseIntArg, parseScoreRange } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import type { SortedSet } from "../sorted-set.ts";
import { lookupForWrite } from "./collection-write.ts";
import { storeZset } from "./zset-algebra.ts";
import { indexRange } from "./range-args.ts";
import { Notify, notifyRemoval } from "../keyspace-events.ts";
import { NOT_FLOAT_RANGE, lexRanksOf, parseRange, scoreRanks, zsetToRead } from "./zset-ranks.ts";
import type { Direction, RangeType, Ranks } from "./zset-ranks.ts";

/** Members (and scores) of ranks [from, to), forward or backward, as Redis replies them. */
export function rangeReply(
  ctx: Ctx,
  z: SortedSet,
  from: number,
  to: number,
  reverse: boolean,
  withScores: boolean,
): Reply {
  if (from >= to) return R.EMPTY;
  const nested = withScores && ctx.conn.resp === 3;
  const out: Reply[] = [];
  z.forRange(from, to, (m, s) => {
    if (!withScores) out.push(R.bulk(m));
    else if (nested) out.push(R.array([R.bulk(m), R.double(s)]));
    else out.push(R.bulk(m), R.double(s));
  });
  if (reverse) {
    if (withScores && !nested) {
      for (let i = 0, j = out.length - 2; i < j; i += 2, j -= 2) {
        [out[i], out[j]] = [out[j]!, out[i]!];
        [out[i + 1], out[j + 1]] = [out[j + 1]!, out[i + 1]!];
      }
    } else out.reverse();
  }
  return R.array(out);
}

/** ZRANGE and its older forms: `type`/`dir` are fixed by the command, or "auto" for ZRANGE. */
function zrange(ctx: Ctx, argv: readonly string[], type: RangeType, dir: Direction): Reply {
  const r = parseRange(ctx, argv, 1, false, type, dir);
  if (!r.z) return R.EMPTY;
  return rangeReply(ctx, r.z, r.from, r.to, r.reverse, r.withScores);
}

/** ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]. */
function zrangestore(ctx: Ctx, argv: readonly string[]): Reply {
  const r = parseRange(ctx, argv, 2, true, "auto", "auto");
  const picked = new Map<string, number>();
  r.z?.forRange(r.from, r.to, (m, s) => picked.set(m, s));
  return R.int(storeZset(ctx, argv[1]!, picked, "zrangestore"));
}

function zcount(ctx: Ctx, argv: readonly string[]): Reply {
  const min = parseScoreRange(argv[2]!);
  const max = parseScoreRange(argv[3]!);
  if (!min || !max) throw Errors.custom(NOT_FLOAT_RANGE);
  const z = zsetToRead(ctx, argv[1]!);
  if (!z) return R.ZERO;
  const [from, to] = scoreRanks(z, min, max);
  return R.int(Math.max(0, to - from));
}

/** ZLEXCOUNT key min max. */
function zlexcount(ctx: Ctx, argv: readonly string[]): Reply {
  const ranks = lexRanksOf(argv[2]!, argv[3]!);
  const z = zsetToRead(ctx, argv[1]!);
  if (!z) return R.ZERO;
  const [from, to] = ranks(z);
  return R.int(Math.max(0, to - from));
}

/** ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX: parse, then remove the ranks the key resolves to. */
function zremrange(ctx: Ctx, argv: readonly string[], by: "rank" | "score" | "lex"): Reply {
  let ranks: (z: SortedSet) => Ranks;
  if (by === "lex") ranks = lexRanksOf(argv[2]!, argv[3]!);
  else if (by === "score") {
    const min = parseScoreRange(argv[2]!);
    const max = parseScoreRange(argv[3]!);
    if (!min || !max) throw Errors.custom(NOT_FLOAT_RANGE);
    ranks = (z) => scoreRanks(z, min, max);
  } else {
    const start = parseIntArg(argv[2]!);
    const end = parseIntArg(argv[3]!);
    ranks = (z) => indexRange(start, end, z.size);
  }
  const e = lookupForWrite(ctx, argv[1]!, "zset");
  if (!e) return R.ZERO;
  const z = e.value as SortedSet;
  const [from, to] = ranks(z);
  if (from >= to) return R.ZERO;
  if (to - from === z.size) {
    ctx.store.remove(e); // everything goes: one key deletion instead of one per member
  } else {
    for (const m of z.slice(from, to)) zsetDelete(ctx.store, e, m);
  }
  notifyRemoval(ctx, Notify.ZSET, `zremrangeby${by}`, e);
  return R.int(to - from);
}

/** ZRANGE, ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZCOUNT, ZREMRANGEBY{RANK,SCORE}. */
/** Docs of this family's records (COMMAND DOCS, REPL help, docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  zrange: {
    summary: "Return a range of members in a sorted set",
    group: "sorted-set",
    since: "1.2.0",
    params: "key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]",
  },
  zrevrange: {
    summary:
      "Return a range of members in a sorted set, by index, with scores ordered from high to low",
    group: "sorted-set",
    since: "1.2.0",
    params: "key start stop [WITHSCORES]",
  },
  zrangebyscore: {
    summary: "Return a range of members in a sorted set, by score",
    group: "sorted-set",
    since: "1.0.5",
    params: "key min max [WITHSCORES] [LIMIT offset count]",
  },
  zrevrangebyscore: {
    summary:
      "Return a range of members in a sorted set, by score, with scores ordered from high to low",
    group: "sorted-set",
    since: "2.2.0",
    params: "key max min [WITHSCORES] [LIMIT offset count]",
  },
  zrangebylex: {
    summary: "Return a range of members in a sorted set, by lexicographical range",
    group: "sorted-set",
    since: "2.8.9",
    params: "key min max [LIMIT offset count]",
  },
  zcount: {
    summary: "Count the members in a sorted set with scores within the given values",
    group: "sorted-set",
    since: "2.0.0",
    params: "key min max",
  },
  zremrangebyrank: {
    summary: "Remove all members in a sorted set within the given indexes",
    group: "sorted-set",
    since: "2.0.0",
    params: "key start stop",
  },
  zremrangebyscore: {
    summary: "Remove all members in a sorted set within the given scores",
    group: "sorted-set",
    since: "1.2.0",
    params: "key min max",
  },
};

export const zsetRangeCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("zrange", -4, "r", [1, 1, 1], (ctx, argv) => zrange(ctx, argv, "auto", "auto")),
  command("zrevrange", -4, "r", [1, 1, 1], (ctx, argv) => zrange(ctx, argv, "rank", "reverse")),
  command("zrangebyscore", -4, "r", [1, 1, 1], (ctx, argv) =>
    zrange(ctx, argv, "score", "forward"),
  ),
  command("zrevrangebyscore", -4, "r", [1, 1, 1], (ctx, argv) =>
    zrange(ctx, argv, "score", "reverse"),
  ),
  command("zrangebylex", -4, "r", [1, 1, 1], (ctx, argv) => zrange(ctx, argv, "lex", "forward")),
  command(
    "zrevrangebylex",
    -4,
    "r",
    [1, 1, 1],
    (ctx, argv) => zrange(ctx, argv, "lex", "reverse"),
    {
      doc: {
        summary:
          "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.",
        group: "sorted-set",
        since: "2.8.9",
        params: "key max min [LIMIT offset count]",
      },
    },
  ),
  command("zrangestore", -5, "w", [1, 2, 1], zrangestore, {
    doc: {
      summary: "Store a range of members from sorted set into another key",
      group: "sorted-set",
      since: "6.2.0",
      params: "dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]",
    },
  }),
  command("zcount", 4, "r", [1, 1, 1], zcount),
  command("zlexcount", 4, "r", [1, 1, 1], zlexcount, {
    doc: {
      summary: "Count the number of members in a sorted set between a given lexicographical range",
      group: "sorted-set",
      since: "2.8.9",
      params: "key min max",
    },
  }),
  command("zremrangebyrank", 4, "w", [1, 1, 1], (ctx, argv) => zremrange(ctx, argv, "rank")),
  command("zremrangebyscore", 4, "w", [1, 1, 1], (ctx, argv) => zremrange(ctx, argv, "score")),
  command("zremrangebylex", 4, "w", [1, 1, 1], (ctx, argv) => zremrange(ctx, argv, "lex"), {
    doc: {
      summary: "Remove all members in a sorted set between the given lexicographical range",
      group: "sorted-set",
      since: "2.8.9",
      params: "key min max",
    },
  }),
]);

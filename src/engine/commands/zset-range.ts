// Sorted-set range commands (spec §10.12): ZRANGE with BYSCORE/BYLEX/REV/LIMIT/WITHSCORES and
// its older forms, ZCOUNT, ZREMRANGEBYRANK, ZREMRANGEBYSCORE — Redis 7.0.15's
// zrangeGenericCommand, option for option and error for error.

import { compareBytes } from "../bytes.ts";
import { command, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import { zsetDelete } from "../collection-ops.ts";
import { Errors } from "../errors.ts";
import { parseIntArg, parseLexRange, parseScoreRange } from "../numbers.ts";
import type { LexBound, ScoreBound } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import type { RankPredicate, SortedSet } from "../sorted-set.ts";
import { readTyped } from "./access.ts";
import { lookupForWrite } from "./collection-write.ts";
import { storeZset } from "./zset-algebra.ts";
import { indexRange } from "./range-args.ts";
import { optionName } from "./redis-args.ts";
import { Notify, notifyRemoval } from "../keyspace-events.ts";

const NOT_FLOAT_RANGE = "ERR min or max is not a float";
const NOT_LEX_RANGE = "ERR min or max not valid string range item";
const LIMIT_NEEDS_BY =
  "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
const WITHSCORES_BYLEX = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";

type RangeType = "auto" | "rank" | "score" | "lex";
type Direction = "auto" | "forward" | "reverse";

/** Half-open rank interval [from, to) of a sorted set; empty when from >= to. */
type Ranks = readonly [from: number, to: number];

/** The ranks whose scores lie within [min, max] (with exclusive ends as given). */
export function scoreRanks(z: SortedSet, min: ScoreBound, max: ScoreBound): Ranks {
  const from = z.firstRank(min.exclusive ? (s) => s > min.value : (s) => s >= min.value);
  const to = z.firstRank(max.exclusive ? (s) => s >= max.value : (s) => s > max.value);
  return [from, to];
}

// Lex ranges assume every member has the same score (as Redis does): ranks are then in member
// byte order, and a binary search finds the ends.
function lexRanks(z: SortedSet, min: LexBound, max: LexBound): Ranks {
  return [z.firstRank(pastLexMin(min)), z.firstRank(pastLexMax(max))];
}

/** True from the first member that is >= (or >) the lower bound. */
function pastLexMin(b: LexBound): RankPredicate {
  if (b.kind === "min") return () => true;
  if (b.kind === "max") return () => false;
  const v = b.value;
  return b.exclusive ? (_s, m) => compareBytes(m, v) > 0 : (_s, m) => compareBytes(m, v) >= 0;
}

/** True from the first member beyond the upper bound. */
function pastLexMax(b: LexBound): RankPredicate {
  if (b.kind === "min") return () => true;
  if (b.kind === "max") return () => false;
  const v = b.value;
  return b.exclusive ? (_s, m) => compareBytes(m, v) >= 0 : (_s, m) => compareBytes(m, v) > 0;
}

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

/** Applies LIMIT offset count to the ranks [from, to) as Redis walks them (forward or back). */
function limitRanks([from, to]: Ranks, offset: number, limit: number, reverse: boolean): Ranks {
  // A negative offset walks off the end (Redis's `while (ln && offset--)`); a negative count is no limit.
  if (offset < 0 || from >= to) return [0, 0];
  if (!reverse) {
    const start = from + offset;
    return [start, limit < 0 ? to : Math.min(to, start + limit)];
  }
  const end = to - offset;
  return [limit < 0 ? from : Math.max(from, end - limit), end];
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

interface ParsedRange {
  /** The source set, undefined when the key is missing. */
  readonly z: SortedSet | undefined;
  readonly from: number;
  readonly to: number;
  readonly reverse: boolean;
  readonly withScores: boolean;
}

/** Redis's zrangeGenericCommand up to the ranks: options from argv[at+3], then the key argv[at]. */
function parseRange(
  ctx: Ctx,
  argv: readonly string[],
  at: number,
  store: boolean,
  type: RangeType,
  dir: Direction,
): ParsedRange {
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = at + 3; j < argv.length; j++) {
    const opt = optionName(argv[j]!);
    if (!store && opt === "withscores") withScores = true;
    else if (opt === "limit" && argv.length - j - 1 >= 2) {
      offset = parseIntArg(argv[j + 1]!);
      limit = parseIntArg(argv[j + 2]!);
      j += 2;
    } else if (dir === "auto" && opt === "rev") dir = "reverse";
    else if (type === "auto" && opt === "bylex") type = "lex";
    else if (type === "auto" && opt === "byscore") type = "score";
    else throw Errors.syntax();
  }
  const reverse = dir === "reverse";
  if (type === "auto") type = "rank";
  if (limit !== -1 && type === "rank") throw Errors.custom(LIMIT_NEEDS_BY);
  if (withScores && type === "lex") throw Errors.custom(WITHSCORES_BYLEX);
  // BYSCORE and BYLEX take the range as max, min when reversed.
  const [minArg, maxArg] =
    reverse && type !== "rank" ? [argv[at + 2]!, argv[at + 1]!] : [argv[at + 1]!, argv[at + 2]!];
  const none = { z: undefined, from: 0, to: 0, reverse, withScores };
  if (type === "rank") {
    const start = parseIntArg(minArg);
    const end = parseIntArg(maxArg);
    const z = zsetToRead(ctx, argv[at]!);
    if (!z) return none;
    const n = z.size;
    const [from, to] = indexRange(start, end, n);
    return reverse
      ? { z, from: n - to, to: n - from, reverse, withScores }
      : { z, from, to, reverse, withScores };
  }
  let ranks: (z: SortedSet) => Ranks;
  if (type === "score") {
    const min = parseScoreRange(minArg);
    const max = parseScoreRange(maxArg);
    if (!min || !max) throw Errors.custom(NOT_FLOAT_RANGE);
    ranks = (z) => scoreRanks(z, min, max);
  } else ranks = lexRanksOf(minArg, maxArg);
  const z = zsetToRead(ctx, argv[at]!);
  if (!z) return none;
  const [from, to] = limitRanks(ranks(z), offset, limit, reverse);
  return { z, from, to, reverse, withScores };
}

/** Parses a lex range (Redis's error when invalid) into the function that finds its ranks. */
function lexRanksOf(minArg: string, maxArg: string): (z: SortedSet) => Ranks {
  const min = parseLexRange(minArg);
  const max = parseLexRange(maxArg);
  if (!min || !max) throw Errors.custom(NOT_LEX_RANGE);
  return (z) => lexRanks(z, min, max);
}

function zsetToRead(ctx: Ctx, key: string): SortedSet | undefined {
  return readTyped(ctx, key, "zset")?.value as SortedSet | undefined;
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

// Which ranks a sorted-set range covers (zset-range.ts's commands read and remove them): by score,
// by lex, by index with ZRANGE's LIMIT, and ZRANGE's option parsing (Redis 7.0.15's
// zrangeGenericCommand up to the ranks), with Redis's error for each bad range.

import { compareBytes } from "../bytes.ts";
import type { Ctx } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { parseIntArg, parseLexRange, parseScoreRange } from "../numbers.ts";
import type { LexBound, ScoreBound } from "../numbers.ts";
import type { RankPredicate, SortedSet } from "../sorted-set.ts";
import { readTyped } from "./access.ts";
import { indexRange } from "./range-args.ts";
import { optionName } from "./redis-args.ts";

/** A score range that does not parse (ZCOUNT, ZREMRANGEBYSCORE, ZRANGE … BYSCORE). */
export const NOT_FLOAT_RANGE = "ERR min or max is not a float";
const NOT_LEX_RANGE = "ERR min or max not valid string range item";
const LIMIT_NEEDS_BY =
  "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";

const WITHSCORES_BYLEX = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";

/** What a range's ends are (ZRANGE's BYSCORE/BYLEX, or fixed by an older command). */
export type RangeType = "auto" | "rank" | "score" | "lex";
/** ZRANGE's REV, or fixed by an older command (ZREVRANGE…). */
export type Direction = "auto" | "forward" | "reverse";

/** Half-open rank interval [from, to) of a sorted set; empty when from >= to. */
export type Ranks = readonly [from: number, to: number];

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

interface ParsedRange {
  /** The source set, undefined when the key is missing. */
  readonly z: SortedSet | undefined;
  readonly from: number;
  readonly to: number;
  readonly reverse: boolean;
  readonly withScores: boolean;
}

/** Redis's zrangeGenericCommand up to the ranks: options from argv[at+3], then the key argv[at]. */
export function parseRange(
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
export function lexRanksOf(minArg: string, maxArg: string): (z: SortedSet) => Ranks {
  const min = parseLexRange(minArg);
  const max = parseLexRange(maxArg);
  if (!min || !max) throw Errors.custom(NOT_LEX_RANGE);
  return (z) => lexRanks(z, min, max);
}

/** The sorted set at `key` for a read (nil when missing, WRONGTYPE otherwise). */
export function zsetToRead(ctx: Ctx, key: string): SortedSet | undefined {
  return readTyped(ctx, key, "zset")?.value as SortedSet | undefined;
}

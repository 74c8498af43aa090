// ZRANDMEMBER and ZSCAN (zsets.ts registers them): drawing members with or without repeats, and a
// cursor over the set whose scores print as Redis's encodings print them. Apart from zsets.ts,
// which keeps the commands that add, remove, rank and pop.

import type { Ctx } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { compileGlob } from "../glob.ts";
import type { GlobMatcher } from "../glob.ts";
import { parseIntArg, parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import type { SortedSet } from "../sorted-set.ts";
import { RANDOM_REPLY_MAX, distinctIndexes, randomIndex } from "../sampling.ts";
import { formatScore } from "../score-text.ts";
import { SCAN_DEFAULT_COUNT } from "../../limits.ts";
import { parseScanCursor } from "./keys-scan.ts";
import { optionName } from "./redis-args.ts";
import { zsetToRead } from "./zset-ranks.ts";

const COUNT_RANGE =
  "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

const OUT_OF_RANGE = "ERR value is out of range";

const LONG_MAX = (1n << 63n) - 1n;

/** ZRANDMEMBER … WITHSCORES refuses |count| above LONG_MAX/2 (C integer division). */
const WITHSCORES_COUNT_MAX = LONG_MAX / 2n;

/** Scores with |value| <= 2^62 that are integers are held as integers by Redis's listpack. */
const LISTPACK_INT_MAX = 2 ** 62;

/** Redis's zset-max-listpack-entries default: larger sets use its skiplist encoding. */
const LISTPACK_MAX_ENTRIES = 128;

/** ZRANDMEMBER key [count [WITHSCORES]]. */
export function zrandmember(ctx: Ctx, argv: readonly string[]): Reply {
  if (argv.length < 3) {
    const z = zsetToRead(ctx, argv[1]!);
    return z ? R.bulk(z.at(randomRank(z))!) : R.NIL;
  }
  const l = parseStrictInt(argv[2]!);
  if (l === undefined) throw Errors.notInteger();
  if (l < -LONG_MAX) throw Errors.custom(COUNT_RANGE);
  if (argv.length > 4 || (argv.length === 4 && optionName(argv[3]!) !== "withscores"))
    throw Errors.syntax();
  const withScores = argv.length === 4;
  if (withScores && (l < -WITHSCORES_COUNT_MAX || l > WITHSCORES_COUNT_MAX))
    throw Errors.custom(OUT_OF_RANGE);
  const z = zsetToRead(ctx, argv[1]!);
  if (!z || l === 0n) return R.EMPTY;
  const nested = withScores && ctx.conn.resp === 3;
  const out: Reply[] = [];
  const emit = (m: string): void => {
    if (!withScores) out.push(R.bulk(m));
    else if (nested) out.push(R.array([R.bulk(m), R.double(z.score(m)!)]));
    else out.push(R.bulk(m), R.double(z.score(m)!));
  };
  if (l < 0n || l === 1n) {
    // With repetitions (or a single pick), in random order.
    if (-l > BigInt(RANDOM_REPLY_MAX)) throw Errors.custom(OUT_OF_RANGE);
    const picks: number[] = new Array(l < 0n ? Number(-l) : 1);
    for (let i = 0; i < picks.length; i++) picks[i] = randomRank(z);
    for (const m of z.membersAt(picks)) emit(m);
    return R.array(out);
  }
  const size = z.size;
  if (l >= BigInt(size)) {
    const all = z.slice(0, size);
    for (let r = size - 1; r >= 0; r--) emit(all[r]!); // the whole set, highest rank first (as Redis)
    return R.array(out);
  }
  for (const m of z.membersAt(distinctIndexes(Number(l), size))) emit(m);
  return R.array(out);
}

function randomRank(z: SortedSet): number {
  return randomIndex(z.size);
}

/**
 * ZSCAN key cursor [MATCH p] [COUNT n]: members in insertion order (spec §10.9); the cursor
 * names the next member's insertion number (SortedSet.scan), so changes between calls, and even
 * a restart, never hide a member.
 */
export function zscan(ctx: Ctx, argv: readonly string[]): Reply {
  const cursor = parseScanCursor(argv[2]!);
  const z = zsetToRead(ctx, argv[1]!);
  if (!z) return R.array([R.bulk("0"), R.EMPTY]);
  let count = SCAN_DEFAULT_COUNT;
  let match: GlobMatcher | undefined;
  for (let i = 3; i < argv.length; i += 2) {
    const opt = optionName(argv[i]!);
    const more = i + 1 < argv.length;
    if (opt === "count" && more) {
      count = parseIntArg(argv[i + 1]!);
      if (count < 1) throw Errors.syntax();
    } else if (opt === "match" && more) {
      match = argv[i + 1] === "*" ? undefined : compileGlob(argv[i + 1]!);
    } else throw Errors.syntax();
  }
  const { members, next } = z.scan(cursor, count);
  const out: Reply[] = [];
  for (const m of members) {
    if (match && !match(m)) continue;
    out.push(R.bulk(m), R.bulk(scanScoreText(z.score(m)!, z.size)));
  }
  return R.array([R.bulk(String(next)), R.array(out)]);
}

/**
 * ZSCAN prints scores as Redis holds them: a small set (listpack) keeps integral scores up to
 * 2^62 as integers, so 1e17 reads `100000000000000000`; a large one prints `%.17g` (`1e+17`).
 */
function scanScoreText(s: number, setSize: number): string {
  if (setSize <= LISTPACK_MAX_ENTRIES && Number.isInteger(s) && Math.abs(s) <= LISTPACK_INT_MAX) {
    return BigInt(s).toString();
  }
  return formatScore(s);
}

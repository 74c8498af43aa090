// Count and index-range arguments shared by the list and sorted-set families, read the way
// Redis 7.0.15 reads them (getPositiveLongFromObjectOrReply, the start/end sanitising of
// LRANGE, LTRIM, ZRANGE and ZREMRANGEBYRANK).

import { Errors } from "../errors.ts";
import { parseStrictInt } from "../numbers.ts";

const MUST_BE_POSITIVE = "ERR value is out of range, must be positive";

/**
 * A count that must be >= 0 (LPOP/RPOP/ZPOPMIN count, LPOS COUNT/MAXLEN). Redis replies the
 * same text for a non-integer and for a negative value: `msg` when the command gives one,
 * else `ERR value is out of range, must be positive`.
 */
export function parseCount(s: string, msg: string = MUST_BE_POSITIVE): number {
  const v = parseStrictInt(s);
  if (v === undefined || v < 0n) throw Errors.custom(msg);
  return Number(v);
}

/**
 * Redis's inclusive [start, end] index pair over a sequence of `len` (negative counts from the
 * end) as a half-open rank range [from, to); empty when from >= to.
 */
export function indexRange(start: number, end: number, len: number): [from: number, to: number] {
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return [0, 0];
  if (end >= len) end = len - 1;
  return [start, end + 1];
}

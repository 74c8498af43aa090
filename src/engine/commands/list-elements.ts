// The list commands that find elements by value or move them between lists (lists.ts registers
// them): LREM, LINSERT, LPOS, and LMOVE's work that RPOPLPUSH and the blocking moves share.
// LINSERT and LREM renumber the list through listReplace unless the change sits at an end.

import type { Ctx } from "../command-table.ts";
import { createCollection, listPop, listPush, listReplace, listSet } from "../collection-ops.ts";
import type { Deque } from "../deque.ts";
import type { Entry } from "../entry.ts";
import { Errors } from "../errors.ts";
import { parseIntArg } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { readTyped } from "./access.ts";
import { lookupForWrite } from "./collection-write.ts";
import { parseCount } from "./range-args.ts";
import { optionName } from "./redis-args.ts";
import { Notify, notifyKeyspaceEvent, notifyRemoval } from "../keyspace-events.ts";

const RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... " +
  "or use negative to start from the end of the list";

const COUNT_NEGATIVE = "ERR COUNT can't be negative";

const MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";

/** LPOS RANK -9223372036854775808: C negates it to itself (still negative). */
const LONG_MIN = -(2 ** 63);

/** The deque of a list entry. */
export const listOf = (e: Entry): Deque => e.value as Deque;

/** LREM key count element: removes matches from the head (count > 0), the tail (< 0) or all. */
export function lrem(ctx: Ctx, argv: readonly string[]): Reply {
  let toRemove = parseIntArg(argv[2]!);
  const v = argv[3]!;
  const e = lookupForWrite(ctx, argv[1]!, "list");
  if (!e) return R.ZERO;
  const d = listOf(e);
  const len = d.length;
  const fromTail = toRemove < 0;
  if (fromTail) toRemove = -toRemove;
  const hits: number[] = []; // indexes to remove, in scan order
  for (let k = 0; k < len; k++) {
    const i = fromTail ? len - 1 - k : k;
    if (d.at(i) === v) {
      hits.push(i);
      if (hits.length === toRemove) break;
    }
  }
  const n = hits.length;
  if (n === 0) return R.ZERO;
  // Hits are monotone, so they are a run at the scanned end exactly when the last one is n-1 in.
  if (hits[n - 1] === (fromTail ? len - n : n - 1)) {
    for (let k = 0; k < n; k++) listPop(ctx.store, e, !fromTail);
    notifyRemoval(ctx, Notify.LIST, "lrem", e);
    return R.int(n);
  }
  const drop = new Set(hits);
  const kept: string[] = [];
  for (let i = 0; i < len; i++) if (!drop.has(i)) kept.push(d.at(i)!);
  listReplace(ctx.store, e, kept);
  notifyRemoval(ctx, Notify.LIST, "lrem", e);
  return R.int(n);
}

/** LINSERT key BEFORE|AFTER pivot element. */
export function linsert(ctx: Ctx, argv: readonly string[]): Reply {
  const where = optionName(argv[2]!);
  if (where !== "after" && where !== "before") throw Errors.syntax();
  const e = lookupForWrite(ctx, argv[1]!, "list");
  if (!e) return R.ZERO;
  const d = listOf(e);
  const pivot = argv[3]!;
  let p = 0;
  while (p < d.length && d.at(p) !== pivot) p++;
  if (p === d.length) return R.int(-1);
  const at = where === "after" ? p + 1 : p;
  const v = argv[4]!;
  if (at === 0 || at === d.length) listPush(ctx.store, e, at === 0, v);
  else {
    const items = d.slice();
    items.splice(at, 0, v);
    listReplace(ctx.store, e, items);
  }
  notifyKeyspaceEvent(ctx, Notify.LIST, "linsert", e.key);
  return R.int(d.length);
}

/** LPOS key element [RANK rank] [COUNT num] [MAXLEN len]. */
export function lpos(ctx: Ctx, argv: readonly string[]): Reply {
  const v = argv[2]!;
  let rank = 1;
  let count = -1; // -1: no COUNT option
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = optionName(argv[j]!);
    const more = j < argv.length - 1;
    if (opt === "rank" && more) {
      rank = parseIntArg(argv[++j]!);
      if (rank === 0) throw Errors.custom(RANK_ZERO);
    } else if (opt === "count" && more) {
      count = parseCount(argv[++j]!, COUNT_NEGATIVE);
    } else if (opt === "maxlen" && more) {
      maxlen = parseCount(argv[++j]!, MAXLEN_NEGATIVE);
    } else throw Errors.syntax();
  }
  const fromTail = rank < 0;
  if (fromTail && rank !== LONG_MIN) rank = -rank;
  const e = readTyped(ctx, argv[1]!, "list");
  if (!e) return count !== -1 ? R.EMPTY : R.NIL;
  const d = listOf(e);
  const len = d.length;
  const found: Reply[] = [];
  let matches = 0;
  for (let k = 0; k < len && (maxlen === 0 || k < maxlen); k++) {
    const i = fromTail ? len - 1 - k : k;
    if (d.at(i) !== v) continue;
    matches++;
    if (matches < rank) continue;
    if (count === -1) return R.int(i);
    found.push(R.int(i));
    if (count !== 0 && matches - rank + 1 >= count) break;
  }
  return count === -1 ? R.NIL : R.array(found);
}

/** LEFT or RIGHT (LMOVE, BLMOVE): true for left. */
export function side(arg: string): boolean {
  const w = optionName(arg);
  if (w === "left") return true;
  if (w === "right") return false;
  throw Errors.syntax();
}

/** LMOVE's work (RPOPLPUSH, BLMOVE, BRPOPLPUSH): the moved element, or nil. */
export function move(
  ctx: Ctx,
  srcKey: string,
  dstKey: string,
  fromLeft: boolean,
  toLeft: boolean,
): Reply {
  const src = lookupForWrite(ctx, srcKey, "list");
  if (!src) return R.NIL;
  const dst = lookupForWrite(ctx, dstKey, "list");
  const store = ctx.store;
  if (src === dst && listOf(src).length === 1) {
    // Popping the only element would delete the key (and its TTL); the list stays as it is.
    const v = listOf(src).at(0)!;
    listSet(store, src, 0, v);
    notifyKeyspaceEvent(ctx, Notify.LIST, toLeft ? "lpush" : "rpush", dstKey);
    notifyKeyspaceEvent(ctx, Notify.LIST, fromLeft ? "lpop" : "rpop", srcKey);
    return R.bulk(v);
  }
  const v = listPop(store, src, fromLeft)!;
  // Redis notifies the push, then the pop, then the emptied source's deletion.
  listPush(store, dst ?? createCollection(store, dstKey, "list"), toLeft, v);
  notifyKeyspaceEvent(ctx, Notify.LIST, toLeft ? "lpush" : "rpush", dstKey);
  notifyRemoval(ctx, Notify.LIST, fromLeft ? "lpop" : "rpop", src);
  return R.bulk(v);
}

// Redis list commands (spec §10.6) with Redis 7.0.15's argument order, replies and errors.
// Storage cost (spec §13.2): pushes, pops, LSET and LTRIM touch only the positions they change
// (LTRIM only ever drops ends, so it pops); LINSERT and LREM renumber the list through
// listReplace unless the change happens to sit at an end.

import { command, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import { createCollection, listPop, listPush, listReplace, listSet } from "../collection-ops.ts";
import type { Deque } from "../deque.ts";
import type { Entry } from "../entry.ts";
import { Errors } from "../errors.ts";
import { parseIntArg } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { readTyped } from "./access.ts";
import { lookupForWrite } from "./collection-write.ts";
import { indexRange, parseCount } from "./range-args.ts";
import { optionName } from "./redis-args.ts";
import { Notify, notifyKeyspaceEvent, notifyRemoval } from "../keyspace-events.ts";

const RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... " +
  "or use negative to start from the end of the list";
const COUNT_NEGATIVE = "ERR COUNT can't be negative";
const MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
/** LPOS RANK -9223372036854775808: C negates it to itself (still negative). */
const LONG_MIN = -(2 ** 63);

const listOf = (e: Entry): Deque => e.value as Deque;

function push(ctx: Ctx, argv: readonly string[], left: boolean, onlyIfExists: boolean): Reply {
  let e = lookupForWrite(ctx, argv[1]!, "list");
  if (!e) {
    if (onlyIfExists) return R.ZERO;
    e = createCollection(ctx.store, argv[1]!, "list");
  }
  for (let i = 2; i < argv.length; i++) listPush(ctx.store, e, left, argv[i]!);
  notifyKeyspaceEvent(ctx, Notify.LIST, left ? "lpush" : "rpush", e.key);
  return R.int(listOf(e).length);
}

function pop(ctx: Ctx, argv: readonly string[], left: boolean): Reply {
  if (argv.length > 3) throw Errors.arity(left ? "lpop" : "rpop");
  const hasCount = argv.length === 3;
  const count = hasCount ? parseCount(argv[2]!) : 1;
  const e = lookupForWrite(ctx, argv[1]!, "list");
  if (!e) return hasCount ? R.NILARRAY : R.NIL;
  const event = left ? "lpop" : "rpop";
  if (!hasCount) {
    const v = listPop(ctx.store, e, left)!;
    notifyRemoval(ctx, Notify.LIST, event, e);
    return R.bulk(v);
  }
  if (count === 0) return R.EMPTY;
  const n = Math.min(count, listOf(e).length);
  const out: Reply[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = R.bulk(listPop(ctx.store, e, left)!);
  notifyRemoval(ctx, Notify.LIST, event, e);
  return R.array(out);
}

function lrange(ctx: Ctx, argv: readonly string[]): Reply {
  const start = parseIntArg(argv[2]!);
  const end = parseIntArg(argv[3]!);
  const e = readTyped(ctx, argv[1]!, "list");
  if (!e) return R.EMPTY;
  const d = listOf(e);
  const [from, to] = indexRange(start, end, d.length);
  if (from >= to) return R.EMPTY;
  const out: Reply[] = new Array(to - from);
  for (let i = from; i < to; i++) out[i - from] = R.bulk(d.at(i)!);
  return R.array(out);
}

function ltrim(ctx: Ctx, argv: readonly string[]): Reply {
  const start = parseIntArg(argv[2]!);
  const end = parseIntArg(argv[3]!);
  const e = lookupForWrite(ctx, argv[1]!, "list");
  if (!e) return R.OK;
  const len = listOf(e).length;
  const [from, to] = indexRange(start, end, len);
  if (from >= to) {
    ctx.store.remove(e); // everything goes: drop the key rather than pop each element
    notifyRemoval(ctx, Notify.LIST, "ltrim", e);
    return R.OK;
  }
  for (let i = 0; i < from; i++) listPop(ctx.store, e, true);
  for (let i = to; i < len; i++) listPop(ctx.store, e, false);
  notifyKeyspaceEvent(ctx, Notify.LIST, "ltrim", e.key);
  return R.OK;
}

function lindex(ctx: Ctx, argv: readonly string[]): Reply {
  const e = readTyped(ctx, argv[1]!, "list");
  if (!e) return R.NIL;
  const d = listOf(e);
  const i = parseIntArg(argv[2]!);
  return R.bulkOrNil(d.at(i < 0 ? d.length + i : i));
}

function lset(ctx: Ctx, argv: readonly string[]): Reply {
  const e = lookupForWrite(ctx, argv[1]!, "list");
  if (!e) throw Errors.noSuchKey();
  const d = listOf(e);
  const n = parseIntArg(argv[2]!);
  const i = n < 0 ? d.length + n : n;
  if (i < 0 || i >= d.length) throw Errors.indexOutOfRange();
  listSet(ctx.store, e, i, argv[3]!);
  notifyKeyspaceEvent(ctx, Notify.LIST, "lset", e.key);
  return R.OK;
}

function lrem(ctx: Ctx, argv: readonly string[]): Reply {
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

function linsert(ctx: Ctx, argv: readonly string[]): Reply {
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

function lpos(ctx: Ctx, argv: readonly string[]): Reply {
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

/** LPUSH … RPOPLPUSH (spec §10.6 "Lists"). */
/** Docs of this family's records (COMMAND DOCS, REPL help, docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  lpush: {
    summary: "Prepend one or multiple elements to a list",
    group: "list",
    since: "1.0.0",
    params: "key element [element ...]",
  },
  rpush: {
    summary: "Append one or multiple elements to a list",
    group: "list",
    since: "1.0.0",
    params: "key element [element ...]",
  },
  lpushx: {
    summary: "Prepend an element to a list, only if the list exists",
    group: "list",
    since: "2.2.0",
    params: "key element [element ...]",
  },
  rpushx: {
    summary: "Append an element to a list, only if the list exists",
    group: "list",
    since: "2.2.0",
    params: "key element [element ...]",
  },
  lpop: {
    summary: "Remove and get the first elements in a list",
    group: "list",
    since: "1.0.0",
    params: "key [count]",
  },
  rpop: {
    summary: "Remove and get the last elements in a list",
    group: "list",
    since: "1.0.0",
    params: "key [count]",
  },
  llen: { summary: "Get the length of a list", group: "list", since: "1.0.0", params: "key" },
  lrange: {
    summary: "Get a range of elements from a list",
    group: "list",
    since: "1.0.0",
    params: "key start stop",
  },
  lindex: {
    summary: "Get an element from a list by its index",
    group: "list",
    since: "1.0.0",
    params: "key index",
  },
  lset: {
    summary: "Set the value of an element in a list by its index",
    group: "list",
    since: "1.0.0",
    params: "key index element",
  },
  lrem: {
    summary: "Remove elements from a list",
    group: "list",
    since: "1.0.0",
    params: "key count element",
  },
  ltrim: {
    summary: "Trim a list to the specified range",
    group: "list",
    since: "1.0.0",
    params: "key start stop",
  },
  linsert: {
    summary: "Insert an element before or after another element in a list",
    group: "list",
    since: "2.2.0",
    params: "key BEFORE|AFTER pivot element",
  },
  lpos: {
    summary: "Return the index of matching elements on a list",
    group: "list",
    since: "6.0.6",
    params: "key element [RANK rank] [COUNT num-matches] [MAXLEN len]",
  },
  lmove: {
    summary: "Pop an element from a list, push it to another list and return it",
    group: "list",
    since: "6.2.0",
    params: "source destination LEFT|RIGHT LEFT|RIGHT",
  },
  rpoplpush: {
    summary: "Remove the last element in a list, prepend it to another list and return it",
    group: "list",
    since: "1.2.0",
    params: "source destination",
  },
};

export const listsCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("lpush", -3, "w", [1, 1, 1], (ctx, argv) => push(ctx, argv, true, false)),
  command("rpush", -3, "w", [1, 1, 1], (ctx, argv) => push(ctx, argv, false, false)),
  command("lpushx", -3, "w", [1, 1, 1], (ctx, argv) => push(ctx, argv, true, true)),
  command("rpushx", -3, "w", [1, 1, 1], (ctx, argv) => push(ctx, argv, false, true)),
  command("lpop", -2, "w", [1, 1, 1], (ctx, argv) => pop(ctx, argv, true)),
  command("rpop", -2, "w", [1, 1, 1], (ctx, argv) => pop(ctx, argv, false)),
  command("llen", 2, "r", [1, 1, 1], (ctx, argv) => {
    const e = readTyped(ctx, argv[1]!, "list");
    return e ? R.int(listOf(e).length) : R.ZERO;
  }),
  command("lrange", 4, "r", [1, 1, 1], lrange),
  command("lindex", 3, "r", [1, 1, 1], lindex),
  command("lset", 4, "w", [1, 1, 1], lset),
  command("lrem", 4, "w", [1, 1, 1], lrem),
  command("ltrim", 4, "w", [1, 1, 1], ltrim),
  command("linsert", 5, "w", [1, 1, 1], linsert),
  command("lpos", -3, "r", [1, 1, 1], lpos),
  command(
    "lmove",
    5,
    "w",
    [1, 2, 1],
    (ctx, argv) => {
      const fromLeft = side(argv[3]!);
      const toLeft = side(argv[4]!);
      return move(ctx, argv[1]!, argv[2]!, fromLeft, toLeft);
    },
    { keyFlags: ["RW access delete", "RW insert"] },
  ),
  command(
    "rpoplpush",
    3,
    "w",
    [1, 2, 1],
    (ctx, argv) => move(ctx, argv[1]!, argv[2]!, false, true),
    { keyFlags: ["RW access delete", "RW insert"] },
  ),
]);

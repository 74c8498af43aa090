// Redis list commands (spec §10.6) with Redis 7.0.15's argument order, replies and errors.
// Storage cost (spec §13.2): pushes, pops, LSET and LTRIM touch only the positions they change
// (LTRIM only ever drops ends, so it pops); LINSERT and LREM renumber the list through
// listReplace unless the change happens to sit at an end.

import { command, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import { createCollection, listPop, listPush, listSet } from "../collection-ops.ts";
import { Errors } from "../errors.ts";
import { parseIntArg } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { readTyped } from "./access.ts";
import { lookupForWrite } from "./collection-write.ts";
import { indexRange, parseCount } from "./range-args.ts";
import { Notify, notifyKeyspaceEvent, notifyRemoval } from "../keyspace-events.ts";
import { linsert, listOf, lpos, lrem, move, side } from "./list-elements.ts";

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

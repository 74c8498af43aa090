// LMPOP and ZMPOP (Redis 7.0.15's lmpopGenericCommand / zmpopGenericCommand, non-blocking):
// pop up to COUNT elements from the first non-empty key of `numkeys` keys; the reply names the
// key. Both parse numkeys, the direction word and COUNT the same way.

import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { listPop, zsetDelete } from "../collection-ops.ts";
import type { Deque } from "../deque.ts";
import { Errors } from "../errors.ts";
import { parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import type { SortedSet } from "../sorted-set.ts";
import { lookupForWrite } from "./collection-write.ts";
import { optionName } from "./redis-args.ts";
import { Notify, notifyRemoval } from "../keyspace-events.ts";

const NUMKEYS_POSITIVE = "ERR numkeys should be greater than 0";
const COUNT_POSITIVE = "ERR count should be greater than 0";

/** getRangeLongFromObjectOrReply(1, LONG_MAX, msg): one text for junk and for < 1. */
function positive(s: string, msg: string): number {
  const v = parseStrictInt(s);
  if (v === undefined || v < 1n) throw Errors.custom(msg);
  return Number(v);
}

export interface MultiPop {
  readonly keys: readonly string[];
  /** The direction word, lower case (left/right, min/max). */
  readonly where: string;
  readonly count: number;
}

/**
 * numkeys key [key ...] <where> [COUNT count], with `where` one of `words`; `at` is numkeys's
 * index (BLMPOP and BZMPOP have the timeout first).
 */
export function parseMultiPop(argv: readonly string[], words: readonly string[], at = 1): MultiPop {
  const n = positive(argv[at]!, NUMKEYS_POSITIVE);
  const whereAt = at + n + 1;
  if (whereAt >= argv.length) throw Errors.syntax();
  const where = optionName(argv[whereAt]!);
  if (!words.includes(where)) throw Errors.syntax();
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && optionName(argv[j]!) === "count" && more) {
      count = positive(argv[++j]!, COUNT_POSITIVE);
    } else throw Errors.syntax();
  }
  return { keys: argv.slice(at + 1, at + 1 + n), where, count: count === -1 ? 1 : count };
}

/** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]. */
function lmpop(ctx: Ctx, argv: readonly string[]): Reply {
  return listMultiPop(ctx, parseMultiPop(argv, ["left", "right"]));
}

/** LMPOP's work (BLMPOP's too): [key, [elements]] from the first list, or a null array. */
export function listMultiPop(ctx: Ctx, { keys, where, count }: MultiPop): Reply {
  for (const key of keys) {
    const e = lookupForWrite(ctx, key, "list");
    if (!e) continue;
    const n = Math.min(count, (e.value as Deque).length);
    const out: Reply[] = [];
    for (let i = 0; i < n; i++) out.push(R.bulk(listPop(ctx.store, e, where === "left")!));
    notifyRemoval(ctx, Notify.LIST, where === "left" ? "lpop" : "rpop", e);
    return R.array([R.bulk(key), R.array(out)]);
  }
  return R.NILARRAY;
}

/** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: [key, [[member, score], …]]. */
function zmpop(ctx: Ctx, argv: readonly string[]): Reply {
  return zsetMultiPop(ctx, parseMultiPop(argv, ["min", "max"]));
}

/** ZMPOP's work (BZMPOP's too): [key, [[member, score], …]] from the first zset, or a null array. */
export function zsetMultiPop(ctx: Ctx, { keys, where, count }: MultiPop): Reply {
  for (const key of keys) {
    const e = lookupForWrite(ctx, key, "zset");
    if (!e) continue;
    const z = e.value as SortedSet;
    const n = Math.min(count, z.size);
    const out: Reply[] = [];
    for (let i = 0; i < n; i++) {
      const m = z.at(where === "max" ? z.size - 1 : 0)!;
      const s = z.score(m)!;
      zsetDelete(ctx.store, e, m);
      out.push(R.array([R.bulk(m), R.double(s)]));
    }
    notifyRemoval(ctx, Notify.ZSET, where === "max" ? "zpopmax" : "zpopmin", e);
    return R.array([R.bulk(key), R.array(out)]);
  }
  return R.NILARRAY;
}

/** LMPOP and ZMPOP. */
export const multiPopCommands: readonly CommandSpec[] = [
  command("lmpop", -4, "w", null, lmpop, {
    numkeys: 1,
    doc: {
      summary: "Pop elements from a list",
      group: "list",
      since: "7.0.0",
      params: "numkeys key [key ...] <LEFT | RIGHT> [COUNT count]",
    },
  }),
  command("zmpop", -4, "w", null, zmpop, {
    numkeys: 1,
    doc: {
      summary: "Remove and return members with scores in a sorted set",
      group: "sorted-set",
      since: "7.0.0",
      params: "numkeys key [key ...] <MIN | MAX> [COUNT count]",
    },
  }),
];

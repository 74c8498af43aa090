// The blocking pops (issue 16): BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX,
// BZMPOP. Each is its non-blocking form; when that finds nothing the client waits (Engine.block)
// and the same command runs again when one of its keys is written, or answers its timeout reply.

import { command, withDocs } from "../command-table.ts";
import type { CommandDoc, CommandSpec, Ctx } from "../command-table.ts";
import { listPop, zsetDelete } from "../collection-ops.ts";
import type { ValueType } from "../entry.ts";
import { CommandError } from "../errors.ts";
import { parseRedisFloat } from "../numbers.ts";
import { R } from "../reply.ts";
import { literalToDouble, scanLiteral } from "../strtod.ts";
import type { Reply } from "../reply.ts";
import type { SortedSet } from "../sorted-set.ts";
import { lookupForWrite } from "./collection-write.ts";
import { move, side } from "./list-elements.ts";
import { listMultiPop, parseMultiPop, zsetMultiPop } from "./multi-pop.ts";
import { Notify, notifyRemoval } from "../keyspace-events.ts";

/** 2^63: a timeout in ms at or past it does not fit Redis's 64-bit `long long`. */
const LONG_LONG_LIMIT = 2 ** 63;

/**
 * A timeout in seconds as Redis 7.0's getTimeoutFromObjectOrReply reads it (a long double, times
 * 1000, cast to long long): milliseconds, 0 for forever. The cast of a value past 2^63 (inf,
 * 1e16 seconds) gives LLONG_MIN on x86, so Redis calls those negative; a deadline that overflows
 * mstime blocks forever there, so it does here.
 */
export function parseTimeoutSeconds(arg: string, now: number): number {
  const lit = scanLiteral(arg);
  // string2ld reads hexadecimal too (strtold): `BLPOP k 0x10` waits 16 seconds.
  const v = lit?.kind === "hex" ? literalToDouble(lit) : parseRedisFloat(arg);
  if (v === undefined || Number.isNaN(v))
    throw new CommandError("ERR", "ERR timeout is not a float or out of range");
  const ms = Math.trunc(v * 1000);
  if (ms < 0 || !(ms < LONG_LONG_LIMIT)) throw new CommandError("ERR", "ERR timeout is negative");
  return ms > Number.MAX_SAFE_INTEGER - now ? 0 : ms;
}

/** Waits on `keys` for a key of `type`, or answers `timeoutReply` where a client cannot wait. */
function waitFor(
  ctx: Ctx,
  argv: readonly string[],
  keys: readonly string[],
  type: ValueType,
  timeoutMs: number,
  timeoutReply: Reply,
): Reply {
  return ctx.engine.block(ctx, { keys, type, timeoutMs, timeoutReply }, argv);
}

/** BLPOP/BRPOP key [key ...] timeout: [key, element] from the first non-empty list. */
function bpop(left: boolean) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    const timeout = parseTimeoutSeconds(argv[argv.length - 1]!, ctx.now);
    const keys = argv.slice(1, -1);
    for (const key of keys) {
      const e = lookupForWrite(ctx, key, "list");
      if (!e) continue;
      const v = listPop(ctx.store, e, left)!;
      notifyRemoval(ctx, Notify.LIST, left ? "lpop" : "rpop", e);
      return R.array([R.bulk(key), R.bulk(v)]);
    }
    return waitFor(ctx, argv, keys, "list", timeout, R.NILARRAY);
  };
}

/** BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout, BRPOPLPUSH source destination timeout. */
function bmove(ctx: Ctx, argv: readonly string[]): Reply {
  const lmove = argv.length === 6;
  const from = lmove ? side(argv[3]!) : false;
  const to = lmove ? side(argv[4]!) : true;
  const timeout = parseTimeoutSeconds(argv[argv.length - 1]!, ctx.now);
  const r = move(ctx, argv[1]!, argv[2]!, from, to);
  if (r.k !== "nil") return r;
  return waitFor(ctx, argv, [argv[1]!], "list", timeout, R.NIL);
}

/** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]. */
function blmpop(ctx: Ctx, argv: readonly string[]): Reply {
  const timeout = parseTimeoutSeconds(argv[1]!, ctx.now);
  const mp = parseMultiPop(argv, ["left", "right"], 2);
  const r = listMultiPop(ctx, mp);
  if (r.k !== "nilarray") return r;
  return waitFor(ctx, argv, mp.keys, "list", timeout, R.NILARRAY);
}

/** BZPOPMIN/BZPOPMAX key [key ...] timeout: [key, member, score]. */
function bzpop(max: boolean) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    const timeout = parseTimeoutSeconds(argv[argv.length - 1]!, ctx.now);
    const keys = argv.slice(1, -1);
    for (const key of keys) {
      const e = lookupForWrite(ctx, key, "zset");
      if (!e) continue;
      const z = e.value as SortedSet;
      const m = z.at(max ? z.size - 1 : 0)!;
      const s = z.score(m)!;
      zsetDelete(ctx.store, e, m);
      notifyRemoval(ctx, Notify.ZSET, max ? "zpopmax" : "zpopmin", e);
      return R.array([R.bulk(key), R.bulk(m), R.double(s)]);
    }
    return waitFor(ctx, argv, keys, "zset", timeout, R.NILARRAY);
  };
}

/** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]. */
function bzmpop(ctx: Ctx, argv: readonly string[]): Reply {
  const timeout = parseTimeoutSeconds(argv[1]!, ctx.now);
  const mp = parseMultiPop(argv, ["min", "max"], 2);
  const r = zsetMultiPop(ctx, mp);
  if (r.k !== "nilarray") return r;
  return waitFor(ctx, argv, mp.keys, "zset", timeout, R.NILARRAY);
}

/** Docs of this family's records (COMMAND DOCS, REPL help, docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  blpop: {
    summary: "Remove and get the first element in a list, or block until one is available",
    group: "list",
    since: "2.0.0",
    params: "key [key ...] timeout",
  },
  brpop: {
    summary: "Remove and get the last element in a list, or block until one is available",
    group: "list",
    since: "2.0.0",
    params: "key [key ...] timeout",
  },
  blmove: {
    summary:
      "Pop an element from a list, push it to another list and return it; or block until one is available",
    group: "list",
    since: "6.2.0",
    params: "source destination LEFT|RIGHT LEFT|RIGHT timeout",
  },
  brpoplpush: {
    summary:
      "Pop an element from a list, push it to another list and return it; or block until one is available",
    group: "list",
    since: "2.2.0",
    params: "source destination timeout",
  },
  blmpop: {
    summary: "Pop elements from a list, or block until one is available",
    group: "list",
    since: "7.0.0",
    params: "timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]",
  },
  bzpopmin: {
    summary:
      "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available",
    group: "sorted-set",
    since: "5.0.0",
    params: "key [key ...] timeout",
  },
  bzpopmax: {
    summary:
      "Remove and return the member with the highest score from one or more sorted sets, or block until one is available",
    group: "sorted-set",
    since: "5.0.0",
    params: "key [key ...] timeout",
  },
  bzmpop: {
    summary:
      "Remove and return members with scores in a sorted set or block until one is available",
    group: "sorted-set",
    since: "7.0.0",
    params: "timeout numkeys key [key ...] MIN|MAX [COUNT count]",
  },
};

export const blockingPopCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("blpop", -3, "wb", [1, -2, 1], bpop(true)),
  command("brpop", -3, "wb", [1, -2, 1], bpop(false)),
  command("blmove", 6, "wmsb", [1, 2, 1], bmove),
  command("brpoplpush", 4, "wmsb", [1, 2, 1], bmove),
  command("blmpop", -5, "wb", null, blmpop, { numkeys: 2 }),
  command("bzpopmin", -3, "wfb", [1, -2, 1], bzpop(false)),
  command("bzpopmax", -3, "wfb", [1, -2, 1], bzpop(true)),
  command("bzmpop", -5, "wb", null, bzmpop, { numkeys: 2 }),
]);

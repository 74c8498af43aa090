// Counters on string values (spec §3.5, §10.6): INCR DECR INCRBY DECRBY INCRBYFLOAT.
// Integer results are stored as type int, float results as string; the TTL is kept.

import { byteLength } from "../bytes.ts";
import { command, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { Notify, notifyKeyspaceEvent } from "../keyspace-events.ts";
import { parseInt64Arg, parseRedisFloat, parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { floatResultText } from "../py-float.ts";
import { isStringLike, stringOf } from "./access.ts";
import { INT64_MAX, INT64_MIN } from "./redis-args.ts";

/** Adds `by` to the integer at `key` (missing = 0), Redis `incrDecrCommand`. */
function incrBy(ctx: Ctx, key: string, by: bigint): Reply {
  const e = ctx.store.get(key);
  let current = 0n;
  if (e) {
    if (!isStringLike(e.type)) throw Errors.wrongType();
    // json text is never a strict integer (its root is an object or array).
    const v = e.type === "int" ? (e.value as bigint) : parseStrictInt(stringOf(e));
    if (v === undefined) throw Errors.notInteger();
    current = v;
  }
  const next = current + by;
  if (next > INT64_MAX || next < INT64_MIN) throw Errors.overflow();
  ctx.store.put(key, "int", next, next.toString().length, true);
  notifyKeyspaceEvent(ctx, Notify.STRING, "incrby", key);
  return R.int(next);
}

function incrbyfloat(ctx: Ctx, argv: readonly string[]): Reply {
  const key = argv[1]!;
  const e = ctx.store.get(key);
  // Redis checks the type, then the stored value, then the increment.
  if (e && !isStringLike(e.type)) throw Errors.wrongType();
  const current = !e
    ? 0
    : e.type === "int"
      ? Number(e.value as bigint)
      : parseRedisFloat(stringOf(e));
  if (current === undefined) throw Errors.notFloat();
  const incr = parseRedisFloat(argv[2]!);
  if (incr === undefined) throw Errors.notFloat();
  const sum = current + incr;
  if (!Number.isFinite(sum)) throw Errors.nanOrInf();
  const text = floatResultText(sum);
  ctx.store.put(key, "string", text, byteLength(text), true);
  notifyKeyspaceEvent(ctx, Notify.STRING, "incrbyfloat", key);
  return R.bulk(text);
}

/** INCR DECR INCRBY DECRBY INCRBYFLOAT. */
/** Docs of this family's records (COMMAND DOCS, REPL help, docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  incr: {
    summary: "Increment the integer value of a key by one",
    group: "string",
    since: "1.0.0",
    params: "key",
  },
  decr: {
    summary: "Decrement the integer value of a key by one",
    group: "string",
    since: "1.0.0",
    params: "key",
  },
  incrby: {
    summary: "Increment the integer value of a key by the given amount",
    group: "string",
    since: "1.0.0",
    params: "key increment",
  },
  decrby: {
    summary: "Decrement the integer value of a key by the given number",
    group: "string",
    since: "1.0.0",
    params: "key decrement",
  },
  incrbyfloat: {
    summary: "Increment the float value of a key by the given amount",
    group: "string",
    since: "2.6.0",
    params: "key increment",
  },
};

export const counterCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("incr", 2, "w", [1, 1, 1], (ctx, argv) => incrBy(ctx, argv[1]!, 1n)),
  command("decr", 2, "w", [1, 1, 1], (ctx, argv) => incrBy(ctx, argv[1]!, -1n)),
  command("incrby", 3, "w", [1, 1, 1], (ctx, argv) =>
    incrBy(ctx, argv[1]!, parseInt64Arg(argv[2]!)),
  ),
  command("decrby", 3, "w", [1, 1, 1], (ctx, argv) => {
    const by = parseInt64Arg(argv[2]!);
    if (by === INT64_MIN) throw Errors.decrOverflow(); // -by would not fit 64 bits
    return incrBy(ctx, argv[1]!, -by);
  }),
  command("incrbyfloat", 3, "w", [1, 1, 1], incrbyfloat),
]);

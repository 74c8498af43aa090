// Redis hash commands (spec §10.6 "Hashes"), as Redis 7.0.15 replies to them. Fields are kept
// in insertion order (spec §10.11 item 4); an update keeps a field's place — the order Redis
// itself shows for small (listpack) hashes. HINCRBYFLOAT computes in IEEE doubles and prints
// the shortest round-trip decimal (spec §3.3 "Float result text", §10.11 item 5).

import { byteLength } from "../bytes.ts";
import { createCollection, hashDelete, hashPut } from "../collection-ops.ts";
import { command, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import type { Entry } from "../entry.ts";
import { Errors } from "../errors.ts";
import { parseInt64Arg, parseRedisFloat, parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { floatResultText } from "../py-float.ts";
import { readTyped } from "./access.ts";
import { lookupForWrite } from "./collection-write.ts";
import { hashRandomCommands } from "./hash-random.ts";
import { parseScanCursor, parseScanOptions, scanReply } from "./member-scan.ts";
import { Notify, notifyKeyspaceEvent, notifyRemoval } from "../keyspace-events.ts";

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
/** HINCRBYFLOAT's own check of an infinite increment, made before the key is looked up. */
const INCR_NOT_FINITE_TEXT = "ERR value is NaN or Infinity";
/** An increment that parsed as a literal infinity (`inf`, `-Infinity` …), not an overflow. */
const LITERAL_INFINITY_RE = /^[+-]?inf/i;

/** The fields of a hash entry. */
function fieldsOf(e: Entry): Map<string, string> {
  return e.value as Map<string, string>;
}

/** The hash of a key for a write, created when missing (the caller adds a field). */
function hashForWrite(ctx: Ctx, key: string): Entry {
  return lookupForWrite(ctx, key, "hash") ?? createCollection(ctx.store, key, "hash");
}

/** HSET/HMSET: pairs after the key; an odd pair count is Redis's arity error. Returns new fields. */
function setFields(ctx: Ctx, argv: readonly string[], name: string): number {
  if (argv.length % 2 !== 0) throw Errors.arity(name);
  const e = hashForWrite(ctx, argv[1]!);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2)
    if (hashPut(ctx.store, e, argv[i]!, argv[i + 1]!)) created++;
  notifyKeyspaceEvent(ctx, Notify.HASH, "hset", e.key);
  return created;
}

/** HKEYS, HVALS, HGETALL: a flat list of what `pick` takes from each field. */
function listFields(
  ctx: Ctx,
  key: string,
  pick: (f: string, v: string, out: Reply[]) => void,
): Reply[] {
  const e = readTyped(ctx, key, "hash");
  const out: Reply[] = [];
  if (e) for (const [f, v] of fieldsOf(e)) pick(f, v, out);
  return out;
}

/** HINCRBY key field increment (Redis order: increment, type, field value, overflow). */
function hincrby(ctx: Ctx, key: string, field: string, incrText: string): Reply {
  const incr = parseInt64Arg(incrText);
  const e = lookupForWrite(ctx, key, "hash");
  const old = e ? fieldsOf(e).get(field) : undefined;
  let base = 0n;
  if (old !== undefined) {
    const v = parseStrictInt(old);
    if (v === undefined) throw Errors.hashNotInteger();
    base = v;
  }
  const next = base + incr;
  if (next < INT64_MIN || next > INT64_MAX) throw Errors.overflow();
  // Redis keeps a field's TTL through HINCRBY (and HINCRBYFLOAT).
  hashPut(ctx.store, e ?? createCollection(ctx.store, key, "hash"), field, next.toString(), true);
  notifyKeyspaceEvent(ctx, Notify.HASH, "hincrby", key);
  return R.int(next);
}

/**
 * HINCRBYFLOAT key field increment. An increment too large for a double (`1e400`, which
 * Redis's long double still holds) is not a literal infinity: it passes the early check and
 * fails as a result that is not finite.
 */
function hincrbyfloat(ctx: Ctx, key: string, field: string, incrText: string): Reply {
  const incr = parseRedisFloat(incrText);
  if (incr === undefined) throw Errors.notFloat();
  if (!Number.isFinite(incr) && LITERAL_INFINITY_RE.test(incrText))
    throw Errors.custom(INCR_NOT_FINITE_TEXT);
  const e = lookupForWrite(ctx, key, "hash");
  const old = e ? fieldsOf(e).get(field) : undefined;
  let base = 0;
  if (old !== undefined) {
    const v = parseRedisFloat(old);
    if (v === undefined) throw Errors.hashNotFloat();
    base = v;
  }
  const next = base + incr;
  if (!Number.isFinite(next)) throw Errors.nanOrInf();
  const text = floatResultText(next);
  hashPut(ctx.store, e ?? createCollection(ctx.store, key, "hash"), field, text, true);
  notifyKeyspaceEvent(ctx, Notify.HASH, "hincrbyfloat", key);
  return R.bulk(text);
}

/** Docs of this family's records (COMMAND DOCS, REPL help, docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  hset: {
    summary: "Set the string value of a hash field",
    group: "hash",
    since: "2.0.0",
    params: "key field value [field value ...]",
  },
  hmset: {
    summary: "Set multiple hash fields to multiple values",
    group: "hash",
    since: "2.0.0",
    params: "key field value [field value ...]",
  },
  hsetnx: {
    summary: "Set the value of a hash field, only if the field does not exist",
    group: "hash",
    since: "2.0.0",
    params: "key field value",
  },
  hget: {
    summary: "Get the value of a hash field",
    group: "hash",
    since: "2.0.0",
    params: "key field",
  },
  hmget: {
    summary: "Get the values of all the given hash fields",
    group: "hash",
    since: "2.0.0",
    params: "key field [field ...]",
  },
  hdel: {
    summary: "Delete one or more hash fields",
    group: "hash",
    since: "2.0.0",
    params: "key field [field ...]",
  },
  hexists: {
    summary: "Determine if a hash field exists",
    group: "hash",
    since: "2.0.0",
    params: "key field",
  },
  hlen: {
    summary: "Get the number of fields in a hash",
    group: "hash",
    since: "2.0.0",
    params: "key",
  },
  hstrlen: {
    summary: "Get the length of the value of a hash field",
    group: "hash",
    since: "3.2.0",
    params: "key field",
  },
  hkeys: { summary: "Get all the fields in a hash", group: "hash", since: "2.0.0", params: "key" },
  hvals: { summary: "Get all the values in a hash", group: "hash", since: "2.0.0", params: "key" },
  hgetall: {
    summary: "Get all the fields and values in a hash",
    group: "hash",
    since: "2.0.0",
    params: "key",
  },
  hincrby: {
    summary: "Increment the integer value of a hash field by the given number",
    group: "hash",
    since: "2.0.0",
    params: "key field increment",
  },
  hincrbyfloat: {
    summary: "Increment the float value of a hash field by the given amount",
    group: "hash",
    since: "2.6.0",
    params: "key field increment",
  },
  hscan: {
    summary: "Incrementally iterate hash fields and associated values",
    group: "hash",
    since: "2.8.0",
    params: "key cursor [MATCH pattern] [COUNT count]",
  },
};

export const hashesCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("hset", -4, "w", [1, 1, 1], (ctx, argv) => R.int(setFields(ctx, argv, "hset"))),
  command("hmset", -4, "w", [1, 1, 1], (ctx, argv) => {
    setFields(ctx, argv, "hmset");
    return R.OK;
  }),
  command("hsetnx", 4, "w", [1, 1, 1], (ctx, [, key, field, value]) => {
    const e = lookupForWrite(ctx, key!, "hash");
    if (e && fieldsOf(e).has(field!)) return R.ZERO;
    hashPut(ctx.store, e ?? createCollection(ctx.store, key!, "hash"), field!, value!);
    notifyKeyspaceEvent(ctx, Notify.HASH, "hset", key!);
    return R.ONE;
  }),
  command("hget", 3, "r", [1, 1, 1], (ctx, [, key, field]) => {
    const e = readTyped(ctx, key!, "hash");
    return R.bulkOrNil(e && fieldsOf(e).get(field!));
  }),
  command("hmget", -3, "r", [1, 1, 1], (ctx, argv) => {
    const e = readTyped(ctx, argv[1]!, "hash");
    const h = e ? fieldsOf(e) : undefined;
    return R.array(argv.slice(2).map((f) => R.bulkOrNil(h?.get(f))));
  }),
  command("hdel", -3, "w", [1, 1, 1], (ctx, argv) => {
    const e = lookupForWrite(ctx, argv[1]!, "hash");
    let removed = 0;
    // hashDelete deletes the key with its last field; the loop stops there.
    for (let i = 2; e?.alive && i < argv.length; i++)
      if (hashDelete(ctx.store, e, argv[i]!)) removed++;
    if (removed) notifyRemoval(ctx, Notify.HASH, "hdel", e!);
    return R.int(removed);
  }),
  command("hexists", 3, "r", [1, 1, 1], (ctx, [, key, field]) => {
    const e = readTyped(ctx, key!, "hash");
    return e && fieldsOf(e).has(field!) ? R.ONE : R.ZERO;
  }),
  command("hlen", 2, "r", [1, 1, 1], (ctx, [, key]) => {
    const e = readTyped(ctx, key!, "hash");
    return R.int(e ? fieldsOf(e).size : 0);
  }),
  command("hstrlen", 3, "r", [1, 1, 1], (ctx, [, key, field]) => {
    const e = readTyped(ctx, key!, "hash");
    const v = e && fieldsOf(e).get(field!);
    return R.int(v === undefined ? 0 : byteLength(v));
  }),
  command("hkeys", 2, "r", [1, 1, 1], (ctx, [, key]) =>
    R.array(listFields(ctx, key!, (f, _v, out) => out.push(R.bulk(f)))),
  ),
  command("hvals", 2, "r", [1, 1, 1], (ctx, [, key]) =>
    R.array(listFields(ctx, key!, (_f, v, out) => out.push(R.bulk(v)))),
  ),
  command("hgetall", 2, "r", [1, 1, 1], (ctx, [, key]) =>
    R.map(listFields(ctx, key!, (f, v, out) => out.push(R.bulk(f), R.bulk(v)))),
  ),
  command("hincrby", 4, "w", [1, 1, 1], (ctx, [, key, field, incr]) =>
    hincrby(ctx, key!, field!, incr!),
  ),
  command("hincrbyfloat", 4, "w", [1, 1, 1], (ctx, [, key, field, incr]) =>
    hincrbyfloat(ctx, key!, field!, incr!),
  ),
  command("hscan", -3, "r", [1, 1, 1], (ctx, argv) => {
    parseScanCursor(argv[2]!);
    const e = readTyped(ctx, argv[1]!, "hash");
    if (!e) return scanReply([]);
    const match = parseScanOptions(argv, 3);
    const out: Reply[] = [];
    for (const [f, v] of fieldsOf(e)) if (match(f)) out.push(R.bulk(f), R.bulk(v));
    return scanReply(out);
  }),
  ...hashRandomCommands,
]);

// Redis string commands (spec §10.6 "Strings"; int/json values per §3.5). SET and its expiry
// relatives live in strings-set.ts, the counters in strings-counters.ts; all are exported here.

import { byteLength, concat, fromBytes, sliceBytes, toBytes } from "../bytes.ts";
import { command, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { Notify, notifyKeyspaceEvent } from "../keyspace-events.ts";
import { parseInt64Arg, parseIntArg } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { isStringLike, readString, stringOf } from "./access.ts";
import { counterCommands } from "./strings-counters.ts";
import { setCommands } from "./strings-set.ts";

function put(ctx: Ctx, key: string, value: string): void {
  ctx.store.put(key, "string", value, byteLength(value));
}

function getset(ctx: Ctx, argv: readonly string[]): Reply {
  const old = readString(ctx, argv[1]!);
  put(ctx, argv[1]!, argv[2]!);
  notifyKeyspaceEvent(ctx, Notify.STRING, "set", argv[1]!);
  return R.bulkOrNil(old);
}

function getdel(ctx: Ctx, argv: readonly string[]): Reply {
  const e = ctx.store.read(argv[1]!);
  if (!e) return R.NIL;
  if (!isStringLike(e.type)) throw Errors.wrongType();
  const value = stringOf(e);
  ctx.store.remove(e);
  notifyKeyspaceEvent(ctx, Notify.GENERIC, "del", e.key);
  return R.bulk(value);
}

/** MGET answers nil for keys holding collections instead of WRONGTYPE (spec §3.4). */
function mget(ctx: Ctx, argv: readonly string[]): Reply {
  const out: Reply[] = [];
  for (let i = 1; i < argv.length; i++) {
    const e = ctx.store.read(argv[i]!);
    out.push(e && isStringLike(e.type) ? R.bulk(stringOf(e)) : R.NIL);
  }
  return R.array(out);
}

/** MSET / MSETNX: the arity is -3 with an odd total, checked here like Redis does. */
function mset(nx: boolean) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    if (argv.length % 2 === 0) throw Errors.arity(nx ? "msetnx" : "mset");
    if (nx) {
      for (let i = 1; i < argv.length; i += 2) if (ctx.store.get(argv[i]!)) return R.ZERO;
    }
    for (let i = 1; i < argv.length; i += 2) {
      put(ctx, argv[i]!, argv[i + 1]!);
      notifyKeyspaceEvent(ctx, Notify.STRING, "set", argv[i]!);
    }
    return nx ? R.ONE : R.OK;
  };
}

function append(ctx: Ctx, argv: readonly string[]): Reply {
  const [, key, tail] = argv as [string, string, string];
  const e = ctx.store.get(key);
  if (!e) {
    put(ctx, key, tail); // an empty tail still creates the key, as in Redis
    notifyKeyspaceEvent(ctx, Notify.STRING, "append", key);
    return R.int(byteLength(tail));
  }
  if (!isStringLike(e.type)) throw Errors.wrongType();
  const current = stringOf(e);
  const total = byteLength(current) + byteLength(tail);
  if (total > ctx.engine.stringMax) throw Errors.stringTooLong();
  ctx.store.replace(e, "string", concat(current, tail), total, true);
  notifyKeyspaceEvent(ctx, Notify.STRING, "append", key);
  return R.int(total);
}

function strlen(ctx: Ctx, argv: readonly string[]): Reply {
  const v = readString(ctx, argv[1]!);
  return R.int(v === undefined ? 0 : byteLength(v));
}

/** Redis `getrangeCommand`, in exact 64-bit arithmetic. */
export function getrange(ctx: Ctx, argv: readonly string[]): Reply {
  let start = parseInt64Arg(argv[2]!);
  let end = parseInt64Arg(argv[3]!);
  const v = readString(ctx, argv[1]!);
  if (v === undefined) return R.bulk("");
  const len = BigInt(byteLength(v));
  if (start < 0n && end < 0n && start > end) return R.bulk("");
  if (start < 0n) start += len;
  if (end < 0n) end += len;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= len) end = len - 1n;
  if (start > end || len === 0n) return R.bulk("");
  return R.bulk(sliceBytes(v, Number(start), Number(end) + 1));
}

/** Redis `setrangeCommand`; a result over proto-max-bulk-len is refused (Engine.stringMax). */
function setrange(ctx: Ctx, argv: readonly string[]): Reply {
  const [, key, , value] = argv as [string, string, string, string];
  const offset = parseIntArg(argv[2]!);
  if (offset < 0) throw Errors.offsetOutOfRange();
  const vlen = byteLength(value);
  const e = ctx.store.get(key);
  if (e && !isStringLike(e.type)) throw Errors.wrongType();
  const current = e ? stringOf(e) : "";
  // Writing nothing changes nothing: no key is created, an int/json value keeps its type.
  if (vlen === 0) return R.int(byteLength(current));
  if (offset + vlen > ctx.engine.stringMax) throw Errors.stringTooLong();
  const old = toBytes(current);
  const bytes = new Uint8Array(Math.max(old.length, offset + vlen)); // gap is zero bytes
  bytes.set(old, 0);
  bytes.set(toBytes(value), offset);
  const next = fromBytes(bytes);
  if (e) ctx.store.replace(e, "string", next, bytes.length, true);
  else put(ctx, key, next);
  notifyKeyspaceEvent(ctx, Notify.STRING, "setrange", key);
  return R.int(bytes.length);
}

/** Every command of the Strings table. */
/** Docs of this family's records (COMMAND DOCS, REPL help, docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  get: { summary: "Get the value of a key", group: "string", since: "1.0.0", params: "key" },
  getset: {
    summary: "Set the string value of a key and return its old value",
    group: "string",
    since: "1.0.0",
    params: "key value",
  },
  getdel: {
    summary: "Get the value of a key and delete the key",
    group: "string",
    since: "6.2.0",
    params: "key",
  },
  mget: {
    summary: "Get the values of all the given keys",
    group: "string",
    since: "1.0.0",
    params: "key [key ...]",
  },
  mset: {
    summary: "Set multiple keys to multiple values",
    group: "string",
    since: "1.0.1",
    params: "key value [key value ...]",
  },
  msetnx: {
    summary: "Set multiple keys to multiple values, only if none of the keys exist",
    group: "string",
    since: "1.0.1",
    params: "key value [key value ...]",
  },
  append: {
    summary: "Append a value to a key",
    group: "string",
    since: "2.0.0",
    params: "key value",
  },
  strlen: {
    summary: "Get the length of the value stored in a key",
    group: "string",
    since: "2.2.0",
    params: "key",
  },
  getrange: {
    summary: "Get a substring of the string stored at a key",
    group: "string",
    since: "2.4.0",
    params: "key start end",
  },
  setrange: {
    summary: "Overwrite part of a string at key starting at the specified offset",
    group: "string",
    since: "2.2.0",
    params: "key offset value",
  },
};

export const stringsCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("get", 2, "r", [1, 1, 1], (ctx, argv) => R.bulkOrNil(readString(ctx, argv[1]!))),
  command("getset", 3, "w", [1, 1, 1], getset),
  command("getdel", 2, "w", [1, 1, 1], getdel),
  command("mget", -2, "r", [1, -1, 1], mget, {
    route: { kind: "keyed", split: { shape: "keys", merge: "position" } },
  }),
  command("mset", -3, "w", [1, -1, 2], mset(false), {
    keyFlags: ["OW update"],
    route: { kind: "keyed", split: { shape: "pairs", merge: "ok" } },
  }),
  command("msetnx", -3, "w", [1, -1, 2], mset(true)),
  command("append", 3, "w", [1, 1, 1], append),
  command("strlen", 2, "r", [1, 1, 1], strlen),
  command("getrange", 4, "r", [1, 1, 1], getrange),
  command("setrange", 4, "w", [1, 1, 1], setrange),
  ...setCommands,
  ...counterCommands,
]);

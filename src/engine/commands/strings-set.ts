// SET and its relatives with expiry options (spec §10.6): SET SETNX SETEX PSETEX GETEX.
// Option parsing and check order follow Redis 7.0.15 `parseExtendedStringArgumentsOrReply`,
// `getExpireMillisecondsOrReply`, `setGenericCommand` and `getexCommand` (t_string.c).

import { byteLength } from "../bytes.ts";
import { command, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { Notify, notifyKeyspaceEvent } from "../keyspace-events.ts";
import { parseInt64Arg } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { isStringLike, readString, stringOf } from "./access.ts";
import { INT64_MAX, MS_PER_SECOND, applyExpiry, optionName } from "./redis-args.ts";

/** How a SET/GETEX time argument is read: relative or absolute, seconds or milliseconds. */
export type TtlKind = "ex" | "px" | "exat" | "pxat";

interface StringOptions {
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepTtl: boolean;
  persist: boolean;
  ttlKind: TtlKind | undefined;
  ttlArg: string | undefined;
}

const TTL_KINDS: ReadonlySet<string> = new Set(["ex", "px", "exat", "pxat"]);

/**
 * Options of SET (from argv[3]) or GETEX (from argv[2]). Repeating an option is allowed (the
 * last time wins); any conflicting combination, unknown word or missing time is a syntax error.
 */
function parseStringOptions(argv: readonly string[], forSet: boolean): StringOptions {
  const o: StringOptions = {
    nx: false,
    xx: false,
    get: false,
    keepTtl: false,
    persist: false,
    ttlKind: undefined,
    ttlArg: undefined,
  };
  for (let j = forSet ? 3 : 2; j < argv.length; j++) {
    const opt = optionName(argv[j]!);
    const hasNext = j + 1 < argv.length;
    if (forSet && opt === "nx" && !o.xx) o.nx = true;
    else if (forSet && opt === "xx" && !o.nx) o.xx = true;
    else if (forSet && opt === "get") o.get = true;
    else if (forSet && opt === "keepttl" && !o.persist && o.ttlKind === undefined) o.keepTtl = true;
    else if (!forSet && opt === "persist" && !o.keepTtl && o.ttlKind === undefined)
      o.persist = true;
    else if (
      TTL_KINDS.has(opt) &&
      !o.keepTtl &&
      !o.persist &&
      (o.ttlKind === undefined || o.ttlKind === opt) &&
      hasNext
    ) {
      o.ttlKind = opt as TtlKind;
      o.ttlArg = argv[++j]!;
    } else throw Errors.syntax();
  }
  return o;
}

/**
 * The absolute expiry (Unix ms) a time argument asks for: a positive integer; EX/PX are
 * relative to now. Zero, negative or 64-bit overflow → `invalid expire time in '<cmd>'`.
 */
export function expireAtOf(ctx: Ctx, kind: TtlKind, arg: string, cmd: string): bigint {
  const v = parseInt64Arg(arg);
  const seconds = kind === "ex" || kind === "exat";
  if (v <= 0n || (seconds && v > INT64_MAX / MS_PER_SECOND)) throw Errors.invalidExpire(cmd);
  let ms = seconds ? v * MS_PER_SECOND : v;
  if (kind === "ex" || kind === "px") ms += BigInt(ctx.now);
  // Redis adds in signed 64 bits and refuses the wrapped (negative) sum.
  if (ms > INT64_MAX) throw Errors.invalidExpire(cmd);
  return ms;
}

/** Stores a string value (any old type is replaced), then the expiry if one is given. */
function writeString(
  ctx: Ctx,
  key: string,
  value: string,
  keepTtl: boolean,
  at: bigint | undefined,
): void {
  const e = ctx.store.put(key, "string", value, byteLength(value), keepTtl);
  notifyKeyspaceEvent(ctx, Notify.STRING, "set", key);
  if (at !== undefined) {
    const alive = applyExpiry(ctx, e, at);
    notifyKeyspaceEvent(ctx, Notify.GENERIC, "expire", key);
    // Redis keeps a key set already past its time until it is next looked at, then expires it.
    if (!alive) notifyKeyspaceEvent(ctx, Notify.EXPIRED, "expired", key);
  }
}

function set(ctx: Ctx, argv: readonly string[]): Reply {
  const key = argv[1]!;
  const o = parseStringOptions(argv, true);
  const at = o.ttlKind ? expireAtOf(ctx, o.ttlKind, o.ttlArg!, "set") : undefined;
  const old = o.get ? readString(ctx, key) : undefined;
  const found = ctx.store.get(key) !== undefined;
  if ((o.nx && found) || (o.xx && !found)) return o.get ? R.bulkOrNil(old) : R.NIL;
  writeString(ctx, key, argv[2]!, o.keepTtl, at);
  return o.get ? R.bulkOrNil(old) : R.OK;
}

function setnx(ctx: Ctx, argv: readonly string[]): Reply {
  if (ctx.store.get(argv[1]!)) return R.ZERO;
  writeString(ctx, argv[1]!, argv[2]!, false, undefined);
  return R.ONE;
}

/** SETEX / PSETEX key time value. */
function setWithTtl(kind: TtlKind, name: string) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    const at = expireAtOf(ctx, kind, argv[2]!, name);
    writeString(ctx, argv[1]!, argv[3]!, false, at);
    return R.OK;
  };
}

function getex(ctx: Ctx, argv: readonly string[]): Reply {
  const o = parseStringOptions(argv, false);
  const e = ctx.store.read(argv[1]!);
  if (!e) return R.NIL; // a missing key answers nil before the time is even checked
  if (!isStringLike(e.type)) throw Errors.wrongType();
  const at = o.ttlKind ? expireAtOf(ctx, o.ttlKind, o.ttlArg!, "getex") : undefined;
  const value = stringOf(e);
  if (at !== undefined) {
    ctx.store.noteChange(e);
    const alive = applyExpiry(ctx, e, at);
    notifyKeyspaceEvent(ctx, Notify.GENERIC, alive ? "expire" : "del", e.key);
  } else if (o.persist && e.expiresAt !== 0) {
    ctx.store.noteChange(e);
    ctx.store.setExpiry(e, 0);
    notifyKeyspaceEvent(ctx, Notify.GENERIC, "persist", e.key);
  }
  return R.bulk(value);
}

/** SET SETNX SETEX PSETEX GETEX. */
/** Docs of this family's records (COMMAND DOCS, REPL help, docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  set: {
    summary: "Set the string value of a key",
    group: "string",
    since: "1.0.0",
    params:
      "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]",
  },
  setnx: {
    summary: "Set the value of a key, only if the key does not exist",
    group: "string",
    since: "1.0.0",
    params: "key value",
  },
  setex: {
    summary: "Set the value and expiration of a key",
    group: "string",
    since: "2.0.0",
    params: "key seconds value",
  },
  psetex: {
    summary: "Set the value and expiration in milliseconds of a key",
    group: "string",
    since: "2.6.0",
    params: "key milliseconds value",
  },
  getex: {
    summary: "Get the value of a key and optionally set its expiration",
    group: "string",
    since: "6.2.0",
    params:
      "key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|PERSIST]",
  },
};

export const setCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("set", -3, "w", [1, 1, 1], set, {
    // SET … GET reads the old value; plain SET overwrites (Redis's variable_flags).
    keyFlags: (argv) => [
      argv.some((a, i) => i > 2 && optionName(a) === "get") ? "RW access update" : "OW update",
    ],
  }),
  command("setnx", 3, "w", [1, 1, 1], setnx),
  command("setex", 4, "w", [1, 1, 1], setWithTtl("ex", "setex")),
  command("psetex", 4, "w", [1, 1, 1], setWithTtl("px", "psetex")),
  command("getex", -2, "w", [1, 1, 1], getex),
]);

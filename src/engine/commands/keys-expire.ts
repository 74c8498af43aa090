// Expiry commands (spec §3.6, §10.6): EXPIRE PEXPIRE EXPIREAT PEXPIREAT with NX|XX|GT|LT,
// TTL PTTL EXPIRETIME PEXPIRETIME, PERSIST. Checks and their order follow Redis 7.0.15
// `expireGenericCommand`, `parseExtendedExpireArgumentsOrReply` and `ttlGenericCommand`
// (expire.c). None of them refreshes recency (spec §3.8).

import { concat } from "../bytes.ts";
import { command, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { parseInt64Arg } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import {
  INT64_MAX,
  INT64_MIN,
  MS_PER_SECOND,
  applyExpiry,
  cString,
  expiryOf,
  markModified,
  optionName,
} from "./redis-args.ts";
import { Notify, notifyKeyspaceEvent } from "../keyspace-events.ts";

const TRAILING_CRLF = /[\r\n]+$/;

interface ExpireFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
}

/** NX|XX|GT|LT from argv[3] on; repeats are fine, conflicts and other words are errors. */
function parseExpireFlags(argv: readonly string[]): ExpireFlags {
  const f: ExpireFlags = { nx: false, xx: false, gt: false, lt: false };
  for (let j = 3; j < argv.length; j++) {
    const opt = optionName(argv[j]!);
    if (opt === "nx" || opt === "xx" || opt === "gt" || opt === "lt") f[opt] = true;
    // Redis formats this one with addReplyErrorFormat, which trims CR/LF at the end.
    else
      throw Errors.custom(
        concat("ERR Unsupported option ", cString(argv[j]!).replace(TRAILING_CRLF, "")),
      );
  }
  if (f.nx && (f.xx || f.gt || f.lt)) {
    throw Errors.custom("ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if (f.gt && f.lt)
    throw Errors.custom("ERR GT and LT options at the same time are not compatible");
  return f;
}

/** EXPIRE family: `relative` adds now, `seconds` scales by 1000; 64-bit overflow is an error. */
function expireCommand(name: string, relative: boolean, seconds: boolean) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    const f = parseExpireFlags(argv);
    let when = parseInt64Arg(argv[2]!);
    if (seconds) {
      // C division truncates toward zero, as BigInt division does.
      if (when > INT64_MAX / MS_PER_SECOND || when < INT64_MIN / MS_PER_SECOND)
        throw Errors.invalidExpire(name);
      when *= MS_PER_SECOND;
    }
    const base = relative ? BigInt(ctx.now) : 0n;
    if (when > INT64_MAX - base) throw Errors.invalidExpire(name);
    when += base;
    const e = ctx.store.get(argv[1]!);
    if (!e) return R.ZERO;
    const current = expiryOf(e); // -1n: no TTL, which GT/LT treat as infinite
    if (f.nx && current !== -1n) return R.ZERO;
    if (f.xx && current === -1n) return R.ZERO;
    if (f.gt && (current === -1n || when <= current)) return R.ZERO;
    if (f.lt && current !== -1n && when >= current) return R.ZERO;
    markModified(ctx.store, e);
    // A time already due deletes the key, still answering 1.
    const alive = applyExpiry(ctx, e, when);
    notifyKeyspaceEvent(ctx, Notify.GENERIC, alive ? "expire" : "del", e.key);
    return R.ONE;
  };
}

/** TTL family: -2 missing, -1 no TTL; seconds are rounded as (ms + 500) / 1000. */
function ttlCommand(inMs: boolean, absolute: boolean) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    const e = ctx.store.get(argv[1]!);
    if (!e) {
      ctx.store.missed(argv[1]!);
      return R.int(-2);
    }
    let t = expiryOf(e);
    if (t === -1n) return R.int(-1);
    if (!absolute) t -= BigInt(ctx.now);
    if (t < 0n) t = 0n;
    return R.int(inMs ? t : (t + MS_PER_SECOND / 2n) / MS_PER_SECOND);
  };
}

function persist(ctx: Ctx, argv: readonly string[]): Reply {
  const e = ctx.store.get(argv[1]!);
  if (!e || e.expiresAt === 0) return R.ZERO;
  markModified(ctx.store, e);
  ctx.store.setExpiry(e, 0);
  notifyKeyspaceEvent(ctx, Notify.GENERIC, "persist", e.key);
  return R.ONE;
}

/** EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL EXPIRETIME PEXPIRETIME PERSIST. */
/** Docs of this family's records (COMMAND DOCS, REPL help, docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  expire: {
    summary: "Set a key's time to live in seconds",
    group: "generic",
    since: "1.0.0",
    params: "key seconds [NX|XX|GT|LT]",
  },
  pexpire: {
    summary: "Set a key's time to live in milliseconds",
    group: "generic",
    since: "2.6.0",
    params: "key milliseconds [NX|XX|GT|LT]",
  },
  expireat: {
    summary: "Set the expiration for a key as a UNIX timestamp",
    group: "generic",
    since: "1.2.0",
    params: "key unix-time-seconds [NX|XX|GT|LT]",
  },
  pexpireat: {
    summary: "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
    group: "generic",
    since: "2.6.0",
    params: "key unix-time-milliseconds [NX|XX|GT|LT]",
  },
  ttl: {
    summary: "Get the time to live for a key in seconds",
    group: "generic",
    since: "1.0.0",
    params: "key",
  },
  pttl: {
    summary: "Get the time to live for a key in milliseconds",
    group: "generic",
    since: "2.6.0",
    params: "key",
  },
  expiretime: {
    summary: "Get the expiration Unix timestamp for a key",
    group: "generic",
    since: "7.0.0",
    params: "key",
  },
  pexpiretime: {
    summary: "Get the expiration Unix timestamp for a key in milliseconds",
    group: "generic",
    since: "7.0.0",
    params: "key",
  },
  persist: {
    summary: "Remove the expiration from a key",
    group: "generic",
    since: "2.2.0",
    params: "key",
  },
};

export const expireCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("expire", -3, "w", [1, 1, 1], expireCommand("expire", true, true)),
  command("pexpire", -3, "w", [1, 1, 1], expireCommand("pexpire", true, false)),
  command("expireat", -3, "w", [1, 1, 1], expireCommand("expireat", false, true)),
  command("pexpireat", -3, "w", [1, 1, 1], expireCommand("pexpireat", false, false)),
  command("ttl", 2, "r", [1, 1, 1], ttlCommand(false, false)),
  command("pttl", 2, "r", [1, 1, 1], ttlCommand(true, false)),
  command("expiretime", 2, "r", [1, 1, 1], ttlCommand(false, true)),
  command("pexpiretime", 2, "r", [1, 1, 1], ttlCommand(true, true)),
  command("persist", 2, "w", [1, 1, 1], persist),
]);

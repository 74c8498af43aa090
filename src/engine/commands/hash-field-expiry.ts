// Hash field expiry (Redis 7.4/8.0, spec beyond Redis 7): HEXPIRE HPEXPIRE HEXPIREAT HPEXPIREAT,
// HTTL HPTTL HEXPIRETIME HPEXPIRETIME, HPERSIST, and Redis 8's HGETEX HSETEX HGETDEL. Checks, their
// order and the per-field reply codes follow Redis's t_hash.c (hexpireGenericCommand,
// httlGenericCommand, hpersistCommand) and its hash-field-expire.tcl tests. Due fields are purged
// with the keys at the start of every batch (store.purgeExpired), so no command here sees one.

import { createCollection, hashDelete, hashPut, hashSetFieldExpiry } from "../collection-ops.ts";
import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import type { Entry } from "../entry.ts";
import { Errors } from "../errors.ts";
import { fieldExpiry } from "../field-expiry.ts";
import { parseInt64Arg, parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { readTyped } from "./access.ts";
import { lookupForWrite } from "./collection-write.ts";
import { optionName } from "./redis-args.ts";
import { Notify, notifyKeyspaceEvent, notifyRemoval } from "../keyspace-events.ts";

/** Redis HFE_MAX_ABS_TIME_MSEC: (2^48 - 1) >> 2, the latest field expiry it accepts. */
const FIELD_EXPIRE_MAX_MS = 70368744177663n;
const MS_PER_SECOND = 1000n;
const LONG_MAX = (1n << 63n) - 1n;

/** Per-field codes of the HEXPIRE family, HTTL family and HPERSIST. */
const NO_FIELD = -2;
const NO_TTL = -1;
const NOT_MET = 0;
const SET = 1;
const DELETED = 2;

const E = {
  fieldsMissing: "ERR Mandatory argument FIELDS is missing or not at the right position",
  countPositive: "ERR Number of fields must be a positive integer",
  countGreaterThanZero: "ERR Parameter `numFields` should be greater than 0",
  countMismatch: "ERR The `numfields` parameter must match the number of arguments",
  negativeExpire: "ERR invalid expire time, must be >= 0",
  setexCount: "ERR invalid number of fields",
  setexCondition: "ERR Only one of FXX or FNX arguments can be specified",
  setexExpiry: "ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified",
  getexExpiry: "ERR Only one of EX, PX, EXAT, PXAT or PERSIST arguments can be specified",
  setexNoFields: "ERR missing FIELDS argument",
};

/** The fields of a hash entry. */
function fieldsOf(e: Entry): Map<string, string> {
  return e.value as Map<string, string>;
}

/**
 * `FIELDS numfields field ...` with `numfields` at argv[at]: the fields, or Redis's errors
 * (FIELDS not at at-1, a count out of 1..LONG_MAX with `countError`, a count that does not match).
 */
function fieldList(argv: readonly string[], at: number, countError: string): readonly string[] {
  if (optionName(argv[at - 1] ?? "") !== "fields") throw Errors.custom(E.fieldsMissing);
  const n = parseStrictInt(argv[at] ?? "");
  if (n === undefined || n < 1n || n > LONG_MAX) throw Errors.custom(countError);
  if (n !== BigInt(argv.length - at - 1)) throw Errors.custom(E.countMismatch);
  return argv.slice(at + 1);
}

/** An absolute field expiry (Unix ms) from a relative or absolute time in s or ms. */
function absoluteExpiry(
  name: string,
  text: string,
  seconds: boolean,
  base: number,
  negativeError = E.negativeExpire,
): number {
  let when = parseInt64Arg(text);
  if (when < 0n) throw Errors.custom(negativeError);
  if (seconds) {
    if (when > FIELD_EXPIRE_MAX_MS / MS_PER_SECOND) throw Errors.invalidExpire(name);
    when *= MS_PER_SECOND;
  }
  if (when > FIELD_EXPIRE_MAX_MS - BigInt(base)) throw Errors.invalidExpire(name);
  return Number(when) + base;
}

type Condition = "" | "nx" | "xx" | "gt" | "lt";

/** Whether NX/XX/GT/LT lets a field whose expiry is `prev` (0 = none) take `at`. */
function conditionMet(cond: Condition, prev: number, at: number): boolean {
  if (prev === 0) return cond !== "xx" && cond !== "gt";
  if (cond === "nx") return false;
  if (cond === "gt") return at > prev;
  if (cond === "lt") return at < prev;
  return true;
}

/** HEXPIRE family: key time [NX|XX|GT|LT] FIELDS numfields field ... */
function hexpire(name: string, relative: boolean, seconds: boolean) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    const e = lookupForWrite(ctx, argv[1]!, "hash");
    const at = absoluteExpiry(name, argv[2]!, seconds, relative ? ctx.now : 0);
    const opt = optionName(argv[3]!);
    const cond: Condition = opt === "nx" || opt === "xx" || opt === "gt" || opt === "lt" ? opt : "";
    const fields = fieldList(argv, cond ? 5 : 4, E.countGreaterThanZero);
    const out: Reply[] = [];
    let deleted = 0;
    let updated = 0;
    for (const f of fields) {
      if (!e?.alive || !fieldsOf(e).has(f)) out.push(R.int(NO_FIELD));
      else if (!conditionMet(cond, fieldExpiry(e, f), at)) out.push(R.int(NOT_MET));
      else if (at <= ctx.now) {
        hashDelete(ctx.store, e, f);
        deleted++;
        out.push(R.int(DELETED));
      } else {
        hashSetFieldExpiry(ctx.store, e, f, at);
        updated++;
        out.push(R.int(SET));
      }
    }
    // Redis 7.4 hashTypeSetExDone: hdel when any field went (and del with the last), else hexpire.
    if (deleted) notifyRemoval(ctx, Notify.HASH, "hdel", e!);
    else if (updated) notifyKeyspaceEvent(ctx, Notify.HASH, "hexpire", e!.key);
    return R.array(out);
  };
}

/** HTTL family: remaining time (or the expiry itself with base 0) in s (rounded up) or ms. */
function httl(seconds: boolean, relative: boolean) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    const e = readTyped(ctx, argv[1]!, "hash");
    const fields = fieldList(argv, 3, E.countPositive);
    const base = relative ? ctx.now : 0;
    return R.array(
      fields.map((f) => {
        if (!e || !fieldsOf(e).has(f)) return R.int(NO_FIELD);
        const at = fieldExpiry(e, f);
        if (at === 0) return R.int(NO_TTL);
        return R.int(seconds ? Math.floor((at + 999 - base) / 1000) : at - base);
      }),
    );
  };
}

/** HPERSIST key FIELDS numfields field ... */
function hpersist(ctx: Ctx, argv: readonly string[]): Reply {
  const e = lookupForWrite(ctx, argv[1]!, "hash");
  const fields = fieldList(argv, 3, E.countPositive);
  let changed = false;
  const out = fields.map((f) => {
    if (!e || !fieldsOf(e).has(f)) return R.int(NO_FIELD);
    if (fieldExpiry(e, f) === 0) return R.int(NO_TTL);
    hashSetFieldExpiry(ctx.store, e, f, 0);
    changed = true;
    return R.ONE;
  });
  if (changed) notifyKeyspaceEvent(ctx, Notify.HASH, "hpersist", e!.key);
  return R.array(out);
}

/** An expiry option word: EX PX EXAT PXAT as [seconds, relative], else undefined. */
function expiryWord(word: string): [seconds: boolean, relative: boolean] | undefined {
  switch (word) {
    case "ex":
      return [true, true];
    case "px":
      return [false, true];
    case "exat":
      return [true, false];
    case "pxat":
      return [false, false];
  }
  return undefined;
}

/** HGETEX key [EX s | PX ms | EXAT t | PXAT t | PERSIST] FIELDS numfields field ... */
function hgetex(ctx: Ctx, argv: readonly string[]): Reply {
  const word = optionName(argv[2]!);
  const unit = expiryWord(word);
  let at = 0;
  let persist = false;
  let fieldsAt = 3;
  if (unit) {
    at = absoluteExpiry("hgetex", argv[3]!, unit[0], unit[1] ? ctx.now : 0);
    fieldsAt = 5;
  } else if (word === "persist") {
    persist = true;
    fieldsAt = 4;
  }
  const fields = fieldList(argv, fieldsAt, E.countPositive);
  const e =
    unit || persist ? lookupForWrite(ctx, argv[1]!, "hash") : readTyped(ctx, argv[1]!, "hash");
  const out: Reply[] = [];
  let deleted = 0;
  let updated = 0;
  for (const f of fields) {
    const v = e?.alive ? fieldsOf(e).get(f) : undefined;
    out.push(R.bulkOrNil(v));
    if (v === undefined) continue;
    if (unit && at <= ctx.now) {
      hashDelete(ctx.store, e!, f);
      deleted++;
    } else if (unit) {
      hashSetFieldExpiry(ctx.store, e!, f, at);
      updated++;
    } else if (persist && fieldExpiry(e!, f) !== 0) {
      hashSetFieldExpiry(ctx.store, e!, f, 0);
      updated++;
    }
  }
  // Redis 8.0 hgetexCommand: hexpire or hpersist, else hdel; del when the hash emptied.
  if (updated) notifyKeyspaceEvent(ctx, Notify.HASH, persist ? "hpersist" : "hexpire", e!.key);
  else if (deleted) notifyRemoval(ctx, Notify.HASH, "hdel", e!);
  return R.array(out);
}

/** HSETEX key [FNX|FXX] [EX s | PX ms | EXAT t | PXAT t | KEEPTTL] FIELDS numfields field value ... */
function hsetex(ctx: Ctx, argv: readonly string[]): Reply {
  let cond = "";
  let expiry: "" | "keepttl" | "at" = "";
  let at = 0;
  let pairsAt = -1;
  for (let i = 2; i < argv.length; i++) {
    const word = optionName(argv[i]!);
    if (word === "fnx" || word === "fxx") {
      if (cond) throw Errors.custom(E.setexCondition);
      cond = word;
    } else if (word === "keepttl") {
      if (expiry) throw Errors.custom(E.setexExpiry);
      expiry = "keepttl";
    } else if (expiryWord(word)) {
      if (expiry) throw Errors.custom(E.setexExpiry);
      const [seconds, relative] = expiryWord(word)!;
      at = absoluteExpiry("hsetex", argv[++i] ?? "", seconds, relative ? ctx.now : 0);
      expiry = "at";
    } else if (word === "fields") {
      const n = parseStrictInt(argv[i + 1] ?? "");
      if (n === undefined || n < 1n) throw Errors.custom(E.setexCount);
      if (BigInt(argv.length - i - 2) !== 2n * n) throw Errors.arity("hsetex");
      pairsAt = i + 2;
      break;
    } else throw Errors.custom(`ERR unknown argument: ${argv[i]!}`);
  }
  if (pairsAt < 0) throw Errors.custom(E.setexNoFields);
  const key = argv[1]!;
  let e = lookupForWrite(ctx, key, "hash");
  for (let i = pairsAt; cond && i < argv.length; i += 2) {
    const has = e !== undefined && fieldsOf(e).has(argv[i]!);
    if (has === (cond === "fnx")) return R.ZERO;
  }
  if (expiry === "at" && at <= ctx.now) {
    // A time already due deletes the named fields, as Redis does.
    for (let i = pairsAt; e?.alive && i < argv.length; i += 2) hashDelete(ctx.store, e, argv[i]!);
    // Redis 8.0 sets the fields (creating the hash), then deletes them: hset, hdel, del.
    notifyKeyspaceEvent(ctx, Notify.HASH, "hset", key);
    notifyKeyspaceEvent(ctx, Notify.HASH, "hdel", key);
    if (!e?.alive) notifyKeyspaceEvent(ctx, Notify.GENERIC, "del", key);
    return R.ONE;
  }
  e ??= createCollection(ctx.store, key, "hash");
  for (let i = pairsAt; i < argv.length; i += 2) {
    const f = argv[i]!;
    hashPut(ctx.store, e, f, argv[i + 1]!, expiry === "keepttl");
    if (expiry === "at") hashSetFieldExpiry(ctx.store, e, f, at);
  }
  notifyKeyspaceEvent(ctx, Notify.HASH, "hset", key);
  if (expiry === "at") notifyKeyspaceEvent(ctx, Notify.HASH, "hexpire", key);
  return R.ONE;
}

/** HGETDEL key FIELDS numfields field ...: the values, then the fields are deleted. */
function hgetdel(ctx: Ctx, argv: readonly string[]): Reply {
  const fields = fieldList(argv, 3, E.countPositive);
  const e = lookupForWrite(ctx, argv[1]!, "hash");
  let deleted = 0;
  const out = fields.map((f) => {
    const v = e?.alive ? fieldsOf(e).get(f) : undefined;
    if (v !== undefined) {
      hashDelete(ctx.store, e!, f);
      deleted++;
    }
    return R.bulkOrNil(v);
  });
  if (deleted) notifyRemoval(ctx, Notify.HASH, "hdel", e!);
  return R.array(out);
}

const FIELDS_PARAMS = "key FIELDS numfields field [field ...]";
const EXPIRE_PARAMS = (t: string) => `key ${t} [NX|XX|GT|LT] FIELDS numfields field [field ...]`;

/** The hash field expiry commands (Redis 7.4 and 8.0). */
export const hashFieldExpiryCommands: readonly CommandSpec[] = [
  command("hexpire", -6, "w", [1, 1, 1], hexpire("hexpire", true, true), {
    doc: {
      summary: "Set expiry for hash field using relative time to expire (seconds)",
      group: "hash",
      since: "7.4.0",
      params: EXPIRE_PARAMS("seconds"),
    },
  }),
  command("hpexpire", -6, "w", [1, 1, 1], hexpire("hpexpire", true, false), {
    doc: {
      summary: "Set expiry for hash field using relative time to expire (milliseconds)",
      group: "hash",
      since: "7.4.0",
      params: EXPIRE_PARAMS("milliseconds"),
    },
  }),
  command("hexpireat", -6, "w", [1, 1, 1], hexpire("hexpireat", false, true), {
    doc: {
      summary: "Set expiry for hash field using an absolute Unix timestamp (seconds)",
      group: "hash",
      since: "7.4.0",
      params: EXPIRE_PARAMS("unix-time-seconds"),
    },
  }),
  command("hpexpireat", -6, "w", [1, 1, 1], hexpire("hpexpireat", false, false), {
    doc: {
      summary: "Set expiry for hash field using an absolute Unix timestamp (milliseconds)",
      group: "hash",
      since: "7.4.0",
      params: EXPIRE_PARAMS("unix-time-milliseconds"),
    },
  }),
  command("httl", -5, "r", [1, 1, 1], httl(true, true), {
    doc: {
      summary: "Returns the TTL in seconds of a hash field.",
      group: "hash",
      since: "7.4.0",
      params: FIELDS_PARAMS,
    },
  }),
  command("hpttl", -5, "r", [1, 1, 1], httl(false, true), {
    doc: {
      summary: "Returns the TTL in milliseconds of a hash field.",
      group: "hash",
      since: "7.4.0",
      params: FIELDS_PARAMS,
    },
  }),
  command("hexpiretime", -5, "r", [1, 1, 1], httl(true, false), {
    doc: {
      summary: "Returns the expiration time of a hash field as a Unix timestamp, in seconds.",
      group: "hash",
      since: "7.4.0",
      params: FIELDS_PARAMS,
    },
  }),
  command("hpexpiretime", -5, "r", [1, 1, 1], httl(false, false), {
    doc: {
      summary: "Returns the expiration time of a hash field as a Unix timestamp, in msec.",
      group: "hash",
      since: "7.4.0",
      params: FIELDS_PARAMS,
    },
  }),
  command("hpersist", -5, "w", [1, 1, 1], hpersist, {
    doc: {
      summary: "Removes the expiration time for each specified field",
      group: "hash",
      since: "7.4.0",
      params: FIELDS_PARAMS,
    },
  }),
  command("hgetex", -5, "w", [1, 1, 1], hgetex, {
    doc: {
      summary:
        "Get the value of one or more fields of a given hash key, and optionally set their expiration.",
      group: "hash",
      since: "8.0.0",
      params:
        "key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|PERSIST] FIELDS numfields field [field ...]",
    },
  }),
  command("hsetex", -6, "w", [1, 1, 1], hsetex, {
    doc: {
      summary:
        "Set the value of one or more fields of a given hash key, and optionally set their expiration.",
      group: "hash",
      since: "8.0.0",
      params:
        "key [FNX|FXX] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL] FIELDS numfields field value [field value ...]",
    },
  }),
  command("hgetdel", -5, "w", [1, 1, 1], hgetdel, {
    doc: {
      summary: "Returns the value of a field and deletes it from the hash.",
      group: "hash",
      since: "8.0.0",
      params: FIELDS_PARAMS,
    },
  }),
];

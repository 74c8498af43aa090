// Hash field expiry (Redis 7.4/8.0, spec beyond Redis 7): HEXPIRE HPEXPIRE HEXPIREAT HPEXPIREAT,
// HTTL HPTTL HEXPIRETIME HPEXPIRETIME, HPERSIST, and Redis 8's HGETEX HSETEX HGETDEL. Checks, their
// order and the per-field reply codes follow Redis's t_hash.c (hexpireGenericCommand,
// httlGenericCommand, hpersistCommand) and its hash-field-expire.tcl tests. Due fields are purged
// with the keys at the start of every batch (store.purgeExpired), so no command here sees one.
// HGETEX, HSETEX and HGETDEL are hash-field-getex.ts; what both share, hash-field-args.ts.

import { hashDelete, hashSetFieldExpiry } from "../collection-ops.ts";
import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { fieldExpiry } from "../field-expiry.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { readTyped } from "./access.ts";
import { lookupForWrite } from "./collection-write.ts";
import {
  DELETED,
  E,
  FIELDS_PARAMS,
  NOT_MET,
  NO_FIELD,
  NO_TTL,
  SET,
  absoluteExpiry,
  fieldList,
  fieldsOf,
} from "./hash-field-args.ts";
import { hashGetSetExCommands } from "./hash-field-getex.ts";
import { optionName } from "./redis-args.ts";
import { Notify, notifyKeyspaceEvent, notifyRemoval } from "../keyspace-events.ts";

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
  ...hashGetSetExCommands,
];

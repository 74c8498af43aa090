// Redis 8.0's hash commands that get or set fields and their expiry in one call: HGETEX, HSETEX
// and HGETDEL (t_hash.c), registered with the rest of hash field expiry (hash-field-expiry.ts).

import { createCollection, hashDelete, hashPut, hashSetFieldExpiry } from "../collection-ops.ts";
import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { fieldExpiry } from "../field-expiry.ts";
import { parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { readTyped } from "./access.ts";
import { lookupForWrite } from "./collection-write.ts";
import {
  E,
  FIELDS_PARAMS,
  absoluteExpiry,
  expiryWord,
  fieldList,
  fieldsOf,
} from "./hash-field-args.ts";
import { optionName } from "./redis-args.ts";
import { Notify, notifyKeyspaceEvent, notifyRemoval } from "../keyspace-events.ts";

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

/** HGETEX, HSETEX and HGETDEL (Redis 8.0). */
export const hashGetSetExCommands: readonly CommandSpec[] = [
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

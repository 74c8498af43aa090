// Redis key commands (spec §10.6 "Keys"). Expiry commands live in keys-expire.ts, KEYS and
// SCAN in keys-scan.ts; all are exported here.

import { command, allShards, SUM_SPLIT } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { isCollection, typeName } from "../entry.ts";
import { Errors } from "../errors.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { expireCommands } from "./keys-expire.ts";
import { scanCommands } from "./keys-scan.ts";

function del(ctx: Ctx, argv: readonly string[]): Reply {
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    const e = ctx.store.get(argv[i]!);
    if (e) {
      ctx.store.remove(e);
      n++;
    }
  }
  return R.int(n);
}

/** EXISTS counts a repeated key each time; TOUCH too, and refreshes recency (spec §3.8). */
function countKeys(touch: boolean) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    let n = 0;
    for (let i = 1; i < argv.length; i++) {
      if ((touch ? ctx.store.read(argv[i]!) : ctx.store.get(argv[i]!)) !== undefined) n++;
    }
    return R.int(n);
  };
}

function type(ctx: Ctx, argv: readonly string[]): Reply {
  const e = ctx.store.get(argv[1]!);
  return R.status(e ? typeName(e.type) : "none");
}

/**
 * A random live key: the first at or after a random creation number (wrapping to the oldest).
 * Not exactly uniform (a key after a run of deleted ones is likelier), like Redis's own pick.
 */
function randomkey(ctx: Ctx): Reply {
  const store = ctx.store;
  if (store.map.size === 0) return R.NIL;
  const from = 1 + Math.floor(Math.random() * store.createdSeq);
  for (const e of store.inCreationOrder(from)) return R.bulk(e.key);
  for (const e of store.inCreationOrder()) return R.bulk(e.key);
  return R.NIL;
}

/**
 * RENAME / RENAMENX (Redis `renameGenericCommand`): the value and its TTL move to a new entry,
 * which gets a new creation number (spec §3.1); an existing destination is deleted first.
 */
function rename(nx: boolean) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    const [, from, to] = argv as [string, string, string];
    const store = ctx.store;
    const src = store.get(from);
    if (!src) throw Errors.noSuchKey();
    if (from === to) return nx ? R.ZERO : R.OK;
    const dst = store.get(to);
    if (dst) {
      if (nx) return R.ZERO;
      store.remove(dst);
    }
    const { type: t, value, size, expiresAt } = src;
    store.remove(src);
    const moved = store.create(to, t, value, size);
    // A new key's collection rows are all written; an old destination's rows are already
    // marked for deletion by remove(), which the first rewrite mark keeps.
    if (isCollection(t)) store.changes.rewrite(to, t);
    if (expiresAt !== 0) store.setExpiry(moved, expiresAt);
    return nx ? R.ONE : R.OK;
  };
}

/** Every command of the Keys table. */
export const keysCommands: readonly CommandSpec[] = [
  command("del", -2, "w", [1, -1, 1], del, { ...SUM_SPLIT, keyFlags: ["RM delete"] }),
  command("unlink", -2, "w", [1, -1, 1], del, { ...SUM_SPLIT, keyFlags: ["RM delete"] }),
  command("exists", -2, "r", [1, -1, 1], countKeys(false), SUM_SPLIT),
  command("touch", -2, "rf", [1, -1, 1], countKeys(true), {
    ...SUM_SPLIT,
    doc: {
      summary:
        "Alters the last access time of a key(s). Returns the number of existing keys specified.",
      group: "generic",
      since: "3.2.1",
      params: "key [key ...]",
    },
  }),
  command("type", 2, "r", [1, 1, 1], type),
  command("randomkey", 1, "r", null, randomkey, allShards("randomkey")),
  command("rename", 3, "w", [1, 2, 1], rename(false)),
  command("renamenx", 3, "w", [1, 2, 1], rename(true)),
  ...expireCommands,
  ...scanCommands,
];

// Redis key commands (spec §10.6 "Keys"). Expiry commands live in keys-expire.ts, KEYS and
// SCAN in keys-scan.ts; all are exported here.

import { moveHashFieldTtls } from "../collection-ops.ts";
import { command, allShards, SUM_SPLIT, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import { isCollection, typeName } from "../entry.ts";
import { Errors } from "../errors.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { expireCommands } from "./keys-expire.ts";
import { scanCommands } from "./keys-scan.ts";
import { Notify, notifyKeyspaceEvent } from "../keyspace-events.ts";

function del(ctx: Ctx, argv: readonly string[]): Reply {
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    const e = ctx.store.get(argv[i]!);
    if (e) {
      ctx.store.remove(e);
      notifyKeyspaceEvent(ctx, Notify.GENERIC, "del", e.key);
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
      else if (!touch) ctx.store.missed(argv[i]!);
    }
    return R.int(n);
  };
}

function type(ctx: Ctx, argv: readonly string[]): Reply {
  const e = ctx.store.get(argv[1]!);
  if (!e) ctx.store.missed(argv[1]!);
  return R.status(e ? typeName(e.type) : "none");
}

/** A uniformly random live key (Store.randomEntry). */
function randomkey(ctx: Ctx): Reply {
  const e = ctx.store.randomEntry();
  return e ? R.bulk(e.key) : R.NIL;
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
    if (t === "hash") moveHashFieldTtls(store, src, moved);
    notifyKeyspaceEvent(ctx, Notify.GENERIC, "rename_from", from);
    notifyKeyspaceEvent(ctx, Notify.GENERIC, "rename_to", to);
    return nx ? R.ONE : R.OK;
  };
}

/** Every command of the Keys table. */
/** Docs of this family's records (COMMAND DOCS, REPL help, docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  del: { summary: "Delete a key", group: "generic", since: "1.0.0", params: "key [key ...]" },
  unlink: {
    summary:
      "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.",
    group: "generic",
    since: "4.0.0",
    params: "key [key ...]",
  },
  exists: {
    summary: "Determine if a key exists",
    group: "generic",
    since: "1.0.0",
    params: "key [key ...]",
  },
  touch: {
    summary:
      "Alters the last access time of a key(s). Returns the number of existing keys specified.",
    group: "generic",
    since: "3.2.1",
    params: "key [key ...]",
  },
  type: {
    summary: "Determine the type stored at key",
    group: "generic",
    since: "1.0.0",
    params: "key",
  },
  randomkey: {
    summary: "Return a random key from the keyspace",
    group: "generic",
    since: "1.0.0",
    params: "",
  },
  rename: { summary: "Rename a key", group: "generic", since: "1.0.0", params: "key newkey" },
  renamenx: {
    summary: "Rename a key, only if the new key does not exist",
    group: "generic",
    since: "1.0.0",
    params: "key newkey",
  },
};

export const keysCommands: readonly CommandSpec[] = withDocs(DOCS, [
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
]);

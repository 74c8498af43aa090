// Blink-Store's commands (spec §7.2-7.3). The codec has already split the line; QUIT never
// reaches the engine (it is a transport action, §7.5).

import { byteLength } from "../bytes.ts";
import { command, allShards, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import { R } from "../reply.ts";
import { readString } from "./access.ts";
import { Notify, notifyKeyspaceEvent } from "../keyspace-events.ts";

const get = (ctx: Ctx, argv: readonly string[]) => R.bulkOrNil(readString(ctx, argv[1]!));

function del(ctx: Ctx, argv: readonly string[]) {
  const e = ctx.store.get(argv[1]!);
  if (!e) return R.NIL;
  ctx.store.remove(e);
  notifyKeyspaceEvent(ctx, Notify.GENERIC, "del", e.key);
  return R.OK;
}

const usage = (ctx: Ctx) => R.status(`USAGE ${ctx.store.usage}`);

/** Docs of this dialect's records (the REPL's help and docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  set: {
    summary: "Store a value (base64 on the wire) under a key",
    group: "blink",
    since: "0.1.0",
    params: "key value",
  },
  get: {
    summary: "The value of a key, base64-encoded",
    group: "blink",
    since: "0.1.0",
    params: "key",
  },
  delete: { summary: "Delete a key", group: "blink", since: "0.1.0", params: "key" },
  del: { summary: "Delete a key (alias of DELETE)", group: "blink", since: "0.1.0", params: "key" },
  usage: { summary: "Bytes used by keys and values", group: "blink", since: "0.1.0", params: "" },
  stats: { summary: "Usage and key counts", group: "blink", since: "0.1.0", params: "" },
};

export const blinkCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("set", 3, "w", [1, 1, 1], (ctx, [, key, value]) => {
    ctx.store.put(key!, "string", value!, byteLength(value!));
    notifyKeyspaceEvent(ctx, Notify.STRING, "set", key!);
    return R.OK;
  }),
  command("get", 2, "r", [1, 1, 1], get),
  command("delete", 2, "w", [1, 1, 1], del),
  command("del", 2, "w", [1, 1, 1], del),
  command("usage", 1, "r", null, usage, allShards("usage")),
  command("stats", 1, "r", null, usage, allShards("usage")),
]);

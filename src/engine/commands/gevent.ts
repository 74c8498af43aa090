// The gevent store's six commands (spec §9.5). The codec has validated shapes, keys and values
// (§9.2); values arrive typed.

import { command, allShards, withDocs } from "../command-table.ts";
import type { CommandSpec, CommandDoc } from "../command-table.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { putTyped, typedView } from "./typed-values.ts";
import { Notify, notifyKeyspaceEvent } from "../keyspace-events.ts";

/** Docs of this dialect's records (the REPL's help and docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  get: { summary: "The typed value of a key", group: "gevent", since: "0.1.0", params: "key" },
  set: {
    summary: "Store a typed value (string, integer, dict, list)",
    group: "gevent",
    since: "0.1.0",
    params: "key value",
  },
  delete: {
    summary: "Delete a key; 1 if it existed",
    group: "gevent",
    since: "0.1.0",
    params: "key",
  },
  flush: {
    summary: "Delete every key; the number deleted",
    group: "gevent",
    since: "0.1.0",
    params: "",
  },
  mget: {
    summary: "Typed values of several keys",
    group: "gevent",
    since: "0.1.0",
    params: "[key ...]",
  },
  mset: {
    summary: "Store several typed values; the number stored",
    group: "gevent",
    since: "0.1.0",
    params: "[key value ...]",
  },
};

export const geventCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("get", 2, "r", [1, 1, 1], (ctx, [, key]) => typedView(ctx.store.read(key!))),
  command("set", 3, "w", [1, 1, 1], (ctx, argv, typed) => {
    putTyped(ctx, argv[1]!, typed![2]!);
    notifyKeyspaceEvent(ctx, Notify.STRING, "set", argv[1]!);
    return R.ONE;
  }),
  command("delete", 2, "w", [1, 1, 1], (ctx, [, key]) => {
    const e = ctx.store.get(key!);
    if (!e) return R.ZERO;
    ctx.store.remove(e);
    notifyKeyspaceEvent(ctx, Notify.GENERIC, "del", e.key);
    return R.ONE;
  }),
  command(
    "flush",
    1,
    "w",
    null,
    (ctx) => {
      const n = ctx.store.flushDb();
      if (ctx.store.shared.observer !== null) ctx.engine.tracking.flushed();
      return R.int(n);
    },
    allShards("sum"),
  ),
  command(
    "mget",
    -1,
    "r",
    [1, -1, 1],
    (ctx, argv) => {
      const out: Reply[] = [];
      for (let i = 1; i < argv.length; i++) out.push(typedView(ctx.store.read(argv[i]!)));
      return R.array(out);
    },
    { route: { kind: "keyed", split: { shape: "keys", merge: "position" } } },
  ),
  command(
    "mset",
    -1,
    "w",
    [1, -1, 2],
    (ctx, argv, typed) => {
      const pairs = (argv.length - 1) >> 1;
      for (let i = 0; i < pairs; i++) putTyped(ctx, argv[1 + 2 * i]!, typed![2 + 2 * i]!);
      return R.int(pairs);
    },
    { route: { kind: "keyed", split: { shape: "pairs", merge: "sum" } } },
  ),
]);

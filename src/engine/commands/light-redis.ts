// Light-Redis's eight commands (spec §8.4-8.5). The codec has applied the original's
// truthiness and key-type rules; values arrive as strings or typed json objects.

import { isBinary, toDisplayText } from "../bytes.ts";
import type { JsonDoc } from "../json-doc.ts";
import { command, allShards } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import type { Deque } from "../deque.ts";
import type { Entry } from "../entry.ts";
import { CommandError } from "../errors.ts";
import type { JsonValue } from "../json-value.ts";
import { R } from "../reply.ts";
import type { SortedSet } from "../sorted-set.ts";
import { INFO_KEYS_MAX } from "../../limits.ts";
import { parseJson } from "../json-parse.ts";
import { createCollection, setAdd } from "../collection-ops.ts";
import { readTyped } from "./access.ts";
import { putTyped } from "./typed-values.ts";

const notFound = () => new CommandError("ERR", "ERR no such key");
/** The reply of a read of a missing key, made once: the common miss builds no error object. */
const NO_SUCH_KEY = R.error(notFound());
const notUtf8 = () => new CommandError("ERR", "ERR value is not valid UTF-8");

function text(s: string): string {
  if (isBinary(s)) throw notUtf8();
  return s;
}

/** A stored value in the Light-Redis view (spec §3.4). */
export function lightRedisView(e: Entry): JsonValue {
  switch (e.type) {
    case "string":
      return text(e.value as string);
    case "int":
      return e.value as bigint;
    case "json":
      return parseJson(e.value as string) as JsonValue;
    case "set":
      return Array.from(e.value as Set<string>, text);
    case "hash":
      return new Map(Array.from(e.value as Map<string, string>, ([f, v]) => [text(f), text(v)]));
    case "list":
      return Array.from(e.value as Deque, text);
    case "zset": {
      const z = e.value as SortedSet;
      return z.slice(0, z.size).map((m) => [text(m), z.score(m)!]);
    }
    case "document":
      return (e.value as JsonDoc).root;
  }
}

function setOf(ctx: Ctx, key: string): Set<string> {
  const e = readTyped(ctx, key, "set");
  if (!e) throw notFound();
  return e.value as Set<string>;
}

function info(ctx: Ctx) {
  const { engine, store } = ctx;
  const keys: string[] = [];
  for (const e of store.inCreationOrder()) {
    if (keys.length === INFO_KEYS_MAX) break;
    keys.push(toDisplayText(e.key));
  }
  const out = new Map<string, JsonValue>([
    ["db_file_name", `${engine.namespace}.jsonl`],
    ["keys", keys],
    ["keys_count", BigInt(store.map.size)],
  ]);
  if (store.map.size > INFO_KEYS_MAX) out.set("keys_truncated", true);
  out.set("last_db_snapshot_write", BigInt(Math.floor(engine.snapshotAt / 1000)));
  out.set("writable_row", BigInt(engine.writesSinceSnapshot));
  return R.json(out);
}

export const lightRedisCommands: readonly CommandSpec[] = [
  command("set", 3, "w", [1, 1, 1], (ctx, argv, typed) => {
    putTyped(ctx, argv[1]!, typed?.[2] ?? { type: "string", v: argv[2]! });
    return R.OK;
  }),
  command("get", 2, "r", [1, 1, 1], (ctx, [, key]) => {
    const e = ctx.store.read(key!);
    if (!e) return NO_SUCH_KEY;
    return R.json(lightRedisView(e));
  }),
  command("info", 1, "r", null, info, allShards("lightredis-info")),
  command("sadd", 3, "w", [1, 1, 1], (ctx, [, key, member]) => {
    const e = readTyped(ctx, key!, "set") ?? createCollection(ctx.store, key!, "set");
    setAdd(ctx.store, e, member!);
    return R.OK;
  }),
  command("smembers", 2, "r", [1, 1, 1], (ctx, [, key]) =>
    R.json(Array.from(setOf(ctx, key!), text)),
  ),
  command("sismember", -2, "r", [1, 1, 1], (ctx, [, key, member]) => {
    const s = setOf(ctx, key!);
    return member !== undefined && s.has(member) ? R.OK : R.json("ERROR");
  }),
  command("scard", 2, "r", [1, 1, 1], (ctx, [, key]) => R.int(setOf(ctx, key!).size)),
  command(
    "save",
    1,
    "a",
    null,
    (ctx) => {
      ctx.engine.takeSnapshot(ctx.now);
      return R.OK;
    },
    allShards("ok"),
  ),
];

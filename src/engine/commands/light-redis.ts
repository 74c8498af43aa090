// Light-Redis's eight commands (spec §8.4-8.5). The codec has applied the original's
// truthiness and key-type rules; values arrive as strings or typed json objects.

import { isBinary, toDisplayText } from "../bytes.ts";
import { command, allShards, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import type { JsonDoc } from "../json-doc.ts";
import type { Deque } from "../deque.ts";
import type { Entry } from "../entry.ts";
import { CommandError } from "../errors.ts";
import type { JsonValue } from "../json-value.ts";
import { R } from "../reply.ts";
import type { Stream } from "../stream.ts";
import { MAX_ID, MIN_ID, idText } from "../stream-id.ts";
import type { SortedSet } from "../sorted-set.ts";
import { INFO_KEYS_MAX } from "../../limits.ts";
import { parseJson } from "../json-parse.ts";
import { createCollection, setAdd } from "../collection-ops.ts";
import { readTyped } from "./access.ts";
import { putTyped } from "./typed-values.ts";
import { Notify, notifyKeyspaceEvent } from "../keyspace-events.ts";

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
    case "stream":
      // Entries as [id, [field, value, ...]] (a stream has no JSON form of its own).
      return (e.value as Stream).range(MIN_ID, MAX_ID).map(([id, f]) => [idText(id), f.map(text)]);
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

/** Docs of this dialect's records (the REPL's help and docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  set: {
    summary: "Store a JSON value under a key",
    group: "lightredis",
    since: "0.1.0",
    params: "key value",
  },
  get: { summary: "The JSON value of a key", group: "lightredis", since: "0.1.0", params: "key" },
  info: {
    summary: "Server facts as a JSON object",
    group: "lightredis",
    since: "0.1.0",
    params: "",
  },
  sadd: {
    summary: "Add a member to a set",
    group: "lightredis",
    since: "0.1.0",
    params: "key member",
  },
  smembers: { summary: "The members of a set", group: "lightredis", since: "0.1.0", params: "key" },
  sismember: {
    summary: "Whether a member is in a set",
    group: "lightredis",
    since: "0.1.0",
    params: "key [member]",
  },
  scard: {
    summary: "The number of members of a set",
    group: "lightredis",
    since: "0.1.0",
    params: "key",
  },
  save: { summary: "Take a snapshot point", group: "lightredis", since: "0.1.0", params: "" },
};

export const lightRedisCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("set", 3, "w", [1, 1, 1], (ctx, argv, typed) => {
    putTyped(ctx, argv[1]!, typed?.[2] ?? { type: "string", v: argv[2]! });
    notifyKeyspaceEvent(ctx, Notify.STRING, "set", argv[1]!);
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
    if (setAdd(ctx.store, e, member!)) notifyKeyspaceEvent(ctx, Notify.SET, "sadd", key!);
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
]);

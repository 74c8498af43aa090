// RedisJSON 2 document commands (as in Redis 8 and Upstash): JSON.SET JSON.GET JSON.MGET
// JSON.MSET JSON.DEL JSON.FORGET JSON.TYPE JSON.MERGE JSON.CLEAR JSON.RESP JSON.DEBUG. The
// string, number, array, object and boolean commands are in json-ops.ts. A document stays a
// parsed tree in memory; only persistence prints it (once per batch that changed it).

import { command } from "../command-table.ts";
import type { CommandDoc, CommandSpec, Ctx } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { jsonSize, toJsonText, typeOfJson } from "../json-doc.ts";
import type { Format } from "../json-doc.ts";
import { evaluate, parsePath } from "../json-path.ts";
import type { JsonPath } from "../json-path.ts";
import type { JsonValue } from "../json-value.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { JsonErrors, LEGACY_ROOT, locate, perMatch, readDoc, rootOf } from "./json-access.ts";
import { jsonOpsCommands } from "./json-ops.ts";
import { jsonClear, jsonDel, jsonMerge, jsonMset, jsonSet } from "./json-write.ts";
import { optionName } from "./redis-args.ts";
import { withModuleEvents } from "../keyspace-events.ts";

/** The JSON text JSON.GET answers for one path (array for JSONPath, value for legacy). */
function getOne(root: JsonValue, path: JsonPath, f?: Format): string {
  const locs = evaluate(root, path);
  if (path.legacy) {
    if (locs.length === 0) throw JsonErrors.noPath(path.text);
    return toJsonText(locs[0]!.value, f);
  }
  return toJsonText(
    locs.map((l) => l.value),
    f,
  );
}

function jsonGet(ctx: Ctx, argv: readonly string[]): Reply {
  const f: Format = { indent: "", newline: "", space: "" };
  const paths: string[] = [];
  for (let i = 2; i < argv.length; i++) {
    const o = optionName(argv[i]!);
    if ((o === "indent" || o === "newline" || o === "space") && i + 1 < argv.length) {
      f[o] = argv[++i]!;
    } else if (o !== "noescape") paths.push(argv[i]!); // NOESCAPE: accepted and ignored, as RedisJSON 2 does
  }
  const e = readDoc(ctx, argv[1]!);
  if (!e) return R.NIL;
  const root = rootOf(e);
  if (paths.length <= 1) return R.bulk(getOne(root, parsePath(paths[0] ?? LEGACY_ROOT), f));
  const parsed = paths.map(parsePath);
  const anyJsonPath = parsed.some((p) => !p.legacy);
  const out = new Map<string, JsonValue>();
  for (const p of parsed) {
    // Beside a JSONPath, a legacy path answers all its matches as an array too.
    const locs = evaluate(root, anyJsonPath ? { ...p, legacy: false } : p);
    if (anyJsonPath)
      out.set(
        p.text,
        locs.map((l) => l.value),
      );
    else {
      if (locs.length === 0) throw JsonErrors.noPath(p.text);
      out.set(p.text, locs[0]!.value);
    }
  }
  return R.bulk(toJsonText(out, f));
}

function jsonMget(ctx: Ctx, argv: readonly string[]): Reply {
  const path = parsePath(argv[argv.length - 1]!);
  const out: Reply[] = [];
  for (let i = 1; i < argv.length - 1; i++) {
    const e = ctx.store.read(argv[i]!);
    if (!e || e.type !== "document") {
      out.push(R.NIL);
      continue;
    }
    const locs = evaluate(rootOf(e), path);
    if (path.legacy) out.push(locs.length ? R.bulk(toJsonText(locs[0]!.value)) : R.NIL);
    else out.push(R.bulk(toJsonText(locs.map((l) => l.value))));
  }
  return R.array(out);
}

function jsonType(ctx: Ctx, argv: readonly string[]): Reply {
  const e = readDoc(ctx, argv[1]!);
  if (!e) return R.NIL;
  const { path, locs } = locate(e, argv[2] ?? LEGACY_ROOT);
  if (path.legacy) return locs.length ? R.status(typeOfJson(locs[0]!.value)) : R.NIL;
  return R.array(locs.map((l) => R.bulk(typeOfJson(l.value))));
}

/** A value as JSON.RESP shows it: `{`/`[` arrays, integers, float and string bulks, nil. */
function respOf(v: JsonValue): Reply {
  if (v === null) return R.NIL;
  if (typeof v === "boolean") return R.status(v ? "true" : "false");
  if (typeof v === "bigint") return R.int(v);
  if (typeof v === "number") return R.bulk(toJsonText(v));
  if (typeof v === "string") return R.bulk(v);
  if (Array.isArray(v)) return R.array([R.status("["), ...v.map(respOf)]);
  const out: Reply[] = [R.status("{")];
  for (const [k, x] of v) out.push(R.bulk(k), respOf(x));
  return R.array(out);
}

function jsonResp(ctx: Ctx, argv: readonly string[]): Reply {
  const e = readDoc(ctx, argv[1]!);
  if (!e) return R.NIL;
  const { path, locs } = locate(e, argv[2] ?? LEGACY_ROOT);
  return perMatch(path, locs, (l) => respOf(l.value));
}

function jsonDebug(ctx: Ctx, argv: readonly string[]): Reply {
  const sub = optionName(argv[1]!);
  if (sub === "help")
    return R.bulks([
      "MEMORY <key> [path] - reports memory usage",
      "HELP                - this message",
    ]);
  if (sub !== "memory" || argv.length < 3 || argv.length > 4)
    throw Errors.unknownSubcommand(argv[1]!, "json.debug");
  const e = readDoc(ctx, argv[2]!);
  const path = parsePath(argv[3] ?? LEGACY_ROOT);
  if (!e) return path.legacy ? R.ZERO : R.EMPTY;
  const locs = evaluate(rootOf(e), path);
  if (path.legacy) return R.int(locs.length ? jsonSize(locs[0]!.value) : 0);
  return R.array(locs.map((l) => R.int(jsonSize(l.value))));
}

const doc = (summary: string, params: string, since = "1.0.0"): { doc: CommandDoc } => ({
  doc: { summary, group: "json", since, params },
});

/** Every JSON command. */
export const jsonCommands: readonly CommandSpec[] = withModuleEvents([
  command(
    "json.set",
    -4,
    "w",
    [1, 1, 1],
    jsonSet,
    doc("Sets or updates the JSON value at a path", "key path value [NX|XX]"),
  ),
  command(
    "json.get",
    -2,
    "r",
    [1, 1, 1],
    jsonGet,
    doc(
      "Gets the value at one or more paths in JSON serialized form",
      "key [INDENT indent] [NEWLINE newline] [SPACE space] [path [path ...]]",
    ),
  ),
  command(
    "json.mget",
    -3,
    "r",
    [1, -2, 1],
    jsonMget,
    doc("Returns the values at a path from one or more keys", "key [key ...] path"),
  ),
  command("json.mset", -4, "w", null, jsonMset, {
    keysOf: (argv) => {
      const out: number[] = [];
      for (let i = 1; i < argv.length; i += 3) out.push(i);
      return out;
    },
    ...doc(
      "Sets or updates the JSON value of one or more keys",
      "key path value [key path value ...]",
      "2.6.0",
    ),
  }),
  command("json.del", -2, "w", [1, 1, 1], jsonDel, doc("Deletes a value", "key [path]")),
  command("json.forget", -2, "w", [1, 1, 1], jsonDel, doc("Deletes a value", "key [path]")),
  command(
    "json.type",
    -2,
    "r",
    [1, 1, 1],
    jsonType,
    doc("Returns the type of the JSON value at path", "key [path]"),
  ),
  command(
    "json.merge",
    4,
    "w",
    [1, 1, 1],
    jsonMerge,
    doc("Merges a given JSON value into matching paths", "key path value", "2.6.0"),
  ),
  command(
    "json.clear",
    -2,
    "w",
    [1, 1, 1],
    jsonClear,
    doc(
      "Clears all values from an array or an object and sets numeric values to `0`",
      "key [path]",
      "2.0.0",
    ),
  ),
  command(
    "json.resp",
    -2,
    "r",
    [1, 1, 1],
    jsonResp,
    doc("Returns the JSON value at path in Redis Serialization Protocol (RESP)", "key [path]"),
  ),
  command(
    "json.debug",
    -2,
    "r",
    [2, 2, 1],
    jsonDebug,
    doc("Debugging container command", "MEMORY key [path]"),
  ),
  ...jsonOpsCommands,
]);

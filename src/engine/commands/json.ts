// RedisJSON 2 document commands (as in Redis 8 and Upstash): JSON.SET JSON.GET JSON.MGET
// JSON.MSET JSON.DEL JSON.FORGET JSON.TYPE JSON.MERGE JSON.CLEAR JSON.RESP JSON.DEBUG. The
// string, number, array, object and boolean commands are in json-ops.ts. A document stays a
// parsed tree in memory; only persistence prints it (once per batch that changed it).

import { command } from "../command-table.ts";
import type { CommandDoc, CommandSpec, Ctx } from "../command-table.ts";
import { Errors } from "../errors.ts";
import {
  cloneJson,
  jsonDepthOf,
  jsonSize,
  mergePatch,
  parseJsonArg,
  toJsonText,
  typeOfJson,
} from "../json-doc.ts";
import type { Format, JsonDoc } from "../json-doc.ts";
import { editAt, editChild, editRemoved } from "../json-edits.ts";
import type { DocEdit } from "../json-edits.ts";
import { evaluate, parsePath, setAt } from "../json-path.ts";
import type { JsonPath, Loc } from "../json-path.ts";
import { isJsonObject } from "../json-value.ts";
import type { JsonValue } from "../json-value.ts";
import { JSON_DOC_MAX_DEPTH } from "../../limits.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import {
  JsonErrors,
  LEGACY_ROOT,
  changeDoc,
  createDoc,
  locate,
  perMatch,
  readDoc,
  rootOf,
  writeDoc,
} from "./json-access.ts";
import { jsonOpsCommands } from "./json-ops.ts";
import { optionName } from "./redis-args.ts";
import { withModuleEvents } from "../keyspace-events.ts";

/** Checks that `v` placed below `depth` containers keeps the document within the limit. */
function checkDepth(depth: number, v: JsonValue): void {
  // A parsed value is itself within the limit: only a value placed below containers can pass it.
  if (depth > 0 && depth + jsonDepthOf(v) > JSON_DOC_MAX_DEPTH) throw JsonErrors.tooDeep();
}

/** The value to write at each of several places: the parsed value itself once, then copies. */
function copies(): (old: JsonValue | undefined, v: JsonValue) => JsonValue {
  let first = true;
  return (_old, v) => {
    if (!first) return cloneJson(v);
    first = false;
    return v;
  };
}

/**
 * Writes `v` at a path (JSON.SET, JSON.MSET, JSON.MERGE through `put`): every match is replaced;
 * with no match, a last `.name` step under existing objects adds the member. Returns false when
 * nothing was written (NX/XX not met, or nowhere to write).
 */
function writePath(
  ctx: Ctx,
  key: string,
  pathText: string,
  v: JsonValue,
  cond: "" | "nx" | "xx",
  put: (old: JsonValue | undefined, v: JsonValue) => JsonValue = copies(),
  editsOf: (l: Loc, v: JsonValue) => DocEdit[] = (l) => [editAt(l)],
): boolean {
  const path = parsePath(pathText);
  const e = writeDoc(ctx, key);
  if (!e) {
    if (path.segs.length > 0) throw JsonErrors.newAtRoot();
    if (cond === "xx") return false;
    createDoc(ctx, key, put(undefined, v));
    return true;
  }
  const locs = evaluate(rootOf(e), path);
  if (locs.length > 0) {
    if (cond === "nx") return false;
    for (const l of locs) checkDepth(l.depth, v);
    changeDoc(
      ctx,
      e,
      (doc) => {
        for (const l of locs) {
          const nv = put(l.value, v);
          if (l.parent === null) doc.root = nv;
          else setAt(l, nv);
        }
      },
      locs.flatMap((l) => editsOf(l, v)),
    );
    return true;
  }
  if (cond === "xx") return false;
  const last = path.segs[path.segs.length - 1];
  if (!last || last.deep || last.sel.k !== "names" || last.sel.names.length !== 1) {
    if (path.legacy) throw JsonErrors.noPath(path.text);
    return false;
  }
  const name = last.sel.names[0]!;
  const parents = evaluate(rootOf(e), { ...path, segs: path.segs.slice(0, -1) }).filter((l) =>
    isJsonObject(l.value),
  );
  if (parents.length === 0) {
    if (path.legacy) throw JsonErrors.noPath(path.text);
    return false;
  }
  for (const p of parents) checkDepth(p.depth + 1, v);
  changeDoc(
    ctx,
    e,
    () => {
      for (const p of parents) (p.value as Map<string, JsonValue>).set(name, put(undefined, v));
    },
    parents.map((p) => editChild(p, name)),
  );
  return true;
}

function jsonSet(ctx: Ctx, argv: readonly string[]): Reply {
  let cond: "" | "nx" | "xx" = "";
  for (let i = 4; i < argv.length; i++) {
    const o = optionName(argv[i]!);
    if ((o !== "nx" && o !== "xx") || cond) throw Errors.syntax();
    cond = o;
  }
  const v = parseJsonArg(argv[3]!);
  return writePath(ctx, argv[1]!, argv[2]!, v, cond) ? R.OK : R.NIL;
}

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

function jsonMset(ctx: Ctx, argv: readonly string[]): Reply {
  if ((argv.length - 1) % 3 !== 0) throw Errors.arity("json.mset");
  // Parse every value first: a bad one leaves nothing half-written.
  const values: JsonValue[] = [];
  for (let i = 3; i < argv.length; i += 3) values.push(parseJsonArg(argv[i]!));
  for (let i = 1; i < argv.length; i += 3)
    writePath(ctx, argv[i]!, argv[i + 1]!, values[(i - 1) / 3]!, "");
  return R.OK;
}

/** JSON.DEL / JSON.FORGET: deletes the matches (the key itself at the root); their count. */
function jsonDel(ctx: Ctx, argv: readonly string[]): Reply {
  const e = writeDoc(ctx, argv[1]!);
  if (!e) return R.ZERO;
  const { locs } = locate(e, argv[2] ?? LEGACY_ROOT);
  if (locs.length === 0) return R.ZERO;
  if (locs.some((l) => l.parent === null)) {
    ctx.store.remove(e);
    return R.ONE;
  }
  changeDoc(ctx, e, () => deleteLocs(locs), locs.map(editRemoved));
  return R.int(locs.length);
}

/** Deletes located values; array elements go from the highest index so indexes stay valid. */
function deleteLocs(locs: readonly Loc[]): void {
  const sorted = [...locs].sort((a, b) =>
    typeof a.key === "number" && typeof b.key === "number" ? b.key - a.key : 0,
  );
  for (const l of sorted) {
    if (Array.isArray(l.parent)) l.parent.splice(l.key as number, 1);
    else l.parent?.delete(l.key as string);
  }
}

function jsonType(ctx: Ctx, argv: readonly string[]): Reply {
  const e = readDoc(ctx, argv[1]!);
  if (!e) return R.NIL;
  const { path, locs } = locate(e, argv[2] ?? LEGACY_ROOT);
  if (path.legacy) return locs.length ? R.status(typeOfJson(locs[0]!.value)) : R.NIL;
  return R.array(locs.map((l) => R.bulk(typeOfJson(l.value))));
}

function jsonMerge(ctx: Ctx, argv: readonly string[]): Reply {
  const patch = parseJsonArg(argv[3]!);
  const put = (old: JsonValue | undefined, p: JsonValue) => mergePatch(old ?? null, p);
  // A null patch at a path deletes what it names (RFC 7396 at that member).
  if (patch === null) {
    const e = writeDoc(ctx, argv[1]!);
    if (!e) throw JsonErrors.noKey();
    const { locs } = locate(e, argv[2]!);
    if (locs.some((l) => l.parent === null)) ctx.store.remove(e);
    else if (locs.length) changeDoc(ctx, e, () => deleteLocs(locs), locs.map(editRemoved));
    return R.OK;
  }
  if (!writeDoc(ctx, argv[1]!) && parsePath(argv[2]!).segs.length > 0) throw JsonErrors.newAtRoot();
  writePath(ctx, argv[1]!, argv[2]!, patch, "", put, mergeEdits);
  return R.OK;
}

/**
 * The places a merge patch changes under a location (computed before it applies): members
 * deleted, members set, and objects merged into member by member, so merging a few members into a
 * large document persists only those.
 */
function mergeEdits(l: Loc, patch: JsonValue): DocEdit[] {
  const target = l.value;
  if (!isJsonObject(patch) || !isJsonObject(target)) return [editAt(l)];
  const out: DocEdit[] = [];
  for (const [k, p] of patch) {
    const old = target.get(k);
    if (p === null) {
      if (old !== undefined) out.push({ ...editChild(l, k), removed: true });
    } else if (old !== undefined && isJsonObject(p) && isJsonObject(old)) {
      out.push(...mergeEdits({ parent: target, key: k, value: old, depth: l.depth + 1, up: l }, p));
    } else out.push(editChild(l, k));
  }
  return out;
}

/** JSON.CLEAR: empties arrays and objects, zeroes numbers; how many values changed. */
function jsonClear(ctx: Ctx, argv: readonly string[]): Reply {
  const e = writeDoc(ctx, argv[1]!);
  if (!e) return R.ZERO;
  const { locs } = locate(e, argv[2] ?? "$");
  const targets = locs.filter((l) => {
    const v = l.value;
    if (Array.isArray(v)) return v.length > 0;
    if (isJsonObject(v)) return v.size > 0;
    return typeof v === "bigint" ? v !== 0n : typeof v === "number" ? v !== 0 : false;
  });
  const count = locs.filter((l) => {
    const v = l.value;
    return Array.isArray(v) || isJsonObject(v) || typeof v === "bigint" || typeof v === "number";
  }).length;
  if (targets.length === 0) return R.int(count);
  changeDoc(
    ctx,
    e,
    (doc: JsonDoc) => {
      for (const l of targets) {
        const v = l.value;
        if (Array.isArray(v)) v.length = 0;
        else if (isJsonObject(v)) v.clear();
        else if (l.parent === null) doc.root = 0n;
        else setAt(l, 0n);
      }
    },
    targets.map(editAt),
  );
  return R.int(count);
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

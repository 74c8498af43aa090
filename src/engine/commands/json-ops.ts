// RedisJSON commands on the values inside a document: strings (STRLEN, STRAPPEND), numbers
// (NUMINCRBY, NUMMULTBY), objects (OBJKEYS, OBJLEN) and booleans (TOGGLE); arrays are in
// json-arrays.ts. JSONPath answers once per match (nil where
// the value has the wrong type); a legacy path answers for its one match and raises RedisJSON's
// type error. Every argument is checked and every result computed before anything changes.

import { byteLength } from "../bytes.ts";
import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { jsonSize, parseJsonArg, toJsonText } from "../json-doc.ts";
import { editAt } from "../json-edits.ts";
import { setAt } from "../json-path.ts";
import type { Loc } from "../json-path.ts";
import { isJsonObject } from "../json-value.ts";
import type { JsonValue } from "../json-value.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { jsonArrayCommands } from "./json-arrays.ts";
import {
  JsonErrors,
  LEGACY_ROOT,
  changeDoc,
  locate,
  needDoc,
  perMatch,
  readDoc,
  wrongType,
} from "./json-access.ts";

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Writes `v` at a location inside the document (never the root: callers handle that). */
function replaceAt(doc: { root: JsonValue }, l: Loc, v: JsonValue): void {
  if (l.parent === null) doc.root = v;
  else setAt(l, v);
}

// ---- strings ----------------------------------------------------------------------------------

function strlen(ctx: Ctx, argv: readonly string[]): Reply {
  const e = readDoc(ctx, argv[1]!);
  if (!e) return R.NIL;
  const { path, locs } = locate(e, argv[2] ?? LEGACY_ROOT);
  return perMatch(path, locs, (l, legacy) =>
    typeof l.value === "string" ? R.int(byteLength(l.value)) : wrongType(legacy, "string", l.value),
  );
}

function strappend(ctx: Ctx, argv: readonly string[]): Reply {
  const [pathText, valueText] = argv.length === 3 ? [LEGACY_ROOT, argv[2]!] : [argv[2]!, argv[3]!];
  if (argv.length > 4) throw JsonErrors.noPath(argv[4]!);
  const add = parseJsonArg(valueText);
  if (typeof add !== "string") throw JsonErrors.expected("string", add);
  const e = needDoc(ctx, argv[1]!, true);
  const { path, locs } = locate(e, pathText);
  const strings = locs.filter((l) => typeof l.value === "string");
  if (path.legacy && locs.length && !strings.length)
    throw JsonErrors.expected("string", locs[0]!.value);
  if (strings.length)
    changeDoc(
      ctx,
      e,
      (doc) => strings.forEach((l) => replaceAt(doc, l, (l.value as string) + add)),
      strings.map(editAt),
      () => add.length * strings.length,
    );
  return perMatch(path, locs, (l) =>
    typeof l.value === "string" ? R.int(byteLength(l.value + add)) : R.NIL,
  );
}

// ---- numbers ----------------------------------------------------------------------------------

/** NUMINCRBY / NUMMULTBY: integers stay integers while exact; anything else is a float. */
function numOp(mult: boolean) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    const by = parseJsonArg(argv[3]!);
    if (typeof by !== "bigint" && typeof by !== "number") throw JsonErrors.expected("number", by);
    const e = needDoc(ctx, argv[1]!, true);
    const { path, locs } = locate(e, argv[2]!);
    if (path.legacy && locs.length === 0) throw JsonErrors.noPath(path.text);
    const results: (JsonValue | undefined)[] = locs.map((l) => {
      const v = l.value;
      if (typeof v !== "bigint" && typeof v !== "number") {
        if (path.legacy) throw JsonErrors.expected("number", v);
        return undefined;
      }
      if (typeof v === "bigint" && typeof by === "bigint") {
        const r = mult ? v * by : v + by;
        if (r >= INT64_MIN && r <= INT64_MAX) return r;
      }
      const r = mult ? Number(v) * Number(by) : Number(v) + Number(by);
      if (!Number.isFinite(r)) throw JsonErrors.notANumber();
      return r;
    });
    const changed = locs.filter((_l, i) => results[i] !== undefined);
    if (changed.length) {
      changeDoc(
        ctx,
        e,
        (doc) => locs.forEach((l, i) => results[i] !== undefined && replaceAt(doc, l, results[i]!)),
        changed.map(editAt),
        () =>
          results.reduce<number>(
            (n, r, i) => (r === undefined ? n : n + jsonSize(r) - jsonSize(locs[i]!.value)),
            0,
          ),
      );
    }
    if (path.legacy) return R.bulk(toJsonText(results[0]!));
    return R.bulk(toJsonText(results.map((r) => (r === undefined ? null : r))));
  };
}

// ---- objects and booleans -------------------------------------------------------------------

function objkeys(ctx: Ctx, argv: readonly string[]): Reply {
  const e = readDoc(ctx, argv[1]!);
  if (!e) return R.NIL;
  const { path, locs } = locate(e, argv[2] ?? LEGACY_ROOT);
  return perMatch(path, locs, (l, legacy) =>
    isJsonObject(l.value) ? R.bulks(l.value.keys()) : wrongType(legacy, "object", l.value),
  );
}

function objlen(ctx: Ctx, argv: readonly string[]): Reply {
  const e = readDoc(ctx, argv[1]!);
  if (!e) return R.NIL;
  const { path, locs } = locate(e, argv[2] ?? LEGACY_ROOT);
  return perMatch(path, locs, (l, legacy) =>
    isJsonObject(l.value) ? R.int(l.value.size) : wrongType(legacy, "object", l.value),
  );
}

function toggle(ctx: Ctx, argv: readonly string[]): Reply {
  const e = needDoc(ctx, argv[1]!, true);
  const { path, locs } = locate(e, argv[2]!);
  const bools = locs.filter((l) => typeof l.value === "boolean");
  if (path.legacy && locs.length && !bools.length)
    throw JsonErrors.expected("boolean", locs[0]!.value);
  if (bools.length)
    changeDoc(
      ctx,
      e,
      (doc) => bools.forEach((l) => replaceAt(doc, l, !l.value)),
      bools.map(editAt),
      () => bools.reduce((n, l) => n + (l.value ? 1 : -1), 0),
    );
  return perMatch(path, locs, (l, legacy) => {
    if (typeof l.value !== "boolean") return R.NIL;
    if (legacy) return R.bulk(l.value ? "false" : "true");
    return l.value ? R.ZERO : R.ONE;
  });
}

const doc = (summary: string, params: string, since = "1.0.0") => ({
  doc: { summary, group: "json", since, params },
});

/** The value commands of the JSON family. */
export const jsonOpsCommands: readonly CommandSpec[] = [
  ...jsonArrayCommands,
  command(
    "json.strlen",
    -2,
    "r",
    [1, 1, 1],
    strlen,
    doc("Returns the length of the JSON String at path in key", "key [path]"),
  ),
  command(
    "json.strappend",
    -3,
    "w",
    [1, 1, 1],
    strappend,
    doc("Appends a string to a JSON string value at path", "key [path] value"),
  ),
  command(
    "json.numincrby",
    4,
    "w",
    [1, 1, 1],
    numOp(false),
    doc("Increments the numeric value at path by a value", "key path value"),
  ),
  command(
    "json.nummultby",
    4,
    "w",
    [1, 1, 1],
    numOp(true),
    doc("Multiplies the numeric value at path by a value", "key path value"),
  ),
  command(
    "json.objkeys",
    -2,
    "r",
    [1, 1, 1],
    objkeys,
    doc("Returns the JSON keys of the object at path", "key [path]"),
  ),
  command(
    "json.objlen",
    -2,
    "r",
    [1, 1, 1],
    objlen,
    doc("Returns the number of keys of the object at path", "key [path]"),
  ),
  command(
    "json.toggle",
    3,
    "w",
    [1, 1, 1],
    toggle,
    doc("Toggles a boolean value", "key path", "2.0.0"),
  ),
];

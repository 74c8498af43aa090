// RedisJSON commands on the values inside a document: strings (STRLEN, STRAPPEND), numbers
// (NUMINCRBY, NUMMULTBY), arrays (ARRAPPEND, ARRINDEX, ARRINSERT, ARRLEN, ARRPOP, ARRTRIM),
// objects (OBJKEYS, OBJLEN) and booleans (TOGGLE). JSONPath answers once per match (nil where
// the value has the wrong type); a legacy path answers for its one match and raises RedisJSON's
// type error. Every argument is checked and every result computed before anything changes.

import { byteLength } from "../bytes.ts";
import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { cloneJson, jsonDepthOf, jsonSize, parseJsonArg, toJsonText } from "../json-doc.ts";
import { jsonEqual, setAt } from "../json-path.ts";
import type { Loc } from "../json-path.ts";
import { isJsonObject } from "../json-value.ts";
import type { JsonValue } from "../json-value.ts";
import { JSON_DOC_MAX_DEPTH } from "../../limits.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import {
  JsonErrors,
  LEGACY_ROOT,
  changeDoc,
  intArg,
  locate,
  perMatch,
  readDoc,
  wrongType,
  writeDoc,
} from "./json-access.ts";

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** A document for a command that needs one: the missing-key error otherwise. */
function needDoc(ctx: Ctx, key: string, write: boolean) {
  const e = write ? writeDoc(ctx, key) : readDoc(ctx, key);
  if (!e) throw JsonErrors.noKey();
  return e;
}

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

// ---- arrays -----------------------------------------------------------------------------------

/** Parses JSON values of arguments [from, argv.length). */
function valuesFrom(argv: readonly string[], from: number): JsonValue[] {
  return argv.slice(from).map(parseJsonArg);
}

function checkDepth(locs: readonly Loc[], values: readonly JsonValue[]): void {
  const d = Math.max(0, ...values.map(jsonDepthOf));
  for (const l of locs) if (l.depth + 1 + d > JSON_DOC_MAX_DEPTH) throw JsonErrors.tooDeep();
}

function arrappend(ctx: Ctx, argv: readonly string[]): Reply {
  const values = valuesFrom(argv, 3);
  const e = needDoc(ctx, argv[1]!, true);
  const { path, locs } = locate(e, argv[2]!);
  const arrays = locs.filter((l) => Array.isArray(l.value));
  if (path.legacy && locs.length && !arrays.length)
    throw JsonErrors.expected("array", locs[0]!.value);
  checkDepth(arrays, values);
  if (arrays.length)
    changeDoc(ctx, e, () =>
      arrays.forEach((l) => (l.value as JsonValue[]).push(...values.map(cloneJson))),
    );
  return perMatch(path, locs, (l) => (Array.isArray(l.value) ? R.int(l.value.length) : R.NIL));
}

function arrindex(ctx: Ctx, argv: readonly string[]): Reply {
  const needle = parseJsonArg(argv[3]!);
  const start = argv[4] === undefined ? 0 : intArg(argv[4]);
  const stop = argv[5] === undefined ? 0 : intArg(argv[5]);
  const e = needDoc(ctx, argv[1]!, false);
  const { path, locs } = locate(e, argv[2]!);
  return perMatch(path, locs, (l, legacy) => {
    const a = l.value;
    if (!Array.isArray(a)) return wrongType(legacy, "array", a);
    const n = a.length;
    const from = start < 0 ? Math.max(n + start, 0) : Math.min(start, n);
    const to = stop <= 0 ? (stop === 0 ? n : Math.max(n + stop, 0)) : Math.min(stop, n);
    for (let i = from; i < to; i++) if (jsonEqual(a[i]!, needle)) return R.int(i);
    return R.int(-1);
  });
}

function arrinsert(ctx: Ctx, argv: readonly string[]): Reply {
  const index = intArg(argv[3]!);
  const values = valuesFrom(argv, 4);
  const e = needDoc(ctx, argv[1]!, true);
  const { path, locs } = locate(e, argv[2]!);
  const arrays = locs.filter((l) => Array.isArray(l.value));
  if (path.legacy && locs.length && !arrays.length)
    throw JsonErrors.expected("array", locs[0]!.value);
  for (const l of arrays) {
    const n = (l.value as JsonValue[]).length;
    if (index > n || index < -n) throw JsonErrors.indexOutOfBounds();
  }
  checkDepth(arrays, values);
  if (arrays.length)
    changeDoc(ctx, e, () =>
      arrays.forEach((l) => {
        const a = l.value as JsonValue[];
        a.splice(index < 0 ? a.length + index : index, 0, ...values.map(cloneJson));
      }),
    );
  return perMatch(path, locs, (l) => (Array.isArray(l.value) ? R.int(l.value.length) : R.NIL));
}

function arrlen(ctx: Ctx, argv: readonly string[]): Reply {
  const e = readDoc(ctx, argv[1]!);
  if (!e) return R.NIL;
  const { path, locs } = locate(e, argv[2] ?? LEGACY_ROOT);
  return perMatch(path, locs, (l, legacy) =>
    Array.isArray(l.value) ? R.int(l.value.length) : wrongType(legacy, "array", l.value),
  );
}

function arrpop(ctx: Ctx, argv: readonly string[]): Reply {
  const index = argv[3] === undefined ? -1 : intArg(argv[3]);
  const e = writeDoc(ctx, argv[1]!);
  if (!e) return R.NIL;
  const { path, locs } = locate(e, argv[2] ?? LEGACY_ROOT);
  if (path.legacy && locs.length && !Array.isArray(locs[0]!.value))
    throw JsonErrors.expected("array", locs[0]!.value);
  const popped = new Map<Loc, JsonValue>();
  const arrays = locs.filter((l) => Array.isArray(l.value) && l.value.length > 0);
  if (arrays.length)
    changeDoc(ctx, e, () =>
      arrays.forEach((l) => {
        const a = l.value as JsonValue[];
        const i = index < 0 ? Math.max(a.length + index, 0) : Math.min(index, a.length - 1);
        popped.set(l, a.splice(i, 1)[0]!);
      }),
    );
  return perMatch(path, locs, (l) => {
    const v = popped.get(l);
    return v === undefined ? R.NIL : R.bulk(toJsonText(v));
  });
}

function arrtrim(ctx: Ctx, argv: readonly string[]): Reply {
  const start = intArg(argv[3]!);
  const stop = intArg(argv[4]!);
  const e = needDoc(ctx, argv[1]!, true);
  const { path, locs } = locate(e, argv[2]!);
  const arrays = locs.filter((l) => Array.isArray(l.value));
  if (path.legacy && locs.length && !arrays.length)
    throw JsonErrors.expected("array", locs[0]!.value);
  if (arrays.length)
    changeDoc(ctx, e, () =>
      arrays.forEach((l) => {
        const a = l.value as JsonValue[];
        const n = a.length;
        const from = start < 0 ? Math.max(n + start, 0) : start;
        const to = Math.min(stop < 0 ? n + stop : stop, n - 1);
        const kept = from > to || from >= n ? [] : a.slice(from, to + 1);
        a.length = 0;
        a.push(...kept);
      }),
    );
  return perMatch(path, locs, (l) => (Array.isArray(l.value) ? R.int(l.value.length) : R.NIL));
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
    "json.arrappend",
    -4,
    "w",
    [1, 1, 1],
    arrappend,
    doc(
      "Append one or more JSON values into the array at path after the last element in it",
      "key path value [value ...]",
    ),
  ),
  command(
    "json.arrindex",
    -4,
    "r",
    [1, 1, 1],
    arrindex,
    doc(
      "Returns the index of the first occurrence of a JSON scalar value in the array at path",
      "key path value [start [stop]]",
    ),
  ),
  command(
    "json.arrinsert",
    -5,
    "w",
    [1, 1, 1],
    arrinsert,
    doc(
      "Inserts the JSON scalar(s) value at the specified index in the array at path",
      "key path index value [value ...]",
    ),
  ),
  command(
    "json.arrlen",
    -2,
    "r",
    [1, 1, 1],
    arrlen,
    doc("Returns the length of the array at path", "key [path]"),
  ),
  command(
    "json.arrpop",
    -2,
    "w",
    [1, 1, 1],
    arrpop,
    doc(
      "Removes and returns the element at the specified index in the array at path",
      "key [path [index]]",
    ),
  ),
  command(
    "json.arrtrim",
    5,
    "w",
    [1, 1, 1],
    arrtrim,
    doc(
      "Trims the array at path to contain only the specified inclusive range of indices from start to stop",
      "key path start stop",
    ),
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

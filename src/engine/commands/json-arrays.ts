// RedisJSON's array commands: ARRAPPEND ARRINDEX ARRINSERT ARRLEN ARRPOP ARRTRIM. JSONPath
// answers once per match (nil where the value is not an array); a legacy path answers for its
// one match and raises RedisJSON's type error. Arguments are all parsed before anything changes.

import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { cloneJson, jsonDepthOf, parseJsonArg, toJsonText } from "../json-doc.ts";
import { editAt, editChild } from "../json-edits.ts";
import type { DocEdit } from "../json-edits.ts";
import { jsonEqual } from "../json-path.ts";
import type { Loc } from "../json-path.ts";
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
  needDoc,
  perMatch,
  readDoc,
  wrongType,
  writeDoc,
} from "./json-access.ts";

/** Parses JSON values of arguments [from, argv.length). */
function valuesFrom(argv: readonly string[], from: number): JsonValue[] {
  return argv.slice(from).map(parseJsonArg);
}

function checkDepth(locs: readonly Loc[], values: readonly JsonValue[]): void {
  const d = Math.max(0, ...values.map(jsonDepthOf));
  for (const l of locs) if (l.depth + 1 + d > JSON_DOC_MAX_DEPTH) throw JsonErrors.tooDeep();
}

/** The new elements `count` appends to each array write: only they are persisted. */
function appendedEdits(arrays: readonly Loc[], count: number): DocEdit[] {
  // An array matched twice gets both appends: count on from its length after the first.
  const lengths = new Map<JsonValue, number>();
  const out: DocEdit[] = [];
  for (const l of arrays) {
    const n = lengths.get(l.value) ?? (l.value as JsonValue[]).length;
    lengths.set(l.value, n + count);
    for (let j = 0; j < count; j++) out.push(editChild(l, n + j));
  }
  return out;
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
    changeDoc(
      ctx,
      e,
      () => arrays.forEach((l) => (l.value as JsonValue[]).push(...values.map(cloneJson))),
      appendedEdits(arrays, values.length),
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
    changeDoc(
      ctx,
      e,
      () =>
        arrays.forEach((l) => {
          const a = l.value as JsonValue[];
          a.splice(index < 0 ? a.length + index : index, 0, ...values.map(cloneJson));
        }),
      arrays.map(editAt),
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
    changeDoc(
      ctx,
      e,
      () =>
        arrays.forEach((l) => {
          const a = l.value as JsonValue[];
          const i = index < 0 ? Math.max(a.length + index, 0) : Math.min(index, a.length - 1);
          popped.set(l, a.splice(i, 1)[0]!);
        }),
      arrays.map(editAt),
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
    changeDoc(
      ctx,
      e,
      () =>
        arrays.forEach((l) => {
          const a = l.value as JsonValue[];
          const n = a.length;
          const from = start < 0 ? Math.max(n + start, 0) : start;
          const to = Math.min(stop < 0 ? n + stop : stop, n - 1);
          const kept = from > to || from >= n ? [] : a.slice(from, to + 1);
          a.length = 0;
          a.push(...kept);
        }),
      arrays.map(editAt),
    );
  return perMatch(path, locs, (l) => (Array.isArray(l.value) ? R.int(l.value.length) : R.NIL));
}

const doc = (summary: string, params: string, since = "1.0.0") => ({
  doc: { summary, group: "json", since, params },
});

/** The array commands of the JSON family. */
export const jsonArrayCommands: readonly CommandSpec[] = [
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
];

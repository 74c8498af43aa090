// Shared plumbing of the JSON commands: finding a document key, evaluating a path with
// RedisJSON's errors, changing a document in place with usage, persistence and undo kept in
// step, and the reply shapes (one reply per match for JSONPath, one value for a legacy path).

import type { Ctx } from "../command-table.ts";
import type { Entry } from "../entry.ts";
import { CommandError, Errors } from "../errors.ts";
import { JsonDoc, cloneJson, jsonSize, typeOfJson } from "../json-doc.ts";
import type { DocEdit } from "../json-edits.ts";
import { evaluate, parsePath } from "../json-path.ts";
import type { JsonPath, Loc } from "../json-path.ts";
import type { JsonValue } from "../json-value.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { getTyped, readTyped } from "./access.ts";

/** The legacy root path, the default of most commands. */
export const LEGACY_ROOT = ".";

export const JsonErrors = {
  noKey: () =>
    new CommandError("ERR", "ERR could not perform this operation on a key that doesn't exist"),
  noPath: (p: string) => new CommandError("ERR", `ERR Path '${p}' does not exist`),
  newAtRoot: () => new CommandError("ERR", "ERR new objects must be created at the root"),
  expected: (want: string, v: JsonValue) =>
    new CommandError(
      "WRONGTYPE",
      `WRONGTYPE wrong type of path value - expected ${want} but found ${typeOfJson(v)}`,
    ),
  notANumber: () => new CommandError("ERR", "ERR result is not a number"),
  indexOutOfBounds: () => new CommandError("ERR", "ERR index out of bounds"),
  tooDeep: () => new CommandError("ERR", "ERR nesting too deep (max 128 levels)"),
};

/** The document of a key for a read (refreshing recency), undefined when missing. */
export function readDoc(ctx: Ctx, key: string): Entry | undefined {
  return readTyped(ctx, key, "document");
}

/** The document of a key for a write, undefined when missing. */
export function writeDoc(ctx: Ctx, key: string): Entry | undefined {
  const e = getTyped(ctx, key, "document");
  if (e) ctx.store.touch(e);
  return e;
}

/** The root value of a document entry. */
export function rootOf(e: Entry): JsonValue {
  return (e.value as JsonDoc).root;
}

/** Parses a path argument (or the default) and evaluates it on a document. */
export function locate(e: Entry, pathText: string): { path: JsonPath; locs: Loc[] } {
  const path = parsePath(pathText);
  return { path, locs: evaluate(rootOf(e), path) };
}

/**
 * A write to a document: `fn` changes it in place (returning its reply); the entry's version,
 * usage and persistence record follow, and under a memory limit the old tree is kept for undo.
 * `edits` name the places `fn` changes (json-edits.ts), so persistence writes only those; without
 * them the whole document is written. `sizeDelta` (bytes) when the caller knows it saves a walk
 * of the whole document.
 */
export function changeDoc<T>(
  ctx: Ctx,
  e: Entry,
  fn: (doc: JsonDoc) => T,
  edits: readonly DocEdit[] | null,
  sizeDelta?: () => number,
): T {
  const store = ctx.store;
  const doc = e.value as JsonDoc;
  const before = store.journaling ? cloneJson(doc.root) : undefined;
  store.noteChange(e);
  if (edits) store.changes.docEdit(e.key, edits);
  else store.changes.docWhole(e.key);
  const out = fn(doc);
  if (before !== undefined)
    store.onUndo(() => {
      doc.root = before;
      // The recorded edits described the undone change: the restored tree is written whole.
      store.changes.docWhole(e.key);
    });
  store.resize(e, sizeDelta ? sizeDelta() : jsonSize(doc.root) - e.size);
  return out;
}

/** Creates a document key holding `v` (the caller checked it is missing). */
export function createDoc(ctx: Ctx, key: string, v: JsonValue): void {
  ctx.store.create(key, "document", new JsonDoc(v), jsonSize(v));
}

/**
 * The reply of a per-match command: an array over the matches for JSONPath; for a legacy path
 * the first match's reply, or Redis's path error when nothing matched. `each` throws its own
 * type error for a legacy path (RedisJSON's "expected … but found …").
 */
export function perMatch(
  path: JsonPath,
  locs: readonly Loc[],
  each: (l: Loc, legacy: boolean) => Reply,
): Reply {
  if (!path.legacy) return R.array(locs.map((l) => each(l, false)));
  if (locs.length === 0) throw JsonErrors.noPath(path.text);
  return each(locs[0]!, true);
}

/** A missing key: JSONPath commands answer nil, as legacy ones do. */
export function missingKey(): Reply {
  return R.NIL;
}

/** Throws the "wrong type" error of a legacy path, or answers nil for a JSONPath match. */
export function wrongType(legacy: boolean, want: string, v: JsonValue): Reply {
  if (legacy) throw JsonErrors.expected(want, v);
  return R.NIL;
}

/** Parses an integer argument as RedisJSON does (i64). */
export function intArg(s: string): number {
  const n = Number(s);
  if (!/^-?\d+$/.test(s) || !Number.isSafeInteger(n)) throw Errors.notInteger();
  return n;
}

/** A document for a command that needs one: the missing-key error otherwise. */
export function needDoc(ctx: Ctx, key: string, write: boolean): Entry {
  const e = write ? writeDoc(ctx, key) : readDoc(ctx, key);
  if (!e) throw JsonErrors.noKey();
  return e;
}

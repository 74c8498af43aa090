// What a JSON command changed inside a document, as concrete paths from the root, so persistence
// writes only those subtrees (src/worker/json-persistence.ts) instead of the whole document.
//
// An edit at a path means "the value there is now whatever the document holds there" (or is gone);
// a removed object member is marked so its re-adding later in the batch moves it to the end, as
// the live object does. Array elements are only ever replaced or appended in place: a change that
// shifts elements (insert, pop, trim, delete) is an edit of the whole array.

import { isJsonObject } from "./json-value.ts";
import type { JsonValue } from "./json-value.ts";
import type { Loc } from "./json-path-parse.ts";

/** Object member names and array indexes from the root; [] is the root. */
export type DocPath = readonly (string | number)[];

/** One changed place in a document. */
export interface DocEdit {
  readonly path: DocPath;
  /** An object member deleted (before any new value at the same path). */
  readonly removed?: boolean;
}

/** The path of a location. */
export function pathOf(l: Loc): DocPath {
  const out: (string | number)[] = [];
  for (let x: Loc | undefined = l; x && x.parent !== null; x = x.up) out.push(x.key);
  return out.reverse();
}

/** The value at a location changed (replaced or changed in place). */
export function editAt(l: Loc): DocEdit {
  return { path: pathOf(l) };
}

/** A new member or element `key` under the container at `l`. */
export function editChild(l: Loc, key: string | number): DocEdit {
  return { path: [...pathOf(l), key] };
}

/** The value at `l` deleted: an object member, or else a shift of its array (the array changed). */
export function editRemoved(l: Loc): DocEdit {
  if (Array.isArray(l.parent)) return { path: pathOf(l).slice(0, -1) };
  return { path: pathOf(l), removed: true };
}

/** The value at a path, undefined when there is none. */
export function valueAtPath(root: JsonValue, path: DocPath): JsonValue | undefined {
  let v: JsonValue | undefined = root;
  for (const k of path) {
    if (typeof k === "number") v = Array.isArray(v) ? v[k] : undefined;
    else v = v !== undefined && isJsonObject(v) ? v.get(k) : undefined;
    if (v === undefined) return undefined;
  }
  return v;
}

/**
 * Replays one edit on a document (persistence's load): `v` is written at the path, or with
 * `undefined` an object member is deleted. An array index one past the end appends. Returns
 * the new root; a path whose parent is missing changes nothing.
 */
export function applyAtPath(root: JsonValue, path: DocPath, v: JsonValue | undefined): JsonValue {
  if (path.length === 0) return v === undefined ? root : v;
  const parent = valueAtPath(root, path.slice(0, -1));
  const k = path[path.length - 1]!;
  if (typeof k === "number" && Array.isArray(parent)) {
    if (v === undefined) {
      if (k < parent.length) parent.splice(k, 1);
    } else if (k < parent.length) parent[k] = v;
    else if (k === parent.length) parent.push(v);
  } else if (typeof k === "string" && parent !== undefined && isJsonObject(parent)) {
    if (v === undefined) parent.delete(k);
    else parent.set(k, v);
  }
  return root;
}

// The writing commands of RedisJSON (json.ts registers them): JSON.SET, JSON.MSET, JSON.DEL and
// JSON.FORGET, JSON.MERGE, JSON.CLEAR, and writing a value at a path with the edits persistence
// needs. Apart from json.ts, which keeps the reading commands and the command records.

import type { Ctx } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { cloneJson, jsonDepthOf, mergePatch, parseJsonArg } from "../json-doc.ts";
import type { JsonDoc } from "../json-doc.ts";
import { editAt, editChild, editRemoved } from "../json-edits.ts";
import type { DocEdit } from "../json-edits.ts";
import { evaluate, parsePath, setAt } from "../json-path.ts";
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
  createDoc,
  locate,
  rootOf,
  writeDoc,
} from "./json-access.ts";
import { optionName } from "./redis-args.ts";

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

/** JSON.SET key path value [NX|XX]. */
export function jsonSet(ctx: Ctx, argv: readonly string[]): Reply {
  let cond: "" | "nx" | "xx" = "";
  for (let i = 4; i < argv.length; i++) {
    const o = optionName(argv[i]!);
    if ((o !== "nx" && o !== "xx") || cond) throw Errors.syntax();
    cond = o;
  }
  const v = parseJsonArg(argv[3]!);
  return writePath(ctx, argv[1]!, argv[2]!, v, cond) ? R.OK : R.NIL;
}

/** JSON.MSET key path value [key path value ...]: every value parsed before any is written. */
export function jsonMset(ctx: Ctx, argv: readonly string[]): Reply {
  if ((argv.length - 1) % 3 !== 0) throw Errors.arity("json.mset");
  // Parse every value first: a bad one leaves nothing half-written.
  const values: JsonValue[] = [];
  for (let i = 3; i < argv.length; i += 3) values.push(parseJsonArg(argv[i]!));
  for (let i = 1; i < argv.length; i += 3)
    writePath(ctx, argv[i]!, argv[i + 1]!, values[(i - 1) / 3]!, "");
  return R.OK;
}

/** JSON.DEL / JSON.FORGET: deletes the matches (the key itself at the root); their count. */
export function jsonDel(ctx: Ctx, argv: readonly string[]): Reply {
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

/** JSON.MERGE key path patch (RFC 7396). */
export function jsonMerge(ctx: Ctx, argv: readonly string[]): Reply {
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
export function jsonClear(ctx: Ctx, argv: readonly string[]): Reply {
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

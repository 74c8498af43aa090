// Evaluation of paths into JSON documents (json-path-parse.ts reads them): the locations a path
// selects (parent and key, so commands can change what they matched in place). A legacy path
// selects at most one value. Recursive descent visits a node before its descendants, as
// RedisJSON's documented examples show.

import { isJsonObject } from "./json-value.ts";
import type { JsonValue } from "./json-value.ts";
import type { FilterExpr, JsonPath, Loc, Operand, Selector } from "./json-path-parse.ts";

export { parsePath } from "./json-path-parse.ts";
export type { JsonPath, Loc } from "./json-path-parse.ts";

/** The locations a path selects in a document, in document order (node before descendants). */
export function evaluate(root: JsonValue, path: JsonPath): Loc[] {
  let locs: Loc[] = [{ parent: null, key: "", value: root, depth: 0 }];
  for (const seg of path.segs) {
    const next: Loc[] = [];
    for (const l of locs) {
      if (seg.deep) for (const d of descendants(l)) select(d, seg.sel, root, next);
      else select(l, seg.sel, root, next);
    }
    locs = next;
    if (path.legacy && locs.length > 1) locs = locs.slice(0, 1);
  }
  return locs;
}

/** A location and every container below it, node first. */
function descendants(l: Loc): Loc[] {
  const out: Loc[] = [];
  const walk = (x: Loc) => {
    const v = x.value;
    if (Array.isArray(v)) {
      out.push(x);
      v.forEach((c, i) => walk({ parent: v, key: i, value: c, depth: x.depth + 1, up: x }));
    } else if (isJsonObject(v)) {
      out.push(x);
      for (const [k, c] of v) walk({ parent: v, key: k, value: c, depth: x.depth + 1, up: x });
    }
  };
  walk(l);
  return out;
}

function select(l: Loc, sel: Selector, root: JsonValue, out: Loc[]): void {
  const v = l.value;
  const depth = l.depth + 1;
  switch (sel.k) {
    case "names":
      if (!isJsonObject(v)) return;
      for (const n of sel.names)
        if (v.has(n)) out.push({ parent: v, key: n, value: v.get(n)!, depth, up: l });
      return;
    case "wild":
      if (Array.isArray(v))
        v.forEach((c, i) => out.push({ parent: v, key: i, value: c, depth, up: l }));
      else if (isJsonObject(v))
        for (const [k, c] of v) out.push({ parent: v, key: k, value: c, depth, up: l });
      return;
    case "indexes":
      if (!Array.isArray(v)) return;
      for (const i of sel.idx) {
        const j = i < 0 ? v.length + i : i;
        if (j >= 0 && j < v.length) out.push({ parent: v, key: j, value: v[j]!, depth, up: l });
      }
      return;
    case "slice": {
      if (!Array.isArray(v) || sel.step <= 0) return;
      const n = v.length;
      const norm = (x: number) => (x < 0 ? Math.max(n + x, 0) : Math.min(x, n));
      const start = sel.start === null ? 0 : norm(sel.start);
      const end = sel.end === null ? n : norm(sel.end);
      for (let i = start; i < end; i += sel.step)
        out.push({ parent: v, key: i, value: v[i]!, depth, up: l });
      return;
    }
    case "filter":
      if (Array.isArray(v)) {
        v.forEach((c, i) => {
          if (test(sel.expr, c, root)) out.push({ parent: v, key: i, value: c, depth, up: l });
        });
      } else if (isJsonObject(v)) {
        for (const [k, c] of v)
          if (test(sel.expr, c, root)) out.push({ parent: v, key: k, value: c, depth, up: l });
      }
      return;
  }
}

/** The values an operand stands for at the current node (`@`) or the root (`$`). */
function operandValues(o: Operand, cur: JsonValue, root: JsonValue): JsonValue[] {
  if (o.k === "lit") return [o.v];
  const base = o.root === "@" ? cur : root;
  return evaluate(base, { text: "", legacy: false, segs: o.segs }).map((l) => l.value);
}

function test(e: FilterExpr, cur: JsonValue, root: JsonValue): boolean {
  switch (e.k) {
    case "or":
      return test(e.a, cur, root) || test(e.b, cur, root);
    case "and":
      return test(e.a, cur, root) && test(e.b, cur, root);
    case "not":
      return !test(e.a, cur, root);
    case "exists":
      return operandValues(e.a, cur, root).length > 0;
    case "cmp": {
      const as = operandValues(e.a, cur, root);
      const bs = operandValues(e.b, cur, root);
      return as.some((a) => bs.some((b) => compare(e.op, a, b)));
    }
  }
}

function compare(op: string, a: JsonValue, b: JsonValue): boolean {
  if (op === "=~") {
    if (typeof a !== "string" || typeof b !== "string") return false;
    try {
      return new RegExp(b).test(a);
    } catch {
      return false;
    }
  }
  const num = (x: JsonValue) => (typeof x === "bigint" ? Number(x) : x);
  const x = num(a);
  const y = num(b);
  if (op === "==") return jsonEqual(a, b);
  if (op === "!=") return !jsonEqual(a, b);
  const bothNum = typeof x === "number" && typeof y === "number";
  const bothStr = typeof x === "string" && typeof y === "string";
  if (!bothNum && !bothStr) return false;
  if (op === "<") return x! < y!;
  if (op === "<=") return x! <= y!;
  if (op === ">") return x! > y!;
  return x! >= y!;
}

/** Deep equality of JSON values; integers and floats compare by numeric value. */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (
    (typeof a === "bigint" || typeof a === "number") &&
    (typeof b === "bigint" || typeof b === "number")
  )
    return typeof a === typeof b ? a === b : Number(a) === Number(b);
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]!));
  }
  if (isJsonObject(a)) {
    if (!isJsonObject(b) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !jsonEqual(v, b.get(k)!)) return false;
    return true;
  }
  return a === b;
}

/** Writes a value at a location (the root is the caller's to replace). */
export function setAt(l: Loc, v: JsonValue): void {
  if (Array.isArray(l.parent)) l.parent[l.key as number] = v;
  else if (l.parent) l.parent.set(l.key as string, v);
}

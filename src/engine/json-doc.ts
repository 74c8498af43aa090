// JSON documents (the RedisJSON "ReJSON-RL" type): the parsed tree kept in memory, RedisJSON's
// text form (serde_json: compact, floats as ryu prints them — `3.0`, `1e+21` as `1e21`), the
// INDENT/NEWLINE/SPACE pretty form, type names, RFC 7396 merge and the nesting limit.

import { CommandError } from "./errors.ts";
import { JsonParseError, parseJson } from "./json-parse.ts";
import { isJsonObject } from "./json-value.ts";
import type { JsonObject, JsonValue } from "./json-value.ts";
import { JSON_DOC_MAX_DEPTH } from "../limits.ts";
import { isBinary } from "./bytes.ts";

/** The value of a "document" entry: a box, so the root itself can be replaced in place. */
export class JsonDoc {
  root: JsonValue;
  constructor(root: JsonValue) {
    this.root = root;
  }
}

/** Parses a JSON argument as RedisJSON does, with serde_json's error texts. */
export function parseJsonArg(text: string): JsonValue {
  if (isBinary(text)) throw new CommandError("ERR", "ERR invalid UTF-8 in JSON value");
  try {
    return parseJson(text, { maxDepth: JSON_DOC_MAX_DEPTH });
  } catch (e) {
    if (!(e instanceof JsonParseError)) throw e;
    const pos = Math.max(e.position, 0);
    const before = text.slice(0, pos);
    const line = before.split("\n").length;
    const column = pos - before.lastIndexOf("\n");
    const what =
      e.message === "nesting too deep"
        ? "recursion limit exceeded"
        : pos >= text.length
          ? "EOF while parsing a value"
          : "expected value";
    throw new CommandError("ERR", `ERR ${what} at line ${line} column ${column}`);
  }
}

/** A float as serde_json prints it (ryu): shortest digits, `.0` on integers, `e` past 1e16. */
export function floatText(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16)
    return (Object.is(x, -0) ? "-0" : String(x)) + ".0";
  const [mant, expText] = x.toExponential().split("e") as [string, string];
  const neg = mant.startsWith("-");
  const digits = mant.replace("-", "").replace(".", "");
  const kk = Number(expText) + 1; // position of the decimal point in `digits`
  const n = digits.length;
  let out: string;
  if (kk > 0 && kk <= 16) {
    out =
      n <= kk ? digits + "0".repeat(kk - n) + ".0" : `${digits.slice(0, kk)}.${digits.slice(kk)}`;
  } else if (kk > -5 && kk <= 0) {
    out = `0.${"0".repeat(-kk)}${digits}`;
  } else {
    out = (n === 1 ? digits : `${digits[0]}.${digits.slice(1)}`) + `e${kk - 1}`;
  }
  return neg ? "-" + out : out;
}

/** Text of a scalar value. */
function scalarText(v: JsonValue): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return floatText(v);
  return JSON.stringify(v);
}

/** Pretty-printing strings of JSON.GET (all empty: compact). */
export interface Format {
  indent: string;
  newline: string;
  space: string;
}

const COMPACT: Format = { indent: "", newline: "", space: "" };

/** RedisJSON's text of a value (compact unless a format is given). */
export function toJsonText(v: JsonValue, f: Format = COMPACT): string {
  if (f === COMPACT || (!f.indent && !f.newline && !f.space)) return compact(v);
  const parts: string[] = [];
  pretty(v, f, 0, parts);
  return parts.join("");
}

function compact(v: JsonValue): string {
  if (Array.isArray(v)) return `[${v.map(compact).join(",")}]`;
  if (isJsonObject(v)) {
    let s = "{";
    let first = true;
    for (const [k, x] of v) {
      s += (first ? "" : ",") + JSON.stringify(k) + ":" + compact(x);
      first = false;
    }
    return s + "}";
  }
  return scalarText(v);
}

function pretty(v: JsonValue, f: Format, depth: number, out: string[]): void {
  const isArr = Array.isArray(v);
  if (!isArr && !isJsonObject(v)) {
    out.push(scalarText(v));
    return;
  }
  const size = isArr ? v.length : v.size;
  if (size === 0) {
    out.push(isArr ? "[]" : "{}");
    return;
  }
  out.push(isArr ? "[" : "{");
  const inner = f.indent.repeat(depth + 1);
  let first = true;
  const items: [string | null, JsonValue][] = isArr
    ? v.map((x) => [null, x])
    : Array.from(v, ([k, x]) => [k, x]);
  for (const [k, x] of items) {
    out.push((first ? "" : ",") + f.newline + inner);
    if (k !== null) out.push(JSON.stringify(k) + ":" + f.space);
    pretty(x, f, depth + 1, out);
    first = false;
  }
  out.push(f.newline + f.indent.repeat(depth) + (isArr ? "]" : "}"));
}

/** JSON.TYPE's name of a value. */
export function typeOfJson(v: JsonValue): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (isJsonObject(v)) return "object";
  if (typeof v === "bigint") return "integer";
  if (typeof v === "number") return "number";
  return typeof v; // string, boolean
}

/** Bytes a value accounts for in memory usage: its compact text length, counted cheaply. */
export function jsonSize(v: JsonValue): number {
  if (Array.isArray(v)) {
    let n = 2 + Math.max(v.length - 1, 0);
    for (const x of v) n += jsonSize(x);
    return n;
  }
  if (isJsonObject(v)) {
    let n = 2 + Math.max(v.size - 1, 0);
    for (const [k, x] of v) n += k.length + 3 + jsonSize(x);
    return n;
  }
  if (typeof v === "string") return v.length + 2;
  if (typeof v === "number") return 8;
  return scalarText(v).length;
}

/** Nesting depth of a value (`[]` is 1, a scalar 0). */
export function jsonDepthOf(v: JsonValue): number {
  let max = 0;
  if (Array.isArray(v)) for (const x of v) max = Math.max(max, jsonDepthOf(x));
  else if (isJsonObject(v)) for (const x of v.values()) max = Math.max(max, jsonDepthOf(x));
  else return 0;
  return max + 1;
}

/** A deep copy (values written into a document must not share containers with another). */
export function cloneJson(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(cloneJson);
  if (isJsonObject(v)) {
    const m: JsonObject = new Map();
    for (const [k, x] of v) m.set(k, cloneJson(x));
    return m;
  }
  return v;
}

/** RFC 7396 merge patch: `patch` applied to `target`; null members delete. */
export function mergePatch(target: JsonValue, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const out: JsonObject = isJsonObject(target) ? target : new Map();
  for (const [k, p] of patch) {
    if (p === null) out.delete(k);
    else out.set(k, mergePatch(out.get(k) ?? null, p));
  }
  return out;
}

// The Python-compatible JSON rules of spec §3.3: strict parsing (json-parse.ts), the canonical
// JSON text, Flask JSON, and the float texts (py-float.ts). Import all of them from here.

import type { JsonValue } from "../engine/json-value.ts";
import { pyFloatRepr } from "../engine/py-float.ts";

export {
  JsonNumberSource,
  JsonParseError,
  parseJson,
  parseJsonBytes,
  type JsonValueWithSource,
  type ParseJsonOptions,
} from "../engine/json-parse.ts";
export { floatResultText, pyFloatRepr } from "../engine/py-float.ts";

// JSON.stringify escapes a string exactly as Python's json with ensure_ascii=False does
// (\" \\ \b \f \n \r \t, other U+0000-U+001F as lowercase \u00XX, everything else raw) for
// every well-formed string. The one difference, a lone surrogate (\udXXX escaped here, raw in
// Python), cannot occur: parsed JSON and UTF-8 byte strings never hold one.
function quoteCanonical(s: string): string {
  return JSON.stringify(s);
}

/** Everything JSON.stringify leaves raw that ensure_ascii=True escapes (DEL and non-ASCII). */
const NON_ASCII = /[\u007f-\uffff]/g;
const HEX_RADIX = 16;
const UNICODE_ESCAPE_DIGITS = 4;

function escapeUnit(c: string): string {
  return "\\u" + c.charCodeAt(0).toString(HEX_RADIX).padStart(UNICODE_ESCAPE_DIGITS, "0");
}

function quoteAscii(s: string): string {
  const q = JSON.stringify(s);
  NON_ASCII.lastIndex = 0;
  // Without the u flag the class matches UTF-16 units, so astral characters come out as
  // their surrogate pair, as in Python.
  return NON_ASCII.test(q) ? q.replace(NON_ASCII, escapeUnit) : q;
}

/** How `dumpsJson` writes: Python's `ensure_ascii` and `sort_keys`. */
export interface DumpsOptions {
  readonly ensureAscii: boolean;
  readonly sortKeys: boolean;
}

const CANONICAL: DumpsOptions = { ensureAscii: false, sortKeys: false };
const FLASK: DumpsOptions = { ensureAscii: true, sortKeys: true };

/** Python's `json.dumps(v, ensure_ascii=…, sort_keys=…, separators=(",", ":"))`. */
export function dumpsJson(v: JsonValue, opts: DumpsOptions): string {
  if (v === null) return "null";
  switch (typeof v) {
    case "string":
      return opts.ensureAscii ? quoteAscii(v) : quoteCanonical(v);
    case "bigint":
      return v.toString();
    case "number":
      return pyFloatRepr(v);
    case "boolean":
      return v ? "true" : "false";
  }
  if (Array.isArray(v)) {
    let out = "[";
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ",";
      out += dumpsJson(v[i]!, opts);
    }
    return out + "]";
  }
  const quote = opts.ensureAscii ? quoteAscii : quoteCanonical;
  const keys = opts.sortKeys ? Array.from(v.keys()).sort(compareCodePoints) : v.keys();
  let out = "{";
  let first = true;
  for (const k of keys) {
    if (!first) out += ",";
    first = false;
    out += quote(k) + ":" + dumpsJson(v.get(k)!, opts);
  }
  return out + "}";
}

/** The canonical JSON text (spec §3.3): `ensure_ascii=False`, keys in insertion order. */
export const dumpsCanonical = (v: JsonValue): string => dumpsJson(v, CANONICAL);

/** Flask JSON without its trailing newline: `ensure_ascii=True, sort_keys=True`. */
export const dumpsFlask = (v: JsonValue): string => dumpsJson(v, FLASK);

const SURROGATE_MIN = 0xd800;
const PRIVATE_USE_MIN = 0xe000;
/** Moves U+E000-U+FFFF below the surrogates, so that units compare as code points. */
const BMP_TOP_SHIFT = 0x800;
const SURROGATE_SHIFT = 0x2000;

/** Orders strings by Unicode code point (Python's str order), not by UTF-16 unit. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= SURROGATE_MIN && y >= SURROGATE_MIN) {
      // An astral character (a surrogate pair) sorts after every BMP character.
      x = x >= PRIVATE_USE_MIN ? x - BMP_TOP_SHIFT : x + SURROGATE_SHIFT;
      y = y >= PRIVATE_USE_MIN ? y - BMP_TOP_SHIFT : y + SURROGATE_SHIFT;
    }
    return x - y;
  }
  return a.length - b.length;
}

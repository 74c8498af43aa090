// SORT's helpers: the value a BY/GET pattern names for an element (Redis lookupKeyByPattern),
// and C strtod as SORT applies it to weights.

import { fromBytes, isBinary, toBytes } from "../bytes.ts";
import type { Ctx } from "../command-table.ts";
import { isZeroLiteral, leadingSpace, literalToDouble, scanLiteral } from "../strtod.ts";
import { isStringLike, stringOf } from "./access.ts";
import { cString } from "./redis-args.ts";

/**
 * The value a pattern names for element `subst`: `#` is the element; the first `*` is replaced
 * by it; `key->field` reads a hash field. undefined when the key is missing, of the wrong type,
 * or the pattern has no `*`.
 */
export function patternValue(ctx: Ctx, pattern: string, subst: string): string | undefined {
  const head = cString(pattern);
  if (head === "#") return subst;
  const key = patternKey(pattern, head, subst);
  if (key === undefined) return undefined;
  const field = key[1];
  const e = ctx.store.read(key[0]);
  if (!e) return undefined;
  if (field !== undefined) {
    if (e.type !== "hash") return undefined;
    return (e.value as Map<string, string>).get(field);
  }
  return isStringLike(e.type) ? stringOf(e) : undefined;
}

/**
 * The key a pattern names for `subst` and the hash field after `->` (when followed by
 * something). Text patterns are cut by UTF-16 index (`*` and `->` are ASCII, so the cuts fall
 * between characters); a binary pattern or element is cut by bytes.
 */
function patternKey(
  pattern: string,
  head: string,
  subst: string,
): [key: string, field: string | undefined] | undefined {
  const bin = isBinary(pattern) || isBinary(subst);
  const p = bin ? bytesText(pattern) : pattern;
  const star = (bin ? bytesText(head) : head).indexOf("*");
  if (star < 0) return undefined;
  const arrow = p.indexOf("->", star + 1);
  let field: string | undefined;
  let keyEnd = p.length;
  if (arrow >= 0 && arrow + 2 < p.length) {
    field = p.slice(arrow + 2);
    keyEnd = arrow;
  }
  if (!bin) return [p.slice(0, star) + subst + p.slice(star + 1, keyEnd), field];
  const key = p.slice(0, star) + bytesText(subst) + p.slice(star + 1, keyEnd);
  return [fromLatin1(key), field === undefined ? undefined : fromLatin1(field)];
}

/** A byte string as one char per byte (0-255). */
function bytesText(s: string): string {
  if (isBinary(s)) return s.slice(1);
  let out = "";
  for (const b of toBytes(s)) out += String.fromCharCode(b);
  return out;
}

/** The byte string of a one-char-per-byte text. */
function fromLatin1(t: string): string {
  const b = new Uint8Array(t.length);
  for (let i = 0; i < t.length; i++) b[i] = t.charCodeAt(i);
  return fromBytes(b);
}

/**
 * C `strtod` as SORT uses it: the whole text (up to a NUL) must be one number after optional
 * leading white space; NaN, overflow and underflow (to zero or a subnormal) are errors
 * (undefined). An empty text is 0.
 */
export function cStrtod(s: string): number | undefined {
  const t = cString(s);
  if (t.length === 0) return 0;
  const lit = scanLiteral(t.slice(leadingSpace(t)));
  if (lit === undefined) return undefined;
  const v = literalToDouble(lit);
  if (lit.kind !== "inf" && !Number.isFinite(v)) return undefined;
  if (v === 0 && !isZeroLiteral(lit)) return undefined;
  // glibc reports ERANGE for a subnormal result too.
  if (v !== 0 && Math.abs(v) < DBL_MIN) return undefined;
  return v;
}

/** Smallest normal double (C DBL_MIN). */
const DBL_MIN = 2.2250738585072014e-308;

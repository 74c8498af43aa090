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
  // Most weights are short integers, which Number() reads exactly as strtod does.
  if (s.length <= SHORT_INT_TEXT && SHORT_INT_RE.test(s)) return Number(s);
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

/** Integer texts this short are exact doubles (< 10^15). */
const SHORT_INT_TEXT = 15;
const SHORT_INT_RE = /^-?[0-9]+$/;

/** Smallest normal double (C DBL_MIN). */
const DBL_MIN = 2.2250738585072014e-308;

/**
 * Redis's pqsort (pqsort.c, NetBSD's quicksort that only recurses into partitions touching
 * [lrange, rrange]): SORT … BY … LIMIT uses it, so elements of equal weight come out in the
 * order it leaves them (full sorts use glibc's qsort, a stable merge sort).
 */
export function pqsort<T>(
  v: T[],
  cmp: (a: T, b: T) => number,
  lrange: number,
  rrange: number,
): void {
  const swap = (i: number, j: number) => {
    const t = v[i]!;
    v[i] = v[j]!;
    v[j] = t;
  };
  const vecswap = (i: number, j: number, n: number) => {
    for (let k = 0; k < n; k++) swap(i + k, j + k);
  };
  const c = (i: number, j: number) => cmp(v[i]!, v[j]!);
  const med3 = (a: number, b: number, d: number) =>
    c(a, b) < 0 ? (c(b, d) < 0 ? b : c(a, d) < 0 ? d : a) : c(b, d) > 0 ? b : c(a, d) < 0 ? a : d;
  const outside = (l: number, r: number) =>
    (lrange < l && rrange < l) || (lrange > r && rrange > r);
  const run = (a0: number, n0: number): void => {
    let a = a0;
    let n = n0;
    for (;;) {
      if (n < 7) {
        for (let pm = a + 1; pm < a + n; pm++)
          for (let pl = pm; pl > a && c(pl - 1, pl) > 0; pl--) swap(pl, pl - 1);
        return;
      }
      let pm = a + Math.floor(n / 2);
      if (n > 7) {
        let pl = a;
        let pn = a + n - 1;
        if (n > 40) {
          const d = Math.floor(n / 8);
          pl = med3(pl, pl + d, pl + 2 * d);
          pm = med3(pm - d, pm, pm + d);
          pn = med3(pn - 2 * d, pn - d, pn);
        }
        pm = med3(pl, pm, pn);
      }
      swap(a, pm);
      let pa = a + 1;
      let pb = pa;
      let pc = a + n - 1;
      let pd = pc;
      for (;;) {
        let r: number;
        while (pb <= pc && (r = c(pb, a)) <= 0) {
          if (r === 0) swap(pa++, pb);
          pb++;
        }
        while (pb <= pc && (r = c(pc, a)) >= 0) {
          if (r === 0) swap(pc, pd--);
          pc--;
        }
        if (pb > pc) break;
        swap(pb++, pc--);
      }
      const pn = a + n;
      let r = Math.min(pa - a, pb - pa);
      vecswap(a, pb - r, r);
      r = Math.min(pd - pc, pn - pd - 1);
      vecswap(pb, pn - r, r);
      if ((r = pb - pa) > 1 && !outside(a, a + r - 1)) run(a, r);
      if ((r = pd - pc) > 1) {
        a = pn - r;
        n = r;
        if (!outside(a, a + r - 1)) continue;
      }
      return;
    }
  };
  run(0, v.length);
}

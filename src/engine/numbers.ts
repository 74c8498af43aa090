// Number arguments as Redis 7.0.15 reads them: strict integers (spec §3.3), INCRBYFLOAT floats
// (`string2ld`), sorted-set scores (`string2d`) and score/lex range bounds (`zslParseRange`,
// `zslParseLexRangeItem`), and CONFIG SET memory values (`memtoull`, spec §10.9).
// Float *output* text lives with floatResultText (src/protocols/python-json.ts).

import { asciiLower } from "./ascii.ts";
import { isBinary, sliceBytes, byteLength } from "./bytes.ts";
import { Errors } from "./errors.ts";
import {
  isZeroLiteral,
  leadingSpace,
  literalToDouble,
  longDoubleRange,
  scanLiteral,
} from "./strtod.ts";

const STRICT_INT_RE = /^-?(?:0|[1-9][0-9]*)$/;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
/** Longest strict integer text that fits 64 bits: "-9223372036854775808". */
const INT64_TEXT_MAX = 20;
/** Strict integer texts this short always fit a double exactly (|v| < 10^15 < 2^53). */
const SAFE_INT_TEXT_MAX = 15;

/** Strict integer parse (spec §3.3, Redis `string2ll`): the value, or undefined. */
export function parseStrictInt(s: string): bigint | undefined {
  if (s.length > INT64_TEXT_MAX || !STRICT_INT_RE.test(s) || s === "-0") return undefined;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? undefined : v;
}

/**
 * An integer argument (count, index, TTL …) as a JS number; throws
 * `ERR value is not an integer or out of range`. Exact within ±2^53; beyond that (still
 * inside 64 bits) the nearest double — callers needing every 64-bit value use parseInt64Arg.
 */
export function parseIntArg(s: string): number {
  if (s.length <= SAFE_INT_TEXT_MAX && STRICT_INT_RE.test(s) && s !== "-0") return Number(s);
  return Number(parseInt64Arg(s));
}

/** An integer argument as an exact signed 64-bit bigint; throws the not-an-integer error. */
export function parseInt64Arg(s: string): bigint {
  const v = parseStrictInt(s);
  if (v === undefined) throw Errors.notInteger();
  return v;
}

/** Redis `MAX_LONG_DOUBLE_CHARS`: `string2ld` refuses texts of this many bytes or more. */
const LONG_DOUBLE_TEXT_MAX = 5 * 1024;

/**
 * A float as INCRBYFLOAT/HINCRBYFLOAT read arguments and stored values (Redis `string2ld`),
 * or undefined for `ERR value is not a valid float`. No leading/trailing space, no `nan`;
 * `inf`/`infinity` (any case, signed) give ±Infinity. Hexadecimal is refused (spec §10.11
 * item 5). Acceptance follows Redis's long double range: `1e-5000` and `1e5000` are refused,
 * while `1e400` / `1e-400` are accepted and come back as the nearest double (±Infinity / 0).
 */
export function parseRedisFloat(s: string): number | undefined {
  if (s.length === 0 || byteLength(s) >= LONG_DOUBLE_TEXT_MAX) return undefined;
  const lit = scanLiteral(s);
  if (lit === undefined || lit.kind === "hex" || longDoubleRange(lit) !== "ok") return undefined;
  return literalToDouble(lit);
}

/**
 * A sorted-set score or increment (ZADD, ZINCRBY; Redis `string2d`), or undefined for
 * `ERR value is not a valid float`: decimal, hexadecimal or `inf`; no spaces, no `nan`,
 * nothing that overflows a double or underflows to 0.
 */
export function parseScore(s: string): number | undefined {
  const lit = scanLiteral(s);
  if (lit === undefined) return undefined;
  const v = literalToDouble(lit);
  if (lit.kind !== "inf" && !Number.isFinite(v)) return undefined;
  if (v === 0 && !isZeroLiteral(lit)) return undefined;
  return v;
}

/** One end of a score range. */
export interface ScoreBound {
  readonly value: number;
  readonly exclusive: boolean;
}

/**
 * A ZRANGEBYSCORE/ZCOUNT/… bound (Redis `zslParseRange`), or undefined for
 * `ERR min or max is not a float`. A leading `(` makes it exclusive. Redis calls plain
 * `strtod` on the C string here, so leading space is skipped, overflow gives ±inf, anything
 * after a NUL byte is ignored, and an empty text (or a lone `(`) is 0.
 */
export function parseScoreRange(s: string): ScoreBound | undefined {
  const c = cString(s);
  const exclusive = c.startsWith("(");
  const body = exclusive ? c.slice(1) : c;
  if (body === "") return { value: 0, exclusive }; // no conversion, and eptr is at the NUL
  const lit = scanLiteral(body.slice(leadingSpace(body)));
  if (lit === undefined) return undefined;
  return { value: literalToDouble(lit), exclusive };
}

/** One end of a lexicographic range: `-`, `+`, or a member with `[` (inclusive) / `(`. */
export type LexBound =
  | { readonly kind: "min" }
  | { readonly kind: "max" }
  | { readonly kind: "value"; readonly value: string; readonly exclusive: boolean };

const MIN_BOUND: LexBound = { kind: "min" };
const MAX_BOUND: LexBound = { kind: "max" };

/**
 * A ZRANGEBYLEX/ZLEXCOUNT/… bound (Redis `zslParseLexRangeItem`), or undefined for
 * `ERR min or max not valid string range item`. As in C, `-` and `+` may be followed by a
 * NUL byte and anything after it.
 */
export function parseLexRange(s: string): LexBound | undefined {
  const bin = isBinary(s);
  const at = bin ? 1 : 0; // index of the first byte
  // A text form's first char is the first byte when ASCII; a non-ASCII char (>= 0x80) is never
  // one of the cases, and is never NUL as the byte after `+`/`-` either.
  const first = at < s.length ? s.charCodeAt(at) : NUL;
  const second = at + 1 < s.length ? s.charCodeAt(at + 1) : NUL;
  switch (first) {
    case PLUS:
      return second === NUL ? MAX_BOUND : undefined;
    case MINUS:
      return second === NUL ? MIN_BOUND : undefined;
    case LPAREN:
    case LBRACKET: {
      const value = bin ? sliceBytes(s, 1, byteLength(s)) : s.slice(1);
      return { kind: "value", value, exclusive: first === LPAREN };
    }
    default:
      return undefined;
  }
}

const NUL = 0;
const PLUS = 0x2b;
const MINUS = 0x2d;
const LPAREN = 0x28;
const LBRACKET = 0x5b;

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const UINT64_MASK = (1n << 64n) - 1n;
/** memtoull copies the digits into a 128-byte buffer and refuses longer runs. */
const MEMORY_DIGITS_MAX = 127;
const MEMORY_UNITS: ReadonlyMap<string, bigint> = new Map([
  ["", 1n],
  ["b", 1n],
  ["k", 1000n],
  ["kb", 1024n],
  ["m", 1000n * 1000n],
  ["mb", 1024n * 1024n],
  ["g", 1000n * 1000n * 1000n],
  ["gb", 1024n * 1024n * 1024n],
]);

/**
 * CONFIG SET maxmemory exactly as Redis `memtoull` reads it (spec §10.9): digits, then an
 * optional case-insensitive unit b, k, kb, m, mb, g, gb (k = 1000, kb = 1024 …). Quirks kept:
 * the digits may be empty ("" and "kb" are 0), text after a NUL byte is ignored, digit runs
 * above 2^64-1 saturate, and the product wraps modulo 2^64. Undefined → "argument must be a
 * memory value".
 */
export function parseMemoryValueExact(s: string): bigint | undefined {
  const c = cString(s);
  if (c.startsWith("-")) return undefined;
  let u = 0;
  while (u < c.length && c.charCodeAt(u) >= DIGIT_0 && c.charCodeAt(u) <= DIGIT_9) u++;
  const mul = MEMORY_UNITS.get(asciiLower(c.slice(u)));
  if (mul === undefined || u > MEMORY_DIGITS_MAX) return undefined;
  let val = u === 0 ? 0n : BigInt(c.slice(0, u));
  if (val > UINT64_MASK) val = UINT64_MASK; // strtoull saturates (ERANGE is not checked)
  return (val * mul) & UINT64_MASK;
}

/** parseMemoryValueExact as a JS number (exact up to 2^53 bytes). */
export function parseMemoryValue(s: string): number | undefined {
  const v = parseMemoryValueExact(s);
  return v === undefined ? undefined : Number(v);
}

// The bytes up to the first NUL, one char per byte (what a C function sees of an sds); bytes
// >= 0x80 only matter in that they are not digits, signs or letters.
function cString(s: string): string {
  if (isBinary(s)) {
    const nul = s.indexOf("\0", 1);
    return s.slice(1, nul < 0 ? s.length : nul);
  }
  const nul = s.indexOf("\0");
  return nul < 0 ? s : s.slice(0, nul);
}

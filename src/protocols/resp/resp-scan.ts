// Byte-scanning helpers shared by the RESP-family request parsers.

import { fromBytes } from "../../engine/bytes.ts";

const MINUS = 0x2d;
const PLUS = 0x2b;
const ZERO = 0x30;
const NINE = 0x39;
/** Redis's string2ll refuses texts of LONG_STR_SIZE (21) bytes or more. */
const LONG_STR_SIZE = 21;
/** Digits of 2^63 - 1 and of 2^63 (the magnitude of the most negative 64-bit integer). */
const I64_MAX_DIGITS = "9223372036854775807";
const I64_MIN_DIGITS = "9223372036854775808";
const I64_DIGITS = I64_MAX_DIGITS.length;
/** Below this many bytes a hand loop beats a subarray + indexOf. */
const SHORT_SCAN = 32;

/** Index of the first `byte` in [from, limit), or -1. Never looks at bytes from `limit` on. */
export function findByte(buf: Uint8Array, byte: number, from: number, limit: number): number {
  if (limit - from <= SHORT_SCAN) {
    for (let i = from; i < limit; i++) if (buf[i] === byte) return i;
    return -1;
  }
  for (let i = from; i < from + SHORT_SCAN; i++) if (buf[i] === byte) return i;
  const at = buf.subarray(from + SHORT_SCAN, limit).indexOf(byte);
  return at < 0 ? -1 : at + from + SHORT_SCAN;
}

// True when the digits [from, to) (exactly I64_DIGITS of them) exceed the limit text.
function beyond(buf: Uint8Array, from: number, limit: string): boolean {
  for (let i = 0; i < I64_DIGITS; i++) {
    const d = buf[from + i]!;
    const l = limit.charCodeAt(i);
    if (d !== l) return d > l;
  }
  return false;
}

/**
 * Redis's string2ll on bytes [from, to): `0`, or `-?[1-9][0-9]*` within signed 64 bits (no `+`,
 * no leading zeros, no `-0`). Returns the value (inexact beyond 2^53, which no caller accepts)
 * or NaN.
 */
export function parseRedisInt(buf: Uint8Array, from: number, to: number): number {
  const len = to - from;
  if (len <= 0 || len >= LONG_STR_SIZE) return NaN;
  if (len === 1 && buf[from] === ZERO) return 0;
  let p = from;
  const neg = buf[p] === MINUS;
  if (neg) p++;
  const first = p;
  if (p >= to || buf[p]! <= ZERO || buf[p]! > NINE) return NaN;
  let v = 0;
  for (; p < to; p++) {
    const c = buf[p]!;
    if (c < ZERO || c > NINE) return NaN;
    v = v * 10 + (c - ZERO);
  }
  const digits = to - first;
  if (digits > I64_DIGITS) return NaN;
  if (digits === I64_DIGITS && beyond(buf, first, neg ? I64_MIN_DIGITS : I64_MAX_DIGITS))
    return NaN;
  return neg ? -v : v;
}

/**
 * A gevent count or length `^[+-]?[0-9]+$` on bytes [from, to) as a double (exact up to 2^53,
 * only compared with limits beyond), or NaN when malformed.
 */
export function parseSignedNumber(buf: Uint8Array, from: number, to: number): number {
  let p = from;
  const neg = buf[p] === MINUS;
  if (neg || buf[p] === PLUS) p++;
  if (p >= to) return NaN;
  let v = 0;
  for (; p < to; p++) {
    const c = buf[p]!;
    if (c < ZERO || c > NINE) return NaN;
    v = v * 10 + (c - ZERO);
  }
  return neg ? -v : v;
}

/** Result of `parseSignedInt` for a well-formed integer outside signed 64 bits. */
export const OVERFLOW = "overflow";

/**
 * The gevent integer `^[+-]?[0-9]+$` on bytes [from, to) (spec §9.1): its value, OVERFLOW when
 * outside signed 64 bits, or undefined when malformed.
 */
export function parseSignedInt(
  buf: Uint8Array,
  from: number,
  to: number,
): bigint | typeof OVERFLOW | undefined {
  let p = from;
  const neg = buf[p] === MINUS;
  if (neg || buf[p] === PLUS) p++;
  if (p >= to) return undefined;
  for (let i = p; i < to; i++) {
    const c = buf[i]!;
    if (c < ZERO || c > NINE) return undefined;
  }
  while (p < to - 1 && buf[p] === ZERO) p++;
  const digits = to - p;
  if (digits > I64_DIGITS) return OVERFLOW;
  if (digits === I64_DIGITS && beyond(buf, p, neg ? I64_MIN_DIGITS : I64_MAX_DIGITS))
    return OVERFLOW;
  if (digits < SAFE_DIGITS) {
    let v = 0;
    for (let i = p; i < to; i++) v = v * 10 + (buf[i]! - ZERO);
    return BigInt(neg ? -v : v);
  }
  let text = neg ? "-" : "";
  for (let i = p; i < to; i++) text += String.fromCharCode(buf[i]!);
  return BigInt(text);
}
/** Integers of fewer digits are exact as doubles (< 10^15 < 2^53). */
const SAFE_DIGITS = 16;

/** Arguments up to this many bytes take the ASCII path (measured: faster than TextDecoder). */
const ASCII_FAST_MAX = 24;
// One reusable array per length: String.fromCharCode.apply on a plain array is the cheapest way
// to build a short flat string (a subarray or string concatenation costs more).
const CHAR_ARRAYS: number[][] = Array.from({ length: ASCII_FAST_MAX + 1 }, (_, n) =>
  new Array<number>(n).fill(0),
);

/** The byte string (src/engine/bytes.ts) of bytes [a, b), with a fast path for short ASCII. */
export function byteString(buf: Uint8Array, a: number, b: number): string {
  const n = b - a;
  if (n <= ASCII_FAST_MAX) {
    const chars = CHAR_ARRAYS[n]!;
    for (let i = 0; i < n; i++) {
      const c = buf[a + i]!;
      if (c >= 0x80) return fromBytes(buf.subarray(a, b));
      chars[i] = c;
    }
    return String.fromCharCode.apply(null, chars);
  }
  return fromBytes(buf.subarray(a, b));
}

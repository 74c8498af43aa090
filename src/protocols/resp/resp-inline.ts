// Splitting an inline Redis command line into arguments, exactly as Redis 7.0.15's
// `sdssplitargs` does (spec §10.1). Redis is the oracle where this and the spec's prose differ:
// between tokens every C `isspace` byte is skipped, but an unquoted token ends only at space,
// `\t`, `\n` or `\r` (so `a\vb` is one argument), and a quote may open in the middle of a token
// (`a"b c"` is `ab c`).

import { byteString } from "./resp-scan.ts";

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;
const LOWER_X = 0x78;

/** Returned by `splitInlineArgs` for a line with unbalanced quotes. */
export const UNBALANCED = -1;

/** C `isspace` in the C locale: space and \t \n \v \f \r. */
function isCSpace(c: number): boolean {
  return c === SPACE || (c >= TAB && c <= CR);
}

/** Bytes that end an unquoted token (and the quote openers), as a 256-entry table. */
const PLAIN_STOP = new Uint8Array(256);
for (const c of [SPACE, TAB, LF, CR, DQUOTE, SQUOTE]) PLAIN_STOP[c] = 1;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

// Unquoted escapes inside double quotes (anything else stands for itself).
function escapedByte(c: number): number {
  switch (c) {
    case 0x6e:
      return LF; // n
    case 0x72:
      return CR; // r
    case 0x74:
      return TAB; // t
    case 0x62:
      return 0x08; // b
    case 0x61:
      return 0x07; // a
    default:
      return c;
  }
}

// Scratch for tokens that need unescaping; a token is never longer than its line.
let scratch = new Uint8Array(1024);

/**
 * Splits line bytes [start, end) into arguments; pushes them to `out` when given (null: only
 * counts, for framing). Returns the number of arguments or UNBALANCED.
 */
export function splitInlineArgs(
  buf: Uint8Array,
  start: number,
  end: number,
  out: string[] | null,
): number {
  let count = 0;
  let p = start;
  for (;;) {
    while (p < end && isCSpace(buf[p]!)) p++;
    if (p >= end) return count;
    // Fast path: a plain token with no quotes is a slice of the line.
    const tokenStart = p;
    while (p < end && PLAIN_STOP[buf[p]!] === 0) p++;
    if (p >= end || (buf[p] !== DQUOTE && buf[p] !== SQUOTE)) {
      if (out) out.push(byteString(buf, tokenStart, p));
      count++;
      if (p < end) p++; // the separator
      continue;
    }
    p = quotedToken(buf, tokenStart, end, out);
    if (p < 0) return UNBALANCED;
    count++;
  }
}

// The general token loop of sdssplitargs from `p`; returns the position after the token or -1.
function quotedToken(buf: Uint8Array, p: number, end: number, out: string[] | null): number {
  if (scratch.length < end - p) scratch = new Uint8Array(Math.max(end - p, scratch.length * 2));
  const tok = scratch;
  let n = 0;
  let inq = false;
  let insq = false;
  for (;;) {
    const c = p < end ? buf[p]! : -1; // -1 plays the C string's terminating NUL
    if (inq) {
      if (c === -1) return -1;
      if (
        c === BACKSLASH &&
        p + 3 < end &&
        buf[p + 1] === LOWER_X &&
        hexValue(buf[p + 2]!) >= 0 &&
        hexValue(buf[p + 3]!) >= 0
      ) {
        tok[n++] = hexValue(buf[p + 2]!) * 16 + hexValue(buf[p + 3]!);
        p += 3;
      } else if (c === BACKSLASH && p + 1 < end) {
        p++;
        tok[n++] = escapedByte(buf[p]!);
      } else if (c === DQUOTE) {
        // A closing quote must be followed by a space or the end of the line.
        if (p + 1 < end && !isCSpace(buf[p + 1]!)) return -1;
        p++;
        break;
      } else tok[n++] = c;
    } else if (insq) {
      if (c === -1) return -1;
      if (c === BACKSLASH && p + 1 < end && buf[p + 1] === SQUOTE) {
        p++;
        tok[n++] = SQUOTE;
      } else if (c === SQUOTE) {
        if (p + 1 < end && !isCSpace(buf[p + 1]!)) return -1;
        p++;
        break;
      } else tok[n++] = c;
    } else if (c === -1) {
      break;
    } else if (c === SPACE || c === LF || c === CR || c === TAB) {
      p++;
      break;
    } else if (c === DQUOTE) inq = true;
    else if (c === SQUOTE) insq = true;
    else tok[n++] = c;
    p++;
  }
  if (out) out.push(byteString(tok, 0, n));
  return p;
}

// Redis glob matching (KEYS, SCAN/HSCAN/SSCAN/ZSCAN MATCH, CONFIG GET; spec §10.9), a port of
// Redis 7.0.15 `stringmatchlen` (util.c) on the bytes of byte strings (src/engine/bytes.ts).
//
// Quirks kept on purpose, because replies must equal Redis's:
//   - `?` and `[...]` consume one *byte* (so `?` does not match "é", which is 2 bytes);
//   - ranges compare C `char`s, which are signed on the x86-64 builds the oracle runs on, so a
//     range with a byte >= 0x80 wraps (`[a-\xff]` = bytes 0xff and 0x00..0x61); reversed ranges
//     (`[z-a]`) are swapped first, then lowered when nocase (so nocase `[Z-a]` matches nothing)
//     with glibc's `tolower`, which turns signed chars -128..-2 back into unsigned bytes;
//   - an escape inside brackets compares exactly, even when nocase;
//   - a trailing `\` is a literal backslash; an unclosed `[` is a class that runs to the end of
//     the pattern (`[a-` is the range a..NUL, since C reads the terminator);
//   - the empty subject matches only the empty pattern — except that the exact pattern `*`
//     matches everything, as every Redis caller (KEYS, the SCAN family) special-cases it.
//
// Redis 7.0.15 matches recursively, but once a `*` reached later in the pattern has tried every
// position, it abandons the whole match ("skipLongerMatches"). That makes it equivalent to the
// classic loop that only ever backtracks to the most recent `*`, which runs without recursion
// (no stack limit, so no need for 7.2's nesting cap) in O(pattern × subject) time.

import { isBinary } from "./bytes.ts";

const STAR = 0x2a; // *
const QUESTION = 0x3f; // ?
const LBRACKET = 0x5b; // [
const RBRACKET = 0x5d; // ]
const BACKSLASH = 0x5c; // \
const CARET = 0x5e; // ^
const DASH = 0x2d; // -
const UPPER_A = 0x41;
const UPPER_Z = 0x5a;
const CASE_OFFSET = 0x20;
const SIGNED_CHAR_LIMIT = 0x80;
const BYTE_RANGE = 0x100;
const EOF = -1;
/** Largest subject scratch buffer kept between calls; longer subjects get a one-off buffer. */
const SCRATCH_KEEP_MAX = 1 << 16;
/** Worst-case UTF-8 bytes per UTF-16 code unit. */
const UTF8_MAX_PER_UNIT = 3;

/** A compiled pattern: tells whether a byte string matches. */
export type GlobMatcher = (subject: string) => boolean;

/** True for the pattern `*`, which Redis callers treat as "match everything" without matching. */
export function isMatchAll(pattern: string): boolean {
  return pattern === "*";
}

/** Whether `subject` matches the Redis glob `pattern` (both byte strings); see compileGlob. */
export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  if (lastPattern !== pattern || lastNocase !== nocase) {
    lastMatcher = compileGlob(pattern, nocase);
    lastPattern = pattern;
    lastNocase = nocase;
  }
  return lastMatcher(subject);
}

// One-entry cache: callers that loop with globMatch over many subjects compile once.
let lastPattern: string | undefined;
let lastNocase = false;
let lastMatcher: GlobMatcher = () => false;

/** Compiles a Redis glob (byte string) into a matcher; nocase lowers ASCII A-Z only (C locale). */
export function compileGlob(pattern: string, nocase = false): GlobMatcher {
  if (isMatchAll(pattern)) return () => true;
  const p = stringBytes(pattern, new Uint8Array(maxBytes(pattern)));
  const special = firstSpecial(p);
  if (special === p.length && !nocase) return (subject) => subject === pattern;
  // `literal*`: a prefix test, when the prefix is text (a text subject starts with these bytes
  // exactly when it starts with these characters, UTF-8 being prefix-free).
  if (!nocase && special === p.length - 1 && p[special] === STAR && !isBinary(pattern)) {
    const prefix = pattern.slice(0, -1);
    return (subject) =>
      isBinary(subject) ? matchBytes(p, subjectBytes(subject), false) : subject.startsWith(prefix);
  }
  return (subject) => matchBytes(p, subjectBytes(subject), nocase);
}

function firstSpecial(p: Uint8Array): number {
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === STAR || c === QUESTION || c === LBRACKET || c === BACKSLASH) return i;
  }
  return p.length;
}

let scratch = new Uint8Array(256);
const encoder = new TextEncoder();

function maxBytes(s: string): number {
  return isBinary(s) ? s.length - 1 : s.length * UTF8_MAX_PER_UNIT;
}

// The subject's bytes in a reused buffer (matching is synchronous, so one buffer suffices).
function subjectBytes(s: string): Uint8Array {
  const need = maxBytes(s);
  let buf = scratch;
  if (need > buf.length) {
    buf = new Uint8Array(need);
    if (need <= SCRATCH_KEEP_MAX) scratch = buf;
  }
  return stringBytes(s, buf);
}

// Writes the bytes of a byte string into `buf` (large enough) and returns the filled view.
function stringBytes(s: string, buf: Uint8Array): Uint8Array {
  const n = s.length;
  if (isBinary(s)) {
    for (let i = 1; i < n; i++) buf[i - 1] = s.charCodeAt(i);
    return buf.subarray(0, n - 1);
  }
  // ASCII fast path; the encoder takes over at the first non-ASCII unit.
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= SIGNED_CHAR_LIMIT) {
      const { written } = encoder.encodeInto(s.slice(i), buf.subarray(i));
      return buf.subarray(0, i + written);
    }
    buf[i] = c;
  }
  return buf.subarray(0, n);
}

// glibc `tolower` in the C locale: A-Z lowered; other negative (signed-char) values below -1
// read the table as their unsigned byte, while -1 (EOF, and also byte 0xff) stays -1.
function toLower(c: number): number {
  if (c >= UPPER_A && c <= UPPER_Z) return c + CASE_OFFSET;
  return c < EOF ? c + BYTE_RANGE : c;
}

function signedChar(b: number): number {
  return b >= SIGNED_CHAR_LIMIT ? b - BYTE_RANGE : b;
}

/** The matching loop of `stringmatchlen`, with recursion replaced by one backtrack point. */
function matchBytes(p: Uint8Array, s: Uint8Array, nocase: boolean): boolean {
  const plen = p.length;
  const slen = s.length;
  // C reads the pattern's NUL terminator past its end; `at` returns 0 there.
  const at = (i: number): number => (i < plen ? p[i]! : 0);
  let pi = 0;
  let si = 0;
  let starP = -1; // pattern index just after the most recent `*`
  let starS = 0; // subject index that `*` currently leaves for the rest of the pattern

  for (;;) {
    let failed = false;
    scan: while (pi < plen && si < slen) {
      const pc = p[pi]!;
      const sc = s[si]!;
      switch (pc) {
        case STAR: {
          while (at(pi + 1) === STAR) pi++;
          if (pi === plen - 1) return true;
          starP = pi + 1;
          starS = si;
          pi = starP;
          continue scan;
        }
        case QUESTION:
          si++;
          break;
        case LBRACKET: {
          pi++;
          const not = at(pi) === CARET;
          if (not) pi++;
          let match = false;
          for (;;) {
            const left = plen - pi;
            const c = at(pi);
            if (c === BACKSLASH && left >= 2) {
              pi++;
              if (p[pi] === sc) match = true;
            } else if (c === RBRACKET) {
              break;
            } else if (left === 0) {
              pi--;
              break;
            } else if (left >= 3 && p[pi + 1] === DASH) {
              let start = signedChar(c);
              let end = signedChar(p[pi + 2]!);
              let ch = signedChar(sc);
              if (start > end) [start, end] = [end, start];
              if (nocase) {
                start = toLower(start);
                end = toLower(end);
                ch = toLower(ch);
              }
              pi += 2;
              if (ch >= start && ch <= end) match = true;
            } else if (nocase ? toLower(c) === toLower(sc) : c === sc) {
              match = true;
            }
            pi++;
          }
          if (not) match = !match;
          if (!match) {
            failed = true;
            break scan;
          }
          si++;
          break;
        }
        case BACKSLASH:
        default: {
          if (pc === BACKSLASH && plen - pi >= 2) pi++;
          const c = p[pi]!;
          if (nocase ? toLower(c) !== toLower(sc) : c !== sc) {
            failed = true;
            break scan;
          }
          si++;
          break;
        }
      }
      pi++;
      if (si === slen) {
        while (at(pi) === STAR) pi++;
        break;
      }
    }
    if (!failed && pi === plen && si === slen) return true;
    // Retry from the most recent `*`, leaving it one more byte; when it has run out of
    // subject, no longer match of an earlier `*` can help (Redis's skipLongerMatches).
    if (starP < 0 || ++starS >= slen) return false;
    pi = starP;
    si = starS;
  }
}

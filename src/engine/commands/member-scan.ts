// SSCAN and HSCAN arguments and replies (spec §10.9 "SCAN family"), as Redis 7.0.15 parses them.
// The whole collection comes back in one reply with cursor 0 — what Redis itself does for its
// small encodings — so the cursor is validated and otherwise ignored, and COUNT is only checked.

import { isBinary } from "../bytes.ts";
import { optionName } from "./redis-args.ts";
import { Errors } from "../errors.ts";
import { compileGlob } from "../glob.ts";
import type { GlobMatcher } from "../glob.ts";
import { parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";

/** strtoul's unsigned long: a cursor above this is ERANGE. */
const CURSOR_MAX = (1n << 64n) - 1n;
/** What strtoul accepts in base 10 once the C string is cut at its NUL (digits optional only when empty). */
const CURSOR_RE = /^(?:[+-]?([0-9]+))?$/;
/** C isspace in the "C" locale: a cursor starting with one of these is refused by Redis. */
const C_SPACE_RE = /^[ \t\n\v\f\r]/;

const MATCH_ALL: GlobMatcher = () => true;

/**
 * Validates a SCAN-family cursor like Redis `parseScanCursorOrReply` (strtoul): optional sign,
 * decimal digits up to 2^64-1 (a `-` negates, as strtoul does), nothing after them up to a NUL
 * byte; the empty string is cursor 0. Throws `ERR invalid cursor`.
 */
export function parseScanCursor(s: string): void {
  const bytes = isBinary(s) ? s.slice(1) : s; // only ASCII can be valid, so chars stand for bytes
  const nul = bytes.indexOf("\0");
  const c = nul < 0 ? bytes : bytes.slice(0, nul);
  const m = CURSOR_RE.exec(c);
  if (C_SPACE_RE.test(bytes) || !m || (m[1] !== undefined && BigInt(m[1]) > CURSOR_MAX)) {
    throw Errors.invalidCursor();
  }
}

/**
 * Parses `[MATCH pattern] [COUNT n]` (repeatable, case-insensitive, last one wins) from
 * argv[from]; returns the member filter. COUNT must be an integer >= 1 (`ERR value is not an
 * integer or out of range` / `ERR syntax error`); anything else is `ERR syntax error`.
 */
export function parseScanOptions(argv: readonly string[], from: number): GlobMatcher {
  let match = MATCH_ALL;
  for (let i = from; i < argv.length; i += 2) {
    const opt = optionName(argv[i]!);
    const value = argv[i + 1];
    if (value === undefined) throw Errors.syntax();
    if (opt === "count") {
      const n = parseStrictInt(value);
      if (n === undefined) throw Errors.notInteger();
      if (n < 1n) throw Errors.syntax();
    } else if (opt === "match") {
      match = compileGlob(value);
    } else {
      throw Errors.syntax();
    }
  }
  return match;
}

/** The final (and only) page of a scan: `*2` [cursor "0", items]. */
export function scanReply(items: readonly Reply[]): Reply {
  return R.array([CURSOR_DONE, R.array(items)]);
}

const CURSOR_DONE = R.bulk("0");

// Key-space iteration (spec §10.9): KEYS and SCAN in creation order. The SCAN cursor is the
// creation number (spec §3.1 created_seq) of the next key to visit, so every key that lives
// through a whole iteration is returned exactly once, whatever else is created or deleted.

import { command, allShards, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import { typeName } from "../entry.ts";
import { Errors } from "../errors.ts";
import { compileGlob, isMatchAll } from "../glob.ts";
import type { GlobMatcher } from "../glob.ts";
import { parseIntArg } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { SCAN_DEFAULT_COUNT } from "../../limits.ts";
import { cString, optionName } from "./redis-args.ts";

const UINT64_MAX = (1n << 64n) - 1n;
/** Bytes C's isspace() accepts: a cursor starting with one is invalid. */
const C_SPACE = /^[ \t\n\v\f\r]/;
const CURSOR_RE = /^([+-]?)([0-9]+)$/;

/**
 * A SCAN cursor as Redis 7.0.15 reads it (`strtoul` base 10, then checks): no leading space,
 * nothing after the digits (up to a NUL byte, as in C), at most 2^64-1; a sign is allowed and
 * `-n` wraps modulo 2^64; the empty text is 0. Otherwise `ERR invalid cursor`.
 */
export function parseScanCursor(s: string): bigint {
  const c = cString(s);
  if (c === "") return 0n;
  const m = CURSOR_RE.exec(c);
  if (C_SPACE.test(c) || !m) throw Errors.invalidCursor();
  const v = BigInt(m[2]!);
  if (v > UINT64_MAX) throw Errors.invalidCursor();
  return m[1] === "-" ? (UINT64_MAX + 1n - v) & UINT64_MAX : v;
}

function keys(ctx: Ctx, argv: readonly string[]): Reply {
  const match = compileGlob(argv[1]!);
  const out: Reply[] = [];
  for (const e of ctx.store.inCreationOrder()) if (match(e.key)) out.push(R.bulk(e.key));
  return R.array(out);
}

function scan(ctx: Ctx, argv: readonly string[]): Reply {
  const cursor = parseScanCursor(argv[1]!);
  let count = SCAN_DEFAULT_COUNT;
  let match: GlobMatcher | undefined;
  let type: string | undefined;
  let withType = false;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = optionName(argv[i]!);
    // Upstash's WITHTYPE (a flag): each key is followed by its type name.
    if (opt === "withtype") {
      withType = true;
      i--;
      continue;
    }
    if (i + 1 >= argv.length) throw Errors.syntax();
    const arg = argv[i + 1]!;
    if (opt === "count") {
      count = parseIntArg(arg);
      if (count < 1) throw Errors.syntax();
    } else if (opt === "match") match = isMatchAll(arg) ? undefined : compileGlob(arg);
    else if (opt === "type")
      type = optionName(arg); // compared with strcasecmp; unknown names match nothing
    else throw Errors.syntax();
  }
  const from = cursor > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(cursor);
  const out: Reply[] = [];
  let visited = 0;
  let next = 0;
  for (const e of ctx.store.inCreationOrder(from)) {
    if (visited === count) {
      next = e.created;
      break;
    }
    visited++;
    if (match && !match(e.key)) continue;
    if (type !== undefined && optionName(typeName(e.type)) !== type) continue;
    out.push(R.bulk(e.key));
    if (withType) out.push(R.bulk(typeName(e.type)));
  }
  return R.array([R.bulk(String(next)), R.array(out)]);
}

/** KEYS SCAN. */
/** Docs of this family's records (COMMAND DOCS, REPL help, docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  keys: {
    summary: "Find all keys matching the given pattern",
    group: "generic",
    since: "1.0.0",
    params: "pattern",
  },
  scan: {
    summary: "Incrementally iterate the keys space",
    group: "generic",
    since: "2.8.0",
    params: "cursor [MATCH pattern] [COUNT count] [TYPE type]",
  },
};

export const scanCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("keys", 2, "r", null, keys, allShards("concat")),
  command("scan", -2, "r", null, scan, { route: { kind: "scan" } }),
]);

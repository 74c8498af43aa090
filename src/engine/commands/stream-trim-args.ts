// The options of XADD and XTRIM (Redis `streamParseAddOrTrimArgsOrReply`): NOMKSTREAM (XADD),
// MAXLEN|MINID [=|~] threshold, LIMIT count, and Redis 8.2's KEEPREF|DELREF|ACKED, in any order,
// with Redis's errors in Redis's order.

import { Errors } from "../errors.ts";
import { parseStrictInt } from "../numbers.ts";
import { STREAM_NODE_MAX_ENTRIES } from "../stream-entries.ts";
import { MIN_ID, parseExactId } from "../stream-id.ts";
import type { TrimSpec } from "./stream-args.ts";
import { policyOf } from "./stream-delete.ts";
import type { DeletePolicy } from "./stream-delete.ts";
import { optionName } from "./redis-args.ts";

const I64_MAX = (1n << 63n) - 1n;
/** Redis's default LIMIT of a `~` trim: this many nodes' worth of entries. */
const TRIM_DEFAULT_LIMIT_NODES = 100;

export interface AddTrimArgs {
  trim?: TrimSpec;
  policy: DeletePolicy;
  nomkstream: boolean;
  /** XADD: index of the id argument (argv.length when it is missing). */
  next: number;
}

function int64(s: string): bigint {
  const n = parseStrictInt(s);
  if (n === undefined || n > I64_MAX) throw Errors.notInteger();
  return n;
}

/**
 * Parses the options from argv[2] on; for XADD they stop at `*` or at anything else (the id).
 * `nodeSize` (entries per node) scales the default LIMIT of `~`.
 */
export function parseAddTrimArgs(
  argv: readonly string[],
  xadd: boolean,
  nodeSize = STREAM_NODE_MAX_ENTRIES,
): AddTrimArgs {
  let trim: TrimSpec | undefined;
  let limit: bigint | undefined;
  let policy: DeletePolicy | undefined;
  let nomkstream = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const o = optionName(argv[i]!);
    if (xadd && argv[i] === "*") break;
    if ((o === "maxlen" || o === "minid") && more) {
      if (trim)
        throw Errors.custom(
          "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
        );
      let approx = false;
      // `~`/`=` only when a threshold follows it: `MAXLEN ~` alone takes `~` for the count.
      if (more >= 2 && (argv[i + 1] === "~" || argv[i + 1] === "=")) approx = argv[++i] === "~";
      const arg = argv[++i]!;
      trim = { kind: o, approx, maxlen: 0, minid: MIN_ID, limit: Infinity };
      if (o === "minid") trim.minid = parseExactId(arg);
      else {
        const n = int64(arg);
        if (n < 0n) throw Errors.custom("ERR The MAXLEN argument must be >= 0.");
        trim.maxlen = Number(n);
      }
    } else if (o === "limit" && more) {
      limit = int64(argv[++i]!);
      if (limit < 0n) throw Errors.custom("ERR The LIMIT argument must be >= 0.");
    } else if (!policy && policyOf(o)) policy = policyOf(o);
    else if (xadd && o === "nomkstream") nomkstream = true;
    else if (xadd) break;
    else throw Errors.syntax();
  }
  if (limit && !trim)
    throw Errors.custom(
      "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
    );
  if (!xadd && !trim) throw Errors.xtrimNoStrategy();
  if (trim) {
    if (limit !== undefined && !trim.approx)
      throw Errors.custom("ERR syntax error, LIMIT cannot be used without the special ~ option");
    // LIMIT 0 is no limit; without LIMIT, `~` does at most Redis's default amount of work.
    if (limit !== undefined) trim.limit = limit === 0n ? Infinity : Number(limit);
    else if (trim.approx) trim.limit = TRIM_DEFAULT_LIMIT_NODES * nodeSize;
  }
  return { trim, policy: policy ?? "keepref", nomkstream, next: i };
}

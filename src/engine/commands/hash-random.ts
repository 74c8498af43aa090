// HRANDFIELD key [count [WITHVALUES]] (Redis 7.0.15 hrandfieldCommand): uniformly random
// fields in O(1) per pick (src/engine/sampling.ts); a negative count repeats fields, a count
// at least the hash's size returns the whole hash.

import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { RANDOM_REPLY_MAX, distinctIndexes, samplableMap } from "../sampling.ts";
import { readTyped } from "./access.ts";
import { optionName } from "./redis-args.ts";

const LONG_MAX = (1n << 63n) - 1n;
const COUNT_RANGE =
  "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
const OUT_OF_RANGE = "ERR value is out of range";

function hrandfield(ctx: Ctx, argv: readonly string[]): Reply {
  if (argv.length < 3) {
    const e = readTyped(ctx, argv[1]!, "hash");
    return e ? R.bulk(samplableMap(e).random()) : R.NIL;
  }
  const l = parseStrictInt(argv[2]!);
  if (l === undefined) throw Errors.notInteger();
  if (l < -LONG_MAX) throw Errors.custom(COUNT_RANGE);
  if (argv.length > 4 || (argv.length === 4 && optionName(argv[3]!) !== "withvalues"))
    throw Errors.syntax();
  const withValues = argv.length === 4;
  if (withValues && (l < -LONG_MAX / 2n || l > LONG_MAX / 2n)) throw Errors.custom(OUT_OF_RANGE);
  const e = readTyped(ctx, argv[1]!, "hash");
  if (!e || l === 0n) return R.EMPTY;
  const h = samplableMap(e);
  const nested = withValues && ctx.conn.resp === 3;
  const out: Reply[] = [];
  const emit = (f: string): void => {
    if (!withValues) out.push(R.bulk(f));
    else if (nested) out.push(R.array([R.bulk(f), R.bulk(h.get(f)!)]));
    else out.push(R.bulk(f), R.bulk(h.get(f)!));
  };
  if (l < 0n || l === 1n) {
    if (-l > BigInt(RANDOM_REPLY_MAX)) throw Errors.custom(OUT_OF_RANGE);
    for (let n = l < 0n ? Number(-l) : 1; n > 0; n--) emit(h.random());
  } else if (l >= BigInt(h.size)) {
    for (const f of h.keys()) emit(f);
  } else {
    for (const i of distinctIndexes(Number(l), h.size)) emit(h.at(i));
  }
  return R.array(out);
}

/** HRANDFIELD. */
export const hashRandomCommands: readonly CommandSpec[] = [
  command("hrandfield", -2, "r", [1, 1, 1], hrandfield, {
    doc: {
      summary: "Get one or multiple random fields from a hash",
      group: "hash",
      since: "6.2.0",
      params: "key [count [WITHVALUES]]",
    },
  }),
];

// SINTER, SUNION, SDIFF and their STORE forms (spec §10.6 "Sets"), as Redis 7.0.15 replies to
// them. Order (spec §10.11 item 4): SINTER and SDIFF keep the first set's insertion order;
// SUNION lists members by first appearance, scanning the keys in argument order.

import { byteLength } from "../bytes.ts";
import { createCollection, setAdd } from "../collection-ops.ts";
import { command, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { readTyped } from "./access.ts";
import { lookupForWrite } from "./collection-write.ts";
import { parseCount } from "./range-args.ts";
import { optionName } from "./redis-args.ts";
import { Notify, notifyKeyspaceEvent } from "../keyspace-events.ts";

type SetOp = "inter" | "union" | "diff";

/**
 * The sets of `keys` (undefined for a missing key). Like Redis, every key is looked up and the
 * first one of another type raises WRONGTYPE, even after a missing key has decided the result.
 * The STORE forms look up like writes (no keyspace hit/miss counts), the others like reads.
 */
function sourceSets(
  ctx: Ctx,
  keys: readonly string[],
  forStore: boolean,
): (Set<string> | undefined)[] {
  return keys.map((k) => {
    const e = forStore ? lookupForWrite(ctx, k, "set") : readTyped(ctx, k, "set");
    return e ? (e.value as Set<string>) : undefined;
  });
}

/** The result of an operation as a new insertion-ordered set (never one of the inputs). */
function compute(op: SetOp, sets: readonly (Set<string> | undefined)[]): Set<string> {
  const out = new Set<string>();
  const [first, ...rest] = sets;
  if (op === "union") {
    for (const s of sets) if (s) for (const m of s) out.add(m);
    return out;
  }
  if (!first) return out;
  if (op === "inter") {
    if (rest.some((s) => !s)) return out; // a missing key is an empty set
    // Test the smallest sets first: most non-members fail on their first probe.
    const others = (rest as Set<string>[]).slice().sort((a, b) => a.size - b.size);
    for (const m of first) if (others.every((s) => s.has(m))) out.add(m);
    return out;
  }
  const others = rest.filter((s): s is Set<string> => s !== undefined);
  for (const m of first) if (!others.some((s) => s.has(m))) out.add(m);
  return out;
}

/** SINTER/SUNION/SDIFF key [key …]: a set reply (RESP3 `~`). */
function algebra(op: SetOp) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    const result = compute(op, sourceSets(ctx, argv.slice(1), false));
    return R.set(Array.from(result, (m) => R.bulk(m)));
  };
}

/**
 * S*STORE dest key [key …]: replaces dest (any type, TTL cleared) with the result, or deletes
 * it when the result is empty; replies the result's size.
 */
function algebraStore(op: SetOp) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    const result = compute(op, sourceSets(ctx, argv.slice(2), true));
    const dest = argv[1]!;
    const store = ctx.store;
    const old = store.get(dest);
    if (result.size === 0) {
      if (old) {
        store.remove(old);
        notifyKeyspaceEvent(ctx, Notify.GENERIC, "del", dest);
      }
      return R.ZERO;
    }
    if (old) {
      let size = 0;
      for (const m of result) size += byteLength(m);
      store.replace(old, "set", result, size);
    } else {
      // createCollection records the new key's member rows for persistence.
      const e = createCollection(store, dest, "set");
      for (const m of result) setAdd(store, e, m);
    }
    notifyKeyspaceEvent(ctx, Notify.SET, `s${op}store`, dest);
    return R.int(result.size);
  };
}

/** SINTERCARD numkeys key [key ...] [LIMIT limit]: options are checked before the keys. */
function sintercard(ctx: Ctx, argv: readonly string[]): Reply {
  const v = parseStrictInt(argv[1]!);
  if (v === undefined || v < 1n) throw Errors.custom("ERR numkeys should be greater than 0");
  if (v > BigInt(argv.length - 2))
    throw Errors.custom("ERR Number of keys can't be greater than number of args");
  const n = Number(v);
  let limit = 0;
  for (let j = 2 + n; j < argv.length; j++) {
    if (optionName(argv[j]!) === "limit" && j < argv.length - 1) {
      limit = parseCount(argv[++j]!, "ERR LIMIT can't be negative");
    } else throw Errors.syntax();
  }
  const sets = sourceSets(ctx, argv.slice(2, 2 + n), false);
  if (sets.some((s) => !s)) return R.ZERO;
  const [first, ...others] = (sets as Set<string>[]).slice().sort((a, b) => a.size - b.size);
  let count = 0;
  for (const m of first!) {
    if (!others.every((s) => s.has(m))) continue;
    if (++count === limit) break;
  }
  return R.int(count);
}

/** The six set-algebra commands and SINTERCARD, registered with the set family. */
/** Docs of this family's records (COMMAND DOCS, REPL help, docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  sinter: {
    summary: "Intersect multiple sets",
    group: "set",
    since: "1.0.0",
    params: "key [key ...]",
  },
  sunion: { summary: "Add multiple sets", group: "set", since: "1.0.0", params: "key [key ...]" },
  sdiff: {
    summary: "Subtract multiple sets",
    group: "set",
    since: "1.0.0",
    params: "key [key ...]",
  },
  sinterstore: {
    summary: "Intersect multiple sets and store the resulting set in a key",
    group: "set",
    since: "1.0.0",
    params: "destination key [key ...]",
  },
  sunionstore: {
    summary: "Add multiple sets and store the resulting set in a key",
    group: "set",
    since: "1.0.0",
    params: "destination key [key ...]",
  },
  sdiffstore: {
    summary: "Subtract multiple sets and store the resulting set in a key",
    group: "set",
    since: "1.0.0",
    params: "destination key [key ...]",
  },
};

export const setAlgebraCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("sinter", -2, "r", [1, -1, 1], algebra("inter")),
  command("sunion", -2, "r", [1, -1, 1], algebra("union")),
  command("sdiff", -2, "r", [1, -1, 1], algebra("diff")),
  command("sinterstore", -3, "w", [1, -1, 1], algebraStore("inter")),
  command("sunionstore", -3, "w", [1, -1, 1], algebraStore("union")),
  command("sdiffstore", -3, "w", [1, -1, 1], algebraStore("diff")),
  command("sintercard", -3, "r", null, sintercard, {
    numkeys: 1,
    doc: {
      summary: "Intersect multiple sets and return the cardinality of the result",
      group: "set",
      since: "7.0.0",
      params: "numkeys key [key ...] [LIMIT limit]",
    },
  }),
]);

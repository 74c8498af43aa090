// Redis set commands (spec §10.6 "Sets"), as Redis 7.0.15 replies to them, except for order:
// members come in insertion order wherever Redis's order is unspecified (spec §10.11 item 4).
//
// SPOP and SRANDMEMBER pick uniformly at random in O(1) per pick (src/engine/sampling.ts),
// following Redis's cases for a count: a negative count repeats members, a count at least the
// set's size returns (or pops) the whole set.

import { createCollection, setAdd, setRemove } from "../collection-ops.ts";
import { command, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import type { Entry } from "../entry.ts";
import { Errors } from "../errors.ts";
import { parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import { RANDOM_REPLY_MAX, distinctIndexes, randomIndex, samplableSet } from "../sampling.ts";
import type { Reply } from "../reply.ts";
import { readTyped } from "./access.ts";
import { lookupForWrite } from "./collection-write.ts";
import { parseScanCursor, parseScanOptions, scanReply } from "./member-scan.ts";
import { setAlgebraCommands } from "./set-algebra.ts";
import { Notify, notifyKeyspaceEvent, notifyRemoval } from "../keyspace-events.ts";

const INT64_MIN = -(1n << 63n);
/** Redis's getRangeLongFromObjectOrReply text for SRANDMEMBER's count range (spec §10.7). */
const SRANDMEMBER_RANGE_TEXT =
  "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
const OUT_OF_RANGE_TEXT = "ERR value is out of range";

const EMPTY_SET = R.set([]);

/** The members of a set entry. */
function membersOf(e: Entry): Set<string> {
  return e.value as Set<string>;
}

const bulk = (m: string): Reply => R.bulk(m);

/** SPOP key count: validates the count before the key (Redis order); always a set reply. */
function spopCount(ctx: Ctx, key: string, countText: string): Reply {
  const count = parseStrictInt(countText);
  if (count === undefined || count < 0n) throw Errors.mustBePositive();
  const e = lookupForWrite(ctx, key, "set");
  if (!e || count === 0n) return EMPTY_SET;
  const s = samplableSet(e);
  if (count >= BigInt(s.size)) {
    // The whole set: one key deletion instead of one per member.
    const all = Array.from(s, bulk);
    ctx.store.remove(e);
    notifyRemoval(ctx, Notify.SET, "spop", e);
    return R.set(all);
  }
  const out: Reply[] = [];
  for (let n = Number(count); n > 0; n--) {
    const m = s.random();
    setRemove(ctx.store, e, m);
    out.push(R.bulk(m));
  }
  notifyRemoval(ctx, Notify.SET, "spop", e);
  return R.set(out);
}

/** SRANDMEMBER key count: always a plain array (also in RESP3, as Redis 7.0 replies). */
function srandmemberCount(ctx: Ctx, key: string, countText: string): Reply {
  const count = parseStrictInt(countText);
  if (count === undefined) throw Errors.notInteger();
  if (count === INT64_MIN) throw Errors.custom(SRANDMEMBER_RANGE_TEXT);
  const e = readTyped(ctx, key, "set");
  if (!e || count === 0n) return R.EMPTY;
  const s = samplableSet(e);
  if (count < 0n || count === 1n) {
    // With repetitions (Redis's case 1).
    if (-count > BigInt(RANDOM_REPLY_MAX)) throw Errors.custom(OUT_OF_RANGE_TEXT);
    const n = count < 0n ? Number(-count) : 1;
    const out = new Array<Reply>(n);
    if (n <= s.size) for (let i = 0; i < n; i++) out[i] = R.bulk(s.random());
    else {
      // More picks than members: one reply object per member, shared by its repeats.
      const each = Array.from({ length: s.size }, (_, i) => R.bulk(s.at(i)));
      for (let i = 0; i < n; i++) out[i] = each[randomIndex(each.length)]!;
    }
    return R.array(out);
  }
  if (count >= BigInt(s.size)) return R.array(Array.from(s, bulk));
  return R.array(distinctIndexes(Number(count), s.size).map((i) => R.bulk(s.at(i))));
}

/** Docs of this family's records (COMMAND DOCS, REPL help, docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  sadd: {
    summary: "Add one or more members to a set",
    group: "set",
    since: "1.0.0",
    params: "key member [member ...]",
  },
  srem: {
    summary: "Remove one or more members from a set",
    group: "set",
    since: "1.0.0",
    params: "key member [member ...]",
  },
  smembers: {
    summary: "Get all the members in a set",
    group: "set",
    since: "1.0.0",
    params: "key",
  },
  sismember: {
    summary: "Determine if a given value is a member of a set",
    group: "set",
    since: "1.0.0",
    params: "key member",
  },
  smismember: {
    summary: "Returns the membership associated with the given elements for a set",
    group: "set",
    since: "6.2.0",
    params: "key member [member ...]",
  },
  scard: {
    summary: "Get the number of members in a set",
    group: "set",
    since: "1.0.0",
    params: "key",
  },
  spop: {
    summary: "Remove and return one or multiple random members from a set",
    group: "set",
    since: "1.0.0",
    params: "key [count]",
  },
  srandmember: {
    summary: "Get one or multiple random members from a set",
    group: "set",
    since: "1.0.0",
    params: "key [count]",
  },
  smove: {
    summary: "Move a member from one set to another",
    group: "set",
    since: "1.0.0",
    params: "source destination member",
  },
  sscan: {
    summary: "Incrementally iterate Set elements",
    group: "set",
    since: "2.8.0",
    params: "key cursor [MATCH pattern] [COUNT count]",
  },
};

export const setsCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("sadd", -3, "w", [1, 1, 1], (ctx, argv) => {
    const key = argv[1]!;
    const e = lookupForWrite(ctx, key, "set") ?? createCollection(ctx.store, key, "set");
    let added = 0;
    for (let i = 2; i < argv.length; i++) if (setAdd(ctx.store, e, argv[i]!)) added++;
    if (added) notifyKeyspaceEvent(ctx, Notify.SET, "sadd", key);
    return R.int(added);
  }),
  command("srem", -3, "w", [1, 1, 1], (ctx, argv) => {
    const e = lookupForWrite(ctx, argv[1]!, "set");
    let removed = 0;
    // setRemove deletes the key with its last member; the loop stops there.
    for (let i = 2; e?.alive && i < argv.length; i++)
      if (setRemove(ctx.store, e, argv[i]!)) removed++;
    if (removed) notifyRemoval(ctx, Notify.SET, "srem", e!);
    return R.int(removed);
  }),
  command("smembers", 2, "r", [1, 1, 1], (ctx, [, key]) => {
    const e = readTyped(ctx, key!, "set");
    return e ? R.set(Array.from(membersOf(e), bulk)) : EMPTY_SET;
  }),
  command("sismember", 3, "r", [1, 1, 1], (ctx, [, key, member]) => {
    const e = readTyped(ctx, key!, "set");
    return e && membersOf(e).has(member!) ? R.ONE : R.ZERO;
  }),
  command("smismember", -3, "r", [1, 1, 1], (ctx, argv) => {
    const e = readTyped(ctx, argv[1]!, "set");
    const s = e ? membersOf(e) : undefined;
    return R.array(argv.slice(2).map((m) => (s?.has(m) ? R.ONE : R.ZERO)));
  }),
  command("scard", 2, "r", [1, 1, 1], (ctx, [, key]) => {
    const e = readTyped(ctx, key!, "set");
    return R.int(e ? membersOf(e).size : 0);
  }),
  command("spop", -2, "w", [1, 1, 1], (ctx, argv) => {
    if (argv.length > 3) throw Errors.syntax();
    if (argv.length === 3) return spopCount(ctx, argv[1]!, argv[2]!);
    const e = lookupForWrite(ctx, argv[1]!, "set");
    if (!e) return R.NIL;
    const m = samplableSet(e).random();
    setRemove(ctx.store, e, m);
    notifyRemoval(ctx, Notify.SET, "spop", e);
    return R.bulk(m);
  }),
  command("srandmember", -2, "r", [1, 1, 1], (ctx, argv) => {
    if (argv.length > 3) throw Errors.syntax();
    if (argv.length === 3) return srandmemberCount(ctx, argv[1]!, argv[2]!);
    const e = readTyped(ctx, argv[1]!, "set");
    return e ? R.bulk(samplableSet(e).random()) : R.NIL;
  }),
  command("smove", 4, "w", [1, 2, 1], (ctx, [, src, dst, member]) => {
    const store = ctx.store;
    const from = store.get(src!);
    const to = store.get(dst!);
    // Redis order: a missing source answers 0 before the destination's type is looked at.
    if (!from) return R.ZERO;
    if (from.type !== "set" || (to && to.type !== "set")) throw Errors.wrongType();
    store.touch(from);
    if (to) store.touch(to);
    if (from === to) return membersOf(from).has(member!) ? R.ONE : R.ZERO;
    if (!setRemove(store, from, member!)) return R.ZERO;
    notifyRemoval(ctx, Notify.SET, "srem", from);
    if (setAdd(store, to ?? createCollection(store, dst!, "set"), member!))
      notifyKeyspaceEvent(ctx, Notify.SET, "sadd", dst!);
    return R.ONE;
  }),
  ...setAlgebraCommands,
  command("sscan", -3, "r", [1, 1, 1], (ctx, argv) => {
    parseScanCursor(argv[2]!);
    const e = readTyped(ctx, argv[1]!, "set");
    if (!e) return scanReply([]);
    const match = parseScanOptions(argv, 3);
    const out: Reply[] = [];
    for (const m of membersOf(e)) if (match(m)) out.push(R.bulk(m));
    return scanReply(out);
  }),
]);

// Redis 8.2's stream deletion policies (t_stream.c): XDELEX, XACKDEL, and the KEEPREF | DELREF |
// ACKED option of XADD and XTRIM. KEEPREF deletes entries and leaves consumer groups' pending
// entries pointing at them (XDEL's way); DELREF also drops those pending entries in every group;
// ACKED deletes only entries no group still needs: every group has been delivered them and none
// has them pending (Redis `streamEntryIsReferenced`).

import { command, withDocs } from "../command-table.ts";
import type { CommandDoc, CommandSpec, Ctx } from "../command-table.ts";
import type { Entry } from "../entry.ts";
import { Errors } from "../errors.ts";
import { parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import type { Stream } from "../stream.ts";
import { MIN_ID, compareIds, idBytes, nextId, parseExactId } from "../stream-id.ts";
import type { StreamId } from "../stream-id.ts";
import { optionName } from "./redis-args.ts";
import { applyTrim } from "./stream-args.ts";
import type { TrimSpec } from "./stream-args.ts";
import {
  deleteEntry,
  removePending,
  removedEntries,
  streamForWrite,
  streamOf,
} from "./stream-write.ts";

export type DeletePolicy = "keepref" | "delref" | "acked";

/** The policy an option names (any case), or undefined. */
export function policyOf(arg: string): DeletePolicy | undefined {
  const o = optionName(arg);
  return o === "keepref" || o === "delref" || o === "acked" ? o : undefined;
}

/** Per-id reply codes of XDELEX and XACKDEL. */
const NOT_FOUND = -1;
const DELETED = 1;
const STILL_REFERENCED = 2;
const I64_MAX = (1n << 63n) - 1n;

/**
 * True when a group still needs the entry: one has not been delivered it yet (its last delivered
 * id is below it) or one has it pending. Streams without groups reference nothing.
 */
export function isReferenced(s: Stream, id: StreamId): boolean {
  if (s.groups.size === 0) return false;
  const k = idBytes(id);
  for (const g of s.groups.values()) if (compareIds(g.lastId, id) < 0) return true;
  for (const g of s.groups.values()) if (g.pel.has(k)) return true;
  return false;
}

/** Removes the entry from every group's pending entries list (DELREF). */
function dropReferences(ctx: Ctx, e: Entry, id: StreamId): void {
  const k = idBytes(id);
  for (const g of (e.value as Stream).groups.values()) {
    const p = g.pel.get(k);
    if (p) removePending(ctx, e, g, p);
  }
}

/**
 * Trims a stream by a spec under a policy; how many entries went. KEEPREF trims as Redis 7 does;
 * DELREF and ACKED walk entries node by node as Redis 8.2's `streamTrim`: `~` no longer stops at
 * a node that cannot go whole (only LIMIT bounds the work), ACKED skips referenced entries (so
 * MAXLEN may delete newer ones instead), and a trim leaves max-deleted-id alone.
 */
export function trimWithPolicy(ctx: Ctx, e: Entry, t: TrimSpec, policy: DeletePolicy): number {
  const s = e.value as Stream;
  if (policy === "keepref") {
    const removed = applyTrim(s, t);
    removedEntries(ctx, e, removed);
    return removed.length;
  }
  const maxDeleted = s.maxDeletedId;
  const done = (id: StreamId) =>
    t.kind === "maxlen" ? s.length <= t.maxlen : compareIds(id, t.minid) >= 0;
  let deleted = 0;
  let from: StreamId | undefined = MIN_ID;
  while (from) {
    if (t.kind === "maxlen" && s.length <= t.maxlen) break;
    const node = s.nodeAt(from);
    if (!node) break;
    const entries = node.live.filter(Boolean).length;
    if (deleted + entries > t.limit) break;
    const last = node.ids[node.ids.length - 1]!;
    const whole =
      t.kind === "maxlen" ? s.length - entries >= t.maxlen : compareIds(last, t.minid) < 0;
    for (let j = 0; j < node.ids.length; j++) {
      const id = node.ids[j]!;
      if (done(id)) break;
      if (!node.live[j]) continue;
      if (policy === "acked" && isReferenced(s, id)) continue;
      if (policy === "delref") dropReferences(ctx, e, id);
      deleteEntry(ctx, e, id);
      deleted++;
    }
    // Redis goes on to the next node only when this one could have gone whole.
    if (!whole) break;
    from = nextId(last);
  }
  s.maxDeletedId = maxDeleted; // trimming is not deleting: Redis keeps max-deleted-id
  return deleted;
}

interface IdsArgs {
  policy: DeletePolicy;
  /** Index of the first id and how many there are. */
  start: number;
  count: number;
}

/** `[KEEPREF | DELREF | ACKED] IDS numids id ...` from argv[at] on (Redis `streamParseAckDelArgs`). */
function parseIdsArgs(argv: readonly string[], at: number): IdsArgs {
  let policy: DeletePolicy | undefined;
  let start = -1;
  let count = 0;
  for (let j = at; j < argv.length;) {
    const p = policyOf(argv[j]!);
    if (p && !policy) {
      policy = p;
      j++;
    } else if (optionName(argv[j]!) === "ids" && j + 1 < argv.length) {
      const n = parseStrictInt(argv[j + 1]!);
      if (n === undefined || n < 1n || n > I64_MAX) throw Errors.numIdsPositive();
      if (n > BigInt(argv.length - j - 2)) throw Errors.numIdsMismatch();
      count = Number(n);
      start = j + 2;
      j = start + count;
    } else throw Errors.syntax();
  }
  if (start < 0) throw Errors.idsRequired();
  return { policy: policy ?? "keepref", start, count };
}

const allNotFound = (n: number): Reply =>
  R.array(Array.from({ length: n }, () => R.int(NOT_FOUND)));

/** XDELEX key [KEEPREF | DELREF | ACKED] IDS numids id [id ...] */
function xdelex(ctx: Ctx, argv: readonly string[]): Reply {
  streamOf(ctx, argv[1]!); // WRONGTYPE before any argument error, as Redis
  const a = parseIdsArgs(argv, 2);
  const e = streamForWrite(ctx, argv[1]!, false);
  if (!e) return allNotFound(a.count);
  const ids = argv.slice(a.start, a.start + a.count).map(parseExactId);
  const s = e.value as Stream;
  return R.array(
    ids.map((id) => {
      if (a.policy === "acked" && isReferenced(s, id)) return R.int(STILL_REFERENCED);
      // DELREF drops pending entries even of an id no longer in the stream.
      if (a.policy === "delref") dropReferences(ctx, e, id);
      return R.int(deleteEntry(ctx, e, id) ? DELETED : NOT_FOUND);
    }),
  );
}

/** XACKDEL key group [KEEPREF | DELREF | ACKED] IDS numids id [id ...] */
function xackdel(ctx: Ctx, argv: readonly string[]): Reply {
  streamOf(ctx, argv[1]!);
  const a = parseIdsArgs(argv, 3);
  const e = streamForWrite(ctx, argv[1]!, false);
  const g = (e?.value as Stream | undefined)?.groups.get(argv[2]!);
  // No key or no group: every id is unknown, and the ids are not even parsed (as Redis).
  if (!e || !g) return allNotFound(a.count);
  const ids = argv.slice(a.start, a.start + a.count).map(parseExactId);
  const s = e.value as Stream;
  return R.array(
    ids.map((id) => {
      const p = g.pel.get(idBytes(id));
      if (!p) return R.int(NOT_FOUND);
      removePending(ctx, e, g, p);
      if (a.policy === "acked" && isReferenced(s, id)) return R.int(STILL_REFERENCED);
      if (a.policy === "delref") dropReferences(ctx, e, id);
      deleteEntry(ctx, e, id); // an acknowledged id already gone from the stream counts too
      return R.int(DELETED);
    }),
  );
}

const DOCS: Record<string, CommandDoc> = {
  xdelex: {
    summary: "Deletes one or multiple entries from the stream.",
    group: "stream",
    since: "8.2.0",
    params: "key [KEEPREF|DELREF|ACKED] IDS numids id [id ...]",
  },
  xackdel: {
    summary: "Acknowledges and deletes one or multiple messages for a stream consumer group.",
    group: "stream",
    since: "8.2.0",
    params: "key group [KEEPREF|DELREF|ACKED] IDS numids id [id ...]",
  },
};

/** Redis 8.2's XDELEX and XACKDEL (arity, flags and key as its command JSON). */
export const streamDeleteCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("xdelex", -5, "wf", [1, 1, 1], xdelex, { keyFlags: ["RW delete"] }),
  command("xackdel", -6, "wf", [1, 1, 1], xackdel, { keyFlags: ["RW update delete"] }),
]);

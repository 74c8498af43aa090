// Stream commands without consumer groups (Redis 7.0 t_stream.c): XADD, XRANGE, XREVRANGE,
// XLEN, XDEL, XTRIM, XSETID, and XREAD (stream-read.ts). Groups are in stream-groups.ts, XINFO in
// stream-info.ts.

import { command, withDocs } from "../command-table.ts";
import type { CommandDoc, CommandSpec, Ctx } from "../command-table.ts";
import { CommandError, Errors } from "../errors.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import type { Stream } from "../stream.ts";
import {
  U64_MAX,
  compareIds,
  idText,
  nextId,
  parseExactId,
  parseId,
  prevId,
} from "../stream-id.ts";
import type { StreamId } from "../stream-id.ts";
import { optionName } from "./redis-args.ts";
import { entriesReply, nodeSizeOf, parseCount } from "./stream-args.ts";
import { streamDeleteCommands, trimWithPolicy } from "./stream-delete.ts";
import { streamGroupCommands } from "./stream-groups.ts";
import { streamInfoCommands } from "./stream-info.ts";
import { xread } from "./stream-read.ts";
import { keysAfterStreams } from "./stream-keys.ts";
import { parseAddTrimArgs } from "./stream-trim-args.ts";
import { appendEntry, deleteEntry, streamForWrite, streamOf, writeMeta } from "./stream-write.ts";
import { Notify, notifyKeyspaceEvent } from "../keyspace-events.ts";

const tooSmall = () =>
  new CommandError(
    "ERR",
    "ERR The ID specified in XADD is equal or smaller than the target stream top item",
  );

/** The id XADD gives a new entry: `*`, `<ms>-*` or explicit (Redis `streamAppendItem`). */
function newId(s: Stream, arg: string, now: number): StreamId {
  const last = s.lastId;
  let id: StreamId;
  if (arg === "*") {
    const ms = BigInt(now);
    id = ms > last.ms ? { ms, seq: 0n } : nextId(last)!;
  } else if (arg.endsWith("-*")) {
    const ms = parseExactId(arg.slice(0, -2)).ms;
    if (ms === last.ms) {
      if (last.seq === U64_MAX) throw tooSmall();
      id = { ms, seq: last.seq + 1n };
    } else id = { ms, seq: 0n };
  } else id = parseExactId(arg);
  if (compareIds(id, last) <= 0) throw tooSmall();
  return id;
}

function xadd(ctx: Ctx, argv: readonly string[]): Reply {
  const { trim, policy, nomkstream, next } = parseAddTrimArgs(argv, true, nodeSizeOf(ctx));
  const idArg = argv[next];
  const fields = argv.slice(next + 1);
  if (idArg === undefined || fields.length === 0 || fields.length % 2 !== 0)
    throw Errors.arity("xadd");
  // The id is checked before the key is looked up or created, as Redis does.
  if (idArg !== "*") {
    const explicit = !idArg.endsWith("-*");
    const id = parseExactId(explicit ? idArg : idArg.slice(0, -2));
    if (explicit && id.ms === 0n && id.seq === 0n)
      throw new CommandError("ERR", "ERR The ID specified in XADD must be greater than 0-0");
  }
  const e = streamForWrite(ctx, argv[1]!, !nomkstream);
  if (!e) return R.NIL;
  const s = e.value as Stream;
  if (s.lastId.ms === U64_MAX && s.lastId.seq === U64_MAX)
    throw new CommandError(
      "ERR",
      "ERR The stream has exhausted the last possible ID, unable to add more items",
    );
  const id = newId(s, idArg, ctx.now);
  appendEntry(ctx, e, id, [...fields]);
  notifyKeyspaceEvent(ctx, Notify.STREAM, "xadd", e.key);
  if (trim && trimWithPolicy(ctx, e, trim, policy))
    notifyKeyspaceEvent(ctx, Notify.STREAM, "xtrim", e.key);
  return R.bulk(idText(id));
}

/** A range bound: `-`, `+`, an id (a missing seq filled per side), or `(` exclusive. */
function parseBound(arg: string, isStart: boolean): StreamId {
  const exclusive = arg.startsWith("(");
  const text = exclusive ? arg.slice(1) : arg;
  if (exclusive && (text === "-" || text === "+")) throw Errors.syntax(); // Redis refuses "(-"
  const id = parseId(text, isStart ? 0n : U64_MAX);
  if (!exclusive) return id;
  const moved = isStart ? nextId(id) : prevId(id);
  if (!moved)
    throw new CommandError(
      "ERR",
      isStart ? "ERR invalid start ID for the interval" : "ERR invalid end ID for the interval",
    );
  return moved;
}

function xrange(rev: boolean) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    const start = parseBound(argv[rev ? 3 : 2]!, true);
    const end = parseBound(argv[rev ? 2 : 3]!, false);
    let count = Infinity;
    if (argv.length > 4) {
      if (argv.length !== 6 || optionName(argv[4]!) !== "count") throw Errors.syntax();
      const n = Number(argv[5]);
      count = parseCount(argv[5]!);
      if (n < 0) count = 0;
    }
    if (count === 0) return R.NILARRAY;
    const s = streamOf(ctx, argv[1]!);
    if (!s) return R.EMPTY;
    return entriesReply(s.range(start, end, count, rev));
  };
}

function xdel(ctx: Ctx, argv: readonly string[]): Reply {
  const ids = argv.slice(2).map(parseExactId); // every id is checked before any is deleted
  const e = streamForWrite(ctx, argv[1]!, false);
  if (!e) return R.ZERO;
  let n = 0;
  for (const id of ids) if (deleteEntry(ctx, e, id)) n++;
  if (n) notifyKeyspaceEvent(ctx, Notify.STREAM, "xdel", e.key);
  return R.int(n);
}

function xtrim(ctx: Ctx, argv: readonly string[]): Reply {
  const { trim, policy } = parseAddTrimArgs(argv, false, nodeSizeOf(ctx));
  const e = streamForWrite(ctx, argv[1]!, false);
  if (!e) return R.ZERO;
  const removed = trimWithPolicy(ctx, e, trim!, policy);
  if (removed) notifyKeyspaceEvent(ctx, Notify.STREAM, "xtrim", e.key);
  return R.int(removed);
}

/** XSETID key last-id [ENTRIESADDED n] [MAXDELETEDID id], checked in Redis's order. */
function xsetid(ctx: Ctx, argv: readonly string[]): Reply {
  const id = parseExactId(argv[2]!);
  let added: bigint | undefined;
  let maxDel: StreamId | undefined;
  for (let i = 3; i < argv.length; i += 2) {
    const o = optionName(argv[i]!);
    const v = argv[i + 1];
    if (v === undefined) throw Errors.syntax();
    if (o === "entriesadded") {
      added = BigInt(parseCount(v));
      if (added < 0n) throw new CommandError("ERR", "ERR entries_added must be positive");
    } else if (o === "maxdeletedid") {
      maxDel = parseExactId(v);
      if (compareIds(id, maxDel) < 0)
        throw new CommandError(
          "ERR",
          "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
        );
    } else throw Errors.syntax();
  }
  const e = streamForWrite(ctx, argv[1]!, false);
  if (!e) throw Errors.noSuchKey();
  const s = e.value as Stream;
  const top = s.lastEntryId();
  if (top && compareIds(id, top) < 0)
    throw new CommandError(
      "ERR",
      "ERR The ID specified in XSETID is smaller than the target stream top item",
    );
  if (top && added !== undefined && added < BigInt(s.length))
    throw new CommandError(
      "ERR",
      "ERR The entries_added specified in XSETID is smaller than the target stream length",
    );
  const zero = maxDel && maxDel.ms === 0n && maxDel.seq === 0n;
  writeMeta(ctx, e, id, added ?? s.entriesAdded, maxDel && !zero ? maxDel : s.maxDeletedId);
  notifyKeyspaceEvent(ctx, Notify.STREAM, "xsetid", e.key);
  return R.OK;
}

const DOCS: Record<string, CommandDoc> = {
  xadd: {
    summary: "Appends a new entry to a stream",
    group: "stream",
    since: "5.0.0",
    params:
      "key [NOMKSTREAM] [KEEPREF|DELREF|ACKED] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]",
  },
  xrange: {
    summary: "Return a range of elements in a stream, with IDs matching the specified IDs interval",
    group: "stream",
    since: "5.0.0",
    params: "key start end [COUNT count]",
  },
  xrevrange: {
    summary:
      "Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE",
    group: "stream",
    since: "5.0.0",
    params: "key end start [COUNT count]",
  },
  xlen: {
    summary: "Return the number of entries in a stream",
    group: "stream",
    since: "5.0.0",
    params: "key",
  },
  xdel: {
    summary:
      "Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.",
    group: "stream",
    since: "5.0.0",
    params: "key id [id ...]",
  },
  xtrim: {
    summary: "Trims the stream to (approximately if '~' is passed) a certain size",
    group: "stream",
    since: "5.0.0",
    params: "key MAXLEN|MINID [=|~] threshold [LIMIT count] [KEEPREF|DELREF|ACKED]",
  },
  xread: {
    summary:
      "Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.",
    group: "stream",
    since: "5.0.0",
    params: "[COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]",
  },
  xsetid: {
    summary: "An internal command for replicating stream values",
    group: "stream",
    since: "5.0.0",
    params: "key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]",
  },
};

export const streamsCommands: readonly CommandSpec[] = [
  ...withDocs(DOCS, [
    command("xadd", -5, "w", [1, 1, 1], xadd),
    command("xrange", -4, "r", [1, 1, 1], xrange(false)),
    command("xrevrange", -4, "r", [1, 1, 1], xrange(true)),
    command("xlen", 2, "r", [1, 1, 1], (ctx, argv) => R.int(streamOf(ctx, argv[1]!)?.length ?? 0)),
    command("xdel", -3, "w", [1, 1, 1], xdel),
    command("xtrim", -4, "w", [1, 1, 1], xtrim),
    command("xread", -4, "rb", null, xread, { keysOf: keysAfterStreams }),
    command("xsetid", -3, "w", [1, 1, 1], xsetid),
  ]),
  ...streamGroupCommands,
  ...streamInfoCommands,
  ...streamDeleteCommands,
];

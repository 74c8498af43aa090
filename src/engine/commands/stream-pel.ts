// The pending entries lists of consumer groups (Redis 7.0 t_stream.c): XPENDING, XCLAIM and
// XAUTOCLAIM. XGROUP and XACK are in stream-groups.ts, XREADGROUP in stream-read.ts.

import type { Ctx } from "../command-table.ts";
import type { Entry } from "../entry.ts";
import { CommandError, Errors } from "../errors.ts";
import { parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import type { Group, Pending, Stream } from "../stream.ts";
import {
  MAX_ID,
  MIN_ID,
  compareIds,
  idBytes,
  idText,
  nextId,
  parseExactId,
  parseId,
} from "../stream-id.ts";
import type { StreamId } from "../stream-id.ts";
import { optionName } from "./redis-args.ts";
import { entryReply } from "./stream-args.ts";
import {
  putPending,
  removePending,
  setGroupPosition,
  streamForWrite,
  touchConsumer,
} from "./stream-write.ts";

const noGroup = (key: string, group: string) =>
  new CommandError("ERR", `NOGROUP No such key '${key}' or consumer group '${group}'`);

/** The stream entry and group a group command works on; NOGROUP when either is missing. */
function groupOf(ctx: Ctx, key: string, group: string): [Entry, Group] {
  const e = streamForWrite(ctx, key, false);
  const g = (e?.value as Stream | undefined)?.groups.get(group);
  if (!e || !g) throw noGroup(key, group);
  return [e, g];
}

/** A range bound of XPENDING/XAUTOCLAIM: `-`, `+`, an id, `(` exclusive. */
function bound(arg: string, isStart: boolean): StreamId | undefined {
  const exclusive = arg.startsWith("(");
  const id = parseId(exclusive ? arg.slice(1) : arg, isStart ? 0n : (1n << 64n) - 1n);
  if (!exclusive) return id;
  return isStart ? nextId(id) : compareIds(id, MIN_ID) > 0 ? prevIdOf(id) : undefined;
}

function prevIdOf(id: StreamId): StreamId {
  return id.seq > 0n ? { ms: id.ms, seq: id.seq - 1n } : { ms: id.ms - 1n, seq: (1n << 64n) - 1n };
}

/** Pending entries in id order. */
function sortedPel(g: Group): Pending[] {
  return [...g.pel.keys()].sort().map((k) => g.pel.get(k)!);
}

export function xpending(ctx: Ctx, argv: readonly string[]): Reply {
  const key = argv[1]!;
  const group = argv[2]!;
  let i = 3;
  let minIdle = 0;
  if (argv.length > 3 && optionName(argv[3]!) === "idle") {
    if (argv.length < 6) throw Errors.syntax();
    minIdle = Math.max(0, Number(parseStrictInt(argv[4]!) ?? NaN));
    if (Number.isNaN(minIdle)) throw Errors.notInteger();
    i = 5;
  }
  const extended = argv.length > 3;
  if (extended && argv.length !== i + 3 && argv.length !== i + 4) throw Errors.syntax();
  let start: StreamId | undefined;
  let end: StreamId | undefined;
  let count = 0;
  if (extended) {
    start = bound(argv[i]!, true);
    end = bound(argv[i + 1]!, false);
    const c = parseStrictInt(argv[i + 2]!);
    if (c === undefined) throw Errors.notInteger();
    count = c < 0n ? 0 : Number(c);
  }
  const [, g] = groupOf(ctx, key, group);
  if (!extended) {
    if (g.pel.size === 0) return R.array([R.ZERO, R.NIL, R.NIL, R.NILARRAY]);
    const pel = sortedPel(g);
    const per: Reply[] = [];
    for (const name of [...g.consumers.keys()].sort()) {
      const c = g.consumers.get(name)!;
      if (c.pending.size) per.push(R.array([R.bulk(name), R.bulk(String(c.pending.size))]));
    }
    return R.array([
      R.int(pel.length),
      R.bulk(idText(pel[0]!.id)),
      R.bulk(idText(pel[pel.length - 1]!.id)),
      R.array(per),
    ]);
  }
  const only = argv[i + 3];
  const out: Reply[] = [];
  if (!start || !end) return R.EMPTY;
  for (const p of sortedPel(g)) {
    if (out.length >= count) break;
    if (compareIds(p.id, start) < 0) continue;
    if (compareIds(p.id, end) > 0) break;
    if (only !== undefined && p.consumer !== only) continue;
    const idle = Math.max(0, ctx.now - p.time);
    if (idle < minIdle) continue;
    out.push(R.array([R.bulk(idText(p.id)), R.bulk(p.consumer), R.int(idle), R.int(p.count)]));
  }
  return R.array(out);
}

export function xclaim(ctx: Ctx, argv: readonly string[]): Reply {
  const key = argv[1]!;
  const group = argv[2]!;
  const consumer = argv[3]!;
  const minIdleN = parseStrictInt(argv[4]!);
  if (minIdleN === undefined)
    throw new CommandError("ERR", "ERR Invalid min-idle-time argument for XCLAIM");
  const minIdle = minIdleN < 0n ? 0 : Number(minIdleN);
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    try {
      ids.push(parseExactId(argv[j]!));
    } catch {
      break;
    }
  }
  let time = ctx.now;
  let retry = -1;
  let force = false;
  let justid = false;
  let lastId: StreamId | undefined;
  for (; j < argv.length; j++) {
    const o = optionName(argv[j]!);
    const more = j + 1 < argv.length;
    if (o === "force") force = true;
    else if (o === "justid") justid = true;
    else if (o === "idle" && more) time = ctx.now - Number(intArg(argv[++j]!));
    else if (o === "time" && more) time = Number(intArg(argv[++j]!));
    else if (o === "retrycount" && more) retry = Number(intArg(argv[++j]!));
    else if (o === "lastid" && more) lastId = parseExactId(argv[++j]!);
    else throw new CommandError("ERR", `ERR Unrecognized XCLAIM option '${argv[j]}'`);
  }
  if (time < 0 || time > ctx.now) time = ctx.now;
  const [e, g] = groupOf(ctx, key, group);
  const s = e.value as Stream;
  if (lastId && compareIds(lastId, g.lastId) > 0)
    setGroupPosition(ctx, e, g, lastId, g.entriesRead);
  const c = touchConsumer(ctx, e, g, consumer, false);
  const out: Reply[] = [];
  for (const id of ids) {
    let p = g.pel.get(idBytes(id));
    const fields = s.get(id);
    if (!p && force && fields) p = putPending(ctx, e, g, id, c, time, 0);
    if (!p) continue;
    if (!fields) {
      removePending(ctx, e, g, p);
      continue;
    }
    if (minIdle && ctx.now - p.time < minIdle) continue;
    const n = retry >= 0 ? retry : justid ? p.count : p.count + 1;
    putPending(ctx, e, g, id, c, time, n);
    out.push(justid ? R.bulk(idText(id)) : entryReply(id, fields));
  }
  if (out.length) touchConsumer(ctx, e, g, consumer, true);
  return R.array(out);
}

function intArg(s: string): bigint {
  const n = parseStrictInt(s);
  if (n === undefined) throw Errors.notInteger();
  return n;
}

/** XAUTOCLAIM's count: a bound on attempts (COUNT × this) per call, as Redis. */
const AUTOCLAIM_ATTEMPTS_FACTOR = 10;
const AUTOCLAIM_DEFAULT_COUNT = 100;

export function xautoclaim(ctx: Ctx, argv: readonly string[]): Reply {
  const minIdleN = parseStrictInt(argv[4]!);
  if (minIdleN === undefined)
    throw new CommandError("ERR", "ERR Invalid min-idle-time argument for XAUTOCLAIM");
  const minIdle = minIdleN < 0n ? 0 : Number(minIdleN);
  const start = bound(argv[5]!, true) ?? MAX_ID;
  let count = AUTOCLAIM_DEFAULT_COUNT;
  let justid = false;
  for (let j = 6; j < argv.length; j++) {
    const o = optionName(argv[j]!);
    if (o === "justid") justid = true;
    else if (o === "count" && j + 1 < argv.length) {
      const n = parseStrictInt(argv[++j]!);
      if (n === undefined) throw Errors.notInteger();
      if (n < 1n || n > BigInt(Number.MAX_SAFE_INTEGER) / 10n)
        throw new CommandError("ERR", "ERR COUNT must be > 0");
      count = Number(n);
    } else throw Errors.syntax();
  }
  const [e, g] = groupOf(ctx, argv[1]!, argv[2]!);
  const s = e.value as Stream;
  let attempts = count * AUTOCLAIM_ATTEMPTS_FACTOR;
  const claimed: Reply[] = [];
  const deleted: Reply[] = [];
  let next: StreamId = MIN_ID;
  const pel = sortedPel(g).filter((p) => compareIds(p.id, start) >= 0);
  // COUNT bounds the reply: claimed and deleted entries both use it up (Redis 7.0).
  let k = 0;
  for (; k < pel.length && attempts > 0 && count > 0; k++, attempts--) {
    const p = pel[k]!;
    const fields = s.get(p.id);
    if (!fields) {
      removePending(ctx, e, g, p);
      deleted.push(R.bulk(idText(p.id)));
      count--;
      continue;
    }
    if (minIdle && ctx.now - p.time < minIdle) continue;
    // The consumer is created by its first claim only.
    const c = touchConsumer(ctx, e, g, argv[3]!, false);
    count--;
    putPending(ctx, e, g, p.id, c, ctx.now, justid ? p.count : p.count + 1);
    claimed.push(justid ? R.bulk(idText(p.id)) : entryReply(p.id, fields));
  }
  if (k < pel.length) next = pel[k]!.id;
  if (claimed.length) touchConsumer(ctx, e, g, argv[3]!, true);
  return R.array([R.bulk(idText(next)), R.array(claimed), R.array(deleted)]);
}

// XREAD and XREADGROUP (Redis 7.0 t_stream.c xreadCommand, blocked.c): one argument parser for
// both, served at once when a stream has something, else the client blocks (Engine.block) and
// the command runs again for the stream key a write readied (Engine.servingKey), answering from
// that one stream as Redis's serveClientsBlockedOnStreamKey does.

import type { Ctx } from "../command-table.ts";
import type { ConnState } from "../conn-state.ts";
import type { Entry } from "../entry.ts";
import { CommandError, Errors } from "../errors.ts";
import { parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import type { ScriptRuntime } from "../scripting/runtime.ts";
import type { Group, Stream } from "../stream.ts";
import { MAX_ID, MIN_ID, compareIds, idText, nextId, parseExactId } from "../stream-id.ts";
import type { StreamId } from "../stream-id.ts";
import { optionName } from "./redis-args.ts";
import { entriesReply, perKeyReply } from "./stream-args.ts";
import { deliverHistory, deliverNew } from "./stream-deliver.ts";
import { streamForWrite, streamOf } from "./stream-write.ts";

/** Entries a woken client gets at most when it gave no COUNT (Redis XREAD_BLOCKED_DEFAULT_COUNT). */
const XREAD_BLOCKED_DEFAULT_COUNT = 1000;
const I64_MAX = (1n << 63n) - 1n;

/** A parsed XREAD/XREADGROUP line. */
interface ReadArgs {
  group: string | null;
  consumer: string;
  /** 0: no limit. */
  count: number;
  /** Milliseconds, 0 for forever; null without BLOCK. */
  block: number | null;
  noack: boolean;
  keys: string[];
  ids: string[];
}

const err = (text: string) => new CommandError("ERR", text);

/** True while a Lua script runs (Redis refuses BLOCK there rather than treating it as a timeout). */
function inScript(ctx: Ctx): boolean {
  const rt = ctx.engine.scripts.runtime as ScriptRuntime | null;
  return rt !== null && rt.runner.run !== null;
}

/** BLOCK's milliseconds (getTimeoutFromObjectOrReply, UNIT_MILLISECONDS). */
function parseBlockMs(arg: string): number {
  const n = parseStrictInt(arg);
  if (n === undefined || n > I64_MAX) throw err("ERR timeout is not an integer or out of range");
  if (n < 0n) throw err("ERR timeout is negative");
  return Number(n);
}

/** The options in Redis's order: each error where Redis's loop meets it. */
function parseRead(ctx: Ctx, argv: readonly string[], isGroup: boolean): ReadArgs {
  const a: ReadArgs = {
    group: null,
    consumer: "",
    count: 0,
    block: null,
    noack: false,
    keys: [],
    ids: [],
  };
  let streamsAt = 0;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const o = optionName(argv[i]!);
    if (o === "block" && more) {
      if (inScript(ctx))
        throw err(`ERR ${argv[0]} command is not allowed with BLOCK option from scripts`);
      a.block = parseBlockMs(argv[++i]!);
    } else if (o === "count" && more) {
      const n = parseStrictInt(argv[++i]!);
      if (n === undefined || n > I64_MAX) throw Errors.notInteger();
      a.count = n < 0n ? 0 : Number(n);
    } else if (o === "streams" && more) {
      streamsAt = i + 1;
      if ((argv.length - streamsAt) % 2 !== 0)
        throw err(
          "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
        );
      break;
    } else if (o === "group" && more >= 2) {
      if (!isGroup)
        throw err(
          "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
        );
      a.group = argv[i + 1]!;
      a.consumer = argv[i + 2]!;
      i += 2;
    } else if (o === "noack") {
      if (!isGroup)
        throw err(
          "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
        );
      a.noack = true;
    } else throw Errors.syntax();
  }
  if (streamsAt === 0) throw Errors.syntax();
  if (isGroup && a.group === null) throw err("ERR Missing GROUP option for XREADGROUP");
  const n = (argv.length - streamsAt) / 2;
  a.keys = argv.slice(streamsAt, streamsAt + n);
  a.ids = argv.slice(streamsAt + n);
  return a;
}

const noGroup = (key: string, group: string) =>
  new CommandError(
    "ERR",
    `NOGROUP No such key '${key}' or consumer group '${group}' in XREADGROUP with GROUP option`,
  );

/** Each blocked reader's view of its streams when it last looked: the value and its signals. */
const seen = new WeakMap<ConnState, Map<string, [Stream | undefined, number]>>();

function streamAt(ctx: Ctx, key: string): Stream | undefined {
  const e = ctx.store.get(key);
  return e?.type === "stream" ? (e.value as Stream) : undefined;
}

/**
 * True when `key` was signalled since the reader last looked (XADD, XGROUP DESTROY, or another
 * value there: created, replaced); Redis looks again only then. Notes what it sees now.
 */
function signalled(ctx: Ctx, key: string): boolean {
  const m = seen.get(ctx.conn);
  const s = streamAt(ctx, key);
  const before = m?.get(key);
  m?.set(key, [s, s?.signals ?? 0]);
  return !before || before[0] !== s || before[1] !== (s?.signals ?? 0);
}

/** Waits for the keys, to run again as `argv` (ids resolved, COUNT set as Redis keeps it). */
function block(ctx: Ctx, a: ReadArgs, argv: readonly string[], ids: string[]): Reply {
  if (ctx.engine.servingKey === null) {
    const m = new Map<string, [Stream | undefined, number]>();
    for (const k of a.keys) {
      const s = streamAt(ctx, k);
      m.set(k, [s, s?.signals ?? 0]);
    }
    seen.set(ctx.conn, m);
  }
  const count = String(a.count || XREAD_BLOCKED_DEFAULT_COUNT);
  const head = a.group === null ? [argv[0]!] : [argv[0]!, "GROUP", a.group, a.consumer];
  const again = [
    ...head,
    "COUNT",
    count,
    "BLOCK",
    String(a.block),
    ...(a.noack ? ["NOACK"] : []),
    "STREAMS",
    ...a.keys,
    ...ids,
  ];
  const keys = [...new Set(a.keys)];
  return ctx.engine.block(
    ctx,
    {
      keys,
      type: "stream",
      timeoutMs: a.block!,
      timeoutReply: R.NILARRAY,
      argv: again,
      retryOnGone: a.group !== null,
    },
    argv,
  );
}

/** XREAD [COUNT n] [BLOCK ms] STREAMS key... id... */
export function xread(ctx: Ctx, argv: readonly string[]): Reply {
  const a = parseRead(ctx, argv, false);
  const served = ctx.engine.servingKey;
  if (served !== null) return xreadWoken(ctx, a, argv, served);
  const starts = a.keys.map((k, j) => {
    const s = streamOf(ctx, k);
    const id = a.ids[j]!;
    if (id === "$") return s ? s.lastId : MIN_ID;
    if (id === ">")
      throw err(
        "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
      );
    return parseExactId(id);
  });
  const count = a.count || Infinity;
  const out: [string, Reply][] = [];
  a.keys.forEach((k, j) => {
    const s = streamOf(ctx, k);
    const last = s?.lastEntryId();
    if (!s || !last || compareIds(last, starts[j]!) <= 0) return;
    out.push([k, entriesReply(s.range(nextId(starts[j]!)!, MAX_ID, count))]);
  });
  if (out.length || a.block === null) return perKeyReply(ctx, out);
  return block(ctx, a, argv, starts.map(idText));
}

/**
 * XREAD run again (its ids resolved) for the stream `key` a write readied: when the stream's top
 * passed the id, its entries after it, even none (Redis compares the top id only).
 */
function xreadWoken(ctx: Ctx, a: ReadArgs, argv: readonly string[], key: string): Reply {
  const j = a.keys.indexOf(key);
  const gt = parseExactId(a.ids[j]!);
  const s = streamAt(ctx, key);
  if (!signalled(ctx, key) || !s || compareIds(s.lastId, gt) <= 0)
    return block(ctx, a, argv, a.ids);
  const entries = s.range(nextId(gt) ?? MAX_ID, MAX_ID, a.count || Infinity);
  return perKeyReply(ctx, [[key, entriesReply(entries)]]);
}

/** XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS key... id... */
export function xreadgroup(ctx: Ctx, argv: readonly string[]): Reply {
  const a = parseRead(ctx, argv, true);
  const served = ctx.engine.servingKey;
  if (served !== null) return xreadgroupWoken(ctx, a, argv, served);
  const targets: [Entry, Group, StreamId | null][] = a.keys.map((k, j) => {
    const e = streamForWrite(ctx, k, false);
    const g = (e?.value as Stream | undefined)?.groups.get(a.group!);
    if (!e || !g) throw noGroup(k, a.group!);
    const id = a.ids[j]!;
    if (id === "$")
      throw err(
        "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.",
      );
    return [e, g, id === ">" ? null : parseExactId(id)];
  });
  const count = a.count || Infinity;
  const out: [string, Reply][] = [];
  targets.forEach(([e, g, after], j) => {
    if (after) {
      out.push([a.keys[j]!, deliverHistory(ctx, e, g, a.consumer, after, count)]);
      return;
    }
    const last = (e.value as Stream).lastEntryId();
    if (!last || compareIds(last, g.lastId) <= 0) return;
    out.push([a.keys[j]!, deliverNew(ctx, e, g, a.consumer, count, a.noack)]);
  });
  if (out.length || a.block === null) return perKeyReply(ctx, out);
  return block(ctx, a, argv, a.ids);
}

/**
 * XREADGROUP run again for `key`: Redis 7.0 answers an error when the stream or the group went,
 * delivers when the stream's top passed the group's last id, else the client keeps waiting.
 */
function xreadgroupWoken(ctx: Ctx, a: ReadArgs, argv: readonly string[], key: string): Reply {
  const e = ctx.store.get(key);
  if (e?.type !== "stream")
    throw new CommandError("UNBLOCKED", "UNBLOCKED the stream key no longer exists");
  if (!signalled(ctx, key)) return block(ctx, a, argv, a.ids);
  const g = (e.value as Stream).groups.get(a.group!);
  if (!g)
    throw new CommandError(
      "ERR",
      "NOGROUP the consumer group this client was blocked on no longer exists",
    );
  if (compareIds((e.value as Stream).lastId, g.lastId) <= 0) return block(ctx, a, argv, a.ids);
  ctx.store.touch(e);
  const r = deliverNew(ctx, e, g, a.consumer, a.count || Infinity, a.noack);
  return perKeyReply(ctx, [[key, r]]);
}

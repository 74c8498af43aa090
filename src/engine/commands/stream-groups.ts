// Consumer groups (Redis 7.0 t_stream.c): XGROUP, XREADGROUP (stream-read.ts), XACK, XPENDING, XCLAIM,
// XAUTOCLAIM, with Redis's entries-read bookkeeping so XINFO's lag matches redis-server's.

import { asciiLower } from "../ascii.ts";
import { command, withDocs } from "../command-table.ts";
import type { CommandDoc, CommandSpec, Ctx } from "../command-table.ts";
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
import { keysAfterStreams } from "./stream-keys.ts";
import { xreadgroup } from "./stream-read.ts";
import {
  createGroup,
  deleteConsumer,
  destroyGroup,
  putPending,
  removePending,
  setGroupPosition,
  streamForWrite,
  touchConsumer,
} from "./stream-write.ts";

const noGroup = (key: string, group: string, where = "") =>
  new CommandError("ERR", `NOGROUP No such key '${key}' or consumer group '${group}'${where}`);
const needsKey = () =>
  new CommandError(
    "ERR",
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
  );

/** The stream entry and group a group command works on; NOGROUP when either is missing. */
function groupOf(ctx: Ctx, key: string, group: string, where = ""): [Entry, Group] {
  const e = streamForWrite(ctx, key, false);
  const g = (e?.value as Stream | undefined)?.groups.get(group);
  if (!e || !g) throw noGroup(key, group, where);
  return [e, g];
}

function parseEntriesRead(s: string): bigint {
  const n = parseStrictInt(s);
  if (n === undefined) throw Errors.notInteger();
  if (n < -1n) throw new CommandError("ERR", "ERR value for ENTRIESREAD must be positive or -1");
  return n;
}

const XGROUP_ARITY: Record<string, number> = {
  create: -5,
  setid: -5,
  destroy: 4,
  createconsumer: 5,
  delconsumer: 5,
  help: 2,
};

function xgroup(ctx: Ctx, argv: readonly string[]): Reply {
  const sub = asciiLower(argv[1]!);
  const arity = XGROUP_ARITY[sub];
  if (arity === undefined) throw Errors.unknownSubcommand(argv[1]!, "xgroup");
  if ((arity > 0 && argv.length !== arity) || argv.length < -arity)
    throw Errors.arity(`xgroup|${sub}`);
  if (sub === "help") return R.array(XGROUP_HELP.map((l) => R.status(l)));
  const key = argv[2]!;
  const name = argv[3]!;
  let mkstream = false;
  let entriesRead = -1n;
  if (sub === "create" || sub === "setid") {
    for (let i = 5; i < argv.length; i++) {
      const o = optionName(argv[i]!);
      if (o === "mkstream" && sub === "create") mkstream = true;
      else if (o === "entriesread" && i + 1 < argv.length)
        entriesRead = parseEntriesRead(argv[++i]!);
      else throw Errors.syntax();
    }
  }
  const e = streamForWrite(ctx, key, mkstream && sub === "create");
  if (!e) throw needsKey();
  const s = e.value as Stream;
  const idOf = (a: string) => (a === "$" ? s.lastId : parseId(a, 0n, true));
  switch (sub) {
    case "create": {
      const id = idOf(argv[4]!);
      if (s.groups.has(name))
        throw new CommandError("ERR", "BUSYGROUP Consumer Group name already exists");
      createGroup(ctx, e, name, id, entriesRead);
      return R.OK;
    }
    case "setid": {
      const id = idOf(argv[4]!);
      const g = s.groups.get(name);
      if (!g)
        throw new CommandError(
          "ERR",
          `NOGROUP No such consumer group '${name}' for key name '${key}'`,
        );
      setGroupPosition(ctx, e, g, id, entriesRead);
      return R.OK;
    }
    case "destroy": {
      const g = s.groups.get(name);
      if (!g) return R.ZERO;
      destroyGroup(ctx, e, g);
      return R.ONE;
    }
    default: {
      const g = s.groups.get(name);
      if (!g)
        throw new CommandError(
          "ERR",
          `NOGROUP No such consumer group '${name}' for key name '${key}'`,
        );
      const consumer = argv[4]!;
      if (sub === "createconsumer") {
        if (g.consumers.has(consumer)) return R.ZERO;
        touchConsumer(ctx, e, g, consumer, false);
        return R.ONE;
      }
      const c = g.consumers.get(consumer);
      return R.int(c ? deleteConsumer(ctx, e, g, c) : 0);
    }
  }
}

const XGROUP_HELP = [
  "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CREATE <key> <groupname> <id|$> [option]",
  "    Create a new consumer group. Options are:",
  "    * MKSTREAM",
  "      Create the empty stream if it does not exist.",
  "    * ENTRIESREAD entries_read",
  "      Set the group's entries_read counter (internal use).",
  "CREATECONSUMER <key> <groupname> <consumer>",
  "    Create a new consumer in the specified group.",
  "DELCONSUMER <key> <groupname> <consumer>",
  "    Remove the specified consumer.",
  "DESTROY <key> <groupname>",
  "    Remove the specified group.",
  "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
  "    Set the current group ID and entries_read counter.",
  "HELP",
  "    Prints this help.",
];

function xack(ctx: Ctx, argv: readonly string[]): Reply {
  const ids = argv.slice(3).map(parseExactId);
  const e = streamForWrite(ctx, argv[1]!, false);
  const g = (e?.value as Stream | undefined)?.groups.get(argv[2]!);
  if (!e || !g) return R.ZERO;
  let n = 0;
  for (const id of ids) {
    const p = g.pel.get(idBytes(id));
    if (p) {
      removePending(ctx, e, g, p);
      n++;
    }
  }
  return R.int(n);
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

function xpending(ctx: Ctx, argv: readonly string[]): Reply {
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

function xclaim(ctx: Ctx, argv: readonly string[]): Reply {
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

function xautoclaim(ctx: Ctx, argv: readonly string[]): Reply {
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

const DOCS: Record<string, CommandDoc> = {
  xgroup: {
    summary: "A container for consumer groups commands",
    group: "stream",
    since: "5.0.0",
    params: "",
    subcommands: {
      CREATE: {
        summary: "Create a consumer group.",
        since: "5.0.0",
        params: "key groupname id|$ [MKSTREAM] [ENTRIESREAD entries-read]",
      },
      CREATECONSUMER: {
        summary: "Create a consumer in a consumer group.",
        since: "6.2.0",
        params: "key groupname consumername",
      },
      DELCONSUMER: {
        summary: "Delete a consumer from a consumer group.",
        since: "5.0.0",
        params: "key groupname consumername",
      },
      DESTROY: { summary: "Destroy a consumer group.", since: "5.0.0", params: "key groupname" },
      HELP: { summary: "Show helpful text about the different subcommands", since: "5.0.0" },
      SETID: {
        summary: "Set a consumer group to an arbitrary last delivered ID value.",
        since: "5.0.0",
        params: "key groupname id|$ [ENTRIESREAD entries-read]",
      },
    },
  },
  xreadgroup: {
    summary:
      "Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.",
    group: "stream",
    since: "5.0.0",
    params:
      "GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...] id [id ...]",
  },
  xack: {
    summary:
      "Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.",
    group: "stream",
    since: "5.0.0",
    params: "key group id [id ...]",
  },
  xpending: {
    summary:
      "Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.",
    group: "stream",
    since: "5.0.0",
    params: "key group [[IDLE min-idle-time] start end count [consumer]]",
  },
  xclaim: {
    summary:
      "Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.",
    group: "stream",
    since: "5.0.0",
    params:
      "key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-milliseconds] [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid]",
  },
  xautoclaim: {
    summary:
      "Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.",
    group: "stream",
    since: "6.2.0",
    params: "key group consumer min-idle-time start [COUNT count] [JUSTID]",
  },
};

export const streamGroupCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("xgroup", -2, "w", [2, 2, 1], xgroup),
  command("xreadgroup", -7, "wb", null, xreadgroup, { keysOf: keysAfterStreams }),
  command("xack", -4, "w", [1, 1, 1], xack),
  command("xpending", -3, "r", [1, 1, 1], xpending),
  command("xclaim", -6, "w", [1, 1, 1], xclaim),
  command("xautoclaim", -6, "w", [1, 1, 1], xautoclaim),
]);

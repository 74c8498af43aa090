// Consumer groups (Redis 7.0 t_stream.c): XGROUP and XACK, with Redis's entries-read bookkeeping
// so XINFO's lag matches redis-server's. XREADGROUP is in stream-read.ts, XPENDING, XCLAIM and
// XAUTOCLAIM in stream-pel.ts.

import { asciiLower } from "../ascii.ts";
import { command, withDocs } from "../command-table.ts";
import type { CommandDoc, CommandSpec, Ctx } from "../command-table.ts";
import { CommandError, Errors } from "../errors.ts";
import { parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import type { Stream } from "../stream.ts";
import { idBytes, parseExactId, parseId } from "../stream-id.ts";
import { optionName } from "./redis-args.ts";
import { keysAfterStreams } from "./stream-keys.ts";
import { xautoclaim, xclaim, xpending } from "./stream-pel.ts";
import { xreadgroup } from "./stream-read.ts";
import {
  createGroup,
  deleteConsumer,
  destroyGroup,
  removePending,
  setGroupPosition,
  streamForWrite,
  touchConsumer,
} from "./stream-write.ts";
import { Notify, notifyKeyspaceEvent } from "../keyspace-events.ts";

const needsKey = () =>
  new CommandError(
    "ERR",
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
  );

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
      notifyKeyspaceEvent(ctx, Notify.STREAM, "xgroup-create", key);
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
      notifyKeyspaceEvent(ctx, Notify.STREAM, "xgroup-setid", key);
      return R.OK;
    }
    case "destroy": {
      const g = s.groups.get(name);
      if (!g) return R.ZERO;
      destroyGroup(ctx, e, g);
      notifyKeyspaceEvent(ctx, Notify.STREAM, "xgroup-destroy", key);
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
      if (!c) return R.ZERO;
      const pending = deleteConsumer(ctx, e, g, c);
      notifyKeyspaceEvent(ctx, Notify.STREAM, "xgroup-delconsumer", key);
      return R.int(pending);
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

// XINFO STREAM [FULL [COUNT n]] | GROUPS | CONSUMERS | HELP, with Redis 7.0.15's fields.

import { asciiLower } from "../ascii.ts";
import { command, withDocs } from "../command-table.ts";
import type { CommandDoc, CommandSpec, Ctx } from "../command-table.ts";
import { CommandError, Errors } from "../errors.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import type { Group, Stream } from "../stream.ts";
import { MAX_ID, MIN_ID, idText } from "../stream-id.ts";
import { optionName } from "./redis-args.ts";
import { entriesReply, entryReply, parseCount } from "./stream-args.ts";
import { streamLag } from "./stream-lag.ts";

/** XINFO STREAM FULL's default COUNT of entries and of PEL entries per group/consumer. */
const FULL_DEFAULT_COUNT = 10;

const XINFO_ARITY: Record<string, number> = { stream: -3, groups: 3, consumers: 4, help: 2 };

function streamFor(ctx: Ctx, key: string): Stream {
  const e = ctx.store.read(key);
  if (!e) throw Errors.noSuchKey();
  if (e.type !== "stream") throw Errors.wrongType();
  return e.value as Stream;
}

/** Radix-tree figures Redis reports: one key per node of entries; nodes as keys + 1. */
function radix(s: Stream): [number, number] {
  const keys = Math.ceil(s.length / s.nodeSize);
  return [keys, keys + 1];
}

function head(s: Stream): Reply[] {
  const [keys, nodes] = radix(s);
  return [
    R.bulk("length"),
    R.int(s.length),
    R.bulk("radix-tree-keys"),
    R.int(keys),
    R.bulk("radix-tree-nodes"),
    R.int(nodes),
    R.bulk("last-generated-id"),
    R.bulk(idText(s.lastId)),
    R.bulk("max-deleted-entry-id"),
    R.bulk(idText(s.maxDeletedId)),
    R.bulk("entries-added"),
    R.int(s.entriesAdded),
    R.bulk("recorded-first-entry-id"),
    R.bulk(idText(s.firstId() ?? MIN_ID)),
  ];
}

const entriesReadReply = (g: Group) => (g.entriesRead === -1n ? R.NIL : R.int(g.entriesRead));

function groupsOf(ctx: Ctx, key: string): Reply {
  const s = streamFor(ctx, key);
  return R.array(
    [...s.groups.values()].map((g) =>
      R.map([
        R.bulk("name"),
        R.bulk(g.name),
        R.bulk("consumers"),
        R.int(g.consumers.size),
        R.bulk("pending"),
        R.int(g.pel.size),
        R.bulk("last-delivered-id"),
        R.bulk(idText(g.lastId)),
        R.bulk("entries-read"),
        entriesReadReply(g),
        R.bulk("lag"),
        streamLag(s, g),
      ]),
    ),
  );
}

function consumersOf(ctx: Ctx, key: string, group: string): Reply {
  const s = streamFor(ctx, key);
  const g = s.groups.get(group);
  if (!g)
    throw new CommandError(
      "ERR",
      `NOGROUP No such consumer group '${group}' for key name '${key}'`,
    );
  return R.array(
    [...g.consumers.keys()].sort().map((name) => {
      const c = g.consumers.get(name)!;
      return R.map([
        R.bulk("name"),
        R.bulk(c.name),
        R.bulk("pending"),
        R.int(c.pending.size),
        R.bulk("idle"),
        R.int(Math.max(0, ctx.now - c.seen)),
      ]);
    }),
  );
}

function full(s: Stream, count: number): Reply {
  const pelOf = (m: Map<string, { id: { ms: bigint; seq: bigint } }>) =>
    [...m.keys()].sort().slice(0, count);
  const groups = [...s.groups.values()].map((g) =>
    R.map([
      R.bulk("name"),
      R.bulk(g.name),
      R.bulk("last-delivered-id"),
      R.bulk(idText(g.lastId)),
      R.bulk("entries-read"),
      entriesReadReply(g),
      R.bulk("lag"),
      streamLag(s, g),
      R.bulk("pel-count"),
      R.int(g.pel.size),
      R.bulk("pending"),
      R.array(
        pelOf(g.pel).map((k) => {
          const p = g.pel.get(k)!;
          return R.array([R.bulk(idText(p.id)), R.bulk(p.consumer), R.int(p.time), R.int(p.count)]);
        }),
      ),
      R.bulk("consumers"),
      R.array(
        [...g.consumers.keys()].sort().map((name) => {
          const c = g.consumers.get(name)!;
          return R.map([
            R.bulk("name"),
            R.bulk(c.name),
            R.bulk("seen-time"),
            R.int(c.seen),
            R.bulk("pel-count"),
            R.int(c.pending.size),
            R.bulk("pending"),
            R.array(
              pelOf(c.pending).map((k) => {
                const p = c.pending.get(k)!;
                return R.array([R.bulk(idText(p.id)), R.int(p.time), R.int(p.count)]);
              }),
            ),
          ]);
        }),
      ),
    ]),
  );
  return R.map([
    ...head(s),
    R.bulk("entries"),
    entriesReply(s.range(MIN_ID, MAX_ID, count)),
    R.bulk("groups"),
    R.array(groups),
  ]);
}

function xinfo(ctx: Ctx, argv: readonly string[]): Reply {
  const sub = asciiLower(argv[1]!);
  const arity = XINFO_ARITY[sub];
  if (arity === undefined) throw Errors.unknownSubcommand(argv[1]!, "xinfo");
  if ((arity > 0 && argv.length !== arity) || argv.length < -arity)
    throw Errors.arity(`xinfo|${sub}`);
  if (sub === "help") return R.array(XINFO_HELP.map((l) => R.status(l)));
  if (sub === "groups") return groupsOf(ctx, argv[2]!);
  if (sub === "consumers") return consumersOf(ctx, argv[2]!, argv[3]!);
  let fullCount = -1;
  if (argv.length > 3) {
    if (optionName(argv[3]!) !== "full") throw Errors.syntax();
    fullCount = FULL_DEFAULT_COUNT;
    if (argv.length === 6 && optionName(argv[4]!) === "count") {
      fullCount = parseCount(argv[5]!);
      if (fullCount === 0) fullCount = Infinity;
    } else if (argv.length !== 4) throw Errors.syntax();
  }
  const s = streamFor(ctx, argv[2]!);
  if (fullCount >= 0) return full(s, fullCount);
  const first = s.range(MIN_ID, MAX_ID, 1)[0];
  const last = s.range(MIN_ID, MAX_ID, 1, true)[0];
  return R.map([
    ...head(s),
    R.bulk("groups"),
    R.int(s.groups.size),
    R.bulk("first-entry"),
    first ? entryReply(first[0], first[1]) : R.NIL,
    R.bulk("last-entry"),
    last ? entryReply(last[0], last[1]) : R.NIL,
  ]);
}

const XINFO_HELP = [
  "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CONSUMERS <key> <groupname>",
  "    Show consumers of <groupname>.",
  "GROUPS <key>",
  "    Show the stream consumer groups.",
  "STREAM <key> [FULL [COUNT <count>]",
  "    Show information about the stream.",
  "HELP",
  "    Prints this help.",
];

const DOCS: Record<string, CommandDoc> = {
  xinfo: {
    summary: "A container for stream introspection commands",
    group: "stream",
    since: "5.0.0",
    params: "",
    subcommands: {
      CONSUMERS: {
        summary: "List the consumers in a consumer group",
        since: "5.0.0",
        params: "key groupname",
      },
      GROUPS: { summary: "List the consumer groups of a stream", since: "5.0.0", params: "key" },
      HELP: { summary: "Show helpful text about the different subcommands", since: "5.0.0" },
      STREAM: {
        summary: "Get information about a stream",
        since: "5.0.0",
        params: "key [FULL [COUNT count]]",
      },
    },
  },
};

export const streamInfoCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("xinfo", -2, "r", [2, 2, 1], xinfo),
]);

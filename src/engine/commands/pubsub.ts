// Pub/sub commands (issue 16): SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and their UNSUBSCRIBEs, PUBLISH,
// SPUBLISH, PUBSUB. Confirmations are push replies, one per channel (a RESP3 `>` frame, a RESP2
// array); messages reach subscribers through their connections' sinks (engine/pubsub.ts).

import { asciiLower } from "../ascii.ts";
import { byteLength } from "../bytes.ts";
import { command, withDocs } from "../command-table.ts";
import type { CommandDoc, CommandSpec, Ctx } from "../command-table.ts";
import { subscriptionCount } from "../conn-state.ts";
import { CommandError, Errors } from "../errors.ts";
import { globMatch } from "../glob.ts";
import type { SubKind } from "../pubsub.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { PUBSUB_PATTERN_MAX_BYTES, SUBSCRIPTIONS_MAX_PER_CONN } from "../../limits.ts";

/** Each kind's confirmation names. */
const NAMES: Record<SubKind, { on: Reply; off: Reply }> = {
  channels: { on: R.bulk("subscribe"), off: R.bulk("unsubscribe") },
  patterns: { on: R.bulk("psubscribe"), off: R.bulk("punsubscribe") },
  shard: { on: R.bulk("ssubscribe"), off: R.bulk("sunsubscribe") },
};

/**
 * Redis counts channels and patterns together in (un)subscribe confirmations, shard channels
 * on their own.
 */
function countFor(ctx: Ctx, kind: SubKind): number {
  const s = ctx.conn.subs;
  if (!s) return 0;
  return kind === "shard" ? s.shard.size : s.channels.size + s.patterns.size;
}

function subscribe(kind: SubKind) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    const { engine, conn } = ctx;
    if (!engine.sinks.has(conn.id)) {
      throw new CommandError(
        "ERR",
        `ERR ${asciiLower(argv[0]!).toUpperCase()} needs a connection that can receive messages: the shim's Redis port, WebSocket /resp, or REST /subscribe`,
      );
    }
    const out: Reply[] = [];
    for (let i = 1; i < argv.length; i++) {
      const name = argv[i]!;
      if (kind === "patterns" && byteLength(name) > PUBSUB_PATTERN_MAX_BYTES)
        throw new CommandError(
          "ERR",
          `ERR pattern too long (max ${PUBSUB_PATTERN_MAX_BYTES} bytes)`,
        );
      if (subscriptionCount(conn) >= SUBSCRIPTIONS_MAX_PER_CONN && !conn.subs?.[kind].has(name))
        throw new CommandError(
          "ERR",
          `ERR too many subscriptions on one connection (max ${SUBSCRIPTIONS_MAX_PER_CONN})`,
        );
      engine.pubsub.add(conn, kind, name);
      out.push(R.push([NAMES[kind].on, R.bulk(name), R.int(countFor(ctx, kind))]));
    }
    return R.seq(out);
  };
}

function unsubscribe(kind: SubKind) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    const { engine, conn } = ctx;
    const names = argv.length > 1 ? argv.slice(1) : [...(conn.subs?.[kind] ?? [])];
    if (names.length === 0) return R.push([NAMES[kind].off, R.NIL, R.int(countFor(ctx, kind))]);
    const out: Reply[] = [];
    for (const name of names) {
      engine.pubsub.remove(conn, kind, name);
      out.push(R.push([NAMES[kind].off, R.bulk(name), R.int(countFor(ctx, kind))]));
    }
    return R.seq(out);
  };
}

const PUBSUB_ARITY: Record<string, number> = {
  channels: -2,
  numsub: -2,
  numpat: 2,
  shardchannels: -2,
  shardnumsub: -2,
  help: 2,
};

const PUBSUB_HELP = [
  "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CHANNELS [<pattern>]",
  "    Return the currently active channels matching a <pattern> (default: '*').",
  "NUMPAT",
  "    Return number of subscriptions to patterns.",
  "NUMSUB [<channel> ...]",
  "    Return the number of subscribers for the specified channels, excluding",
  "    pattern subscriptions(default: no channels).",
  "SHARDCHANNELS [<pattern>]",
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  "SHARDNUMSUB [<shardchannel> ...]",
  "    Return the number of subscribers for the specified shard level channel(s)",
  "HELP",
  "    Prints this help.",
];

function pubsub(ctx: Ctx, argv: readonly string[]): Reply {
  const sub = asciiLower(argv[1]!);
  const arity = PUBSUB_ARITY[sub];
  if (arity === undefined) throw Errors.unknownSubcommand(argv[1]!, "pubsub");
  if ((arity > 0 && argv.length !== arity) || argv.length < -arity)
    throw Errors.arity(`pubsub|${sub}`);
  const ps = ctx.engine.pubsub;
  switch (sub) {
    case "channels":
    case "shardchannels": {
      if (argv.length > 3) throw Errors.arity(`pubsub|${sub}`);
      const pattern = argv[2];
      const names = [...ps.channelNames(sub === "shardchannels")];
      return R.bulks(pattern === undefined ? names : names.filter((n) => globMatch(pattern, n)));
    }
    case "numsub":
    case "shardnumsub": {
      const out: Reply[] = [];
      for (const ch of argv.slice(2))
        out.push(R.bulk(ch), R.int(ps.subscribers(ch, sub === "shardnumsub")));
      return R.map(out);
    }
    case "numpat":
      return R.int(ps.patternCount);
    default:
      return R.array(PUBSUB_HELP.map((l) => R.status(l)));
  }
}

/** Docs of this family's records (COMMAND DOCS, REPL help, docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  subscribe: {
    summary: "Listen for messages published to the given channels",
    group: "pubsub",
    since: "2.0.0",
    params: "channel [channel ...]",
  },
  unsubscribe: {
    summary: "Stop listening for messages posted to the given channels",
    group: "pubsub",
    since: "2.0.0",
    params: "[channel [channel ...]]",
  },
  psubscribe: {
    summary: "Listen for messages published to channels matching the given patterns",
    group: "pubsub",
    since: "2.0.0",
    params: "pattern [pattern ...]",
  },
  punsubscribe: {
    summary: "Stop listening for messages posted to channels matching the given patterns",
    group: "pubsub",
    since: "2.0.0",
    params: "[pattern [pattern ...]]",
  },
  ssubscribe: {
    summary: "Listen for messages published to the given shard channels",
    group: "pubsub",
    since: "7.0.0",
    params: "shardchannel [shardchannel ...]",
  },
  sunsubscribe: {
    summary: "Stop listening for messages posted to the given shard channels",
    group: "pubsub",
    since: "7.0.0",
    params: "[shardchannel [shardchannel ...]]",
  },
  publish: {
    summary: "Post a message to a channel",
    group: "pubsub",
    since: "2.0.0",
    params: "channel message",
  },
  spublish: {
    summary: "Post a message to a shard channel",
    group: "pubsub",
    since: "7.0.0",
    params: "shardchannel message",
  },
  pubsub: {
    summary: "A container for Pub/Sub commands",
    group: "pubsub",
    since: "2.8.0",
    params: "",
    subcommands: {
      CHANNELS: { summary: "List active channels", since: "2.8.0", params: "[pattern]" },
      NUMPAT: {
        summary: "Get the count of unique patterns pattern subscriptions",
        since: "2.8.0",
        params: "",
      },
      NUMSUB: {
        summary: "Get the count of subscribers for channels",
        since: "2.8.0",
        params: "[channel [channel ...]]",
      },
      SHARDCHANNELS: { summary: "List active shard channels", since: "7.0.0", params: "[pattern]" },
      SHARDNUMSUB: {
        summary: "Get the count of subscribers for shard channels",
        since: "7.0.0",
        params: "[shardchannel [shardchannel ...]]",
      },
      HELP: {
        summary: "Show helpful text about the different subcommands",
        since: "6.2.0",
        params: "",
      },
    },
  },
};

/**
 * In a sharded namespace (docs/scaling.md) subscriptions belong to the connection the Worker
 * holds; PUBLISH runs on every shard, so every shard's subscribers hear it.
 */
const LOCAL = { route: { kind: "local" } } as const;
const EVERY_SHARD = { route: { kind: "all", merge: "sum" } } as const;

export const pubsubCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("subscribe", -2, "cpslt", null, subscribe("channels"), LOCAL),
  command("unsubscribe", -1, "cpslt", null, unsubscribe("channels"), LOCAL),
  command("psubscribe", -2, "cpslt", null, subscribe("patterns"), LOCAL),
  command("punsubscribe", -1, "cpslt", null, unsubscribe("patterns"), LOCAL),
  // Shard channels are routed like keys in Redis Cluster but are not keys (COMMAND GETKEYS).
  command("ssubscribe", -2, "cpslt", null, subscribe("shard"), LOCAL),
  command("sunsubscribe", -1, "cpslt", null, unsubscribe("shard"), LOCAL),
  command(
    "publish",
    3,
    "cplt",
    null,
    (ctx, argv) => R.int(ctx.engine.publish(argv[1]!, argv[2]!)),
    EVERY_SHARD,
  ),
  command(
    "spublish",
    3,
    "cplt",
    null,
    (ctx, argv) => R.int(ctx.engine.publish(argv[1]!, argv[2]!, true)),
    EVERY_SHARD,
  ),
  command("pubsub", -2, "plt", null, pubsub, LOCAL),
]);

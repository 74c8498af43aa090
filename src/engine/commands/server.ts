// Server commands (spec §10.6, §10.9): INFO (info.ts) CONFIG (config-command.ts) DBSIZE FLUSHDB
// FLUSHALL SAVE BGSAVE LASTSAVE TIME.

import { asciiLower } from "../ascii.ts";
import { command, allShards, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { info } from "./info.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { config } from "./config-command.ts";

/** FLUSHDB empties the selected database, FLUSHALL every one. */
function flush(all: boolean) {
  return (ctx: Ctx, argv: readonly string[]): Reply => {
    if (argv.length > 2) throw Errors.syntax();
    if (argv.length === 2 && !["async", "sync"].includes(asciiLower(argv[1]!)))
      throw Errors.syntax();
    if (all) for (const s of ctx.engine.dbs.all()) s.flushDb();
    else ctx.store.flushDb();
    // Client-side caching: every tracking client is told "everything" once.
    if (ctx.store.shared.observer !== null) ctx.engine.tracking.flushed();
    return R.OK;
  };
}

/** SAVE inside MULTI (Redis 7.0.15: the only command of ours with the no-multi flag). */
const NOT_IN_TRANSACTION = "ERR Command not allowed inside a transaction";
const SHUTDOWN_REFUSED =
  "ERR SHUTDOWN is not supported: a namespace stops when idle and every acknowledged write is already durable";

/** Redis's no-multi flag: inside MULTI the command is refused and the EXEC fails. */
function refuseInMulti({ conn }: Ctx): void {
  if (!conn.multi) return;
  conn.multiFailed = true;
  throw Errors.custom(NOT_IN_TRANSACTION);
}

/** Docs of this family's records (COMMAND DOCS, REPL help, docs/compatibility.md). */
const DOCS: Record<string, CommandDoc> = {
  info: {
    summary: "Get information and statistics about the server",
    group: "server",
    since: "1.0.0",
    params: "[section [section ...]]",
  },
  config: {
    summary: "A container for server configuration commands",
    group: "server",
    since: "2.0.0",
    params: "",
    subcommands: {
      GET: {
        summary: "Get the values of configuration parameters",
        since: "2.0.0",
        params: "parameter [parameter ...]",
      },
      RESETSTAT: { summary: "Reset the stats returned by INFO", since: "2.0.0", params: "" },
      REWRITE: {
        summary: "Rewrite the configuration file with the in memory configuration",
        since: "2.8.0",
        params: "",
      },
      SET: {
        summary: "Set configuration parameters to the given values",
        since: "2.0.0",
        params: "parameter value [parameter value ...]",
      },
    },
  },
  dbsize: {
    summary: "Return the number of keys in the selected database",
    group: "server",
    since: "1.0.0",
    params: "",
  },
  flushdb: {
    summary: "Remove all keys from the current database",
    group: "server",
    since: "1.0.0",
    params: "[ASYNC|SYNC]",
  },
  flushall: {
    summary: "Remove all keys from all databases",
    group: "server",
    since: "1.0.0",
    params: "[ASYNC|SYNC]",
  },
  save: {
    summary: "Synchronously save the dataset to disk",
    group: "server",
    since: "1.0.0",
    params: "",
  },
  bgsave: {
    summary: "Asynchronously save the dataset to disk",
    group: "server",
    since: "1.0.0",
    params: "[SCHEDULE]",
  },
  lastsave: {
    summary: "Get the UNIX time stamp of the last successful save to disk",
    group: "server",
    since: "1.0.0",
    params: "",
  },
  time: { summary: "Return the current server time", group: "server", since: "2.6.0", params: "" },
  role: {
    summary: "Return the role of the instance in the context of replication",
    group: "server",
    since: "2.8.12",
    params: "",
  },
};

export const serverCommands: readonly CommandSpec[] = withDocs(DOCS, [
  command("info", -1, "r", null, info, allShards("info")),
  command("config", -2, "r", null, config, allShards("config")),
  command("dbsize", 1, "r", null, (ctx) => R.int(ctx.store.map.size), allShards("sum")),
  command("flushdb", -1, "w", null, flush(false), allShards("ok")),
  command("flushall", -1, "w", null, flush(true), allShards("ok")),
  // Immediate inside MULTI only to be refused there, as Redis's no-multi flag does (marking it).
  command(
    "save",
    1,
    "ai",
    null,
    (ctx) => {
      refuseInMulti(ctx);
      ctx.engine.takeSnapshot(ctx.now);
      return R.OK;
    },
    allShards("ok"),
  ),
  // Refused: a client cannot stop the namespace's object (it stops when idle, and every
  // acknowledged write is already durable). Inside MULTI it is refused as Redis's no-multi does.
  command(
    "shutdown",
    -1,
    "ai",
    null,
    (ctx) => {
      refuseInMulti(ctx);
      throw Errors.custom(SHUTDOWN_REFUSED);
    },
    {
      route: { kind: "local" },
      doc: {
        summary: "Synchronously saves the database(s) to disk and shuts down the Redis server.",
        group: "server",
        since: "1.0.0",
        params: "[NOSAVE|SAVE] [NOW] [FORCE] [ABORT]",
        differs:
          "refused: a namespace is not stopped by its clients; writes are durable when acknowledged",
      },
    },
  ),
  command(
    "bgsave",
    -1,
    "a",
    null,
    (ctx, argv) => {
      if (argv.length > 2 || (argv.length === 2 && asciiLower(argv[1]!) !== "schedule"))
        throw Errors.syntax();
      ctx.engine.takeSnapshot(ctx.now);
      return R.status("Background saving started");
    },
    allShards("ok"),
  ),
  command(
    "lastsave",
    1,
    "r",
    null,
    (ctx) => R.int(Math.floor(ctx.engine.snapshotAt / 1000)),
    allShards("min"),
  ),
  // A namespace has no replicas (the platform keeps its storage durable): a master with none,
  // at replication offset 0, as a redis-server that never had a replica answers.
  command("role", 1, "sltf", null, () => R.array([R.bulk("master"), R.ZERO, R.array([])]), {
    route: { kind: "local" },
  }),
  command(
    "time",
    1,
    "r",
    null,
    (ctx) => {
      const ms = ctx.now;
      return R.array([R.bulk(String(Math.floor(ms / 1000))), R.bulk(String((ms % 1000) * 1000))]);
    },
    { route: { kind: "local" } },
  ),
]);

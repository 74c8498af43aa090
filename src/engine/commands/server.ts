// Server commands (spec §10.6, §10.9): INFO (info.ts) CONFIG DBSIZE FLUSHDB FLUSHALL SAVE BGSAVE LASTSAVE TIME.

import { asciiLower } from "../ascii.ts";
import { command, allShards, withDocs } from "../command-table.ts";
import type { CommandSpec, Ctx, CommandDoc } from "../command-table.ts";
import { CommandError, Errors } from "../errors.ts";
import { CONFIG_PARAMS, ConfigValueError, findConfig, normaliseConfig } from "../config-table.ts";
import type { ConfigParam } from "../config-table.ts";
import { globMatch } from "../glob.ts";
import { info, paramValue } from "./info.ts";
import { parseMemoryValue } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { EVICTION_POLICIES } from "../../limits.ts";
import type { EvictionPolicy } from "../../limits.ts";

/** A parameter's value as CONFIG GET answers it. */
function configValue(ctx: Ctx, p: ConfigParam): string {
  if (p.name === "maxmemory") return String(ctx.engine.config.maxmemory);
  if (p.name === "maxmemory-policy") return ctx.engine.config.policy;
  return paramValue(ctx, p.name);
}

const setFailed = (name: string, why: string) =>
  new CommandError(
    "ERR",
    `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`,
  );

/**
 * The parameters of a CONFIG SET, checked in Redis's order: every name first (unknown, immutable,
 * duplicate: the first problem wins), values after.
 */
function configSetParams(argv: readonly string[]): ConfigParam[] {
  const out: ConfigParam[] = [];
  for (let i = 2; i < argv.length; i += 2) {
    const p = findConfig(argv[i]!);
    if (!p) {
      throw new CommandError(
        "ERR",
        `ERR Unknown option or number of arguments for CONFIG SET - '${argv[i]}'`,
      );
    }
    if (p.immutable) throw setFailed(argv[i]!, "can't set immutable config");
    if (out.includes(p)) throw setFailed(argv[i]!, "duplicate parameter");
    out.push(p);
  }
  return out;
}

function configSet(ctx: Ctx, argv: readonly string[]): Reply {
  if (argv.length < 4 || argv.length % 2 !== 0) throw Errors.arity("config|set");
  const params = configSetParams(argv);
  const next = { ...ctx.engine.config };
  // Staged, so a refused value changes nothing (Redis restores every parameter it had set).
  const staged = new Map<string, string>();
  for (let i = 2; i < argv.length; i += 2) {
    const param = params[(i - 2) / 2]!;
    const p = param.name;
    const v = argv[i + 1]!;
    if (p === "maxmemory") {
      const n = parseMemoryValue(v);
      if (n === undefined) {
        throw new CommandError(
          "ERR",
          "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value",
        );
      }
      next.maxmemory = n;
    } else if (p === "maxmemory-policy") {
      const policy = asciiLower(v) as EvictionPolicy;
      if (!EVICTION_POLICIES.includes(policy)) {
        throw new CommandError(
          "ERR",
          `ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: ${EVICTION_POLICIES.join(", ")}`,
        );
      }
      next.policy = policy;
    } else {
      try {
        staged.set(p, normaliseConfig(param, v, paramValue(ctx, p)));
      } catch (e) {
        if (e instanceof ConfigValueError) throw setFailed(argv[i]!, e.message);
        throw e;
      }
    }
  }
  ctx.engine.config = next;
  for (const [name, value] of staged) {
    if (value === findConfig(name)!.default) ctx.engine.params.delete(name);
    else ctx.engine.params.set(name, value);
  }
  ctx.engine.store.changes.config = true;
  ctx.engine.enforceLimit();
  return R.OK;
}

/** CONFIG GET patterns: exact names as given, globs over every listed name and alias. */
function configGet(ctx: Ctx, argv: readonly string[]): Reply {
  if (argv.length < 3) throw Errors.arity("config|get");
  const seen = new Map<string, ConfigParam>();
  for (const pat of argv.slice(2)) {
    if (!/[[*?]/.test(pat)) {
      const p = findConfig(pat);
      if (p && !seen.has(pat)) seen.set(pat, p);
      continue;
    }
    for (const p of CONFIG_PARAMS) {
      if (p.hidden) continue;
      for (const name of [p.name, ...(p.aliases ?? [])]) {
        if (!seen.has(name) && globMatch(pat, name, true)) seen.set(name, p);
      }
    }
  }
  const out: Reply[] = [];
  for (const [name, p] of seen) out.push(R.bulk(name), R.bulk(configValue(ctx, p)));
  return R.map(out);
}

function config(ctx: Ctx, argv: readonly string[]): Reply {
  const sub = asciiLower(argv[1]!);
  if (sub === "get") return configGet(ctx, argv);
  if (sub !== "set" && sub !== "resetstat" && sub !== "rewrite")
    throw Errors.unknownSubcommand(argv[1]!, "config");
  if (ctx.conn.readonly) throw Errors.noPerm(`config|${sub}`);
  if (sub === "set") return configSet(ctx, argv);
  if (argv.length !== 2) throw Errors.arity(`config|${sub}`);
  // REWRITE: the configuration is already persisted with the namespace.
  if (sub === "rewrite") return R.OK;
  const { store, engine } = ctx;
  engine.stats.commands = 0;
  engine.cmdStats.reset();
  engine.peakUsage = 0;
  Object.assign(store.stats, { hits: 0, misses: 0, expired: 0, evicted: 0, expiredFields: 0 });
  return R.OK;
}

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

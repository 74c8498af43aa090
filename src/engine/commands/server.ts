// Server commands (spec §10.6, §10.9): INFO CONFIG DBSIZE FLUSHDB FLUSHALL SAVE BGSAVE LASTSAVE TIME.

import { asciiLower } from "../ascii.ts";
import { command, allShards } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { CommandError, Errors } from "../errors.ts";
import { globMatch } from "../glob.ts";
import { parseMemoryValue } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { BLINK_EDGE_VERSION, EVICTION_POLICIES, REDIS_VERSION } from "../../limits.ts";
import type { EvictionPolicy } from "../../limits.ts";

const SECTIONS = [
  "server",
  "clients",
  "memory",
  "persistence",
  "stats",
  "replication",
  "keyspace",
] as const;
type Section = (typeof SECTIONS)[number];
const ALL_SECTIONS = new Set(["default", "all", "everything"]);

function section(ctx: Ctx, name: Section): string[] {
  const { engine, store } = ctx;
  switch (name) {
    case "server":
      return [
        "# Server",
        `redis_version:${REDIS_VERSION}`,
        "redis_mode:standalone",
        "arch_bits:64",
        `blink_edge_version:${BLINK_EDGE_VERSION}`,
        `namespace:${engine.namespace}`,
        `uptime_in_seconds:${Math.floor((ctx.now - engine.startedAt) / 1000)}`,
      ];
    case "clients":
      return ["# Clients", `connected_clients:${Math.max(engine.host.clients().length, 1)}`];
    case "memory":
      return [
        "# Memory",
        `used_memory:${store.usage}`,
        `maxmemory:${engine.config.maxmemory}`,
        `maxmemory_policy:${engine.config.policy}`,
        // Lua scripting (issue 15): the cache's body bytes stand for Redis's script memory.
        `used_memory_scripts_eval:${engine.scripts.bodyBytes}`,
        `number_of_cached_scripts:${engine.scripts.bodies.size}`,
        `used_memory_scripts:${engine.scripts.bodyBytes}`,
      ];
    case "persistence":
      return [
        "# Persistence",
        "loading:0",
        `rdb_changes_since_last_save:${engine.writesSinceSnapshot}`,
        "rdb_bgsave_in_progress:0",
        `rdb_last_save_time:${Math.floor(engine.snapshotAt / 1000)}`,
        "rdb_last_bgsave_status:ok",
        "aof_enabled:0",
      ];
    case "stats":
      return [
        "# Stats",
        `total_commands_processed:${engine.stats.commands}`,
        `keyspace_hits:${store.stats.hits}`,
        `keyspace_misses:${store.stats.misses}`,
        `expired_keys:${store.stats.expired}`,
        `evicted_keys:${store.stats.evicted}`,
      ];
    case "replication":
      return ["# Replication", "role:master", "connected_slaves:0"];
    case "keyspace": {
      const n = store.map.size;
      return n === 0
        ? ["# Keyspace"]
        : ["# Keyspace", `db0:keys=${n},expires=${store.ttlCount},avg_ttl=0`];
    }
  }
}

function info(ctx: Ctx, argv: readonly string[]): Reply {
  const wanted = argv.slice(1).map(asciiLower);
  const all = wanted.length === 0 || wanted.some((w) => ALL_SECTIONS.has(w));
  const chosen = SECTIONS.filter((s) => all || wanted.includes(s));
  const text = chosen.map((s) => section(ctx, s).join("\r\n") + "\r\n").join("\r\n");
  return R.verbatim(text);
}

/** CONFIG parameters in table order (spec §10.9). */
const CONFIG_PARAMS = ["save", "appendonly", "maxmemory", "maxmemory-policy", "databases"] as const;

function configValue(ctx: Ctx, p: (typeof CONFIG_PARAMS)[number]): string {
  switch (p) {
    case "save":
      return "";
    case "appendonly":
      return "no";
    case "maxmemory":
      return String(ctx.engine.config.maxmemory);
    case "maxmemory-policy":
      return ctx.engine.config.policy;
    case "databases":
      return "1";
  }
}

function configSet(ctx: Ctx, argv: readonly string[]): Reply {
  if (argv.length < 4 || argv.length % 2 !== 0) throw Errors.arity("config|set");
  const next = { ...ctx.engine.config };
  for (let i = 2; i < argv.length; i += 2) {
    const p = asciiLower(argv[i]!);
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
      throw new CommandError(
        "ERR",
        `ERR Unknown option or number of arguments for CONFIG SET - '${argv[i]}'`,
      );
    }
  }
  ctx.engine.config = next;
  ctx.store.changes.config = true;
  ctx.engine.enforceLimit();
  return R.OK;
}

function config(ctx: Ctx, argv: readonly string[]): Reply {
  const sub = asciiLower(argv[1]!);
  if (sub === "get") {
    if (argv.length < 3) throw Errors.arity("config|get");
    const out: Reply[] = [];
    for (const p of CONFIG_PARAMS) {
      if (argv.slice(2).some((pat) => globMatch(pat, p, true)))
        out.push(R.bulk(p), R.bulk(configValue(ctx, p)));
    }
    return R.map(out);
  }
  if (sub !== "set" && sub !== "resetstat") throw Errors.unknownSubcommand(argv[1]!, "config");
  if (ctx.conn.readonly) throw Errors.noPerm(`config|${sub}`);
  if (sub === "set") return configSet(ctx, argv);
  if (argv.length !== 2) throw Errors.arity("config|resetstat");
  const { store, engine } = ctx;
  engine.stats.commands = 0;
  Object.assign(store.stats, { hits: 0, misses: 0, expired: 0, evicted: 0 });
  return R.OK;
}

function flushdb(ctx: Ctx, argv: readonly string[]): Reply {
  if (argv.length > 2) throw Errors.syntax();
  if (argv.length === 2 && !["async", "sync"].includes(asciiLower(argv[1]!))) throw Errors.syntax();
  ctx.store.flush();
  return R.OK;
}

/** SAVE inside MULTI (Redis 7.0.15: the only command of ours with the no-multi flag). */
const NOT_IN_TRANSACTION = "ERR Command not allowed inside a transaction";

export const serverCommands: readonly CommandSpec[] = [
  command("info", -1, "r", null, info, allShards("info")),
  command("config", -2, "r", null, config, allShards("config")),
  command("dbsize", 1, "r", null, (ctx) => R.int(ctx.store.map.size), allShards("sum")),
  command("flushdb", -1, "w", null, flushdb, allShards("ok")),
  command("flushall", -1, "w", null, flushdb, allShards("ok")),
  // Immediate inside MULTI only to be refused there, as Redis's no-multi flag does (marking it).
  command(
    "save",
    1,
    "ai",
    null,
    (ctx) => {
      if (ctx.conn.multi) {
        ctx.conn.multiFailed = true;
        throw Errors.custom(NOT_IN_TRANSACTION);
      }
      ctx.engine.takeSnapshot(ctx.now);
      return R.OK;
    },
    allShards("ok"),
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
];

// INFO (spec §10.9, issue 17): Redis 7's sections and the fields that mean something here.
// Fields about forks, replication links, allocators and the like keep Redis's idle values so
// clients that parse them find them.

import { bytesToHuman } from "../memory-text.ts";
import { asciiLower } from "../ascii.ts";
import type { Ctx } from "../command-table.ts";
import { findConfig } from "../config-table.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import type { Store } from "../store.ts";
import { BLINK_EDGE_VERSION, REDIS_VERSION } from "../../limits.ts";

/** Sections in Redis's order; `all` is every one, `default` leaves out the per-command ones. */
const SECTIONS = [
  "server",
  "clients",
  "memory",
  "persistence",
  "stats",
  "replication",
  "cpu",
  "modules",
  "commandstats",
  "errorstats",
  "latencystats",
  "cluster",
  "keyspace",
] as const;
type Section = (typeof SECTIONS)[number];
const NOT_DEFAULT = new Set<Section>(["commandstats", "latencystats"]);

/** A configuration parameter's current value (CONFIG SET'd or its default). */
export function paramValue(ctx: Ctx, name: string): string {
  return ctx.engine.params.get(name) ?? findConfig(name)?.default ?? "";
}

/** Redis's 24-bit LRU clock, in seconds. */
const LRU_CLOCK_MASK = (1 << 24) - 1;

function section(ctx: Ctx, name: Section): string[] {
  const { engine, now } = ctx;
  const dbs = engine.dbs;
  const stats = engine.store.stats;
  const uptime = Math.floor((now - engine.startedAt) / 1000);
  switch (name) {
    case "server":
      return [
        "# Server",
        `redis_version:${REDIS_VERSION}`,
        "redis_git_sha1:00000000",
        "redis_git_dirty:0",
        "redis_build_id:0",
        "redis_mode:standalone",
        "os:blink-edge",
        "arch_bits:64",
        `run_id:${engine.runId}`,
        `server_time_usec:${now * 1000}`,
        `uptime_in_seconds:${uptime}`,
        `uptime_in_days:${Math.floor(uptime / 86400)}`,
        `hz:${paramValue(ctx, "hz")}`,
        `configured_hz:${paramValue(ctx, "hz")}`,
        `lru_clock:${Math.floor(now / 1000) & LRU_CLOCK_MASK}`,
        "config_file:",
        `blink_edge_version:${BLINK_EDGE_VERSION}`,
        `namespace:${engine.namespace}`,
      ];
    case "clients":
      return [
        "# Clients",
        `connected_clients:${Math.max(engine.host.clients().length, 1)}`,
        "cluster_connections:0",
        `maxclients:${paramValue(ctx, "maxclients")}`,
        "client_recent_max_input_buffer:0",
        "client_recent_max_output_buffer:0",
        `blocked_clients:${engine.blocking.size}`,
        `tracking_clients:${engine.tracking.clients.size}`,
        `clients_in_timeout_table:${engine.blocking.size}`,
      ];
    case "memory": {
      const used = dbs.usage;
      engine.peakUsage = Math.max(engine.peakUsage, used);
      const max = engine.config.maxmemory;
      return [
        "# Memory",
        `used_memory:${used}`,
        `used_memory_human:${bytesToHuman(used)}`,
        `used_memory_peak:${engine.peakUsage}`,
        `used_memory_peak_human:${bytesToHuman(engine.peakUsage)}`,
        `used_memory_dataset:${used}`,
        // Lua scripting: the cache's body bytes stand for Redis's script memory.
        `used_memory_scripts_eval:${engine.scripts.bodyBytes}`,
        `number_of_cached_scripts:${engine.scripts.bodies.size}`,
        `used_memory_scripts:${engine.scripts.bodyBytes}`,
        `maxmemory:${max}`,
        `maxmemory_human:${bytesToHuman(max)}`,
        `maxmemory_policy:${engine.config.policy}`,
        "mem_fragmentation_ratio:1.00",
        // Replication and AOF buffers Redis leaves out of the eviction count: none here.
        "mem_not_counted_for_evict:0",
        "lazyfree_pending_objects:0",
        "lazyfreed_objects:0",
      ];
    }
    case "persistence":
      return [
        "# Persistence",
        "loading:0",
        "async_loading:0",
        `rdb_changes_since_last_save:${engine.writesSinceSnapshot}`,
        "rdb_bgsave_in_progress:0",
        `rdb_last_save_time:${Math.floor(engine.snapshotAt / 1000)}`,
        "rdb_last_bgsave_status:ok",
        "rdb_last_bgsave_time_sec:-1",
        "rdb_current_bgsave_time_sec:-1",
        `aof_enabled:${paramValue(ctx, "appendonly") === "yes" ? 1 : 0}`,
        "aof_rewrite_in_progress:0",
        "aof_rewrite_scheduled:0",
        "aof_last_rewrite_time_sec:-1",
        "aof_current_rewrite_time_sec:-1",
        "aof_last_bgrewrite_status:ok",
        "aof_rewrites:0",
        "aof_last_write_status:ok",
        "module_fork_in_progress:0",
      ];
    case "stats":
      return [
        "# Stats",
        `total_connections_received:${engine.nextClientId - 1}`,
        `total_commands_processed:${engine.stats.commands}`,
        `instantaneous_ops_per_sec:${engine.cmdStats.opsPerSec(now)}`,
        "rejected_connections:0",
        `expired_keys:${stats.expired}`,
        "expired_stale_perc:0.00",
        "expired_time_cap_reached_count:0",
        `evicted_keys:${stats.evicted}`,
        "evicted_clients:0",
        `keyspace_hits:${stats.hits}`,
        `keyspace_misses:${stats.misses}`,
        `pubsub_channels:${engine.pubsub.channelCount(false)}`,
        `pubsub_patterns:${engine.pubsub.patternCount}`,
        `pubsubshard_channels:${engine.pubsub.channelCount(true)}`,
        "latest_fork_usec:0",
        "total_forks:0",
        // No MIGRATE connection is ever cached here (MIGRATE is refused); Redis's suite reads it.
        "migrate_cached_sockets:0",
        `tracking_total_keys:${engine.tracking.keyCount}`,
        `tracking_total_items:${engine.tracking.items}`,
        `tracking_total_prefixes:${engine.tracking.prefixCount}`,
        "unexpected_error_replies:0",
        `total_error_replies:${engine.cmdStats.errorReplies}`,
        "dump_payload_sanitizations:0",
      ];
    case "replication":
      return [
        "# Replication",
        "role:master",
        "connected_slaves:0",
        "master_failover_state:no-failover",
        `master_replid:${engine.runId}`,
        "master_replid2:0000000000000000000000000000000000000000",
        `master_repl_offset:0`,
        "second_repl_offset:-1",
        "repl_backlog_active:0",
        `repl_backlog_size:${paramValue(ctx, "repl-backlog-size")}`,
        "repl_backlog_first_byte_offset:0",
        "repl_backlog_histlen:0",
      ];
    case "cpu": {
      const user = (engine.cmdStats.busyMs / 1000).toFixed(6);
      return [
        "# CPU",
        "used_cpu_sys:0.000000",
        `used_cpu_user:${user}`,
        "used_cpu_sys_children:0.000000",
        "used_cpu_user_children:0.000000",
        "used_cpu_sys_main_thread:0.000000",
        `used_cpu_user_main_thread:${user}`,
      ];
    }
    case "modules":
      return ["# Modules"];
    case "commandstats":
      return ["# Commandstats", ...engine.cmdStats.commandLines()];
    case "errorstats":
      return ["# Errorstats", ...engine.cmdStats.errorLines()];
    case "latencystats":
      return ["# Latencystats"];
    case "cluster":
      return ["# Cluster", "cluster_enabled:0"];
    case "keyspace": {
      const out = ["# Keyspace"];
      for (const [i, s] of dbs.entries()) {
        if (s.map.size > 0)
          out.push(`db${i}:keys=${s.map.size},expires=${s.ttlCount},avg_ttl=${avgTtl(s, now)}`);
      }
      return out;
    }
  }
}

/** Mean remaining TTL (ms) of a database's volatile keys, sampled as Redis's estimate is. */
const AVG_TTL_SAMPLE = 20;
function avgTtl(s: Store, now: number): number {
  if (s.ttlCount === 0) return 0;
  let n = 0;
  let sum = 0;
  for (const e of s.map.values()) {
    if (e.expiresAt === 0) continue;
    sum += Math.max(0, e.expiresAt - now);
    if (++n === AVG_TTL_SAMPLE) break;
  }
  return n === 0 ? 0 : Math.round(sum / n);
}

/** INFO [section …]: every section named (or all/everything/default), in Redis's order. */
export function info(ctx: Ctx, argv: readonly string[]): Reply {
  const wanted = new Set(argv.slice(1).map(asciiLower));
  const every = wanted.has("all") || wanted.has("everything");
  const deflt = wanted.size === 0 || wanted.has("default");
  const chosen = SECTIONS.filter((s) => every || wanted.has(s) || (deflt && !NOT_DEFAULT.has(s)));
  const text = chosen.map((s) => section(ctx, s).join("\r\n") + "\r\n").join("\r\n");
  return R.verbatim(text);
}

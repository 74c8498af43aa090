// Redis's configuration parameters as clients use them (CONFIG GET/SET, issue 17): one record
// per parameter with its default, how a value is checked and normalised (as Redis 7.0's
// config.c does: memory units to bytes, yes/no, enums, bounds) and its aliases. Most change
// nothing here (encodings, persistence, replication are not Redis's); they round-trip so tools
// and test harnesses that tune them work. maxmemory and maxmemory-policy live in the engine's
// own configuration (engine.config) and are handled by CONFIG itself.

import { asciiLower } from "./ascii.ts";
import { PROTO_MAX_BULK_LEN } from "../limits.ts";
import { parseMemoryValueExact, parseStrictInt } from "./numbers.ts";
import { BUSY_REPLY_THRESHOLD_MS } from "../limits.ts";
import {
  ConfigValueError,
  OBL_DEFAULT,
  SHUTDOWN,
  parseNotify,
  parseObl,
  parseOomValues,
  parsePercentiles,
  parseSave,
} from "./config-values.ts";

// What the worker reads of a client's output limit, and the error CONFIG SET reports.
export { ConfigValueError, pubsubOutputLimit } from "./config-values.ts";
export type { OutputLimit } from "./config-values.ts";

const LLONG_MAX = 9223372036854775807n;
const LONG_MAX = LLONG_MAX;
const INT_MAX = 2147483647n;
const INT_MIN = -2147483648n;

/** How a parameter's value is checked and normalised. */
export type ConfigKind =
  | { readonly t: "bool" }
  | {
      readonly t: "int";
      readonly min: bigint;
      readonly max: bigint;
      /** Accepts memory units (1kb, 2mb, 1gb …) and answers bytes. */
      readonly memory?: boolean;
      /** Accepts "N%" (kept as given). */
      readonly percent?: boolean;
      /** Stored clamped to this range after the bounds check (hz). */
      readonly clamp?: readonly [bigint, bigint];
    }
  | { readonly t: "enum"; readonly values: readonly string[] }
  | { readonly t: "string" }
  /** A special value: the normalised text (from the current one), or throws ConfigValueError. */
  | { readonly t: "custom"; readonly parse: (v: string, current: string) => string }
  /** Kept in engine.config (maxmemory, maxmemory-policy). */
  | { readonly t: "engine" };

export interface ConfigParam {
  readonly name: string;
  readonly default: string;
  readonly kind: ConfigKind;
  readonly aliases?: readonly string[];
  /** CONFIG SET answers "can't set immutable config". */
  readonly immutable?: boolean;
  /** Listed only when asked for by exact name (Redis's HIDDEN_CONFIG). */
  readonly hidden?: boolean;
}

const bool = (name: string, def: "yes" | "no", more: Partial<ConfigParam> = {}): ConfigParam => ({
  name,
  default: def,
  kind: { t: "bool" },
  ...more,
});

const int = (
  name: string,
  def: number | bigint,
  min: bigint,
  max: bigint,
  more: Partial<ConfigParam> & { memory?: boolean; percent?: boolean } = {},
): ConfigParam => {
  const { memory, percent, ...rest } = more;
  return { name, default: String(def), kind: { t: "int", min, max, memory, percent }, ...rest };
};
const mem = (
  name: string,
  def: number,
  min: bigint,
  max: bigint,
  more: Partial<ConfigParam> = {},
) => int(name, def, min, max, { memory: true, ...more });
const oneOf = (name: string, def: string, values: string[], more: Partial<ConfigParam> = {}) => ({
  name,
  default: def,
  kind: { t: "enum", values } as const,
  ...more,
});
const str = (name: string, def: string, more: Partial<ConfigParam> = {}): ConfigParam => ({
  name,
  default: def,
  kind: { t: "string" },
  ...more,
});
const custom = (
  name: string,
  def: string,
  parse: (v: string, current: string) => string,
): ConfigParam => ({
  name,
  default: def,
  kind: { t: "custom", parse },
});

/** Every parameter, in the order CONFIG GET * lists them. */
export const CONFIG_PARAMS: readonly ConfigParam[] = [
  { name: "maxmemory", default: "0", kind: { t: "engine" } },
  { name: "maxmemory-policy", default: "", kind: { t: "engine" } },
  int("databases", 16, 1n, INT_MAX, { immutable: true }),
  custom("save", "", parseSave),
  bool("appendonly", "no"),
  oneOf("appendfsync", "everysec", ["always", "everysec", "no"]),
  str("appendfilename", "appendonly.aof", { immutable: true }),
  str("appenddirname", "appendonlydir", { immutable: true }),
  str("dbfilename", "dump.rdb"),
  bool("rdbcompression", "yes"),
  bool("rdbchecksum", "yes"),
  bool("rdb-save-incremental-fsync", "yes"),
  bool("rdb-del-sync-files", "no"),
  int("rdb-key-save-delay", 0, INT_MIN, INT_MAX, { hidden: true }),
  int("key-load-delay", 0, INT_MIN, INT_MAX, { hidden: true }),
  bool("stop-writes-on-bgsave-error", "yes"),
  bool("aof-use-rdb-preamble", "yes"),
  bool("aof-load-truncated", "yes"),
  bool("aof-rewrite-incremental-fsync", "yes"),
  bool("aof-timestamp-enabled", "no"),
  bool("aof-disable-auto-gc", "no"),
  bool("no-appendfsync-on-rewrite", "no"),
  int("auto-aof-rewrite-percentage", 100, 0n, INT_MAX),
  mem("auto-aof-rewrite-min-size", 67108864, 0n, LLONG_MAX),
  mem("hash-max-listpack-entries", 512, 0n, LONG_MAX, { aliases: ["hash-max-ziplist-entries"] }),
  mem("hash-max-listpack-value", 64, 0n, LONG_MAX, { aliases: ["hash-max-ziplist-value"] }),
  int("list-max-listpack-size", -2, INT_MIN, INT_MAX, { aliases: ["list-max-ziplist-size"] }),
  int("list-compress-depth", 0, 0n, INT_MAX),
  int("set-max-intset-entries", 512, 0n, LONG_MAX),
  mem("zset-max-listpack-entries", 128, 0n, LONG_MAX, { aliases: ["zset-max-ziplist-entries"] }),
  mem("zset-max-listpack-value", 64, 0n, LONG_MAX, { aliases: ["zset-max-ziplist-value"] }),
  mem("hll-sparse-max-bytes", 3000, 0n, LONG_MAX),
  mem("stream-node-max-bytes", 4096, 0n, LONG_MAX),
  int("stream-node-max-entries", 100, 0n, LLONG_MAX),
  int("busy-reply-threshold", BUSY_REPLY_THRESHOLD_MS, 0n, LONG_MAX, {
    aliases: ["lua-time-limit"],
  }),
  custom("notify-keyspace-events", "", parseNotify),
  // Redis's is 512 MB; here the largest the platform carries (limits.ts PROTO_MAX_BULK_LEN).
  mem("proto-max-bulk-len", PROTO_MAX_BULK_LEN, 1048576n, LONG_MAX),
  mem("client-query-buffer-limit", 1073741824, 1048576n, LONG_MAX),
  custom("client-output-buffer-limit", OBL_DEFAULT, parseObl),
  int("timeout", 0, 0n, INT_MAX),
  int("tcp-keepalive", 300, 0n, INT_MAX),
  int("tcp-backlog", 511, 0n, INT_MAX, { immutable: true }),
  int("maxclients", 10000, 1n, INT_MAX),
  { name: "hz", default: "10", kind: { t: "int", min: 0n, max: INT_MAX, clamp: [1n, 500n] } },
  bool("dynamic-hz", "yes"),
  bool("activerehashing", "yes"),
  int("active-expire-effort", 1, 1n, 10n),
  bool("activedefrag", "no"),
  int("active-defrag-cycle-min", 1, 1n, 99n),
  int("active-defrag-cycle-max", 25, 1n, 99n),
  mem("active-defrag-ignore-bytes", 104857600, 1n, LLONG_MAX),
  int("active-defrag-threshold-lower", 10, 0n, 1000n),
  int("active-defrag-threshold-upper", 100, 0n, 1000n),
  int("active-defrag-max-scan-fields", 1000, 1n, LONG_MAX),
  bool("jemalloc-bg-thread", "yes"),
  int("maxmemory-samples", 5, 1n, 64n),
  int("maxmemory-eviction-tenacity", 10, 0n, 100n),
  int("maxmemory-clients", 0, 0n, LLONG_MAX, { memory: true, percent: true }),
  int("lfu-log-factor", 10, 0n, INT_MAX),
  int("lfu-decay-time", 1, 0n, INT_MAX),
  bool("lazyfree-lazy-eviction", "no"),
  bool("lazyfree-lazy-expire", "no"),
  bool("lazyfree-lazy-server-del", "no"),
  bool("lazyfree-lazy-user-del", "no"),
  bool("lazyfree-lazy-user-flush", "no"),
  int("slowlog-log-slower-than", 10000, -1n, LLONG_MAX),
  int("slowlog-max-len", 128, 0n, LONG_MAX),
  int("latency-monitor-threshold", 0, 0n, LLONG_MAX),
  bool("latency-tracking", "yes"),
  custom("latency-tracking-info-percentiles", "50 99 99.9", parsePercentiles),
  int("tracking-table-max-keys", 1000000, 0n, LONG_MAX),
  int("acllog-max-len", 128, 0n, LONG_MAX),
  oneOf("acl-pubsub-default", "resetchannels", ["allchannels", "resetchannels"]),
  oneOf("loglevel", "notice", ["debug", "verbose", "notice", "warning"]),
  oneOf("sanitize-dump-payload", "no", ["no", "yes", "clients"]),
  oneOf("propagation-error-behavior", "ignore", ["ignore", "panic", "panic-on-replicas"]),
  oneOf("oom-score-adj", "no", ["no", "yes", "relative", "absolute"]),
  custom("oom-score-adj-values", "0 200 800", parseOomValues),
  custom("shutdown-on-sigint", "default", SHUTDOWN),
  custom("shutdown-on-sigterm", "default", SHUTDOWN),
  int("shutdown-timeout", 10, 0n, INT_MAX),
  bool("protected-mode", "yes"),
  bool("set-proc-title", "yes"),
  str("proc-title-template", "{title} {listen-addr} {server-mode}"),
  bool("crash-log-enabled", "yes"),
  bool("crash-memcheck-enabled", "yes"),
  bool("daemonize", "no", { immutable: true }),
  oneOf("supervised", "no", ["upstart", "systemd", "auto", "no"], { immutable: true }),
  int("io-threads", 1, 1n, 128n, { immutable: true }),
  bool("io-threads-do-reads", "no", { immutable: true }),
  bool("cluster-enabled", "no", { immutable: true }),
  str("replicaof", "", { immutable: true, aliases: ["slaveof"] }),
  bool("replica-serve-stale-data", "yes", { aliases: ["slave-serve-stale-data"] }),
  bool("replica-read-only", "yes", { aliases: ["slave-read-only"] }),
  bool("replica-ignore-maxmemory", "yes", { aliases: ["slave-ignore-maxmemory"] }),
  bool("replica-lazy-flush", "no", { aliases: ["slave-lazy-flush"] }),
  int("replica-priority", 100, 0n, INT_MAX, { aliases: ["slave-priority"] }),
  bool("replica-announced", "yes"),
  bool("repl-diskless-sync", "yes"),
  int("repl-diskless-sync-delay", 5, 0n, INT_MAX),
  int("repl-diskless-sync-max-replicas", 0, 0n, INT_MAX),
  oneOf("repl-diskless-load", "disabled", ["disabled", "on-empty-db", "swapdb"]),
  bool("repl-disable-tcp-nodelay", "no"),
  mem("repl-backlog-size", 1048576, 1n, LLONG_MAX),
  int("repl-backlog-ttl", 3600, 0n, LONG_MAX),
  int("repl-timeout", 60, 1n, INT_MAX),
  int("repl-ping-replica-period", 10, 1n, INT_MAX, { aliases: ["repl-ping-slave-period"] }),
  int("min-replicas-to-write", 0, 0n, INT_MAX, { aliases: ["min-slaves-to-write"] }),
  int("min-replicas-max-lag", 10, 0n, INT_MAX, { aliases: ["min-slaves-max-lag"] }),
];

const BY_NAME = new Map<string, ConfigParam>();
for (const p of CONFIG_PARAMS) {
  BY_NAME.set(p.name, p);
  for (const a of p.aliases ?? []) BY_NAME.set(a, p);
}

/** The parameter a name (or alias, any case) refers to. */
export function findConfig(name: string): ConfigParam | undefined {
  return BY_NAME.get(asciiLower(name));
}

/** A value checked and normalised as Redis stores it; throws ConfigValueError. */
export function normaliseConfig(p: ConfigParam, value: string, current: string): string {
  const k = p.kind;
  switch (k.t) {
    case "bool": {
      const v = asciiLower(value);
      if (v !== "yes" && v !== "no") throw new ConfigValueError("argument must be 'yes' or 'no'");
      return v;
    }
    case "enum": {
      const v = asciiLower(value);
      if (!k.values.includes(v))
        throw new ConfigValueError(
          `argument(s) must be one of the following: ${k.values.join(", ")}`,
        );
      return v;
    }
    case "int": {
      let n: bigint | undefined;
      if (k.memory) {
        n = parseMemoryValueExact(value);
        if (n !== undefined && n > LLONG_MAX) n -= 1n << 64n;
      }
      if (n === undefined && k.percent && value.length > 1 && value.endsWith("%")) {
        const pc = parseStrictInt(value.slice(0, -1));
        if (pc !== undefined && pc >= 0n) return `${pc}%`;
      }
      if (n === undefined && !k.memory && !k.percent) n = parseStrictInt(value);
      if (n === undefined) {
        throw new ConfigValueError(
          k.memory && k.percent
            ? "argument must be a memory or percent value"
            : k.memory
              ? "argument must be a memory value"
              : "argument couldn't be parsed into an integer",
        );
      }
      if (n < k.min || n > k.max)
        throw new ConfigValueError(`argument must be between ${k.min} and ${k.max} inclusive`);
      if (k.clamp) n = n < k.clamp[0] ? k.clamp[0] : n > k.clamp[1] ? k.clamp[1] : n;
      return String(n);
    }
    case "string":
      return value;
    case "custom":
      return k.parse(value, current);
    case "engine":
      return value;
  }
}

// Every limit and default of the contract (spec §2) in one module. Values are bytes unless noted.
// Nothing else in the code base writes these numbers.

export const DEFAULT_NAMESPACE = "default";
export const NAMESPACE_NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;

export const KEY_MAX_BYTES = 32768;
export const VALUE_MAX_BYTES = 1048576;
/** One key plus one value must fit one SQLite row (2 MB platform limit). */
export const VALUE_MAX_BYTES_CEILING = 1900000;
export const HTTP_BODY_MAX_BYTES = 10485760;
/**
 * A JSON-lines import (`POST B/_/import`) is read as a stream, line by line, not held whole: one
 * line (a record) may be as long as a string of PROTO_MAX_BULK_LEN in base64 (4/3 of it) and a
 * little more, the body as long as a namespace at its default memory guard holds, and a quarter
 * more for the records' JSON.
 */
export const IMPORT_LINE_MAX_BYTES = 46137344;
export const IMPORT_BODY_MAX_BYTES = 83886080;
export const WS_MESSAGE_MAX_BYTES = 16777216;
export const PIPELINE_MAX_COMMANDS = 1000;
/**
 * Reply bytes (values as stored, before a codec's framing) one socket message may produce in one
 * turn: the batch runs only until its replies pass this (one command's reply is never cut), and
 * the rest of its commands run in a following turn, once the shim has asked for them (its client
 * read what came), before the connection's later messages. It bounds the work one message holds
 * the object for, so other clients keep being answered while one asks for gigabytes, and what the
 * object and the shim hold for a client that does not read. A sharded namespace's sockets answer
 * the commands past it with a limit error instead (not run).
 */
export const REPLY_MAX_BYTES = 4194304;
/**
 * Reply bytes one HTTP request may produce (REPLY_MAX_BYTES's counterpart: an HTTP door has one
 * answer per request, so its batch cannot continue in a later turn as a socket's does): past it,
 * later commands are answered with the reply-limit error, not run.
 */
export const HTTP_REPLY_MAX_BYTES = 31457280;
/**
 * An HTTP door's encoded answer (JSON, base64 or escapes inflate the replies): a larger one is
 * answered with the reply-too-large error (the request ran). An answer past
 * RPC_INLINE_MAX_BYTES leaves the object as a stream, which workerd's 32 MiB cap on one RPC value
 * does not bound; this bounds what the object holds while it builds one (a 32 MiB value in
 * base64 is 43 MiB).
 */
export const HTTP_ANSWER_MAX_BYTES = 67108864;
/** An answer body up to this many bytes crosses RPC as one value; a longer one as a stream. */
export const RPC_INLINE_MAX_BYTES = 16777216;
/** The pieces of an answer streamed across RPC. */
export const RPC_STREAM_PIECE_BYTES = 1048576;
/** Default Blink line cap; the effective one follows a configured VALUE_MAX_BYTES. */
export const BLINK_LINE_MAX_BYTES = VALUE_MAX_BYTES + KEY_MAX_BYTES + 16;
export const RESP_INLINE_MAX_BYTES = 65536;
export const RESP_MULTIBULK_MAX_ARGS = 1048576;
/**
 * Redis's `proto-max-bulk-len` here: its default, and the most it takes effect up to (CONFIG SET
 * round-trips any value Redis accepts; a larger one acts as this). A string value (and a RESP
 * bulk) may be this long; SET/APPEND/SETRANGE/SETBIT past it answer Redis's "string exceeds
 * maximum allowed size". Redis defaults to 512 MB; 32 MiB is the largest the platform carries
 * safely: a Durable Object has 128 MB, the default guard (MEMORY_LIMIT_BYTES) keeps 64 MiB of
 * data, and a write holds a value two to three times over while it runs (the received bytes,
 * the string, the bytes written to storage); workerd closes a WebSocket message over 32 MiB and
 * caps an RPC answer at 32 MiB, so one value already needs its own frames on the shim's socket.
 */
export const PROTO_MAX_BULK_LEN = 33554432;
export const RESP_BULK_MAX_BYTES = PROTO_MAX_BULK_LEN;
/**
 * One request on the shim (a command holding a value of PROTO_MAX_BULK_LEN, its key and a few
 * more arguments): larger than a WebSocket message, so it crosses /mux in MUX_PART_BYTES parts.
 */
export const COMMAND_MAX_BYTES = PROTO_MAX_BULK_LEN + 1048576;
/**
 * The largest WebSocket message workerd receives (it closes the socket 1009 past it). The shim's
 * own per-connection sockets (`--no-mux`, tagged) take messages up to this rather than
 * WS_MESSAGE_MAX_BYTES: one command of a value up to a few dozen bytes under PROTO_MAX_BULK_LEN.
 */
export const WS_PLATFORM_MESSAGE_MAX_BYTES = 33554432;
/** A mux DATA or REPLY payload longer than this crosses in parts of this size (protocols/mux.ts). */
export const MUX_PART_BYTES = 4194304;
/**
 * A string value longer than this is stored in rows of this many bytes (a Durable Object's SQLite
 * row holds at most 2 MB, key included): src/worker/string-chunks.ts.
 */
export const STRING_CHUNK_BYTES = 1048576;
/**
 * A member name, hash or stream value or list element longer than this is stored in chunk rows
 * of STRING_CHUNK_BYTES (src/worker/cell-chunks.ts): a member row holds a name and a value
 * beside its key, and two cells of this size and a key still fit one 2 MB row.
 */
export const CELL_MAX_BYTES = STRING_CHUNK_BYTES / 2;
export const NESTING_MAX_DEPTH = 64;
/** Deepest nesting of a JSON document (RedisJSON / serde_json recursion limit). */
export const JSON_DOC_MAX_DEPTH = 128;
export const INFO_KEYS_MAX = 1000;
export const SCAN_DEFAULT_COUNT = 10;
/**
 * Default `maxmemory` of one Durable Object (a sharded namespace: of each shard), a guard well
 * inside the platform's 128 MB per object, which the runtime, SQLite caches and the per-key
 * overhead (about 70 bytes a key beyond its key and value) share. A namespace past the platform
 * limit is reset by it, and so is every later load of the same data. 0 = unlimited.
 */
export const MEMORY_LIMIT_BYTES = 64 * 1024 * 1024;
/** Redis's maxmemory-policy values, in the order its CONFIG SET error lists them. */
export const EVICTION_POLICIES = [
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "noeviction",
] as const;
export type EvictionPolicy = (typeof EVICTION_POLICIES)[number];
/** As Redis: a store whose keys can vanish under memory pressure loses data (queues, locks). */
export const EVICTION_POLICY: EvictionPolicy = "noeviction";
export const REDIS_VERSION = "7.0.15";
/**
 * Redis's default proto-max-bulk-len (512 MB): bit offsets whose byte lies at or past it are
 * refused as "bit offset is not an integer or out of range", as redis-server does by default;
 * an offset below it that would grow a string past the value limit is refused as too long.
 */
export const BIT_OFFSET_MAX_BYTES = 536870912;
/** Redis's hll-sparse-max-bytes default: a sparse HyperLogLog growing past it turns dense. */
export const HLL_SPARSE_MAX_BYTES = 3000;
export const BLINK_EDGE_VERSION = "0.1.0";

export const SHIM_MAX_INFLIGHT_BATCHES = 64;
/**
 * Reply bytes a shim connection's batches in flight may be expected to bring (each batch counted
 * at its connection's last reply size, at first at REPLY_MAX_BYTES; one batch always goes): a
 * client pipelining large reads has one batch out, not 64, so the object spends no time on
 * replies that would only wait in the shim, and other connections' replies on the same socket
 * are not queued behind megabytes of them. Small replies leave SHIM_MAX_INFLIGHT_BATCHES out.
 */
export const SHIM_INFLIGHT_REPLY_BYTES = REPLY_MAX_BYTES;
/**
 * Reply bytes a shim connection may hold that its client has not read (Redis's
 * client-output-buffer-limit hard limit, adapted): past it the connection is closed. While its
 * client reads nothing, the shim forwards none of the connection's further commands, so this
 * holds at most the replies already on their way.
 */
export const SHIM_OUTPUT_MAX_BYTES = 134217728;
export const SHIM_UPSTREAM_TIMEOUT_MS = 10000;
/** Open TCP connections per shim, all listeners together; one more gets the dialect's error line and is closed. */
export const SHIM_MAX_CONNECTIONS = 10000;
/**
 * Connection contexts one multiplexed socket may hold in the object (src/worker/mux-door.ts): a
 * shim never has more open connections than SHIM_MAX_CONNECTIONS, so an OPEN past it is not a shim's.
 */
export const MUX_MAX_CONTEXTS = SHIM_MAX_CONNECTIONS;
/** A TCP connection with nothing sent and nothing awaited for this long is closed; 0 = never (as the originals). */
export const SHIM_IDLE_TIMEOUT_MS = 0;
export const CORS_ALLOW_ORIGIN = "*";
export const BLINK_TCP_DEFAULT = "127.0.0.1:8765";
export const GEVENT_TCP_DEFAULT = "127.0.0.1:31337";
export const REDIS_TCP_DEFAULT = "127.0.0.1:6379";
export const WORKER_URL_DEFAULT = "http://127.0.0.1:8787";

/** WebSocket close codes used by every door (RFC 6455). */
export const CLOSE_NORMAL = 1000;
export const CLOSE_PROTOCOL = 1002;
export const CLOSE_POLICY = 1008;
export const CLOSE_TOO_BIG = 1009;
export const CLOSE_INTERNAL = 1011;

/**
 * Bytes of a WebSocket attachment (platform limit 16 KiB). A MULTI queue can be far larger, so
 * it never goes in the attachment: its commands are socket_multi rows (worker/socket-multi.ts).
 */
export const WS_ATTACHMENT_MAX_BYTES = 16384;

/** Databases of a namespace on the Redis door (SELECT 0..15, Redis's `databases` default). */
export const DATABASES = 16;

// Redis 7.0.15's default encoding thresholds (OBJECT ENCODING and DUMP pick the compact
// encodings Redis would use for a value of this size).
export const SET_MAX_INTSET_ENTRIES = 512;
export const HASH_MAX_LISTPACK_ENTRIES = 512;
export const HASH_MAX_LISTPACK_VALUE = 64;
export const ZSET_MAX_LISTPACK_ENTRIES = 128;
export const ZSET_MAX_LISTPACK_VALUE = 64;
/** Strings up to this many bytes are `embstr` (OBJ_ENCODING_EMBSTR_SIZE_LIMIT). */
export const EMBSTR_SIZE_LIMIT = 44;
/** A quicklist node's listpack holds at most this many bytes (list-max-listpack-size -2). */
export const LIST_NODE_MAX_BYTES = 8192;
/** LCS's transient table ((len1+1)*(len2+1) 32-bit cells) may take at most this many bytes. */
export const LCS_TABLE_MAX_BYTES = 32 * 1024 * 1024;
// ---- Lua scripting (issue 15) ----
/**
 * Lua VM instructions one script or function may run before it is stopped with an error. A
 * Durable Object is single-threaded: while a script runs nobody else is served (a busy script
 * pauses between slices, but only to answer BUSY or take SCRIPT KILL), and the platform ends an
 * isolate that holds the CPU too long (30 s), losing the batch. fengari runs
 * about 10 M instructions a second on this machine, so this stops a runaway script after about
 * 5 s (Redis's default busy-reply-threshold) and well inside the platform's limit.
 */
export const LUA_INSTRUCTION_LIMIT = 50_000_000;
/**
 * What one redis.call/pcall counts against LUA_INSTRUCTION_LIMIT: a command runs the engine,
 * about 250 instructions' time, so a script looping on calls is stopped within the same ~5 s.
 */
export const LUA_CALL_INSTRUCTIONS = 250;
/**
 * How often (in VM instructions) the count hook checks the limit; Redis checks every 100,000. A
 * script that can pause (busy-script.ts) yields to the object's event loop this often, about
 * every 10 ms.
 */
export const LUA_HOOK_EVERY = 100_000;
/** busy-reply-threshold (alias lua-time-limit): ms a script runs before others get BUSY. */
export const BUSY_REPLY_THRESHOLD_MS = 5000;
/** Lua table nesting a script reply may have before conversion stops (Redis: Lua stack limit). */
export const LUA_REPLY_MAX_DEPTH = 1000;
/** Largest script or library body accepted (Redis has none; an object's memory does). */
export const LUA_SCRIPT_MAX_BYTES = 4 * 1024 * 1024;

// ---- real time: pub/sub and blocking commands (issue 16) ------------------------------------

/**
 * Unread bytes a subscriber may hold before it is disconnected: Redis's
 * `client-output-buffer-limit pubsub 32mb 8mb 60` hard limit. A shim connection that has received
 * pushes is held to this instead of SHIM_OUTPUT_MAX_BYTES.
 */
export const PUBSUB_OUTPUT_MAX_BYTES = 33554432;
/** Channels, patterns and shard channels one connection may hold together. */
export const SUBSCRIPTIONS_MAX_PER_CONN = 100000;
/** Longest channel pattern (PSUBSCRIBE): a glob is matched against every published channel. */
export const PUBSUB_PATTERN_MAX_BYTES = 1024;
/**
 * Longest wait of a blocking command over HTTP (REST, pipeline): a timeout of 0 (forever) or past
 * this answers as a timeout would, after this long. Sockets wait as long as asked.
 */
export const HTTP_BLOCK_MAX_MS = 30000;
/**
 * While a client is blocked with no deadline, the object re-arms a timer this often: a pending
 * timer keeps the object (and the waiter, which lives in memory) from hibernating.
 */
export const BLOCK_KEEPALIVE_MS = 10000;

/**
 * Lease of a blocking command waiting on a shard of a sharded namespace (docs/scaling.md): the
 * Worker renews it every third of this while it waits; a shard whose caller stopped renewing
 * (its isolate died) drops the wait after this long and never pops a value for it.
 */
export const SHARD_WAIT_LEASE_MS = 15000;
/**
 * How often an idle SSE subscription (Upstash `B/subscribe/…`) sends a comment line: proxies keep
 * the stream open, and a client that went away is found by the failed write.
 */
export const SSE_KEEPALIVE_MS = 25000;

// ---- client-side caching (CLIENT TRACKING, issue 16) ----------------------------------------

/**
 * Most keys the tracking table remembers, whatever `tracking-table-max-keys` says (Redis's default
 * of 1,000,000, or 0 for no limit, would not fit an object's memory: a key's entry costs a few
 * hundred bytes here). Past the limit, keys are dropped oldest first and their clients told, as if
 * the keys had changed (Redis drops random ones).
 */
export const TRACKING_TABLE_KEYS_MAX = 100000;
/** Prefixes one BCAST connection may register. */
export const TRACKING_PREFIXES_MAX_PER_CONN = 1000;
/**
 * A JSON document's edit log (src/worker/json-persistence.ts) is folded into one rewrite of the
 * document once its bytes pass the document's own size, and never before this many bytes.
 */
export const JSON_LOG_MIN_BYTES = 4096;
/** Shards a sharded namespace's Upstash sync token names at most (its most recent ones). */
export const SYNC_TOKEN_MAX_SHARDS = 64;

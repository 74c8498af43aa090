// Every limit and default of the contract (spec §2) in one module. Values are bytes unless noted.
// Nothing else in the code base writes these numbers.

export const DEFAULT_NAMESPACE = "default";
export const NAMESPACE_NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;

export const KEY_MAX_BYTES = 32768;
export const VALUE_MAX_BYTES = 1048576;
/** One key plus one value must fit one SQLite row (2 MB platform limit). */
export const VALUE_MAX_BYTES_CEILING = 1900000;
export const HTTP_BODY_MAX_BYTES = 10485760;
export const WS_MESSAGE_MAX_BYTES = 16777216;
export const PIPELINE_MAX_COMMANDS = 1000;
/** Default Blink line cap; the effective one follows a configured VALUE_MAX_BYTES. */
export const BLINK_LINE_MAX_BYTES = VALUE_MAX_BYTES + KEY_MAX_BYTES + 16;
export const RESP_INLINE_MAX_BYTES = 65536;
export const RESP_MULTIBULK_MAX_ARGS = 1048576;
export const RESP_BULK_MAX_BYTES = WS_MESSAGE_MAX_BYTES;
export const NESTING_MAX_DEPTH = 64;
export const INFO_KEYS_MAX = 1000;
export const SCAN_DEFAULT_COUNT = 10;
/** 0 = unlimited. */
export const MEMORY_LIMIT_BYTES = 0;
export const EVICTION_POLICIES = ["allkeys-lru", "noeviction"] as const;
export type EvictionPolicy = (typeof EVICTION_POLICIES)[number];
export const EVICTION_POLICY: EvictionPolicy = "allkeys-lru";
export const REDIS_VERSION = "7.0.15";
export const BLINK_EDGE_VERSION = "0.1.0";

export const SHIM_MAX_INFLIGHT_BATCHES = 64;
export const SHIM_UPSTREAM_TIMEOUT_MS = 10000;
/** Open TCP connections per shim, all listeners together; one more gets the dialect's error line and is closed. */
export const SHIM_MAX_CONNECTIONS = 10000;
/** A TCP connection with nothing sent and nothing awaited for this long is closed; 0 = never (as the originals). */
export const SHIM_IDLE_TIMEOUT_MS = 0;
export const CORS_ALLOW_ORIGIN = "*";
export const BLINK_TCP_DEFAULT = "127.0.0.1:8765";
export const GEVENT_TCP_DEFAULT = "127.0.0.1:31337";
export const REDIS_TCP_DEFAULT = "127.0.0.1:6379";
export const WORKER_URL_DEFAULT = "http://127.0.0.1:8787";

/** WebSocket close codes used by every door (RFC 6455). */
export const CLOSE_NORMAL = 1000;
export const CLOSE_POLICY = 1008;
export const CLOSE_TOO_BIG = 1009;
export const CLOSE_INTERNAL = 1011;

/** Bytes of a WebSocket attachment (platform limit 16 KiB); a MULTI queue beyond this spills to storage. */
export const WS_ATTACHMENT_MAX_BYTES = 16384;

// ---- Lua scripting (issue 15) ----
/**
 * Lua VM instructions one script or function may run before it is stopped with an error. A
 * Durable Object is single-threaded: while a script runs nobody else is served, and the platform
 * ends an isolate that holds the CPU too long (30 s), losing the batch. fengari runs
 * about 10 M instructions a second on this machine, so this stops a runaway script after about
 * 5 s (Redis's default busy-reply-threshold) and well inside the platform's limit.
 */
export const LUA_INSTRUCTION_LIMIT = 50_000_000;
/** How often (in VM instructions) the count hook checks the limit; Redis checks every 100,000. */
export const LUA_HOOK_EVERY = 100_000;
/** Lua table nesting a script reply may have before conversion stops (Redis: Lua stack limit). */
export const LUA_REPLY_MAX_DEPTH = 1000;
/** Largest script or library body accepted (Redis has none; an object's memory does). */
export const LUA_SCRIPT_MAX_BYTES = 4 * 1024 * 1024;

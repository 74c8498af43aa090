// The facts of a command record (src/engine/command-table.ts `command()`): flags, key positions,
// shard route and docs, without its handler. Apart from the table so that what reads only these
// facts (tracking, command statistics, the sharded router) does not depend on the handler's
// context, which names the whole engine.

/**
 * Flag bits (spec §10.6): R read, W write, A admin, C connection, N before auth, I immediate in
 * MULTI; f fast, m denyoom, s noscript, l loading, t stale, b blocking, p pubsub as Redis's
 * COMMAND INFO names them.
 */
export const Flag = {
  READ: 1,
  WRITE: 2,
  ADMIN: 4,
  CONN: 8,
  NOAUTH: 16,
  IMMEDIATE: 32,
  /** Not allowed inside MULTI/EXEC over the Upstash transaction endpoint, nor in the generic Light-Redis form. */
  NOTX: 64,
  // Redis's own command flags, as COMMAND INFO reports them (no effect on dispatch here).
  FAST: 128,
  DENYOOM: 256,
  NOSCRIPT: 512,
  LOADING: 1024,
  STALE: 2048,
  BLOCKING: 4096,
  PUBSUB: 8192,
} as const;

/** Which arguments are keys: first index, last index (negative counts from the end), step. */
export type KeySpec = readonly [first: number, last: number, step: number];

/**
 * How a reply is put together from the replies of several shards (the sharded router maps each
 * name to a function; the engine only names them).
 */
export type MergeName =
  | "position" // the parts' arrays back in argument order (MGET)
  | "sum" // integers added (DEL, DBSIZE)
  | "ok" // +OK when every part said so
  | "concat" // arrays concatenated (KEYS)
  | "min" // the smallest integer (LASTSAVE)
  | "info" // INFO sections merged
  | "usage" // Blink USAGE/STATS
  | "lightredis-info"
  | "config" // CONFIG: SET shares maxmemory, GET reports the total
  | "randomkey" // a random key weighed by each shard's size
  | "scripts" // SCRIPT/FUNCTION on every shard: EXISTS flags OR-ed, otherwise shard 0's reply
  | "pubsub"; // PUBSUB: channel lists joined, NUMSUB counts added, NUMPAT the largest

/** Where a command runs in a sharded namespace (docs/scaling.md). */
export type ShardRoute =
  /** By its keys: one shard; split over shards when `split` says how, else CROSSSLOT. */
  | { readonly kind: "keyed"; readonly split?: { shape: "keys" | "pairs"; merge: MergeName } }
  /** On every shard, replies merged. */
  | { readonly kind: "all"; readonly merge: MergeName }
  /** Answered from the connection context by the Worker's own engine. */
  | { readonly kind: "local" }
  /**
   * (P|S)(UN)SUBSCRIBE: the Worker's engine keeps the connection's subscriptions, which it then
   * mirrors on the shards owning the channels (every shard for patterns; docs/scaling.md).
   */
  | { readonly kind: "subscribe"; readonly sameShard?: boolean }
  /** PUBLISH: the shard its channel (argument `at`, not a key) hashes to, as a key would. */
  | { readonly kind: "channel"; readonly at: number }
  /** SCAN: the shard its cursor names. */
  | { readonly kind: "scan" }
  /** EXEC and WATCH: on the transaction's shard, with the connection context. */
  | { readonly kind: "exec" }
  | { readonly kind: "watch" }
  /** Refused in a sharded namespace (a keyless command nobody classified). */
  | { readonly kind: "unsupported" };

/** What COMMAND DOCS, the REPL's help and docs/compatibility.md say of a command. */
export interface CommandDoc {
  /** One line, as Redis's command docs summarise it. */
  readonly summary: string;
  /** Redis's command group: string, list, generic, server, connection, scripting, … */
  readonly group: string;
  /** Redis version that introduced it ("1.0.0"); for our own dialects, blink-edge's. */
  readonly since: string;
  /** The arguments after the name, as redis-cli's help prints them. */
  readonly params?: string;
  /** Subcommands (CONFIG GET, CLIENT LIST, …) by upper-case name. */
  readonly subcommands?: Readonly<
    Record<string, { summary: string; params?: string; since?: string }>
  >;
  /** Where blink-edge differs from Redis (the compatibility page prints it). */
  readonly differs?: string;
}

/** Optional facts of a command record beyond arity, flags, keys and handler. */
export interface CommandMeta {
  /**
   * Argument index of a `numkeys` count whose keys follow it (ZUNIONSTORE 2, EVAL 2, LMPOP 1);
   * these keys are added to those of `keys`.
   */
  readonly numkeys?: number;
  /** Key positions that neither `keys` nor `numkeys` can say (XREAD's STREAMS, SORT's STORE). */
  readonly keysOf?: (argv: readonly string[]) => number[];
  /**
   * Redis's key-spec flags of each key COMMAND GETKEYSANDFLAGS reports ("RW access delete"), in
   * key-position order, the last repeated for further keys; default from the command's flags.
   */
  readonly keyFlags?: readonly string[] | ((argv: readonly string[]) => readonly string[]);
  /** Shard route; default: keyed when the command has keys, local for a connection command. */
  readonly route?: ShardRoute;
  readonly doc?: CommandDoc;
}

/** A command record without its handler: what every reader of the table but the dispatcher uses. */
export interface CommandRecord extends CommandMeta {
  readonly name: string;
  readonly arity: number;
  readonly flags: number;
  readonly keys: KeySpec | null;
}

/** Indexes of the key arguments of a command line from its `keys` spec alone. */
export function keyIndexes(spec: CommandRecord, argc: number): number[] {
  if (!spec.keys) return [];
  const [first, lastSpec, step] = spec.keys;
  const last = lastSpec < 0 ? argc + lastSpec : Math.min(lastSpec, argc - 1);
  const out: number[] = [];
  for (let i = first; i <= last; i += step) out.push(i);
  return out;
}

/** Argument indexes of every key of a command line: `keys`, then `numkeys` keys, then `keysOf`. */
export function keyPositions(spec: CommandRecord, argv: readonly string[]): number[] {
  const pos = keyIndexes(spec, argv.length);
  const at = spec.numkeys;
  if (at !== undefined) {
    const n = Number(argv[at]);
    if (Number.isInteger(n) && n > 0) {
      for (let i = at + 1; i <= at + n && i < argv.length; i++) if (!pos.includes(i)) pos.push(i);
    }
  }
  if (spec.keysOf) for (const i of spec.keysOf(argv)) if (!pos.includes(i)) pos.push(i);
  return pos;
}

/** A command's shard route: its own, or the default for its keys and flags. */
export function shardRoute(spec: CommandRecord): ShardRoute {
  if (spec.route) return spec.route;
  if (spec.keys || spec.numkeys !== undefined || spec.keysOf) return { kind: "keyed" };
  if (spec.flags & Flag.CONN) return { kind: "local" };
  return { kind: "unsupported" };
}

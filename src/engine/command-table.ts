// The command table: name -> arity, flags, key positions and handler, per dialect.
// Arity, authentication, key/value size, scope and MULTI queueing are checked once, in the
// dispatcher (engine.ts), from these fields; a handler only does its command's own work.

import { asciiLower } from "./ascii.ts";
import type { Dialect, TypedArg } from "./command.ts";
import type { ConnState } from "./conn-state.ts";
import type { Reply } from "./reply.ts";
import type { Store } from "./store.ts";

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

const FLAG_LETTERS: Record<string, number> = {
  r: Flag.READ,
  w: Flag.WRITE,
  a: Flag.ADMIN,
  c: Flag.CONN,
  n: Flag.NOAUTH,
  i: Flag.IMMEDIATE,
  x: Flag.NOTX,
  f: Flag.FAST,
  m: Flag.DENYOOM,
  s: Flag.NOSCRIPT,
  l: Flag.LOADING,
  t: Flag.STALE,
  b: Flag.BLOCKING,
  p: Flag.PUBSUB,
};

/**
 * The engine as a handler sees it (Ctx.engine): the Engine class itself, which engine.ts merges
 * into this interface (`declare module`), so that this file, which engine.ts imports, does not
 * import engine.ts back.
 */
export interface CtxEngine {}

/** What a handler sees. */
export interface Ctx {
  readonly engine: CtxEngine;
  readonly store: Store;
  readonly conn: ConnState;
  /** Batch start time, Unix ms (spec §3.6). */
  readonly now: number;
}

export type Handler = (
  ctx: Ctx,
  argv: readonly string[],
  typed?: readonly (TypedArg | undefined)[],
) => Reply;

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

export interface CommandSpec extends CommandMeta {
  readonly name: string;
  readonly arity: number;
  readonly flags: number;
  readonly keys: KeySpec | null;
  readonly run: Handler;
}

/** Defines a command; `flags` is a string of letters from "rwacnixfmsltbp". */
export function command(
  name: string,
  arity: number,
  flags: string,
  keys: KeySpec | null,
  run: Handler,
  meta: CommandMeta = {},
): CommandSpec {
  let bits = 0;
  for (const c of flags) {
    const b = FLAG_LETTERS[c];
    if (b === undefined) throw new Error(`unknown flag '${c}' for ${name}`);
    bits |= b;
  }
  return { ...meta, name, arity, flags: bits, keys, run };
}

/** Adds docs to records defined without them (a family's doc table beside its commands). */
export function withDocs(
  docs: Readonly<Record<string, CommandDoc>>,
  specs: readonly CommandSpec[],
): CommandSpec[] {
  return specs.map((s) => (s.doc || !docs[s.name] ? s : { ...s, doc: docs[s.name] }));
}

/** Indexes of the key arguments of a command line from its `keys` spec alone. */
export function keyIndexes(spec: CommandSpec, argc: number): number[] {
  if (!spec.keys) return [];
  const [first, lastSpec, step] = spec.keys;
  const last = lastSpec < 0 ? argc + lastSpec : Math.min(lastSpec, argc - 1);
  const out: number[] = [];
  for (let i = first; i <= last; i += step) out.push(i);
  return out;
}

/** Argument indexes of every key of a command line: `keys`, then `numkeys` keys, then `keysOf`. */
export function keyPositions(spec: CommandSpec, argv: readonly string[]): number[] {
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
export function shardRoute(spec: CommandSpec): ShardRoute {
  if (spec.route) return spec.route;
  if (spec.keys || spec.numkeys !== undefined || spec.keysOf) return { kind: "keyed" };
  if (spec.flags & Flag.CONN) return { kind: "local" };
  return { kind: "unsupported" };
}

/** Every dialect's commands by lower-case name. */
export class CommandTable {
  private readonly byDialect = new Map<Dialect, Map<string, CommandSpec>>();
  /** Names as clients usually send them (lower and upper case), so most lookups fold nothing. */
  private readonly byUsualCase = new Map<Dialect, Map<string, CommandSpec>>();

  /** Adds a family of commands to a dialect. */
  register(dialect: Dialect, specs: readonly CommandSpec[]): this {
    let t = this.byDialect.get(dialect);
    if (!t) this.byDialect.set(dialect, (t = new Map()));
    let u = this.byUsualCase.get(dialect);
    if (!u) this.byUsualCase.set(dialect, (u = new Map()));
    for (const s of specs) {
      if (t.has(s.name)) throw new Error(`duplicate command ${dialect}:${s.name}`);
      t.set(s.name, s);
      u.set(s.name, s).set(s.name.toUpperCase(), s);
    }
    return this;
  }

  /** The spec for a name in any ASCII case (Redis's strcasecmp), if the dialect has it. */
  find(dialect: Dialect, name: string): CommandSpec | undefined {
    return this.byUsualCase.get(dialect)?.get(name) ?? this.lookup(dialect, asciiLower(name));
  }

  /** The spec for a lower-case name, if the dialect has it. */
  lookup(dialect: Dialect, name: string): CommandSpec | undefined {
    return this.byDialect.get(dialect)?.get(name);
  }

  /** Names of a dialect's commands. */
  names(dialect: Dialect): string[] {
    return [...(this.byDialect.get(dialect)?.keys() ?? [])];
  }

  /** Every record of a dialect, in registration order. */
  specs(dialect: Dialect): CommandSpec[] {
    return [...(this.byDialect.get(dialect)?.values() ?? [])];
  }
}

/** Meta of a keyless command that runs on every shard of a sharded namespace. */
export const allShards = (merge: MergeName): CommandMeta => ({ route: { kind: "all", merge } });

/** Meta of a multi-key command split per shard, its integer replies added (DEL, EXISTS). */
export const SUM_SPLIT: CommandMeta = {
  route: { kind: "keyed", split: { shape: "keys", merge: "sum" } },
};

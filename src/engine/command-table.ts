// The command table: name -> arity, flags, key positions and handler, per dialect.
// Arity, authentication, key/value size, scope and MULTI queueing are checked once, in the
// dispatcher (engine.ts), from these fields; a handler only does its command's own work.

import { asciiLower } from "./ascii.ts";
import type { BlockRequest, Blocking } from "./blocking.ts";
import type { BlockedClients } from "./blocked-clients.ts";
import type { Command, Dialect, TypedArg } from "./command.ts";
import type { CommandStats } from "./command-stats.ts";
import type { ConnSink } from "./conn-sink.ts";
import type { ConnState } from "./conn-state.ts";
import type { Databases } from "./databases.ts";
import type { EngineConfig, EngineHost, EngineStats, ShardKeys } from "./engine-host.ts";
import type { PubSub } from "./pubsub.ts";
import type { ErrorReply, Reply } from "./reply.ts";
import type { Store, StoreEventHook } from "./store.ts";
import type { Tracking } from "./tracking.ts";
import type { BusyScript } from "./scripting/busy-script.ts";
import type { ScriptStore } from "./scripting/script-store.ts";
import type {
  CommandDoc,
  CommandMeta,
  CommandRecord,
  KeySpec,
  MergeName,
} from "./command-record.ts";
import { Flag } from "./command-record.ts";

export { Flag, keyIndexes, keyPositions, shardRoute } from "./command-record.ts";
export type {
  CommandDoc,
  CommandMeta,
  CommandRecord,
  KeySpec,
  MergeName,
  ShardRoute,
} from "./command-record.ts";

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
 * The engine as its commands (Ctx.engine) and the files it is split into (batch-loop.ts,
 * command-execution.ts, script-pause.ts, …) see it; the Engine class implements it. Declared here,
 * beside Ctx and the table it names, and not in engine.ts, so that no file engine.ts imports has
 * to import engine.ts back: every type below comes from a file that does not import this one.
 */
export interface CtxEngine {
  // ---- identity, configuration and counters
  readonly namespace: string;
  readonly table: CommandTable;
  readonly host: EngineHost;
  config: EngineConfig;
  /** CONFIG SET parameters by name (config-table.ts). */
  readonly params: Map<string, string>;
  readonly valueMax: number;
  stringMax: number;
  readonly runId: string;
  readonly startedAt: number;
  nextClientId: number;
  readonly stats: EngineStats;
  readonly cmdStats: CommandStats;
  peakUsage: number;
  readonly snapshotAt: number;
  readonly writesSinceSnapshot: number;
  readonly sharded: boolean;
  readonly shardKeys: ShardKeys | null;
  /** Writes are refused NOREPLICAS (min-replicas-to-write with no replica). */
  noGoodReplicas: boolean;

  // ---- data: databases, scripts
  readonly dbs: Databases;
  /** Database 0. */
  readonly store: Store;
  readonly scripts: ScriptStore;
  busyScript: BusyScript | null;
  readonly scriptHeld: number[];

  // ---- connections, pub/sub, tracking, blocking
  readonly sinks: Map<number, ConnSink>;
  lateSink: ((conn: ConnState) => ConnSink | undefined) | null;
  readonly conns: Map<number, ConnState>;
  readonly pubsub: PubSub;
  readonly tracking: Tracking;
  readonly blocking: Blocking;
  readonly wake: BlockedClients;

  // ---- the running batch (engine.ts says what each holds)
  running: { id: number; held: Reply[] } | null;
  depth: number;
  pauseDepth: number;
  retrying: boolean;
  servingKey: string | null;
  dialect: Dialect;
  notifyMask: number;
  held: [db: number, event: string, key: string][];
  evictedAt: number;
  readonly storeEvent: StoreEventHook;

  keyEvent(store: Store, type: number, event: string, key: string): void;
  publish(channel: string, message: string, shard?: boolean): number;
  block(ctx: Ctx, req: BlockRequest, argv: readonly string[]): Reply;
  unblock(connId: number, now: number, error?: Reply): boolean;
  databasesSwapped(a: number, b: number): void;
  /** A connection is gone: its subscriptions, tracking and wait end. */
  detach(conn: ConnState): void;
  select(ctx: Ctx, index: number): void;
  check(dialect: Dialect, conn: ConnState, c: Command): CommandSpec | ErrorReply;
  execute(spec: CommandSpec, ctx: Ctx, c: Command): Reply;
  takeSnapshot(now: number): void;
  enforceLimit(): void;
}

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

export interface CommandSpec extends CommandRecord {
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

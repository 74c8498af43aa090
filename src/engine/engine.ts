// The command engine of one namespace: synchronous, transport-free. A batch (one HTTP request,
// one WebSocket message, one EXEC) runs here in one turn; the caller persists `store.changes`
// afterwards in the same turn (spec §13.1).

import type { BatchItem, Command, Dialect } from "./command.ts";
import { CommandStats } from "./command-stats.ts";
import type { CommandSpec, CommandTable, Ctx, CtxEngine } from "./command-table.ts";
import type { ConnState } from "./conn-state.ts";
import type { ConnSink } from "./conn-sink.ts";
import { Blocking } from "./blocking.ts";
import type { BlockRequest } from "./blocking.ts";
import { BlockedClients } from "./blocked-clients.ts";
import { checkCommand } from "./command-checks.ts";
import { blockClient, retryWaiter } from "./block-and-retry.ts";
import { deliverTo, runItems } from "./batch-loop.ts";
import type { Deferral } from "./batch-loop.ts";
import { runBatch } from "./batch-run.ts";
import { dispatchWith, evictOver, executeCommand } from "./command-execution.ts";
import { NULL_HOST } from "./engine-host.ts";
import type { EngineConfig, EngineHost, EngineStats, ShardKeys } from "./engine-host.ts";
import { holdOrPublish, paramSet } from "./held-events.ts";
import { ParamMap } from "./param-map.ts";
import { PubSub } from "./pubsub.ts";
import { Tracking } from "./tracking.ts";
import { Databases } from "./databases.ts";
import type { ErrorReply, Reply } from "./reply.ts";
import type { Store } from "./store.ts";
import { ScriptStore } from "./scripting/script-store.ts";
import type { BusyScript } from "./scripting/busy-script.ts";
import { holds, resume } from "./script-pause.ts";
import { isLfu } from "./eviction.ts";
import { randomHex } from "./sampling.ts";
import { EVICTION_POLICY, PROTO_MAX_BULK_LEN, VALUE_MAX_BYTES } from "../limits.ts";

export { NULL_HOST } from "./engine-host.ts";
export type { EngineConfig, EngineHost, EngineStats } from "./engine-host.ts";

/**
 * One namespace's engine. Its loop, execution, blocking and held events live in the files named
 * in the imports above, as functions of the engine: `held`, `evictedAt`, `running`, `wake`,
 * `depth`, `retrying` and `dialect` are theirs to use, not the hosts'.
 */
export class Engine implements CtxEngine {
  /** The 16 databases (SELECT); `store` is database 0, the one every door but Redis's uses. */
  readonly dbs = new Databases();
  readonly stats: EngineStats = { commands: 0 };
  /** Per-command and error counters (INFO commandstats, errorstats). */
  readonly cmdStats = new CommandStats();
  /** Redis tuning parameters set by CONFIG SET, normalised, by name (config-table.ts). */
  readonly params: Map<string, string> = new ParamMap((name, value) => paramSet(this, name, value));
  /** Enabled keyspace notification classes (keyspace-events.ts Notify), 0 when off. */
  notifyMask = 0;
  /**
   * min-replicas-to-write and min-replicas-max-lag are both set: with no replica (there never is
   * one here) writes are refused NOREPLICAS, as Redis's checkGoodReplicasStatus.
   */
  noGoodReplicas = false;
  /**
   * Keyspace events of a command that may yet be rolled back (its store journals): published
   * when it stands, dropped when it is undone. Evictions go before the command's own events
   * (at `evictedAt`), as Redis evicts before it runs a command (held-events.ts).
   */
  held: [db: number, event: string, key: string][] = [];
  evictedAt = 0;
  /** Highest usage INFO has seen (used_memory_peak). */
  peakUsage = 0;
  /** 40 hex digits naming this run of the engine (INFO run_id, master_replid). */
  readonly runId = randomHex(40);
  private settings!: EngineConfig;
  /** Snapshot point (spec §13.3): write_seq and Unix ms at the latest snapshot; 0 if none. */
  snapshotSeq = 0;
  snapshotAt = 0;
  readonly startedAt: number;
  nextClientId = 1;
  readonly table: CommandTable;
  namespace: string;
  host: EngineHost;
  /** Configured VALUE_MAX_BYTES (spec §2). */
  readonly valueMax: number;
  /**
   * Longest string value (and RESP bulk) of the Redis doors: proto-max-bulk-len as configured,
   * at most PROTO_MAX_BULK_LEN (limits.ts says why).
   */
  stringMax = PROTO_MAX_BULK_LEN;
  /** Script cache and function libraries (EVAL, FUNCTION), persisted by the host. */
  readonly scripts = new ScriptStore(this.store.changes);
  /**
   * This engine is one shard of a sharded namespace: a script may touch only keys this shard
   * holds, and SORT's BY/GET patterns are refused, as in Redis Cluster.
   */
  sharded = false;
  /** The slot map of a sharded namespace (set by the host, which knows it); null: unknown. */
  shardKeys: ShardKeys | null = null;
  /** Connections that take replies outside their own batches (pub/sub, blocking), by client id. */
  readonly sinks = new Map<number, ConnSink>();
  /**
   * Set by a host for one run() whose connection has no sink but may wait (an HTTP request):
   * asked for one when a command of it must wait, so the door need not look its commands up
   * before the engine does. The host attaches the sink it returns (under a fresh client id).
   */
  lateSink: ((conn: ConnState) => ConnSink | undefined) | null = null;
  /** Attached connections by id (redirect targets of CLIENT TRACKING). */
  readonly conns = new Map<number, ConnState>();
  readonly pubsub = new PubSub((id, replies) => deliverTo(this, id, replies));
  /**
   * The connection whose batch is running, and the pushes for it its commands caused (PUBLISH to
   * a channel it is subscribed to): held and sent just before the reply of the command that caused
   * them, as Redis writes them, not ahead of the batch's earlier replies.
   */
  running: { id: number; held: Reply[] } | null = null;
  /** Client-side caching: who read which keys, BCAST prefixes (tracking.ts). */
  readonly tracking = new Tracking(
    this.conns,
    (id, replies) => deliverTo(this, id, replies),
    this.dbs.shared,
  );
  readonly blocking = new Blocking();
  /** Serves the blocked clients after the writes that ready their keys. */
  readonly wake = new BlockedClients(this.blocking, {
    dbs: this.dbs,
    retry: (w, key, now) => retryWaiter(this, w, key, now),
    runPending: (w, now) => runItems(this, w.dialect, w.conn, w.pending, now),
    send: (id, replies) => this.sinks.get(id)?.deliver(replies),
    live: (id, now) => this.sinks.get(id)?.live?.(now) ?? true,
  });
  /** The script paused between slices (busy-script.ts, script-pause.ts), else null. */
  busyScript: BusyScript | null = null;
  /** Connections whose batches wait for the paused script (script-pause.ts), in arrival order. */
  readonly scriptHeld: number[] = [];
  /** Nesting of execute(): 1 for a batch's own command, more inside EXEC and scripts. */
  depth = 0;
  /** The depth at which a script may pause (script-pause.ts): 1, or 2 in a batch's own EXEC. */
  pauseDepth = 1;
  /** Running a blocked client's command again: finding nothing keeps it waiting, unchanged. */
  retrying = false;
  /**
   * The ready key a blocked client's command runs again for, else null: Redis serves a client
   * from the one key that woke it (XREAD answers with that stream only).
   */
  servingKey: string | null = null;
  /** The dialect of the batch running (a blocked command is run again in it). */
  dialect: Dialect = "redis";

  constructor(
    table: CommandTable,
    namespace: string,
    config: Partial<EngineConfig> & { valueMax?: number } = {},
    host: EngineHost = NULL_HOST,
  ) {
    this.table = table;
    this.namespace = namespace;
    this.host = host;
    // No limit unless the host sets one (the Worker always does: MEMORY_LIMIT_BYTES).
    this.config = { maxmemory: config.maxmemory ?? 0, policy: config.policy ?? EVICTION_POLICY };
    this.valueMax = config.valueMax ?? VALUE_MAX_BYTES;
    this.startedAt = Date.now();
  }

  /** maxmemory and maxmemory-policy (spec §3.8); an LFU policy turns on access counting. */
  get config(): EngineConfig {
    return this.settings;
  }

  set config(c: EngineConfig) {
    this.settings = c;
    this.dbs.countFrequencies(isLfu(c.policy));
  }

  /**
   * Runs a batch in order: one reply per item (a codec's ready-made reply passes through).
   * Stops after QUIT. Once the replies pass `replyMax` bytes (replyBytes), every later command is
   * answered with the reply-limit error instead of running (in MULTI, that fails the EXEC), or,
   * given `deferral`, left unrun in `deferral.rest` for the caller to run in a later batch.
   * Its steps are batch-run.ts, the loop itself batch-loop.ts.
   */
  run(
    dialect: Dialect,
    conn: ConnState,
    items: readonly BatchItem[],
    now: number,
    replyMax = Infinity,
    deferral?: Deferral,
  ): Reply[] {
    return runBatch(this, dialect, conn, items, now, replyMax, deferral);
  }

  // ---- connections outside their batches: pub/sub and blocking (issue 16) -------------------

  /** Registers where a connection's pushes and late replies go (a socket door's connection). */
  attach(conn: ConnState, sink: ConnSink): void {
    this.sinks.set(conn.id, sink);
    this.conns.set(conn.id, conn);
  }

  /** A connection closed: its subscriptions, its tracking and its wait end. */
  detach(conn: ConnState): void {
    this.sinks.delete(conn.id);
    this.conns.delete(conn.id);
    this.tracking.disable(conn);
    this.pubsub.removeAll(conn);
    const w = this.blocking.of(conn.id);
    if (w) this.wake.stop(w);
  }

  /** The stores' own events (new, expired, evicted, keymiss, hexpired). */
  readonly storeEvent = (store: Store, type: number, event: string, key: string): void => {
    if (this.notifyMask & type) this.keyEvent(store, type, event, key);
  };

  /** Publishes a keyspace event of `store` (its class enabled), or holds it while undoable. */
  keyEvent(store: Store, type: number, event: string, key: string): void {
    holdOrPublish(this, store, type, event, key);
  }

  /** Publishes a message (PUBLISH, keyspace notifications): how many subscribers received it. */
  publish(channel: string, message: string, shard = false): number {
    return this.pubsub.publish(channel, message, shard);
  }

  /**
   * What a blocking command returns when it found nothing: its client waits, or it answers at
   * once as a timeout would (block-and-retry.ts).
   */
  block(ctx: Ctx, req: BlockRequest, argv: readonly string[]): Reply {
    return blockClient(this, ctx, req, argv);
  }

  /**
   * Ends a client's wait from outside (CLIENT UNBLOCK): answered with its timeout reply, or
   * `error`. False when it was not blocked.
   */
  unblock(connId: number, now: number, error?: Reply): boolean {
    return this.wake.unblock(connId, now, error);
  }

  /** Runs the paused script's next slice (the host, after its event loop turned); true while paused. */
  resumeScript(now: number): boolean {
    return resume(this, now);
  }

  /** True while other clients' batches should wait for the paused script (under the threshold). */
  scriptHolds(now: number): boolean {
    return holds(this, now);
  }

  /** SWAPDB: the waiters of both databases may now find their keys (BlockedClients). */
  databasesSwapped(a: number, b: number): void {
    this.wake.databasesSwapped(a, b);
  }

  /** One command through every check of spec §10.2, then execution. */
  dispatch(dialect: Dialect, conn: ConnState, c: Command, now: number): Reply {
    const ctx: Ctx = { engine: this, store: this.dbs.get(conn.db), conn, now };
    ctx.store.setClock(now);
    return dispatchWith(this, dialect, ctx, c);
  }

  /** Database 0 (the Blink, Light-Redis, gevent and Upstash doors' only one). */
  get store(): Store {
    return this.dbs.get(0);
  }

  /** Points a connection and the running batch's context at database `index` (SELECT, SWAPDB). */
  select(ctx: Ctx, index: number): void {
    ctx.conn.db = index;
    (ctx as { store: Store }).store = this.dbs.get(index);
    this.dbs.get(index).setClock(ctx.now);
  }

  /**
   * The checks of spec §10.2 before execution or queueing (command-checks.ts): the command's
   * spec, or its error reply. Also used by the sharded router before routing a command.
   */
  check(dialect: Dialect, conn: ConnState, c: Command): CommandSpec | ErrorReply {
    return checkCommand(this.table, this.valueMax, dialect, conn, c, this.stringMax);
  }

  /** Runs a command whose checks have passed, applying the memory limit (command-execution.ts). */
  execute(spec: CommandSpec, ctx: Ctx, c: Command): Reply {
    return executeCommand(this, spec, ctx, c);
  }

  /** Takes a snapshot point now (SAVE, BGSAVE, Light-Redis save; spec §13.3). */
  takeSnapshot(now: number): void {
    this.host.snapshot(this.store.writeSeq, now);
    this.snapshotSeq = this.store.writeSeq;
    this.snapshotAt = now;
  }

  /** Applies the memory limit at once (CONFIG SET maxmemory lowering it, spec §3.8). */
  enforceLimit(): void {
    const { maxmemory, policy } = this.config;
    if (maxmemory > 0 && policy !== "noeviction" && this.dbs.usage > maxmemory) {
      evictOver(this, maxmemory, this.store, new Set(), policy);
    }
  }

  /** Live key count of every database. */
  get dbsize(): number {
    return this.dbs.keys;
  }

  /** Writes since the latest snapshot (Light-Redis writable_row, INFO rdb_changes_since_last_save). */
  get writesSinceSnapshot(): number {
    return this.store.writeSeq - this.snapshotSeq;
  }
}

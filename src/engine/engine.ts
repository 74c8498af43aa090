// The command engine of one namespace: synchronous, transport-free. A batch (one HTTP request,
// one WebSocket message, one EXEC) runs here in one turn; the caller persists `store.changes`
// afterwards in the same turn (spec §13.1).

import { asciiLower } from "./ascii.ts";
import type { BatchItem, Command, Dialect } from "./command.ts";
import { CommandStats } from "./command-stats.ts";
import { Flag } from "./command-table.ts";
import type { CommandSpec, CommandTable, Ctx } from "./command-table.ts";
import type { ConnState } from "./conn-state.ts";
import type { ConnSink } from "./conn-sink.ts";
import { Blocking } from "./blocking.ts";
import { BLOCKED, BlockedClients } from "./blocked-clients.ts";
import { checkCommand, queueingError } from "./command-checks.ts";
import type { BlockRequest, Waiter } from "./blocking.ts";
import { PubSub } from "./pubsub.ts";
import { Tracking } from "./tracking.ts";
import { Databases } from "./databases.ts";
import { CommandError, Errors } from "./errors.ts";
import { R, errorReplyOf, isError, replyBytes } from "./reply.ts";
import type { ErrorReply, Reply } from "./reply.ts";
import type { Store } from "./store.ts";
import { ScriptStore } from "./scripting/script-store.ts";
import { isLfu } from "./eviction.ts";
import { Notify, notifyMask, publishKeyEvent } from "./keyspace-events.ts";
import { EVICTION_POLICY, PROTO_MAX_BULK_LEN, VALUE_MAX_BYTES } from "../limits.ts";
import type { EvictionPolicy } from "../limits.ts";

/** Namespace configuration (spec §3.8, §10.9), persisted by the host. */
export interface EngineConfig {
  maxmemory: number;
  policy: EvictionPolicy;
}

/** What the engine asks of whoever hosts it (the Durable Object, or a test). */
export interface EngineHost {
  /**
   * Persists everything changed so far, then records a snapshot point at `seq` (spec §13.3).
   * Called before the engine's own snapshot fields change, so the host still sees the old point.
   */
  snapshot(engine: Engine, seq: number, at: number): void;
  /** Open connections (CLIENT LIST, INFO connected_clients). */
  clients(): readonly ConnState[];
  /** True when tokens are configured (RESP AUTH semantics differ, spec §10.4). */
  readonly authEnabled: boolean;
  /** Checks a presented token in constant time: its scope, or null when it matches none. */
  authenticate(token: string): "full" | "readonly" | null;
}

/** Counters reported by INFO Stats (spec §10.9), not persisted. */
export interface EngineStats {
  commands: number;
}

/** A host with no storage, no other connections and auth disabled (tests, benchmarks). */
export const NULL_HOST: EngineHost = {
  snapshot: () => {},
  clients: () => [],
  authEnabled: false,
  authenticate: () => null,
};

/** Commands whose offset argument can grow a string far past their argument bytes. */
const PADDING_COMMANDS = new Set(["setrange", "setbit", "bitfield"]);

export class Engine {
  /** The 16 databases (SELECT); `store` is database 0, the one every door but Redis's uses. */
  readonly dbs = new Databases();
  readonly stats: EngineStats = { commands: 0 };
  /** Per-command and error counters (INFO commandstats, errorstats). */
  readonly cmdStats = new CommandStats();
  /** Redis tuning parameters set by CONFIG SET, normalised, by name (config-table.ts). */
  readonly params: Map<string, string> = new ParamMap((name, value) => this.paramSet(name, value));
  /** Enabled keyspace notification classes (keyspace-events.ts Notify), 0 when off. */
  notifyMask = 0;
  /**
   * Keyspace events of a command that may yet be rolled back (its store journals): published
   * when it stands, dropped when it is undone. Evictions go before the command's own events
   * (at `evictedAt`), as Redis evicts before it runs a command.
   */
  private held: [db: number, event: string, key: string][] = [];
  private evictedAt = 0;
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
   * This engine is one shard of a sharded namespace: a script may touch only the keys it
   * declared, and SORT's BY/GET patterns are refused, as in Redis Cluster.
   */
  sharded = false;
  /** Connections that take replies outside their own batches (pub/sub, blocking), by client id. */
  readonly sinks = new Map<number, ConnSink>();
  /** Attached connections by id (redirect targets of CLIENT TRACKING). */
  readonly conns = new Map<number, ConnState>();
  readonly pubsub = new PubSub((id, replies) => this.deliverTo(id, replies));
  /**
   * The connection whose batch is running, and the pushes for it its commands caused (PUBLISH to
   * a channel it is subscribed to): held and sent just before the reply of the command that caused
   * them, as Redis writes them, not ahead of the batch's earlier replies.
   */
  private running: { id: number; held: Reply[] } | null = null;
  /** Client-side caching: who read which keys, BCAST prefixes (tracking.ts). */
  readonly tracking = new Tracking(
    this.conns,
    (id, replies) => this.deliverTo(id, replies),
    this.dbs.shared,
  );
  readonly blocking = new Blocking();
  /** Serves the blocked clients after the writes that ready their keys. */
  private readonly wake = new BlockedClients(this.blocking, {
    dbs: this.dbs,
    retry: (w, key, now) => this.retry(w, key, now),
    runPending: (w, now) => this.runItems(w.dialect, w.conn, w.pending, now),
    send: (id, replies) => this.sinks.get(id)?.deliver(replies),
  });
  /** Nesting of execute(): 1 for a batch's own command, more inside EXEC and scripts. */
  private depth = 0;
  /** Running a blocked client's command again: finding nothing keeps it waiting, unchanged. */
  private retrying = false;
  /**
   * The ready key a blocked client's command runs again for, else null: Redis serves a client
   * from the one key that woke it (XREAD answers with that stream only).
   */
  servingKey: string | null = null;
  /** The dialect of the batch running (a blocked command is run again in it). */
  private dialect: Dialect = "redis";

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
   * answered with the reply-limit error instead of running (in MULTI, that fails the EXEC).
   */
  run(
    dialect: Dialect,
    conn: ConnState,
    items: readonly BatchItem[],
    now: number,
    replyMax = Infinity,
  ): Reply[] {
    const started = performance.now();
    this.cmdStats.tick(now, this.stats.commands);
    const stores = this.dbs.all();
    for (let i = 0; i < stores.length; i++) {
      stores[i]!.setClock(now);
      stores[i]!.purgeExpired(now);
    }
    if (this.blocking.size) this.wake.expire(now);
    const replies = this.runItems(dialect, conn, items, now, replyMax);
    if (this.dbs.shared.observer !== null) this.endTracking(conn, replies);
    // QUIT: gone for everyone at once, as Redis frees the client after the reply (a redirect to
    // it breaks, its subscriptions end) however late the door learns the socket closed.
    if (conn.closing && this.sinks.has(conn.id)) this.detach(conn);
    for (let i = 0; i < stores.length; i++) stores[i]!.endBatch();
    this.cmdStats.busyMs += performance.now() - started;
    return replies;
  }

  /**
   * A batch's commands in order, inside run's bracket. A command that blocks ends the list here:
   * the rest wait with it (Blocking), as Redis reads nothing more from a blocked client.
   */
  private runItems(
    dialect: Dialect,
    conn: ConnState,
    items: readonly BatchItem[],
    now: number,
    replyMax = Infinity,
  ): Reply[] {
    const replies: Reply[] = [];
    const waiting = this.blocking.of(conn.id);
    if (waiting) {
      waiting.pending.push(...items);
      return replies;
    }
    // One context for the whole batch: handlers never keep it.
    const ctx: Ctx = { engine: this, store: this.dbs.get(conn.db), conn, now };
    this.dialect = dialect;
    const outer = this.running;
    const held: Reply[] = [];
    this.running = { id: conn.id, held };
    try {
      this.runLoop(dialect, ctx, items, now, replyMax, replies, held);
    } finally {
      this.running = outer;
    }
    // Pushes after the last reply (a woken client's command published to us) follow it.
    if (held.length) {
      const last = replies.length - 1;
      if (last >= 0) replies[last] = R.seq([replies[last]!, ...held]);
      else this.sinks.get(conn.id)?.deliver(held);
    }
    return replies;
  }

  /** runItems' loop: `held` pushes for the batch's connection join the next reply. */
  private runLoop(
    dialect: Dialect,
    ctx: Ctx,
    items: readonly BatchItem[],
    now: number,
    replyMax: number,
    replies: Reply[],
    held: Reply[],
  ): void {
    const { conn } = ctx;
    const tracking = this.tracking;
    let bytes = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      let r: Reply;
      if (bytes > replyMax) r = queueingError(conn, Errors.replyLimit());
      else {
        const mode = conn.replyMode;
        const outer = tracking.current;
        tracking.current = conn;
        r = "argv" in item ? this.dispatchWith(dialect, ctx, item) : item.reply;
        tracking.current = outer;
        if (conn.tracking?.caching && "argv" in item) tracking.endCaching(conn, item.argv);
        if (r === BLOCKED) {
          this.blocking.of(conn.id)!.pending = items.slice(i + 1);
          if (tracking.pending.length) this.deliverPending(conn);
          this.wake.serveReady(now);
          break;
        }
        if (mode !== "on") r = this.replyModeStep(conn, mode, r);
        // Pushes are sent whatever CLIENT REPLY says, as Redis does.
        if (held.length) r = R.seq(r.k === "none" ? held.splice(0) : [...held.splice(0), r]);
        // Invalidations of the keys this command changed follow its reply (Redis: after call()).
        if (tracking.pending.length) r = tracking.withPending(r);
        if (replyMax !== Infinity) bytes += replyBytes(r);
      }
      replies.push(r);
      if (this.wake.hasReady()) this.wake.serveReady(now);
      if (conn.closing) break;
    }
  }

  /** Replies for a connection outside its batch (its sink); false when it has none. */
  private deliverTo(id: number, replies: readonly Reply[]): boolean {
    const sink = this.sinks.get(id);
    if (!sink) return false;
    if (this.running?.id === id) this.running.held.push(...replies);
    else sink.deliver(replies);
    return true;
  }

  /** CLIENT REPLY OFF/SKIP: the reply a command sends while one is in effect (none). */
  private replyModeStep(conn: ConnState, before: ConnState["replyMode"], r: Reply): Reply {
    // Pushes (subscribe confirmations) are sent regardless, as Redis 7's CLIENT_PUSHING does.
    if (r.k === "push" || r.k === "seq") {
      if (before === "skip" && conn.replyMode === "skip") conn.replyMode = "on";
      return r;
    }
    if (before === "skip") {
      if (conn.replyMode === "skip") conn.replyMode = "on";
      return R.NONE;
    }
    return before === "off" && conn.replyMode === "on" ? r : R.NONE;
  }

  // ---- client-side caching (CLIENT TRACKING) ------------------------------------------------

  /**
   * End of a batch with tracking on: BCAST invalidations and the table limit; what that sends the
   * batch's own connection follows its replies.
   */
  private endTracking(conn: ConnState, replies: Reply[]): void {
    const tracking = this.tracking;
    tracking.current = conn;
    tracking.endBatch(this.params.get("tracking-table-max-keys"));
    tracking.current = null;
    if (!tracking.pending.length) return;
    const last = replies.length - 1;
    if (last >= 0) replies[last] = tracking.withPending(replies[last]!);
    else this.deliverPending(conn);
  }

  /** Sends the pushes pending for `conn` now (held if its batch is running). */
  private deliverPending(conn: ConnState): void {
    this.deliverTo(conn.id, this.tracking.pending.splice(0));
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

  /** A parameter changed (CONFIG SET, or loaded): the ones the engine acts on take effect. */
  private paramSet(name: string, value: string | undefined): void {
    if (name === "proto-max-bulk-len")
      this.stringMax = Math.min(Number(value ?? PROTO_MAX_BULK_LEN), PROTO_MAX_BULK_LEN);
    if (name !== "notify-keyspace-events") return;
    this.notifyMask = notifyMask(value ?? "");
    this.dbs.shared.events = this.notifyMask ? this.storeEvent : null;
  }

  /** The stores' own events (new, expired, evicted, keymiss, hexpired). */
  private readonly storeEvent = (store: Store, type: number, event: string, key: string): void => {
    if (this.notifyMask & type) this.keyEvent(store, type, event, key);
  };

  /** Publishes a keyspace event of `store` (its class enabled), or holds it while undoable. */
  keyEvent(store: Store, type: number, event: string, key: string): void {
    const db = this.dbs.indexOf(store);
    if (db < 0) return;
    if (!store.journaling) publishKeyEvent(this, db, event, key);
    else if (type === Notify.EVICTED) this.held.splice(this.evictedAt++, 0, [db, event, key]);
    else this.held.push([db, event, key]);
  }

  /** Publishes the held events from `from` on (a command that stood). */
  private releaseEvents(): void {
    const held = this.held;
    this.held = [];
    for (const [db, event, key] of held) publishKeyEvent(this, db, event, key);
  }

  /** Publishes a message (PUBLISH, keyspace notifications): how many subscribers received it. */
  publish(channel: string, message: string, shard = false): number {
    return this.pubsub.publish(channel, message, shard);
  }

  /**
   * What a blocking command returns when it found nothing: its client waits (BLOCKED) when the
   * command is a batch's own on a connection that can be answered later; inside MULTI, a script
   * or on a door without a sink it answers at once as a timeout would, as Redis does.
   */
  block(ctx: Ctx, req: BlockRequest, argv: readonly string[]): Reply {
    if (this.retrying) return BLOCKED;
    const sink = this.sinks.get(ctx.conn.id);
    if (this.depth !== 1 || !sink) return req.timeoutReply;
    let wait = req.timeoutMs;
    const cap = sink.maxWaitMs;
    if (cap !== undefined && (wait === 0 || wait > cap)) wait = cap;
    this.wake.add({
      conn: ctx.conn,
      dialect: this.dialect,
      command: { argv: req.argv ?? argv },
      db: ctx.conn.db,
      keys: req.keys,
      type: req.type,
      deadline: wait > 0 ? ctx.now + wait : 0,
      timeoutReply: req.timeoutReply,
      retryOnGone: req.retryOnGone ?? false,
      pending: [],
    });
    return BLOCKED;
  }

  /**
   * Ends a client's wait from outside (CLIENT UNBLOCK): answered with its timeout reply, or
   * `error`. False when it was not blocked.
   */
  unblock(connId: number, now: number, error?: Reply): boolean {
    return this.wake.unblock(connId, now, error);
  }

  /** SWAPDB: the waiters of both databases may now find their keys (BlockedClients). */
  databasesSwapped(a: number, b: number): void {
    this.wake.databasesSwapped(a, b);
  }

  /** Runs a waiter's command again; BLOCKED when it still finds nothing (WakeHost.retry). */
  private retry(w: Waiter, key: string, now: number): Reply {
    const ctx: Ctx = { engine: this, store: this.dbs.get(w.conn.db), conn: w.conn, now };
    const tracking = this.tracking;
    const outer = tracking.current;
    tracking.current = w.conn;
    this.retrying = true;
    this.servingKey = key;
    let r: Reply;
    try {
      r = this.dispatchWith(w.dialect, ctx, w.command);
    } finally {
      this.retrying = false;
      this.servingKey = null;
      tracking.current = outer;
    }
    if (tracking.pending.length) {
      if (r === BLOCKED) this.deliverPending(w.conn);
      else r = tracking.withPending(r);
    }
    return r;
  }

  /** One command through every check of spec §10.2, then execution. */
  dispatch(dialect: Dialect, conn: ConnState, c: Command, now: number): Reply {
    const ctx: Ctx = { engine: this, store: this.dbs.get(conn.db), conn, now };
    ctx.store.setClock(now);
    return this.dispatchWith(dialect, ctx, c);
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

  private dispatchWith(dialect: Dialect, ctx: Ctx, c: Command): Reply {
    const conn = ctx.conn;
    this.stats.commands++;
    conn.lastAt = ctx.now;
    const spec = this.check(dialect, conn, c);
    if ("k" in spec) {
      this.cmdStats.rejected(this.table.find(dialect, c.argv[0] ?? ""), c.argv, spec);
      return spec;
    }
    if (conn.multi && !(spec.flags & Flag.IMMEDIATE)) {
      conn.multi.push(c);
      return R.QUEUED;
    }
    return this.execute(spec, ctx, c);
  }

  /**
   * The checks of spec §10.2 before execution or queueing (command-checks.ts): the command's
   * spec, or its error reply. Also used by the sharded router before routing a command.
   */
  check(dialect: Dialect, conn: ConnState, c: Command): CommandSpec | ErrorReply {
    return checkCommand(this.table, this.valueMax, dialect, conn, c, this.stringMax);
  }

  /** Runs a command whose checks have passed, applying the memory limit (spec §3.8). */
  execute(spec: CommandSpec, ctx: Ctx, c: Command): Reply {
    const store = ctx.store;
    const { maxmemory, policy } = this.config;
    const isWrite = (spec.flags & Flag.WRITE) !== 0;
    const limited = maxmemory > 0 && isWrite && this.mayCross(maxmemory, c.argv);
    // The limit covers every database (spec §3.8): usage is the namespace's total.
    const usageBefore = limited ? this.dbs.usage : 0;
    const heldBefore = this.held.length;
    store.beginCommand(limited);
    let reply: Reply;
    if (this.tracking.clients.size !== 0) this.tracking.beforeCommand(spec, c.argv);
    this.depth++;
    try {
      reply = spec.run(ctx, c.argv, c.typed);
    } catch (e) {
      if (store.journaling) this.held.length = heldBefore;
      store.rollback();
      if (!(e instanceof CommandError)) console.error("blink-edge: command failed", spec.name, e);
      reply = errorReplyOf(e);
    } finally {
      this.depth--;
    }
    if (reply === BLOCKED) {
      store.endCommand();
      return reply;
    }
    const usage = limited ? this.dbs.usage : 0;
    if (limited && !isError(reply) && usage > maxmemory && usage > usageBefore) {
      let sizeOfWritten = 0;
      for (const k of store.written) {
        const e = store.get(k);
        if (e) sizeOfWritten += e.ksize + e.size;
      }
      // A volatile policy with no volatile key left to evict refuses like noeviction (Redis);
      // the keys it evicted from this database come back with the rollback.
      const evicted = store.stats.evicted;
      this.evictedAt = heldBefore;
      if (
        sizeOfWritten > maxmemory ||
        policy === "noeviction" ||
        !this.evictOver(maxmemory, store, store.written, policy)
      ) {
        store.rollback();
        store.stats.evicted = evicted;
        this.held.length = heldBefore;
        reply = R.error(Errors.oom());
      }
    }
    store.endCommand();
    if (spec.flags & Flag.READ && this.tracking.clients.size !== 0)
      this.tracking.afterRead(spec, ctx.conn, c.argv);
    if (this.held.length && this.depth === 0) this.releaseEvents();
    const failed = isError(reply) ? reply : null;
    this.cmdStats.called(spec, c.argv, failed);
    if (isWrite && !failed) store.writeSeq++;
    return reply;
  }

  /** Takes a snapshot point now (SAVE, BGSAVE, Light-Redis save; spec §13.3). */
  takeSnapshot(now: number): void {
    this.host.snapshot(this, this.store.writeSeq, now);
    this.snapshotSeq = this.store.writeSeq;
    this.snapshotAt = now;
  }

  /** Applies the memory limit at once (CONFIG SET maxmemory lowering it, spec §3.8). */
  enforceLimit(): void {
    const { maxmemory, policy } = this.config;
    if (maxmemory > 0 && policy !== "noeviction" && this.dbs.usage > maxmemory) {
      this.evictOver(maxmemory, this.store, new Set(), policy);
    }
  }

  /**
   * Evicts until the namespace's total usage is within `limit`: from the other databases first
   * (the running command just used `current`), least recently used first within each.
   */
  private evictOver(
    limit: number,
    current: Store,
    keep: ReadonlySet<string>,
    policy: EvictionPolicy,
  ): boolean {
    const others = this.dbs.all().filter((s) => s !== current);
    for (const s of [...others, current]) {
      const elsewhere = this.dbs.usage - s.usage;
      if (s.evict(limit - elsewhere, s === current ? keep : new Set(), policy)) return true;
    }
    return false;
  }

  /**
   * True when a write could take usage past `maxmemory`, so it must be journaled to be undone.
   * A command adds at most its argument bytes, a value's worth (a string grown by an offset:
   * up to proto-max-bulk-len) and a copy of data already stored (COPY, SUNIONSTORE, SORT …
   * STORE): usage * 2 + arguments + 2 values. Below that the journal (about a third of a SET's
   * engine time) is skipped: the default guard is always set, and most stores sit well under it.
   */
  private mayCross(maxmemory: number, argv: readonly string[]): boolean {
    let floor = this.dbs.usage * 2 + this.valueMax * 2;
    // An offset can grow a string to proto-max-bulk-len from a few argument bytes.
    if (PADDING_COMMANDS.has(asciiLower(argv[0] ?? ""))) floor += this.stringMax;
    if (floor > maxmemory) return true;
    let args = 0;
    for (const a of argv) args += a.length * 3; // UTF-16 units → at most 3 bytes each
    return floor + args > maxmemory;
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

/** A Map that tells its owner of every change (Engine.params: loaded, or set by CONFIG). */
class ParamMap extends Map<string, string> {
  private readonly changed: (name: string, value: string | undefined) => void;
  constructor(changed: (name: string, value: string | undefined) => void) {
    super();
    this.changed = changed;
  }
  override set(name: string, value: string): this {
    super.set(name, value);
    // Map's constructor calls set before the field exists.
    this.changed?.(name, value);
    return this;
  }
  override delete(name: string): boolean {
    const had = super.delete(name);
    this.changed(name, undefined);
    return had;
  }
  override clear(): void {
    const names = [...this.keys()];
    super.clear();
    for (const n of names) this.changed(n, undefined);
  }
}

function randomHex(n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

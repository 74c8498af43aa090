// The Durable Object that owns one namespace (spec §1, §13): the engine in memory, SQLite as
// its durable copy, WebSocket connections with hibernation, and the expiry alarm.
//
// Every batch runs to completion synchronously and issues its storage writes in the same turn;
// replies leave through the output gate once those writes are durable (spec §13.1).

import { DurableObject } from "cloudflare:workers";
import { withSyncToken } from "./doors/upstash-http.ts";
import { subscribeSse } from "./sse-request.ts";
import type { BatchItem, Dialect } from "../engine/command.ts";
import { COMMANDS } from "../engine/commands/index.ts";
import type { ConnState } from "../engine/conn-state.ts";
import { newConn } from "../engine/conn-state.ts";
import { Engine } from "../engine/engine.ts";
import type { EngineHost } from "../engine/engine.ts";
import { R } from "../engine/reply.ts";
import type { Reply } from "../engine/reply.ts";
import { Errors } from "../engine/errors.ts";
import {
  DEFAULT_NAMESPACE,
  HTTP_BLOCK_MAX_MS,
  HTTP_REPLY_MAX_BYTES,
  IMPORT_BODY_MAX_BYTES,
  IMPORT_LINE_MAX_BYTES,
  REPLY_MAX_BYTES,
} from "../limits.ts";
import { authConfig, tokenScope } from "./auth.ts";
import type { Env } from "./env.ts";
import { engineSettings } from "./env.ts";
import { applyImport, exportPage, importLimits } from "./export-import.ts";
import type {
  ExportImportRpc,
  ExportPage,
  ExportPageRequest,
  ImportOutcome,
  ImportRequest,
  ImportStreamRequest,
} from "./export-import.ts";
import { readJsonlImport } from "../protocols/transfer/import-parse.ts";
import { SSE_ROUTE_HEADER, WS_HEADERS } from "./namespace-api.ts";
import type {
  NamespaceRpc,
  ShardBatchRequest,
  ShardBatchResult,
  ShardRef,
  ShardUnblock,
  ShardWaitCancel,
  SocketKind,
} from "./namespace-api.ts";
import { finishBounded, forRpc, isPlan, rpcBounded } from "./doors/door.ts";
import type { DoorAnswer, DoorRequest } from "./doors/door.ts";
import { planDoor } from "./doors/plan.ts";
import { Persistence } from "./persistence.ts";
import { META } from "./schema.ts";
import { limitShare } from "./shard-map.ts";
import { shardKeysOf } from "./router/slots.ts";
import { GroupCommit } from "./group-commit.ts";
import type { MuxSession } from "./mux-door.ts";
import { HibernatableSockets } from "./hibernatable-sockets.ts";
import { answerClose } from "./socket-step.ts";
import { ObjectTimers } from "./object-timers.ts";
import { acceptMux, answerMessage } from "./object-sockets.ts";
import { WaitingRuns } from "./waiting-runs.ts";

/** The one shard of a namespace that is not sharded. */
const UNSHARDED: ShardRef = { shard: 0, shards: 1 };

export class NamespaceObject extends DurableObject<Env> implements NamespaceRpc, ExportImportRpc {
  private engine!: Engine;
  private persistence!: Persistence;
  /** "<shard>/<shards>" when this object is a shard of a sharded namespace, else "". */
  private shardRef = "";
  /** The object's own hibernatable WebSockets and their contexts (hibernatable-sockets.ts). */
  private readonly sockets = new HibernatableSockets(this.ctx, () => this.engine);
  /** The shims' multiplexed sockets (not hibernatable: they pin the object while connected). */
  private readonly muxes = new Set<MuxSession>();
  /** Upstash SSE subscriptions' connections (sse-subscriber.ts), for CLIENT LIST. */
  private readonly sseConns = new Set<ConnState>();
  /** Batches arriving together run in one turn and commit once (src/worker/group-commit.ts). */
  private readonly group = new GroupCommit(
    () => this.commit(),
    () => this.ctx.storage.sync(),
    {
      paused: () => this.engine.busyScript !== null,
      holds: (now) => this.engine.scriptHolds(now),
      resume: (now) => this.engine.resumeScript(now),
    },
  );
  /** Batches that may block, run for a caller that awaits them (HTTP, shard calls). */
  private readonly waiting = new WaitingRuns(() => this.engine, this.group);
  /** The expiry alarm and the blocked clients' timer (object-timers.ts). */
  private readonly timers = new ObjectTimers(this.ctx.storage, () => this.engine, this.group);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.persistence = new Persistence(ctx.storage.sql);
      const ns = this.persistence.meta(META.namespace);
      const ref = this.persistence.meta(META.shard);
      let settings = engineSettings(env);
      if (typeof ref === "string") {
        this.shardRef = ref;
        const [shard, shards] = ref.split("/").map(Number) as [number, number];
        settings = engineSettings(env, shards);
        settings.maxmemory = limitShare(settings.maxmemory ?? 0, shard, shards);
      }
      this.engine = new Engine(
        COMMANDS,
        typeof ns === "string" ? ns : DEFAULT_NAMESPACE,
        settings,
        this.host(),
      );
      this.persistence.load(this.engine);
      const [shard, shards] = this.shardRef.split("/").map(Number);
      this.engine.sharded = (shards ?? 1) > 1;
      this.engine.shardKeys = shardKeysOf(shard ?? 0, shards ?? 1);
      this.sockets.restore();
      this.timers.armedAlarm = (await ctx.storage.getAlarm()) ?? 0;
    });
  }

  private host(): EngineHost {
    const auth = authConfig(this.env);
    return {
      persist: () => {
        this.persistence.writeChanges(this.engine);
      },
      snapshot: (seq, at) => {
        this.persistence.writeChanges(this.engine);
        this.persistence.recordSnapshot(seq, at);
      },
      clients: () => [
        ...this.sockets.contexts(),
        ...[...this.muxes].flatMap((m) => m.contexts()),
        ...this.sseConns,
      ],
      authEnabled: auth.enabled,
      authenticate: (token) => tokenScope(auth, token, this.engine.namespace),
    };
  }

  /**
   * Runs one HTTP request of a door whole, parse to encoded answer (RPC from the Worker: one body
   * each way), its batch grouped with concurrent ones. The Worker has authenticated it.
   */
  exchange(namespace: string, req: DoorRequest): DoorAnswer | Promise<DoorAnswer> {
    this.adoptNamespace(namespace, UNSHARDED);
    const plan = planDoor(req);
    if (!isPlan(plan)) return plan;
    const conn = newConn(0, { authed: true, readonly: req.readonly });
    // One answer per request: its replies are bounded by what an answer may carry.
    const run = () =>
      this.engine.run(plan.dialect, conn, plan.items, Date.now(), HTTP_REPLY_MAX_BYTES);
    const answer = (replies: Reply[]) =>
      forRpc(withSyncToken(req, finishBounded(plan, replies), this.engine.store.writeSeq));
    // Only Redis's commands block (Redis's `blocking` flag).
    if (plan.dialect !== "redis") return this.group.runOrQueue(() => answer(run()));
    // A blocking command waits (up to HTTP_BLOCK_MAX_MS, then answers as a timeout would) while
    // other clients are served; the answer leaves when every command has its reply.
    return this.waiting.runMaybeWaiting(conn, HTTP_BLOCK_MAX_MS, run, answer);
  }

  /**
   * Runs a batch for one shard of a sharded namespace (RPC from the Worker's router) with the
   * connection context the Worker keeps, and returns the context as the batch left it.
   */
  async runShard(req: ShardBatchRequest): Promise<ShardBatchResult> {
    this.adoptNamespace(req.namespace, req);
    // The router's share of the batch's reply budget (absent: an older Worker's call).
    const replyMax = req.replyMax ?? REPLY_MAX_BYTES;
    // The Worker's client ids come from shard 0's counter, this object's sockets' (the Worker's
    // subscription links among them) from its own: the call runs as id 0, which no connection
    // here has, so no push or wait of another connection is taken for it.
    const conn = { ...req.conn, id: 0 };
    const run = () => this.engine.run(req.dialect, conn, req.items, Date.now(), replyMax);
    const answer = (replies: Reply[]): ShardBatchResult => {
      const writeSeq = this.engine.store.writeSeq;
      const bounded = rpcBounded(replies);
      return req.withContext
        ? { replies: bounded, conn: { ...conn, id: req.conn.id }, writeSeq }
        : { replies: bounded, writeSeq };
    };
    if (req.dialect !== "redis") return this.group.submit(() => answer(run()));
    // A command that must wait, or a script that pauses (busy-script.ts), does so here, as on the
    // HTTP door (Engine.lateSink): its context then gets a sink under an id of this call's own,
    // while this object serves everyone else (the Worker's socket keeps relaying its pushes
    // meanwhile); the call answers once it is answered, timed out, or cancelled by the Worker.
    return this.waiting.runMaybeWaiting(conn, req.blockMaxMs, run, answer, {
      clientId: req.conn.id,
      waitKey: req.waitKey,
      leaseMs: req.leaseMs ?? 0,
    });
  }

  /** Ends a Worker-held connection's blocked command here (its socket closed). */
  cancelShardWait(req: ShardWaitCancel): void {
    this.waiting.shardWaits.cancel(req.waitKey);
  }

  /** Extends the lease of a Worker-held connection's blocked command here (it is still there). */
  renewShardWait(req: ShardWaitCancel): boolean {
    return this.waiting.shardWaits.renew(req.waitKey, Date.now());
  }

  /** CLIENT UNBLOCK, from any connection of the namespace, of a connection blocked here. */
  unblockShardWait(req: ShardUnblock): boolean | Promise<boolean> {
    this.adoptNamespace(req.namespace, req);
    const w = this.waiting.shardWaits.ofClient(req.clientId);
    if (!w || !this.engine.blocking.of(w.local.id)) return false;
    const err = req.error ? R.error(Errors.unblocked()) : undefined;
    // Like a write: what runs behind the answered command is committed with the group.
    return this.group.runOrQueue(() => this.engine.unblock(w.local.id, Date.now(), err));
  }

  /** The connections blocked here, under their own client ids (CLIENT LIST). */
  shardWaitClients(req: ShardRef & { namespace: string }): ConnState[] {
    this.adoptNamespace(req.namespace, req);
    return this.waiting.shardWaits.contexts(
      (local) => this.engine.blocking.of(local.id) !== undefined,
    );
  }

  /**
   * A client id for a WebSocket the Worker holds for a sharded namespace (asked of shard 0):
   * persisted, so ids stay unique among the namespace's open connections across restarts.
   */
  allocateClientId(req: ShardRef & { namespace: string }): number {
    this.adoptNamespace(req.namespace, req);
    const id = Math.max(
      this.engine.nextClientId,
      Number(this.persistence.meta(META.clientSeq) ?? 0) + 1,
    );
    this.engine.nextClientId = id + 1;
    this.persistence.setMeta(META.clientSeq, id);
    return id;
  }

  /** One page of the export (spec §13.4; RPC from the Worker); the first may take the snapshot. */
  exportPage(req: ExportPageRequest): ExportPage {
    this.adoptNamespace(req.namespace, req.shard);
    // Due keys go first (an empty batch), so the snapshot holds only keys live at its time.
    if (req.cursor === null)
      this.runBatch("redis", newConn(0, { authed: true, readonly: false }), []);
    return exportPage(this.engine, this.persistence.sql, req, Date.now());
  }

  /** Imports validated records in one turn as one write command (spec §13.5; RPC from the Worker). */
  async importStream(req: ImportStreamRequest): Promise<ImportOutcome> {
    const parsed = await readJsonlImport(req.body, importLimits(this.env), {
      lineMax: IMPORT_LINE_MAX_BYTES,
      bodyMax: IMPORT_BODY_MAX_BYTES,
    });
    if (!parsed.ok) return parsed;
    return this.importRecords({
      namespace: req.namespace,
      mode: req.mode,
      records: parsed.records,
    });
  }

  importRecords(req: ImportRequest): ImportOutcome {
    this.adoptNamespace(req.namespace, req.shard);
    const outcome = applyImport(this.engine, req, Date.now());
    this.persistence.writeChanges(this.engine);
    this.timers.armExpiryAlarm();
    return outcome;
  }

  /** Executes a batch and persists its changes in the same turn. */
  private runBatch(dialect: Dialect, conn: ConnState, items: readonly BatchItem[]): Reply[] {
    const replies = this.engine.run(dialect, conn, items, Date.now());
    this.commit();
    return replies;
  }

  /** Writes what the batches since the last commit changed (false: nothing), and keeps the expiry alarm right. */
  private commit(): boolean {
    // A paused script's writes are committed once, when it ends (GroupCommit resumes it).
    if (this.engine.busyScript) return false;
    const wrote = this.persistence.writeChanges(this.engine);
    this.timers.armExpiryAlarm();
    this.timers.armWaitTimer();
    return wrote;
  }

  private adoptNamespace(ns: string, shard?: ShardRef): void {
    if (shard) this.adoptShard(shard);
    if (this.engine.namespace === ns) return;
    this.engine.namespace = ns;
    this.persistence.setMeta(META.namespace, ns);
  }

  /**
   * Learns which shard this object is (spec §3.8 via shard-map.ts): until a CONFIG SET gives it
   * its own limit, it holds its share of the environment's MEMORY_LIMIT_BYTES.
   */
  private adoptShard({ shard, shards }: ShardRef): void {
    const ref = `${shard}/${shards}`;
    if (ref === this.shardRef || (shards === 1 && this.shardRef === "")) return;
    this.shardRef = ref;
    this.engine.sharded = shards > 1;
    this.engine.shardKeys = shardKeysOf(shard, shards);
    this.persistence.setMeta(META.shard, ref);
    if (this.persistence.meta(META.config) !== null) return;
    const maxmemory = limitShare(engineSettings(this.env, shards).maxmemory ?? 0, shard, shards);
    this.engine.config = { ...this.engine.config, maxmemory };
    this.engine.enforceLimit();
    this.persistence.writeChanges(this.engine);
  }

  /** Purges due keys (spec §3.6) and re-arms for the next expiry. */
  override async alarm(): Promise<void> {
    this.timers.armedAlarm = 0;
    this.runBatch("redis", newConn(0, { authed: true, readonly: false }), []);
  }

  /** WebSocket upgrades and SSE subscriptions, already authenticated by the Worker. */
  override async fetch(request: Request): Promise<Response> {
    const ns = request.headers.get(WS_HEADERS.namespace) ?? DEFAULT_NAMESPACE;
    const kind = (request.headers.get(WS_HEADERS.kind) ?? "redis") as SocketKind;
    const scope = request.headers.get(WS_HEADERS.scope);
    this.adoptNamespace(ns);
    const sseRoute = request.headers.get(SSE_ROUTE_HEADER);
    if (sseRoute !== null) {
      const readonly = scope === "readonly";
      return subscribeSse(this.engine, this.group, this.sseConns, request, sseRoute, readonly);
    }
    if (kind === "mux")
      return acceptMux(this.engine, this.group, this.muxes, new WebSocketPair(), scope, request);
    return this.sockets.accept(request, kind, scope);
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    await answerMessage(this.engine, this.group, this.sockets, ws, message);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    this.sockets.drop(ws);
    try {
      ws.close(answerClose(code), "");
    } catch {
      // already closed
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.sockets.drop(ws);
  }
}

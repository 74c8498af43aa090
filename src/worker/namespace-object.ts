// The Durable Object that owns one namespace (spec §1, §13): the engine in memory, SQLite as
// its durable copy, WebSocket connections with hibernation, and the expiry alarm.
//
// Every batch runs to completion synchronously and issues its storage writes in the same turn;
// replies leave through the output gate once those writes are durable (spec §13.1).

import { DurableObject } from "cloudflare:workers";
import { SYNC_TOKEN, withSyncToken } from "./doors/upstash-http.ts";
import { errorJson, parsePathCommand } from "../protocols/upstash.ts";
import { openSseSubscription } from "./sse-subscriber.ts";
import type { BatchItem, Dialect } from "../engine/command.ts";
import { COMMANDS } from "../engine/commands/index.ts";
import type { ConnState } from "../engine/conn-state.ts";
import { newConn } from "../engine/conn-state.ts";
import { Engine } from "../engine/engine.ts";
import { Flag } from "../engine/command-table.ts";
import type { EngineHost } from "../engine/engine.ts";
import type { Reply } from "../engine/reply.ts";
import {
  BLOCK_KEEPALIVE_MS,
  CLOSE_NORMAL,
  DEFAULT_NAMESPACE,
  HTTP_BLOCK_MAX_MS,
  REPLY_MAX_BYTES,
} from "../limits.ts";
import { authConfig, tokenScope } from "./auth.ts";
import type { Env } from "./env.ts";
import { engineSettings } from "./env.ts";
import { applyImport, exportPage } from "./export-import.ts";
import type {
  ExportImportRpc,
  ExportPage,
  ExportPageRequest,
  ImportOutcome,
  ImportRequest,
} from "./export-import.ts";
import { SSE_ROUTE_HEADER, WS_HEADERS } from "./namespace-api.ts";
import type {
  NamespaceRpc,
  ShardBatchRequest,
  ShardBatchResult,
  ShardRef,
  ShardWaitCancel,
  SocketKind,
} from "./namespace-api.ts";
import { finishBounded, isPlan } from "./doors/door.ts";
import type { DoorAnswer, DoorPlan, DoorRequest } from "./doors/door.ts";
import { planDoor } from "./doors/plan.ts";
import { Persistence } from "./persistence.ts";
import { META } from "./schema.ts";
import { limitShare } from "./shard-map.ts";
import { GroupCommit } from "./group-commit.ts";
import { MuxSession } from "./mux-door.ts";
import { HibernatableSockets } from "./hibernatable-sockets.ts";
import {
  TAG,
  answerClose,
  closeOnError,
  deliver,
  messageBytes,
  messageStep,
  socketOutput,
  waitsForPushes,
} from "./socket-step.ts";
import { WS_DIALECTS } from "./ws-dialects.ts";

/** The one shard of a namespace that is not sharded. */
const UNSHARDED: ShardRef = { shard: 0, shards: 1 };

export class NamespaceObject extends DurableObject<Env> implements NamespaceRpc, ExportImportRpc {
  private engine!: Engine;
  private persistence!: Persistence;
  /** Alarm time currently armed (Unix ms), 0 if none. */
  private armedAlarm = 0;
  /** The blocked clients' timer (armWaitTimer) and when it fires (Unix ms; 0: none). */
  private waitTimer: ReturnType<typeof setTimeout> | undefined;
  private waitTimerAt = 0;
  /** Load time of the last start, for the cold-load benchmark. */
  loadMs = 0;
  /** "<shard>/<shards>" when this object is a shard of a sharded namespace, else "". */
  private shardRef = "";
  /** The object's own hibernatable WebSockets and their contexts (hibernatable-sockets.ts). */
  private readonly sockets = new HibernatableSockets(this.ctx, () => this.engine);
  /** The shims' multiplexed sockets (not hibernatable: they pin the object while connected). */
  private readonly muxes = new Set<MuxSession>();
  /**
   * Blocked shard calls of Worker-held connections (runShard), by waitKey: cancelShardWait ends
   * one when its socket closes, so a later write is not popped for a client that is gone.
   */
  private readonly shardWaits = new Map<string, () => void>();
  /** Ids of those calls' contexts count down from -1: no socket of this object has one. */
  private shardWaitId = 0;
  /** Upstash SSE subscriptions' connections (sse-subscriber.ts), for CLIENT LIST. */
  private readonly sseConns = new Set<ConnState>();
  /** Batches arriving together run in one turn and commit once (src/worker/group-commit.ts). */
  private readonly group = new GroupCommit(
    () => this.commit(),
    () => this.ctx.storage.sync(),
  );

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      const t0 = performance.now();
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
      this.engine.sharded = Number(this.shardRef.split("/")[1] ?? 1) > 1;
      this.sockets.restore();
      this.armedAlarm = (await ctx.storage.getAlarm()) ?? 0;
      this.loadMs = performance.now() - t0;
    });
  }

  private host(): EngineHost {
    const auth = authConfig(this.env);
    return {
      snapshot: (engine, seq, at) => {
        this.persistence.flush(engine);
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
    if (hasBlocking(this.engine, plan.dialect, plan.items)) return this.exchangeBlocking(req, plan);
    const conn = newConn(0, { authed: true, readonly: req.readonly });
    return this.group.runOrQueue(() =>
      withSyncToken(
        req,
        finishBounded(
          plan,
          this.engine.run(plan.dialect, conn, plan.items, Date.now(), REPLY_MAX_BYTES),
        ),
        this.engine.store.writeSeq,
      ),
    );
  }

  /**
   * An HTTP request with a blocking command: its connection gets a sink, so the command waits
   * (up to HTTP_BLOCK_MAX_MS, then answers as a timeout would) while other clients are served;
   * the answer leaves when every command of the request has its reply.
   */
  private async exchangeBlocking(req: DoorRequest, plan: DoorPlan): Promise<DoorAnswer> {
    const conn = newConn(this.engine.nextClientId++, { authed: true, readonly: req.readonly });
    const replies = await this.runWaiting(conn, HTTP_BLOCK_MAX_MS, () =>
      this.engine.run(plan.dialect, conn, plan.items, Date.now(), REPLY_MAX_BYTES),
    );
    return withSyncToken(req, finishBounded(plan, replies), this.engine.store.writeSeq);
  }

  /**
   * Runs a batch that may block with a sink on its connection for the call's length: resolves
   * with every reply once no command of it waits any more (answered, timed out, or `cancel`led).
   */
  private async runWaiting(
    conn: ConnState,
    maxWaitMs: number | undefined,
    run: () => Reply[],
    cancel?: string,
  ): Promise<Reply[]> {
    const replies: Reply[] = [];
    let wake: () => void = () => {};
    const waited = new Promise<void>((resolve) => (wake = resolve));
    this.engine.attach(conn, {
      maxWaitMs,
      deliver: (rs) => {
        replies.push(...rs);
        if (!this.engine.blocking.of(conn.id)) wake();
      },
    });
    // Cancelled: it stops waiting and the commands behind it never run, as for a closed client.
    const stop = () => {
      this.engine.detach(conn);
      wake();
    };
    if (cancel) this.shardWaits.set(cancel, stop);
    try {
      replies.push(...(await this.group.runOrQueue(run)));
      if (this.engine.blocking.of(conn.id)) await waited;
    } finally {
      this.engine.detach(conn);
      if (cancel && this.shardWaits.get(cancel) === stop) this.shardWaits.delete(cancel);
    }
    return replies;
  }

  /**
   * Runs a batch for one shard of a sharded namespace (RPC from the Worker's router) with the
   * connection context the Worker keeps, and returns the context as the batch left it.
   */
  async runShard(req: ShardBatchRequest): Promise<ShardBatchResult> {
    this.adoptNamespace(req.namespace, req);
    if (!req.withContext && hasBlocking(this.engine, req.dialect, req.items)) {
      // It waits here, its context holding a sink under an id of this call's own, while this
      // object serves everyone else; the Worker's socket keeps relaying its pushes meanwhile.
      const conn = { ...req.conn, id: --this.shardWaitId };
      const replies = await this.runWaiting(
        conn,
        req.blockMaxMs,
        () => this.engine.run(req.dialect, conn, req.items, Date.now(), REPLY_MAX_BYTES),
        req.waitKey,
      );
      return { replies };
    }
    // The Worker's client ids come from shard 0's counter, this object's sockets' (the Worker's
    // subscription links among them) from its own: the call runs as id 0, which no connection
    // here has, so no push or wait of another connection is taken for it.
    const conn = { ...req.conn, id: 0 };
    const replies = await this.group.submit(() =>
      this.engine.run(req.dialect, conn, req.items, Date.now(), REPLY_MAX_BYTES),
    );
    return req.withContext ? { replies, conn: { ...conn, id: req.conn.id } } : { replies };
  }

  /** Ends a Worker-held connection's blocked command here (its socket closed). */
  cancelShardWait(req: ShardWaitCancel): void {
    this.shardWaits.get(req.waitKey)?.();
    this.shardWaits.delete(req.waitKey);
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
  importRecords(req: ImportRequest): ImportOutcome {
    this.adoptNamespace(req.namespace, req.shard);
    const outcome = applyImport(this.engine, req, Date.now());
    this.persistence.flush(this.engine);
    this.armExpiryAlarm();
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
    const wrote = this.persistence.flush(this.engine);
    this.armExpiryAlarm();
    this.armWaitTimer();
    return wrote;
  }

  /**
   * Keeps one timer at the earliest deadline of a blocked client (BLOCK_KEEPALIVE_MS when every
   * one waits forever: a pending timer also keeps the object, and the waiters, from hibernating).
   * When it fires, an empty batch answers the clients whose time is up.
   */
  private armWaitTimer(): void {
    const next = this.engine.blocking.nextDeadline();
    // Waiters without a deadline: any armed timer will do (it re-arms when it fires).
    if (next === Infinity && this.waitTimerAt !== 0) return;
    const at = next === Infinity ? Date.now() + BLOCK_KEEPALIVE_MS : next;
    if (at === this.waitTimerAt) return;
    clearTimeout(this.waitTimer);
    this.waitTimerAt = at;
    if (at === 0) return;
    this.waitTimer = setTimeout(
      () => {
        this.waitTimerAt = 0;
        void this.group.runOrQueue(() =>
          this.engine.run("redis", newConn(0, { authed: true, readonly: false }), [], Date.now()),
        );
      },
      Math.max(0, at - Date.now()),
    );
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
    this.persistence.setMeta(META.shard, ref);
    if (this.persistence.meta(META.config) !== null) return;
    const maxmemory = limitShare(engineSettings(this.env, shards).maxmemory ?? 0, shard, shards);
    this.engine.config = { ...this.engine.config, maxmemory };
    this.engine.enforceLimit();
    this.persistence.flush(this.engine);
  }

  private armExpiryAlarm(): void {
    const next = this.engine.dbs.nextExpiry();
    if (next === this.armedAlarm) return;
    this.armedAlarm = next;
    if (next === 0) void this.ctx.storage.deleteAlarm();
    else void this.ctx.storage.setAlarm(next);
  }

  /** Purges due keys (spec §3.6) and re-arms for the next expiry. */
  override async alarm(): Promise<void> {
    this.armedAlarm = 0;
    this.runBatch("redis", newConn(0, { authed: true, readonly: false }), []);
  }

  /** WebSocket upgrades and SSE subscriptions, already authenticated by the Worker. */
  override async fetch(request: Request): Promise<Response> {
    const ns = request.headers.get(WS_HEADERS.namespace) ?? DEFAULT_NAMESPACE;
    const kind = (request.headers.get(WS_HEADERS.kind) ?? "redis") as SocketKind;
    const scope = request.headers.get(WS_HEADERS.scope);
    this.adoptNamespace(ns);
    const sseRoute = request.headers.get(SSE_ROUTE_HEADER);
    if (sseRoute !== null) return this.subscribeSse(request, sseRoute, scope === "readonly");
    if (kind === "mux") return this.acceptMux(new WebSocketPair(), scope, request);
    return this.sockets.accept(request, kind, scope);
  }

  /** An Upstash `B/subscribe/…` or `B/psubscribe/…` request: its messages as SSE (sse-subscriber.ts). */
  private subscribeSse(request: Request, route: string, readonly: boolean): Promise<Response> {
    const argv = parsePathCommand(route, new URL(request.url).search, null);
    if (!argv.ok)
      return Promise.resolve(
        new Response(errorJson(argv.error), {
          status: 400,
          headers: { "Content-Type": "application/json" },
        }),
      );
    return openSseSubscription(
      this.engine,
      (work) => this.group.runOrQueue(work),
      this.sseConns,
      argv.value,
      readonly,
      { [SYNC_TOKEN]: String(this.engine.store.writeSeq) },
    );
  }

  /**
   * A shim's multiplexed socket: every message's frames run in one turn and are committed once
   * (src/worker/mux-door.ts). Accepted without hibernation, so the connection contexts it carries
   * stay in memory for the socket's life.
   */
  private acceptMux(
    pair: { 0: WebSocket; 1: WebSocket },
    scope: string | null,
    request: Request,
  ): Response {
    const ws = pair[1];
    ws.accept();
    // Frames must be read synchronously in the message event (a Blob would need an await).
    ws.binaryType = "arraybuffer";
    const session = new MuxSession(
      {
        run: (dialect, conn, items) =>
          this.engine.run(dialect, conn, items, Date.now(), REPLY_MAX_BYTES),
        nextClientId: () => this.engine.nextClientId++,
        valueMax: this.engine.valueMax,
        bulkMax: () => this.engine.stringMax,
        attach: (conn, sink) => this.engine.attach(conn, sink),
        detach: (conn) => this.engine.detach(conn),
        waits: (conn) => waitsForPushes(this.engine, conn),
        send: (msg) => {
          try {
            ws.send(msg);
          } catch {
            // closed: the close handler forgets the session
          }
        },
      },
      scope === "full" || scope === "readonly" ? scope : "none",
      `${request.headers.get("CF-Connecting-IP") ?? "unknown"}:0`,
    );
    this.muxes.add(session);
    const forget = () => {
      this.muxes.delete(session);
      session.close();
    };
    ws.addEventListener("message", (e: MessageEvent) => {
      const bytes = messageBytes(e.data as string | ArrayBuffer);
      // The reply message goes out even when empty: the shim counts one per message.
      void this.serve(
        ws,
        () => session.handle(bytes),
        (out) => ws.send(out),
        "mux message",
        forget,
      );
    });
    const end = () => {
      forget();
      try {
        ws.close(CLOSE_NORMAL, "");
      } catch {
        // already closed
      }
    };
    ws.addEventListener("close", end);
    ws.addEventListener("error", end);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const s = this.sockets.session(ws)!;
    const { conn } = s.a;
    const door = WS_DIALECTS[s.a.dialect]!;
    const bytes = messageBytes(message);
    const run = (items: BatchItem[]) =>
      this.engine.run(door.dialect, conn, items, Date.now(), REPLY_MAX_BYTES);
    await this.serve(
      ws,
      () => messageStep(door, conn, bytes, this.engine.valueMax, run),
      (r) => {
        deliver(socketOutput(ws, door.text, s.a.tagged ? TAG.answer : undefined), r);
        this.sockets.answered(ws, s, r);
      },
      "websocket message",
    );
  }

  /**
   * Runs one socket message's work with its group (at once, or after the commit in flight) and
   * hands its result to `after` once the work's writes are issued, so the output gate holds what
   * `after` sends until they are durable (uncontended, all in this turn). A failure closes the
   * socket (socket-step.ts closeOnError) after `failed`.
   */
  private serve<T>(
    ws: WebSocket,
    work: () => T,
    after: (result: T) => void,
    what: string,
    failed?: () => void,
  ): void | Promise<void> {
    const fail = (err: unknown) => {
      failed?.();
      closeOnError(ws, err, what);
    };
    try {
      const ran = this.group.runOrQueue(work);
      if (ran instanceof Promise) return ran.then(after).catch(fail);
      after(ran);
    } catch (err) {
      fail(err);
    }
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

  /** Milliseconds the last start spent loading (cold-load benchmark). */
  lastLoadMs(): number {
    return this.loadMs;
  }
}

/** True when a batch holds a command that may block (BLPOP, XREAD …: Redis's `blocking` flag). */
function hasBlocking(engine: Engine, dialect: Dialect, items: readonly BatchItem[]): boolean {
  if (dialect !== "redis") return false;
  for (const it of items) {
    if (!("argv" in it)) continue;
    const spec = engine.table.find(dialect, it.argv[0] ?? "");
    if (spec && spec.flags & Flag.BLOCKING) return true;
  }
  return false;
}

// The Durable Object that owns one namespace (spec §1, §13): the engine in memory, SQLite as
// its durable copy, WebSocket connections with hibernation, and the expiry alarm.
//
// Every batch runs to completion synchronously and issues its storage writes in the same turn;
// replies leave through the output gate once those writes are durable (spec §13.1).

import { DurableObject } from "cloudflare:workers";
import { withSyncToken } from "./doors/upstash-http.ts";
import type { BatchItem, Dialect } from "../engine/command.ts";
import { COMMANDS } from "../engine/commands/index.ts";
import type { ConnState } from "../engine/conn-state.ts";
import { newConn } from "../engine/conn-state.ts";
import { Engine } from "../engine/engine.ts";
import type { EngineHost } from "../engine/engine.ts";
import type { Reply } from "../engine/reply.ts";
import { CLOSE_NORMAL, DEFAULT_NAMESPACE, REPLY_MAX_BYTES } from "../limits.ts";
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
import { WS_HEADERS } from "./namespace-api.ts";
import type {
  NamespaceRpc,
  ShardBatchRequest,
  ShardBatchResult,
  ShardRef,
  SocketKind,
} from "./namespace-api.ts";
import { finishBounded, isPlan } from "./doors/door.ts";
import type { DoorAnswer, DoorRequest } from "./doors/door.ts";
import { planDoor } from "./doors/plan.ts";
import { Persistence } from "./persistence.ts";
import { META } from "./schema.ts";
import { limitShare } from "./shard-map.ts";
import { GroupCommit } from "./group-commit.ts";
import { MuxSession } from "./mux-door.ts";
import {
  answerClose,
  closeOnError,
  deliver,
  messageBytes,
  messageStep,
  socketOutput,
} from "./socket-step.ts";
import { WS_DIALECTS } from "./ws-dialects.ts";
import type { WsAttachment } from "./ws-dialects.ts";

/** The one shard of a namespace that is not sharded. */
const UNSHARDED: ShardRef = { shard: 0, shards: 1 };

export class NamespaceObject extends DurableObject<Env> implements NamespaceRpc, ExportImportRpc {
  private engine!: Engine;
  private persistence!: Persistence;
  /** Alarm time currently armed (Unix ms), 0 if none. */
  private armedAlarm = 0;
  /** Load time of the last start, for the cold-load benchmark. */
  loadMs = 0;
  /** "<shard>/<shards>" when this object is a shard of a sharded namespace, else "". */
  private shardRef = "";
  /**
   * Live connection contexts, so a message does not deserialize its socket's attachment. The
   * attachment stays the durable copy: rewritten when the context's persistent part changes, and
   * read again after hibernation (when this map starts empty).
   */
  private readonly sessions = new WeakMap<WebSocket, { a: WsAttachment; saved: string }>();
  /** The shims' multiplexed sockets (not hibernatable: they pin the object while connected). */
  private readonly muxes = new Set<MuxSession>();
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
      for (const ws of ctx.getWebSockets()) {
        const a = ws.deserializeAttachment() as WsAttachment | null;
        if (a) this.engine.nextClientId = Math.max(this.engine.nextClientId, a.conn.id + 1);
      }
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
        ...this.ctx.getWebSockets().flatMap((ws) => {
          const a = this.session(ws)?.a;
          return a && a.dialect === "redis" ? [a.conn] : [];
        }),
        ...[...this.muxes].flatMap((m) => m.contexts()),
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
   * Runs a batch for one shard of a sharded namespace (RPC from the Worker's router) with the
   * connection context the Worker keeps, and returns the context as the batch left it.
   */
  async runShard(req: ShardBatchRequest): Promise<ShardBatchResult> {
    this.adoptNamespace(req.namespace, req);
    const replies = await this.group.submit(() =>
      this.engine.run(req.dialect, req.conn, req.items, Date.now(), REPLY_MAX_BYTES),
    );
    return req.withContext ? { replies, conn: req.conn } : { replies };
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

  /** WebSocket upgrades, already authenticated by the Worker. */
  override async fetch(request: Request): Promise<Response> {
    const ns = request.headers.get(WS_HEADERS.namespace) ?? DEFAULT_NAMESPACE;
    const kind = (request.headers.get(WS_HEADERS.kind) ?? "redis") as SocketKind;
    const scope = request.headers.get(WS_HEADERS.scope);
    this.adoptNamespace(ns);
    const pair = new WebSocketPair();
    if (kind === "mux") return this.acceptMux(pair, scope, request);
    const dialect = kind;
    const conn = newConn(this.engine.nextClientId++, {
      authed: scope === "full" || scope === "readonly",
      readonly: scope === "readonly",
      addr: `${request.headers.get("CF-Connecting-IP") ?? "unknown"}:0`,
    });
    const attachment: WsAttachment = { dialect, conn };
    this.ctx.acceptWebSocket(pair[1]);
    pair[1].serializeAttachment(attachment);
    this.sessions.set(pair[1], { a: attachment, saved: persistentState(conn) });
    return new Response(null, { status: 101, webSocket: pair[0] });
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

  /** The context of a socket: from memory, or from its attachment after hibernation. */
  private session(ws: WebSocket): { a: WsAttachment; saved: string } | undefined {
    let s = this.sessions.get(ws);
    if (!s) {
      const a = ws.deserializeAttachment() as WsAttachment | null;
      if (!a) return undefined;
      s = { a, saved: persistentState(a.conn) };
      this.sessions.set(ws, s);
    }
    return s;
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const s = this.session(ws)!;
    const { conn } = s.a;
    const door = WS_DIALECTS[s.a.dialect]!;
    const bytes = messageBytes(message);
    const run = (items: BatchItem[]) =>
      this.engine.run(door.dialect, conn, items, Date.now(), REPLY_MAX_BYTES);
    await this.serve(
      ws,
      () => messageStep(door, conn, bytes, this.engine.valueMax, run),
      (r) => {
        deliver(socketOutput(ws, door.text), r);
        if (!r.close) this.saveContext(ws, s);
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

  /** Rewrites a socket's attachment when the persistent part of its context changed. */
  private saveContext(ws: WebSocket, s: { a: WsAttachment; saved: string }): void {
    const state = persistentState(s.a.conn);
    if (state === s.saved) return;
    ws.serializeAttachment(s.a);
    s.saved = state;
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(answerClose(code), "");
    } catch {
      // already closed
    }
  }

  override async webSocketError(): Promise<void> {}

  /** Milliseconds the last start spent loading (cold-load benchmark). */
  lastLoadMs(): number {
    return this.loadMs;
  }
}

/**
 * The part of a connection context that must survive hibernation (spec §1); activity fields
 * (last command, idle time) are refreshed in the attachment only along with it.
 */
function persistentState(c: ConnState): string {
  return `${+c.authed}${+c.readonly}${c.resp}|${c.db}|${c.name}|${c.libName}|${c.libVer}|${c.multi ? c.multi.length : -1}|${+c.multiFailed}|${c.watch ? c.watch.length : -1}`;
}

// The Durable Object that owns one namespace (spec §1, §13): the engine in memory, SQLite as
// its durable copy, WebSocket connections with hibernation, and the expiry alarm.
//
// Every batch runs to completion synchronously and issues its storage writes in the same turn;
// replies leave through the output gate once those writes are durable (spec §13.1).

import { DurableObject } from "cloudflare:workers";
import type { BatchItem, Dialect } from "../engine/command.ts";
import { COMMANDS } from "../engine/commands/index.ts";
import type { ConnState } from "../engine/conn-state.ts";
import { newConn } from "../engine/conn-state.ts";
import { Engine } from "../engine/engine.ts";
import type { EngineHost } from "../engine/engine.ts";
import type { Reply } from "../engine/reply.ts";
import { CLOSE_INTERNAL, CLOSE_NORMAL, DEFAULT_NAMESPACE } from "../limits.ts";
import { authConfig, tokenScope } from "./auth.ts";
import type { Env } from "./env.ts";
import { engineSettings } from "./env.ts";
import { applyImport, exportPage } from "./export-import.ts";
import type {
  ExportPage,
  ExportPageRequest,
  ImportOutcome,
  ImportRequest,
} from "./export-import.ts";
import { isPlan } from "./doors/door.ts";
import type { DoorAnswer, DoorRequest } from "./doors/door.ts";
import { planDoor } from "./doors/plan.ts";
import { Persistence } from "./persistence.ts";
import { META } from "./schema.ts";
import { limitShare } from "./shard-map.ts";
import { GroupCommit } from "./group-commit.ts";
import { MuxSession } from "./mux-door.ts";
import { WS_DIALECTS } from "./ws-dialects.ts";
import type { WsAttachment } from "./ws-dialects.ts";

/** Which shard of a sharded namespace a request is for (absent: the namespace has one shard). */
export interface ShardRef {
  shard: number;
  shards: number;
}

/** A batch for one shard of a sharded namespace, run with the caller's connection context. */
export interface ShardBatchRequest extends ShardRef {
  namespace: string;
  dialect: Dialect;
  items: BatchItem[];
  conn: ConnState;
  /** Return the context as the batch left it (EXEC and WATCH change it; nothing else does). */
  withContext: boolean;
}

/** A shard's replies, and the connection context after the batch when asked for. */
export interface ShardBatchResult {
  replies: Reply[];
  conn?: ConnState;
}

/** The one shard of a namespace that is not sharded. */
const UNSHARDED: ShardRef = { shard: 0, shards: 1 };

/** Headers by which the Worker tells the object about a WebSocket upgrade it has authenticated. */
export const WS_HEADERS = {
  namespace: "X-Blink-Namespace",
  dialect: "X-Blink-Dialect",
  scope: "X-Blink-Scope",
} as const;

export class NamespaceObject extends DurableObject<Env> {
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
      const settings = engineSettings(env);
      if (typeof ref === "string") {
        this.shardRef = ref;
        const [shard, shards] = ref.split("/").map(Number) as [number, number];
        settings.maxmemory = limitShare(settings.maxmemory ?? 0, shard, shards);
      }
      this.engine = new Engine(
        COMMANDS,
        typeof ns === "string" ? ns : DEFAULT_NAMESPACE,
        settings,
        this.host(),
      );
      this.persistence.load(this.engine);
      this.engine.sharded = this.shardRef !== "" && !this.shardRef.endsWith("/1");
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
      plan.finish(this.engine.run(plan.dialect, conn, plan.items, Date.now())),
    );
  }

  /**
   * Runs a batch for one shard of a sharded namespace (RPC from the Worker's router) with the
   * connection context the Worker keeps, and returns the context as the batch left it.
   */
  async runShard(req: ShardBatchRequest): Promise<ShardBatchResult> {
    this.adoptNamespace(req.namespace, req);
    const replies = await this.group.submit(() =>
      this.engine.run(req.dialect, req.conn, req.items, Date.now()),
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
    const maxmemory = limitShare(engineSettings(this.env).maxmemory ?? 0, shard, shards);
    this.engine.config = { ...this.engine.config, maxmemory };
    this.engine.enforceLimit();
    this.persistence.flush(this.engine);
  }

  private armExpiryAlarm(): void {
    const next = this.engine.store.nextExpiry();
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
    const dialect = (request.headers.get(WS_HEADERS.dialect) ?? "redis") as Dialect;
    const scope = request.headers.get(WS_HEADERS.scope);
    this.adoptNamespace(ns);
    const pair = new WebSocketPair();
    if ((dialect as string) === "mux") return this.acceptMux(pair, scope, request);
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
        run: (dialect, conn, items) => this.engine.run(dialect, conn, items, Date.now()),
        // The group commits for every batch that ran with this message's.
        commit: () => {},
        nextClientId: () => this.engine.nextClientId++,
        valueMax: this.engine.valueMax,
      },
      scope === "full" || scope === "readonly" ? scope : "none",
      `${request.headers.get("CF-Connecting-IP") ?? "unknown"}:0`,
    );
    this.muxes.add(session);
    const fail = (err: unknown) => {
      console.error("blink-edge: mux message failed", err);
      this.muxes.delete(session);
      ws.close(CLOSE_INTERNAL, "internal error");
    };
    ws.addEventListener("message", (e: MessageEvent) => {
      let ran;
      try {
        ran = this.group.runOrQueue(() => session.handle(e.data as ArrayBuffer | string));
      } catch (err) {
        return fail(err);
      }
      // Uncontended, the reply leaves in this turn (held by the output gate until durable).
      if (ran instanceof Promise) ran.then((out) => ws.send(out), fail);
      else ws.send(ran);
    });
    const end = () => {
      this.muxes.delete(session);
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
    const a = s.a;
    const door = WS_DIALECTS[a.dialect];
    try {
      const ran = this.group.runOrQueue(() => {
        const parsed = door.parse(message, a.conn, this.engine.valueMax);
        const replies = parsed.items.length
          ? this.engine.run(door.dialect, a.conn, parsed.items, Date.now())
          : [];
        const bytes = door.encode(replies, a.conn, parsed.errorText);
        return { out: bytes, close: parsed.close ?? (a.conn.closing ? CLOSE_NORMAL : 0) };
      });
      // Uncontended, the reply goes out in this same turn (the output gate still holds it until
      // the batch's writes are durable).
      const { out, close } = ran instanceof Promise ? await ran : ran;
      if (close === 0 || out.length > 0) ws.send(out);
      if (close) ws.close(close, "");
      else {
        const state = persistentState(a.conn);
        if (state !== s.saved) {
          ws.serializeAttachment(a);
          s.saved = state;
        }
      }
    } catch (e) {
      console.error("blink-edge: websocket message failed", e);
      ws.close(CLOSE_INTERNAL, "internal error");
    }
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? CLOSE_NORMAL : code, "");
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
  return `${+c.authed}${+c.readonly}${c.resp}|${c.name}|${c.libName}|${c.libVer}|${c.multi ? c.multi.length : -1}|${+c.multiFailed}|${c.watch ? c.watch.length : -1}`;
}

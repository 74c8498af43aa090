// The namespace object's own WebSockets (the Blink, Redis and gevent doors, and the shim's
// per-connection links): accepted with hibernation, each with its connection context in memory
// and, durably, in its attachment (spec §1), its subscriptions in socket_subs rows and its MULTI
// queue in socket_multi rows (socket-multi.ts). After a
// hibernation the object's memory is new: `restore` rebuilds every socket's context, its sink,
// its subscriptions and its CLIENT TRACKING mode.

import type { ConnState } from "../engine/conn-state.ts";
import { newConn } from "../engine/conn-state.ts";
import type { Engine } from "../engine/engine.ts";
import type { Dialect } from "../engine/command.ts";
import type { StepResult } from "./socket-step.ts";
import { TAG, TAGGED_PARAM, socketOutput, waitingMessage, waitsForPushes } from "./socket-step.ts";
import {
  dropSubscriptions,
  ensureSubscriptionTable,
  loadSubscriptions,
  noSavedSubscriptions,
  saveSubscriptions,
} from "./socket-subscriptions.ts";
import type { SavedSubscriptions } from "./socket-subscriptions.ts";
import {
  dropGoneQueues,
  dropQueue,
  ensureMultiTable,
  loadQueue,
  noSavedQueue,
  saveQueue,
} from "./socket-multi.ts";
import type { SavedQueue } from "./socket-multi.ts";
import { encodePushes } from "./ws-dialects.ts";
import { noDebt, pushedPastLimit, showedLife } from "./output-limit.ts";
import type { WsAttachment } from "./ws-dialects.ts";

/** A socket's context in memory: its attachment, and what of it was last saved. */
export interface Session {
  a: WsAttachment;
  /** persistentState at the last attachment write. */
  saved: string;
  /** Subscriptions version at the last write of its rows (0: none written). */
  subsSaved: number;
  /** What its socket_subs rows hold (written as they change, not rewritten whole). */
  rows: SavedSubscriptions;
  /** What its socket_multi rows hold (appended as commands are queued). */
  queued: SavedQueue;
  /** What the last TAG.waiting message told a tagged socket (memory only). */
  waiting?: boolean;
  /** `a.debt.unread` when the attachment was last written (output-limit.ts). */
  debtSaved?: number;
  /** Past its output limit: being closed, nothing more is sent. */
  cut?: boolean;
}

/** Steps at which a subscriber's unanswered output is written to its attachment. */
const DEBT_STEP_BYTES = 1048576;

export class HibernatableSockets {
  private readonly ctx: DurableObjectState;
  private readonly engine: () => Engine;
  /**
   * Live connection contexts, so a message does not deserialize its socket's attachment. The
   * attachment stays the durable copy: rewritten when the context's persistent part changes, and
   * read again after hibernation (when this map starts empty).
   */
  private readonly sessions = new WeakMap<WebSocket, Session>();

  constructor(ctx: DurableObjectState, engine: () => Engine) {
    this.ctx = ctx;
    this.engine = engine;
  }

  /**
   * After a start (a hibernation ended, or a restart with no sockets): every socket's context
   * and sink, client ids past theirs, subscriptions from their rows, tracking modes from their
   * attachments (with an "everything" invalidation: what each had read was forgotten).
   */
  restore(): void {
    const engine = this.engine();
    const sql = this.ctx.storage.sql;
    ensureSubscriptionTable(sql);
    ensureMultiTable(sql);
    const live = new Map<number, Session>();
    for (const ws of this.ctx.getWebSockets()) {
      const s = this.session(ws);
      if (!s) continue;
      engine.nextClientId = Math.max(engine.nextClientId, s.a.conn.id + 1);
      live.set(s.a.conn.id, s);
    }
    dropGoneQueues(sql, new Set(live.keys()));
    for (const [id, subs] of loadSubscriptions(sql, new Set(live.keys()))) {
      const s = live.get(id)!;
      for (const kind of ["channels", "patterns", "shard"] as const)
        for (const name of subs[kind]) {
          engine.pubsub.add(s.a.conn, kind, name);
          s.rows[kind].add(name);
        }
      s.subsSaved = s.a.conn.subs?.version ?? 0;
      // What the shim was last told (a blocked client never hibernates: its timer holds us).
      s.waiting = true;
    }
    for (const s of live.values()) engine.tracking.restore(s.a.conn);
  }

  /** Accepts an upgrade the Worker authenticated: a new connection of `dialect`. */
  accept(request: Request, dialect: Dialect, scope: string | null): Response {
    const engine = this.engine();
    const pair = new WebSocketPair();
    const conn = newConn(engine.nextClientId++, {
      authed: scope === "full" || scope === "readonly",
      readonly: scope === "readonly",
      addr: `${request.headers.get("CF-Connecting-IP") ?? "unknown"}:0`,
    });
    const tagged = new URL(request.url).searchParams.get(TAGGED_PARAM) === "1";
    const attachment: WsAttachment = tagged ? { dialect, conn, tagged } : { dialect, conn };
    this.ctx.acceptWebSocket(pair[1]);
    pair[1].serializeAttachment(attachment);
    const s: Session = {
      a: attachment,
      saved: persistentState(conn),
      subsSaved: 0,
      rows: noSavedSubscriptions(),
      queued: noSavedQueue(),
    };
    this.sessions.set(pair[1], s);
    this.attach(pair[1], s);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /** The context of a socket: from memory, or from its attachment after hibernation. */
  session(ws: WebSocket): Session | undefined {
    let s = this.sessions.get(ws);
    if (!s) {
      const a = ws.deserializeAttachment() as WsAttachment | null;
      if (!a) return undefined;
      // Fields added after the attachment was written (an older deploy) start as a new conn's.
      a.conn.subs ??= null;
      a.conn.replyMode ??= "on";
      a.conn.tracking ??= null;
      // An open MULTI's queue is in rows (an attachment of an older deploy may hold it itself).
      const queued = noSavedQueue();
      if (a.conn.multi?.length === 0) {
        a.conn.multi = loadQueue(this.ctx.storage.sql, a.conn.id);
        queued.queue = a.conn.multi;
        queued.count = a.conn.multi.length;
      }
      s = {
        a,
        saved: persistentState(a.conn),
        subsSaved: 0,
        rows: noSavedSubscriptions(),
        queued,
        debtSaved: a.debt?.unread ?? 0,
      };
      this.sessions.set(ws, s);
      this.attach(ws, s);
    }
    return s;
  }

  /** The Redis connections of every socket (CLIENT LIST). */
  contexts(): ConnState[] {
    return this.ctx.getWebSockets().flatMap((ws) => {
      const a = this.session(ws)?.a;
      return a && a.dialect === "redis" ? [a.conn] : [];
    });
  }

  /** After a message's reply was sent: the shim's waiting flag, the attachment and the rows. */
  answered(ws: WebSocket, s: Session, r: StepResult): void {
    if (r.close) return;
    this.signalWaiting(ws, s);
    this.saveContext(ws, s);
  }

  /** A socket ended: its subscriptions and its wait end with it. */
  drop(ws: WebSocket): void {
    const s = this.session(ws);
    if (!s) return;
    this.engine().detach(s.a.conn);
    if (s.subsSaved) dropSubscriptions(this.ctx.storage.sql, s.a.conn.id);
    s.subsSaved = 0;
    s.rows = noSavedSubscriptions();
    if (s.queued.count) dropQueue(this.ctx.storage.sql, s.a.conn.id);
    s.queued = noSavedQueue();
  }

  /** A Redis socket's sink: pushes and late replies leave as messages of their own. */
  private attach(ws: WebSocket, s: Session): void {
    if (s.a.dialect !== "redis") return;
    const out = socketOutput(ws, false, s.a.tagged ? TAG.unsolicited : undefined);
    const conn = s.a.conn;
    this.engine().attach(conn, {
      deliver: (replies) => {
        if (s.cut) return;
        const bytes = encodePushes(replies, conn);
        if (bytes.length === 0) return;
        try {
          out.send(bytes);
          this.signalWaiting(ws, s);
        } catch {
          // closed: webSocketClose detaches it
        }
        // The shim reads its links at once and bounds its own clients: only direct clients count.
        if (!s.a.tagged) this.countOutput(ws, s, bytes.length);
      },
    });
  }

  /** A client message arrived: whatever was pushed before it was read (output-limit.ts). */
  heard(ws: WebSocket, s: Session): void {
    if (!s.a.debt) return;
    showedLife(s.a.debt);
    if (s.debtSaved) this.writeAttachment(ws, s);
  }

  /**
   * Counts pushed bytes the client has not answered; past CONFIG's pubsub output limit the
   * socket is closed (output-limit.ts). The count is written to the attachment at each MiB
   * step, so a hibernation between publishes does not reset it by more than that.
   */
  private countOutput(ws: WebSocket, s: Session, bytes: number): void {
    const debt = (s.a.debt ??= noDebt());
    const cut = pushedPastLimit(debt, bytes, this.engine().params, (code, reason) => {
      try {
        ws.close(code, reason);
      } catch {
        // already closed
      }
      this.drop(ws);
    });
    if (cut) {
      s.cut = true;
      return;
    }
    if (
      Math.floor(debt.unread / DEBT_STEP_BYTES) !== Math.floor((s.debtSaved ?? 0) / DEBT_STEP_BYTES)
    )
      this.writeAttachment(ws, s);
  }

  /**
   * Rewrites a socket's attachment when the persistent part of its context changed, and its
   * subscription and MULTI queue rows when those did (socket-subscriptions.ts, socket-multi.ts).
   */
  private saveContext(ws: WebSocket, s: Session): void {
    const conn = s.a.conn;
    saveQueue(this.ctx.storage.sql, conn, s.queued);
    if (conn.subs && conn.subs.version !== s.subsSaved) {
      saveSubscriptions(this.ctx.storage.sql, conn, s.rows);
      s.subsSaved = conn.subs.version;
    }
    const state = persistentState(conn);
    if (state === s.saved) return;
    this.writeAttachment(ws, s);
    s.saved = state;
  }

  /** Writes a socket's attachment: its context (without subscriptions and queue) and output debt. */
  private writeAttachment(ws: WebSocket, s: Session): void {
    // The subscriptions and the MULTI queue live in their rows: an attachment holds at most
    // 16 KiB (WS_ATTACHMENT_MAX_BYTES); an open MULTI is an empty queue here.
    const conn = s.a.conn;
    try {
      ws.serializeAttachment({ ...s.a, conn: { ...conn, subs: null, multi: conn.multi && [] } });
      s.debtSaved = s.a.debt?.unread ?? 0;
    } catch (err) {
      // Past the platform's 16 KiB (a long WATCH list, many BCAST prefixes): the socket keeps
      // working while the object is in memory; only a hibernation would find the older state.
      console.warn("blink-edge: connection state too large for its attachment", err);
    }
  }

  /** Tells a shim's tagged socket when its connection started or stopped waiting for pushes. */
  private signalWaiting(ws: WebSocket, s: Session): void {
    if (!s.a.tagged || s.a.dialect !== "redis") return;
    const now = waitsForPushes(this.engine(), s.a.conn);
    if (now === (s.waiting ?? false)) return;
    s.waiting = now;
    ws.send(waitingMessage(now));
  }
}

/**
 * The part of a connection context that must survive hibernation (spec §1); activity fields
 * (last command, idle time) are refreshed in the attachment only along with it. Of a MULTI only
 * whether it is open counts: its queue is in rows (socket-multi.ts).
 */
function persistentState(c: ConnState): string {
  const t = c.tracking;
  const tracking = t
    ? `${t.redirect}${+t.bcast}${+t.optin}${+t.optout}${+t.noloop}${+t.brokenRedir}${t.prefixes.length}`
    : "-";
  return `${+c.authed}${+c.readonly}${c.resp}|${c.db}|${c.name}|${c.libName}|${c.libVer}|${c.multi ? 1 : 0}|${+c.multiFailed}|${c.watch ? c.watch.length : -1}|${tracking}`;
}

// Many TCP connections over one WebSocket (issue 8, protocol in src/protocols/mux.ts). Batches
// from every connection that arrive in the same event-loop turn leave as one message, so 50
// clients each waiting on one command cost the object one message and one storage commit instead
// of fifty. Each connection keeps its own context in the object (MULTI, WATCH, AUTH, RESP3).
//
// If the Worker has no mux route for this URL (a sharded namespace, an older Worker), every link
// falls back to its own WebSocket.

import WebSocket from "ws";
import type { ClientRequest, IncomingMessage } from "node:http";
import { MUX_PART_BYTES, SHIM_UPSTREAM_TIMEOUT_MS, WS_MESSAGE_MAX_BYTES } from "../../limits.ts";
import {
  MUX_DIALECTS,
  MUX_OP,
  MuxWriter,
  isUnsolicited,
  readEnd,
  readMuxFrames,
} from "../../protocols/mux.ts";
import type { ShimDialect } from "./dialects.ts";
import { WebSocketConnector, upstreamUrl } from "./upstream.ts";
import type {
  UpstreamConnector,
  UpstreamEvents,
  UpstreamFailure,
  UpstreamLink,
  WebSocketConnectorOptions,
} from "./upstream.ts";

/**
 * Messages sent and not yet answered. While they are out, new frames wait and then leave
 * together: the object commits each message once, so fewer, fuller messages mean fewer commits
 * (group commit). Two keeps the link busy while one reply is on its way back.
 */
const MUX_MAX_INFLIGHT_MESSAGES = 2;
const HTTP_UNAUTHORIZED = 401;
const HTTP_FORBIDDEN = 403;
/** Statuses meaning "no mux here": use one WebSocket per connection instead. */
const NO_MUX_STATUSES = new Set([400, 404, 405, 426, 501]);

type State = "idle" | "connecting" | "open" | "fallback";

export class MuxConnector implements UpstreamConnector {
  private readonly opts: WebSocketConnectorOptions;
  private readonly fallback: WebSocketConnector;
  private state: State = "idle";
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly links = new Map<number, MuxLink>();
  /** Links created while the socket is connecting. */
  private waiting: MuxLink[] = [];
  private readonly out = new MuxWriter();
  /** Messages that reached WS_MESSAGE_MAX_BYTES, in order: they leave at the next flush. */
  private full: Uint8Array[] = [];
  private fullBytes = 0;
  private flushScheduled = false;
  /** Messages sent whose reply message has not arrived (the object answers every message once). */
  private inflight = 0;

  constructor(opts: WebSocketConnectorOptions) {
    this.opts = opts;
    this.fallback = new WebSocketConnector(opts);
  }

  connect(dialect: ShimDialect, events: UpstreamEvents): UpstreamLink {
    if (this.state === "fallback") return this.fallback.connect(dialect, events);
    const link = new MuxLink(this, this.nextId++, dialect, events);
    this.links.set(link.id, link);
    this.frame(link.id, MUX_OP.OPEN, Uint8Array.of(MUX_DIALECTS.indexOf(dialect.name)));
    if (this.state === "open") queueMicrotask(() => link.opened());
    else {
      this.waiting.push(link);
      if (this.state === "idle") this.open();
    }
    return link;
  }

  /** Bytes queued for the socket. */
  get backlog(): number {
    return (this.ws?.bufferedAmount ?? 0) + this.fullBytes + this.out.length;
  }

  /** Queues a frame; frames queued in one turn leave as one message. */
  frame(id: number, op: number, payload?: Uint8Array): void {
    this.out.frame(id, op as never, payload);
    if (this.out.length >= WS_MESSAGE_MAX_BYTES) {
      // Cut here, so no message passes the platform's limit (parts of a big command follow).
      const msg = this.out.take();
      this.full.push(msg);
      this.fullBytes += msg.length;
      this.flush();
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  forget(id: number): void {
    this.links.delete(id);
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.state !== "open") return;
    // Full messages leave whatever is in flight (waiting would not make them smaller).
    for (const msg of this.full) this.sendMessage(msg);
    this.full = [];
    this.fullBytes = 0;
    if (this.out.length === 0 || this.inflight >= MUX_MAX_INFLIGHT_MESSAGES) return;
    this.sendMessage(this.out.take());
  }

  private sendMessage(msg: Uint8Array): void {
    this.inflight++;
    const ids = [...this.links.keys()];
    this.ws!.send(msg, { binary: true }, () => {
      for (const id of ids) this.links.get(id)?.events.drained();
    });
  }

  private open(): void {
    this.state = "connecting";
    const timeout = this.opts.timeoutMs ?? SHIM_UPSTREAM_TIMEOUT_MS;
    const ws = new WebSocket(upstreamUrl(this.opts.url, "/mux"), {
      headers: this.opts.token ? { Authorization: `Bearer ${this.opts.token}` } : {},
      perMessageDeflate: false,
      maxPayload: 0,
      handshakeTimeout: timeout,
    });
    ws.binaryType = "nodebuffer";
    this.ws = ws;
    let lastError = "";
    ws.on("unexpected-response", (req: ClientRequest, res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      res.resume();
      req.destroy();
      // Without a token a secured Worker refuses the mux (it would hold contexts for anyone):
      // per-connection sockets let each client AUTH itself.
      if (NO_MUX_STATUSES.has(status) || (status === HTTP_UNAUTHORIZED && !this.opts.token))
        return this.useFallback();
      const auth = status === HTTP_UNAUTHORIZED || status === HTTP_FORBIDDEN;
      this.failAll({
        kind: auth ? "auth" : "unavailable",
        detail: `upgrade refused: HTTP ${status}`,
      });
    });
    ws.on("open", () => {
      this.state = "open";
      this.inflight = 0;
      const ready = this.waiting;
      this.waiting = [];
      for (const l of ready) l.opened();
      this.flush();
    });
    ws.on("message", (data: Buffer) => this.receive(data));
    ws.on("error", (err: NodeJS.ErrnoException) => {
      lastError = err.code ?? err.message;
      if (this.state === "connecting") this.failAll({ kind: "unavailable", detail: lastError });
    });
    ws.on("close", (code: number, reason: Buffer) => {
      if (this.ws !== ws) return;
      const wasOpen = this.state === "open";
      this.ws = null;
      if (this.state !== "fallback") this.state = "idle";
      if (!wasOpen)
        return this.failAll({ kind: "unavailable", detail: lastError || `closed ${code}` });
      // The object went away (redeploy, restart): every connection on it ends (spec §12.2).
      const links = [...this.links.values()];
      this.links.clear();
      for (const l of links) l.ended(code, reason.toString() || lastError);
    });
  }

  private receive(data: Buffer): void {
    // A message the object sent on its own (pushes) answers none of ours.
    if (!isUnsolicited(data)) this.inflight = Math.max(0, this.inflight - 1);
    let frames;
    try {
      frames = readMuxFrames(data);
    } catch {
      this.ws?.close(1002);
      return;
    }
    for (const f of frames) {
      const link = this.links.get(f.conn);
      if (!link) continue;
      if (f.op === MUX_OP.REPLY) link.reply(f.payload);
      else if (f.op === MUX_OP.REPLY_PART) link.replyPart(f.payload);
      else if (f.op === MUX_OP.REPLY_MORE) link.replyMore(f.payload);
      else if (f.op === MUX_OP.PUSH) link.push(f.payload);
      else if (f.op === MUX_OP.WAITING) link.waiting(f.payload[0] === 1);
      else if (f.op === MUX_OP.END) {
        const { code, bytes } = readEnd(f.payload);
        this.links.delete(f.conn);
        if (bytes.length || link.hasParts) link.reply(bytes);
        link.ended(code, "");
      } else if (f.op === MUX_OP.REFUSED) {
        this.links.delete(f.conn);
        link.refused();
      }
    }
    // Replies released the clients; their next commands (written synchronously by many
    // clients' handlers) join what queued meanwhile.
    if (!this.flushScheduled && (this.out.length || this.full.length)) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private failAll(failure: UpstreamFailure): void {
    if (this.state === "fallback") return;
    for (const l of this.detach("idle")) l.failed(failure);
  }

  private useFallback(): void {
    for (const l of this.detach("fallback")) l.moveTo(this.fallback);
  }

  /** Drops the socket, its unsent output and every link; returns the links to tell. */
  private detach(state: "idle" | "fallback") {
    this.state = state;
    this.ws = null;
    this.out.take();
    this.full = [];
    this.fullBytes = 0;
    const links = [...this.links.values()];
    this.links.clear();
    this.waiting = [];
    return links;
  }
}

/** One TCP connection's view of the shared socket. */
class MuxLink implements UpstreamLink {
  readonly id: number;
  readonly events: UpstreamEvents;
  private readonly mux: MuxConnector;
  private readonly dialect: ShimDialect;
  private done = false;
  /** After a fallback, the per-connection link that replaced this one. */
  private inner: UpstreamLink | null = null;
  /** REPLY_PART payloads of the reply arriving in parts. */
  private parts: Uint8Array[] = [];

  constructor(mux: MuxConnector, id: number, dialect: ShimDialect, events: UpstreamEvents) {
    this.mux = mux;
    this.id = id;
    this.dialect = dialect;
    this.events = events;
  }

  get backlog(): number {
    return this.inner ? this.inner.backlog : this.mux.backlog;
  }

  send(batch: Uint8Array): void {
    if (this.inner) return this.inner.send(batch);
    if (this.done) return;
    // One command past a part's size (a big value) goes in parts, framed back to back.
    let at = 0;
    for (; batch.length - at > MUX_PART_BYTES; at += MUX_PART_BYTES)
      this.mux.frame(this.id, MUX_OP.DATA_PART, batch.subarray(at, at + MUX_PART_BYTES));
    this.mux.frame(this.id, MUX_OP.DATA, at === 0 ? batch : batch.subarray(at));
  }

  close(code: number): void {
    if (this.inner) return this.inner.close(code);
    if (this.done) return;
    this.done = true;
    this.mux.forget(this.id);
    this.mux.frame(this.id, MUX_OP.CLOSE);
  }

  opened(): void {
    if (!this.done) this.events.open();
  }

  /** Bytes for the connection that answer none of its batches (pub/sub, late replies). */
  push(bytes: Uint8Array): void {
    if (!this.done && bytes.length > 0) this.events.push(bytes);
  }

  /** The connection started or stopped waiting for pushes (blocked or subscribed). */
  waiting(on: boolean): void {
    if (!this.done) this.events.waiting(on);
  }

  /** A reply for the connection, which holds it until its client reads (SHIM_OUTPUT_MAX_BYTES). */
  reply(bytes: Uint8Array): void {
    bytes = this.joined(bytes);
    if (!this.done) this.events.message(bytes);
  }

  /** The replies so far of a batch that stopped at the object's reply budget (REPLY_MORE). */
  replyMore(bytes: Uint8Array): void {
    bytes = this.joined(bytes);
    if (!this.done) this.events.partial(bytes);
  }

  /** Asks for the rest of the batch that answered with REPLY_MORE. */
  more(): void {
    if (this.inner) return this.inner.more?.();
    if (!this.done) this.mux.frame(this.id, MUX_OP.MORE);
  }

  /** `bytes` after the REPLY_PART payloads kept for them. */
  private joined(bytes: Uint8Array): Uint8Array {
    if (!this.parts.length) return bytes;
    this.parts.push(bytes);
    const all = Buffer.concat(this.parts);
    this.parts = [];
    return all;
  }

  /** REPLY_PART payloads wait for their REPLY (or END). */
  get hasParts(): boolean {
    return this.parts.length > 0;
  }

  /** The start of a big reply (REPLY_PART): kept until its REPLY completes it. */
  replyPart(bytes: Uint8Array): void {
    // The frame is a view of the received message: copied, so the message can go.
    if (!this.done) this.parts.push(Buffer.from(bytes));
  }

  ended(code: number, reason: string): void {
    if (this.done) return;
    this.done = true;
    this.events.closed(code, reason);
  }

  refused(): void {
    this.failed({ kind: "auth", detail: "upgrade refused: HTTP 401" });
  }

  failed(failure: UpstreamFailure): void {
    if (this.done) return;
    this.done = true;
    this.events.failed(failure);
  }

  moveTo(fallback: WebSocketConnector): void {
    if (this.done) return;
    this.inner = fallback.connect(this.dialect, this.events);
  }
}

// The shim's upstream transport: how a TCP connection's batches reach the Worker and its replies
// come back. Connections talk to an UpstreamLink only, so a later transport can carry many TCP
// connections over a few WebSockets (issue 8) without touching framing or listeners.

import WebSocket from "ws";
import type { ClientRequest, IncomingMessage } from "node:http";
import { CLOSE_NORMAL, SHIM_UPSTREAM_TIMEOUT_MS } from "../../limits.ts";
import type { ShimDialect } from "./dialects.ts";

/** Why a link never opened (spec §12.2 table). */
export type UpstreamFailure =
  { kind: "auth"; detail: string } | { kind: "unavailable"; detail: string };

/** What a link reports to its connection. No event follows `close()` by the connection. */
export interface UpstreamEvents {
  open(): void;
  /** One reply message, in request order. */
  message(data: Uint8Array): void;
  /**
   * The replies so far of a batch that stopped at the Worker's reply budget: written at once;
   * the link's `more()` asks for the rest (then `message` completes the batch).
   */
  partial(data: Uint8Array): void;
  /** Bytes that answer no request: pub/sub messages, a blocked command's late replies. */
  push(data: Uint8Array): void;
  /** An open link was closed by the Worker or the network. */
  closed(code: number, reason: string): void;
  /** The link never opened. */
  failed(failure: UpstreamFailure): void;
  /** Bytes given to send() were written out; `backlog` may have shrunk. */
  drained(): void;
  /** The connection started (true) or stopped waiting for pushes: blocked or subscribed. */
  waiting(on: boolean): void;
}

export interface UpstreamLink {
  /** Sends one batch (whole commands) as one message. Only after `open`. */
  send(batch: Uint8Array): void;
  /** Bytes given to send() and not yet written to the network. */
  readonly backlog: number;
  /** Ends the link with this close code; no events afterwards. */
  close(code: number): void;
  /** After `partial`: asks for the rest of the batch (its client has read what came). */
  more?(): void;
}

export interface UpstreamConnector {
  connect(dialect: ShimDialect, events: UpstreamEvents): UpstreamLink;
}

export interface WebSocketConnectorOptions {
  /** Worker base URL including any namespace base, http(s) or ws(s). */
  url: string;
  token?: string;
  /** SHIM_UPSTREAM_TIMEOUT_MS unless told. */
  timeoutMs?: number;
}

/** `<base>/<path>` with http→ws and https→wss (spec §12.1). */
export function upstreamUrl(base: string, path: string): string {
  const u = new URL(base);
  if (u.protocol === "http:") u.protocol = "ws:";
  else if (u.protocol === "https:") u.protocol = "wss:";
  else if (u.protocol !== "ws:" && u.protocol !== "wss:")
    throw new Error(`unsupported URL scheme '${u.protocol}' in ${base}`);
  const [p, query] = path.split("?");
  u.pathname = u.pathname.replace(/\/+$/, "") + p;
  u.search = query ? `?${query}` : "";
  return u.toString();
}

/** The upstream as it is today: one WebSocket per TCP connection. */
export class WebSocketConnector implements UpstreamConnector {
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(opts: WebSocketConnectorOptions) {
    upstreamUrl(opts.url, "/"); // fail early on a bad URL
    this.url = opts.url;
    this.headers = opts.token ? { Authorization: `Bearer ${opts.token}` } : {};
    this.timeoutMs = opts.timeoutMs ?? SHIM_UPSTREAM_TIMEOUT_MS;
  }

  /** The WebSocket URL a dialect's connections open. */
  /**
   * A Redis link asks for tagged messages (src/worker/socket-step.ts TAG): its first byte tells
   * an answer from a push, which must not be counted as one.
   */
  urlFor(dialect: ShimDialect): string {
    const tagged = dialect.name === "redis";
    // resumable: it carries its connection over to a new socket when told (TAG.resume).
    return upstreamUrl(this.url, dialect.path + (tagged ? "&tagged=1&resumable=1" : ""));
  }

  connect(dialect: ShimDialect, events: UpstreamEvents): UpstreamLink {
    const tagged = dialect.name === "redis";
    return new WebSocketLink(this.urlFor(dialect), this.headers, this.timeoutMs, events, tagged);
  }
}

const HTTP_UNAUTHORIZED = 401;
const HTTP_FORBIDDEN = 403;

/** TAG values of a tagged link's messages (src/worker/socket-step.ts TAG). */
const TAG_UNSOLICITED = 1;
const TAG_WAITING = 2;
const TAG_RESUME = 3;
const TAG_PART = 4;
/** The Worker's close code of a socket that spent its call budget (RFC 6455 service restart). */
const CLOSE_SERVICE_RESTART = 1012;

class WebSocketLink implements UpstreamLink {
  private ws: WebSocket;
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly tagged: boolean;
  private readonly events: UpstreamEvents;
  private timer: NodeJS.Timeout | undefined;
  private opened = false;
  /** Set once the connection closed the link or an end was reported: later events are dropped. */
  private done = false;
  private lastError = "";
  /**
   * Batches sent and not yet answered, oldest first (tagged links): a socket closed with a
   * resume token (TAG.resume: a sharded namespace's Worker spent its call budget) answered none
   * of them, so they are sent again on the socket that resumes the connection.
   */
  private readonly unanswered: Uint8Array[] = [];
  /** The token the next socket resumes the connection with, once the Worker sent one. */
  private resume: string | undefined;

  constructor(
    url: string,
    headers: Record<string, string>,
    timeoutMs: number,
    events: UpstreamEvents,
    tagged = false,
  ) {
    this.url = url;
    this.headers = headers;
    this.timeoutMs = timeoutMs;
    this.tagged = tagged;
    this.events = events;
    this.ws = this.open(url);
  }

  /** Opens a socket; its events go to the connection until it closes. */
  private open(url: string): WebSocket {
    const { timeoutMs } = this;
    // maxPayload 0: a reply message is bounded by the Worker's batch rules, not by us.
    const ws = new WebSocket(url, {
      headers: this.headers,
      perMessageDeflate: false,
      maxPayload: 0,
      handshakeTimeout: timeoutMs,
    });
    ws.binaryType = "nodebuffer";
    this.timer = setTimeout(
      () => this.fail({ kind: "unavailable", detail: `no upgrade within ${timeoutMs} ms` }),
      timeoutMs,
    );
    ws.on("unexpected-response", (req: ClientRequest, res: IncomingMessage) =>
      this.refused(req, res),
    );
    ws.on("open", () => {
      clearTimeout(this.timer);
      if (this.done) return;
      if (this.opened) {
        // A resumed connection: what the old socket left unanswered goes again, in order.
        for (const b of this.unanswered) this.write(b);
        return;
      }
      this.opened = true;
      this.events.open();
    });
    ws.on("message", (data: Buffer) => {
      if (this.done) return;
      if (!this.tagged) return this.events.message(data);
      if (data[0] === TAG_WAITING) this.events.waiting(data[1] === 1);
      else if (data[0] === TAG_UNSOLICITED) this.events.push(data.subarray(1));
      else if (data[0] === TAG_RESUME) this.resume = data.subarray(1).toString();
      // Part of a batch's replies: the batch stays unanswered until its last part (a sharded
      // link, the only one that resumes, never answers in parts).
      else if (data[0] === TAG_PART) this.events.partial(data.subarray(1));
      else {
        this.unanswered.shift();
        this.events.message(data.subarray(1));
      }
    });
    ws.on("error", (err: NodeJS.ErrnoException) => {
      this.lastError = err.code ?? err.message;
      if (!this.opened) this.fail({ kind: "unavailable", detail: this.lastError });
    });
    ws.on("close", (code: number, reason: Buffer) => {
      clearTimeout(this.timer);
      if (ws !== this.ws || this.done) return;
      if (!this.opened)
        return this.fail({ kind: "unavailable", detail: this.lastError || `closed ${code}` });
      const resume = this.resume;
      this.resume = undefined;
      if (resume !== undefined) {
        this.ws = this.open(`${this.url}&resume=${encodeURIComponent(resume)}`);
        return;
      }
      this.done = true;
      this.events.closed(code, reason.toString() || this.lastError);
    });
    return ws;
  }

  get backlog(): number {
    return this.ws.bufferedAmount;
  }

  /** An empty message on a tagged socket: the rest of the batch that answered with TAG.part. */
  more(): void {
    // Not a batch: it is not sent again on a resumed socket.
    if (!this.done) this.write(new Uint8Array(0));
  }

  send(batch: Uint8Array): void {
    if (this.done) return;
    // While a resumed connection's socket opens, its open sends the batch.
    if (this.tagged) this.unanswered.push(batch);
    this.write(batch);
  }

  private write(batch: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(batch, { binary: true }, () => {
      if (!this.done) this.events.drained();
    });
  }

  close(code: number = CLOSE_NORMAL): void {
    this.done = true;
    clearTimeout(this.timer);
    if (this.ws.readyState === WebSocket.OPEN) {
      this.ws.close(code);
    } else if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }

  private refused(req: ClientRequest, res: IncomingMessage): void {
    const status = res.statusCode ?? 0;
    res.resume();
    req.destroy();
    const detail = `upgrade refused: HTTP ${status}`;
    this.fail(
      status === HTTP_UNAUTHORIZED || status === HTTP_FORBIDDEN
        ? { kind: "auth", detail }
        : { kind: "unavailable", detail },
    );
  }

  private fail(failure: UpstreamFailure): void {
    clearTimeout(this.timer);
    if (this.done) return;
    this.done = true;
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    // A connection whose resuming socket did not open ends as if its socket had closed.
    if (this.opened) this.events.closed(CLOSE_SERVICE_RESTART, failure.detail);
    else this.events.failed(failure);
  }
}

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
    return upstreamUrl(this.url, dialect.path + (tagged ? "&tagged=1" : ""));
  }

  connect(dialect: ShimDialect, events: UpstreamEvents): UpstreamLink {
    const tagged = dialect.name === "redis";
    return new WebSocketLink(this.urlFor(dialect), this.headers, this.timeoutMs, events, tagged);
  }
}

const HTTP_UNAUTHORIZED = 401;
const HTTP_FORBIDDEN = 403;

class WebSocketLink implements UpstreamLink {
  private readonly ws: WebSocket;
  private readonly events: UpstreamEvents;
  private timer: NodeJS.Timeout | undefined;
  private opened = false;
  /** Set once the connection closed the link or an end was reported: later events are dropped. */
  private done = false;
  private lastError = "";

  constructor(
    url: string,
    headers: Record<string, string>,
    timeoutMs: number,
    events: UpstreamEvents,
    tagged = false,
  ) {
    this.events = events;
    // maxPayload 0: a reply message is bounded by the Worker's batch rules, not by us.
    this.ws = new WebSocket(url, {
      headers,
      perMessageDeflate: false,
      maxPayload: 0,
      handshakeTimeout: timeoutMs,
    });
    this.ws.binaryType = "nodebuffer";
    this.timer = setTimeout(
      () => this.fail({ kind: "unavailable", detail: `no upgrade within ${timeoutMs} ms` }),
      timeoutMs,
    );
    this.ws.on("unexpected-response", (req: ClientRequest, res: IncomingMessage) =>
      this.refused(req, res),
    );
    this.ws.on("open", () => {
      clearTimeout(this.timer);
      this.opened = true;
      if (!this.done) this.events.open();
    });
    this.ws.on("message", (data: Buffer) => {
      if (this.done) return;
      if (!tagged) return this.events.message(data);
      // TAG.unsolicited is 1, TAG.waiting 2, TAG.part 3 (src/worker/socket-step.ts).
      if (data[0] === 2) this.events.waiting(data[1] === 1);
      else if (data[0] === 1) this.events.push(data.subarray(1));
      else if (data[0] === 3) this.events.partial(data.subarray(1));
      else this.events.message(data.subarray(1));
    });
    this.ws.on("error", (err: NodeJS.ErrnoException) => {
      this.lastError = err.code ?? err.message;
      if (!this.opened) this.fail({ kind: "unavailable", detail: this.lastError });
    });
    this.ws.on("close", (code: number, reason: Buffer) => {
      clearTimeout(this.timer);
      if (!this.opened)
        return this.fail({ kind: "unavailable", detail: this.lastError || `closed ${code}` });
      if (this.done) return;
      this.done = true;
      this.events.closed(code, reason.toString() || this.lastError);
    });
  }

  get backlog(): number {
    return this.ws.bufferedAmount;
  }

  /** An empty message on a tagged socket: the rest of the batch that answered with TAG.part. */
  more(): void {
    this.send(new Uint8Array(0));
  }

  send(batch: Uint8Array): void {
    if (this.done || this.ws.readyState !== WebSocket.OPEN) return;
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
    this.events.failed(failure);
  }
}

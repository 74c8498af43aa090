// One WebSocket to the Redis door `B/resp` (spec §6.3): each command goes out as one message
// and the Worker answers every message with one message, in order, so replies are matched to
// requests by position.

import WebSocket from "ws";
import type { IncomingMessage } from "node:http";
import { upstreamUrl } from "../shim/upstream.ts";
import { decodeReplies, encodeCommand } from "./resp-reply.ts";
import type { RespValue } from "./resp-reply.ts";

/** How long an upgrade may take before the connection counts as failed. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Longest error body read from a refused upgrade. */
const MAX_ERROR_BODY = 1024;

/** The connection could not be opened (refused upgrade, network error, timeout). */
export class ConnectError extends Error {
  override name = "ConnectError";
}

/** The connection closed while replies were outstanding. */
export class ClosedError extends Error {
  override name = "ClosedError";
}

export interface ConnectOptions {
  /** Worker base URL with any `/db/<name>` base (http, https, ws or wss). */
  url: string;
  /** Sent as `Authorization: Bearer` on the upgrade. */
  token?: string;
  timeoutMs?: number;
}

interface Pending {
  resolve(replies: RespValue[]): void;
  reject(e: Error): void;
}

/** The `B/resp?dialect=redis` WebSocket URL for a base URL. */
export function respUrl(base: string): string {
  return upstreamUrl(base, "/resp");
}

// The text of a refused upgrade: the JSON error body (spec §6.4) when there is one.
function refusal(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    res.setEncoding("utf8");
    res.on("data", (d: string) => {
      if (body.length < MAX_ERROR_BODY) body += d;
    });
    res.on("end", () => {
      let text = body.trim();
      try {
        const parsed = JSON.parse(body) as { error?: unknown };
        if (typeof parsed.error === "string") text = parsed.error;
      } catch {
        // not JSON: keep the text
      }
      resolve(`HTTP ${res.statusCode}${text ? `: ${text}` : ""}`);
    });
    res.on("error", () => resolve(`HTTP ${res.statusCode}`));
  });
}

/** A connection to the Redis door; requests are answered in the order they were sent. */
export class RespConnection {
  private readonly ws: WebSocket;
  private readonly pending: Pending[] = [];
  private closedWith: ClosedError | undefined;
  /** Called once when the connection closes (by either side). */
  onClose: ((e: ClosedError) => void) | undefined;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (data: Buffer) => this.received(data));
    ws.on("close", (code: number, reason: Buffer) => {
      const why = reason.length ? `${code} ${reason.toString("utf8")}` : String(code);
      this.closedWith = new ClosedError(`Error: Server closed the connection (${why})`);
      for (const p of this.pending.splice(0)) p.reject(this.closedWith);
      this.onClose?.(this.closedWith);
    });
    ws.on("error", () => {
      // 'close' follows and reports it.
    });
  }

  /** Opens a connection; rejects with ConnectError. */
  static open(opts: ConnectOptions): Promise<RespConnection> {
    const timeout = opts.timeoutMs ?? CONNECT_TIMEOUT_MS;
    let url: string;
    try {
      url = respUrl(opts.url);
    } catch (e) {
      return Promise.reject(new ConnectError((e as Error).message));
    }
    const headers = opts.token ? { Authorization: `Bearer ${opts.token}` } : {};
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, {
        headers,
        perMessageDeflate: false,
        maxPayload: 0,
        handshakeTimeout: timeout,
      });
      ws.binaryType = "nodebuffer";
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        ws.terminate();
        reject(new ConnectError(why));
      };
      const onResponse = (_req: unknown, res: IncomingMessage) => void refusal(res).then(fail);
      const onError = (err: NodeJS.ErrnoException) =>
        fail(err.code === "ECONNREFUSED" ? "Connection refused" : err.message);
      const onClose = (code: number) => fail(`closed (${code})`);
      ws.on("unexpected-response", onResponse);
      ws.on("error", onError);
      ws.on("close", onClose);
      ws.once("open", () => {
        if (settled) return;
        settled = true;
        ws.off("error", onError).off("close", onClose).off("unexpected-response", onResponse);
        resolve(new RespConnection(ws));
      });
    });
  }

  /** True until the connection closes. */
  get isOpen(): boolean {
    return this.closedWith === undefined;
  }

  /** Sends one command (arguments as bytes); resolves with the replies of its message. */
  request(args: readonly Uint8Array[]): Promise<RespValue[]> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.ws.send(encodeCommand(args));
    });
  }

  /** Sends one command and resolves with its single reply. */
  async command(args: readonly Uint8Array[]): Promise<RespValue> {
    const replies = await this.request(args);
    return replies[0] ?? { t: "nil" };
  }

  /** Closes the connection (normal closure). */
  close(): void {
    if (this.isOpen) this.ws.close(1000);
  }

  private received(data: Buffer): void {
    const p = this.pending.shift();
    if (!p) return;
    try {
      p.resolve(decodeReplies(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
    } catch (e) {
      p.reject(e as Error);
    }
  }
}

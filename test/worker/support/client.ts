// Test clients for the Worker's doors, inside workerd.

import type { WireDoor, WireSession } from "../../conformance/runners.ts";
import { exports } from "cloudflare:workers";

export const BASE = "https://blink.test";

/** POSTs a body to a path. */
export function post(
  path: string,
  body: BodyInit,
  contentType: string,
  headers: Record<string, string> = {},
) {
  return exports.default.fetch(BASE + path, {
    method: "POST",
    body,
    headers: { "Content-Type": contentType, ...headers },
  });
}

/** Light-Redis request: JSON object body to B/. */
export async function lr(
  body: unknown,
  base = "",
): Promise<{ status: number; text: string; error: string | null }> {
  const res = await post(base + "/", JSON.stringify(body), "application/json");
  return { status: res.status, text: await res.text(), error: res.headers.get("Blink-Edge-Error") };
}

/** Blink lines over HTTP. */
export async function blinkHttp(lines: string, path = "/blink"): Promise<string> {
  const res = await post(path, lines, "text/plain");
  return res.text();
}

/** A WebSocket to a door, with a queue of received messages and the close event. */
export class Ws {
  readonly ws: WebSocket;
  private readonly queue: Promise<string | ArrayBuffer>[] = [];
  private waiter: (() => void) | null = null;
  closed: { code: number; reason: string } | null = null;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.accept();
    ws.addEventListener("message", (e) => {
      // Binary messages arrive as Blobs on this side of the runtime.
      const d = e.data as string | ArrayBuffer | Blob;
      this.queue.push(d instanceof Blob ? d.arrayBuffer() : Promise.resolve(d));
      this.waiter?.();
    });
    ws.addEventListener("close", (e) => {
      this.closed = { code: e.code, reason: e.reason };
      this.waiter?.();
    });
  }

  /** Opens a WebSocket to a path (e.g. "/blink", "/resp?dialect=gevent"). */
  static async open(path: string, headers: Record<string, string> = {}): Promise<Ws> {
    const res = await exports.default.fetch(BASE + path, {
      headers: { Upgrade: "websocket", ...headers },
    });
    if (res.status !== 101 || !res.webSocket)
      throw new Error(`upgrade failed: ${res.status} ${await res.text()}`);
    return new Ws(res.webSocket);
  }

  /** The next message (text or bytes as latin1 text), or null if the socket closed first. */
  async next(timeoutMs = 5000): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (this.closed) return null;
      if (Date.now() > deadline) throw new Error("timed out waiting for a message");
      await new Promise<void>((r) => {
        this.waiter = r;
        setTimeout(r, 50);
      });
      this.waiter = null;
    }
    const m = await this.queue.shift()!;
    return typeof m === "string" ? m : latin1(new Uint8Array(m));
  }

  /** Sends a message and returns the reply message. */
  async request(msg: string | Uint8Array): Promise<string | null> {
    this.ws.send(msg);
    return this.next();
  }

  /** Waits for the close event. */
  async waitClose(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error("timed out waiting for close");
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.closed;
  }

  close(): void {
    try {
      this.ws.close(1000, "done");
    } catch {
      // already closed
    }
  }
}

/** A body as UTF-8 text without `.text()`, which warns on types like application/x-ndjson. */
export async function bodyText(res: Response): Promise<string> {
  return new TextDecoder().decode(await res.arrayBuffer());
}

/** POSTs an export body to a namespace's `_/import`; its status and answer text. */
export async function importBody(
  ns: string,
  body: string | Uint8Array,
  query = "",
): Promise<{ status: number; text: string }> {
  const res = await exports.default.fetch(`${BASE}/db/${ns}/_/import${query}`, {
    method: "POST",
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** Bytes as a latin1 string (one char per byte), for comparing binary replies. */
export function latin1(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return s;
}

/** A RESP multibulk command. */
export function resp(...argv: string[]): string {
  const enc = new TextEncoder();
  let out = `*${argv.length}\r\n`;
  for (const a of argv) out += `$${enc.encode(a).length}\r\n${a}\r\n`;
  return out;
}

/** A conformance-runner door over a WebSocket path of a fresh namespace per session. */
export function wsDoor(name: string, path: string, skip?: readonly string[]): WireDoor {
  let n = 0;
  return {
    name,
    protocolErrorEnd: 1008,
    skip,
    async open(): Promise<WireSession> {
      const ws = await Ws.open(`/db/${name.replace(/\W+/g, "-")}-${++n}${path}`);
      return {
        request: async (bytes) => (await ws.request(bytes)) ?? "",
        ended: async () => (await ws.waitClose()).code,
        close: () => ws.close(),
      };
    },
  };
}

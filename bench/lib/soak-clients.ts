// Clients for the soak (bench/soak.ts): TCP connections through the shim (Blink, Redis) and
// WebSockets straight to the Worker (Blink, Redis), each sending one SET+GET batch at a time with
// a pause between batches, checking every reply, until told to stop; then closing cleanly.

import { connect } from "node:net";
import type { Socket } from "node:net";
import WebSocket from "ws";

/** Every value has this many bytes, so every reply has a known length whatever key it read. */
const VALUE_BYTES = 32;
/** A batch not answered in this long counts as an error and ends the client. */
const REPLY_TIMEOUT_MS = 30_000;
/** How long a closing TCP client waits for the shim's FIN before dropping the socket. */
const CLOSE_WAIT_MS = 10_000;
const BLINK_REPLY_BYTES = "OK\n".length + "VALUE \n".length + Math.ceil(VALUE_BYTES / 3) * 4;
const REDIS_REPLY_BYTES = "+OK\r\n".length + `$${VALUE_BYTES}\r\n\r\n`.length + VALUE_BYTES;

export type ClientKind = "tcp-blink" | "tcp-redis" | "ws-blink" | "ws-redis";

/** Shared counters of all clients. */
export interface SoakCounters {
  batches: number;
  /** Batches through the shim (TCP clients) only. */
  tcpBatches: number;
  errors: number;
  open: Record<ClientKind, number>;
}

export function newCounters(): SoakCounters {
  return {
    batches: 0,
    tcpBatches: 0,
    errors: 0,
    open: { "tcp-blink": 0, "tcp-redis": 0, "ws-blink": 0, "ws-redis": 0 },
  };
}

const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;

function batchFor(kind: ClientKind, key: string, n: number): string {
  const value = `${n}`.padStart(VALUE_BYTES, "v");
  if (kind.endsWith("blink")) return `SET ${key} ${value}\nGET ${key}\n`;
  return `*3\r\n${bulk("SET")}${bulk(key)}${bulk(value)}*2\r\n${bulk("GET")}${bulk(key)}`;
}

function replyOk(kind: ClientKind, reply: Buffer): boolean {
  if (kind.endsWith("blink"))
    return reply.length === BLINK_REPLY_BYTES && reply.subarray(0, 9).toString() === "OK\nVALUE ";
  return reply.length === REDIS_REPLY_BYTES && reply.subarray(0, 5).toString() === "+OK\r\n";
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One soak client; `run` resolves once it has stopped and its connection is closed. */
export interface SoakClient {
  run(stopped: () => boolean): Promise<void>;
}

/** Opens a client of `kind`; `target` is a shim port (tcp-*) or a WebSocket URL (ws-*). */
export async function openClient(
  kind: ClientKind,
  target: number | string,
  keyOf: (n: number) => string,
  thinkMs: number,
  counters: SoakCounters,
): Promise<SoakClient> {
  const link = kind.startsWith("tcp")
    ? await tcpLink(target as number)
    : await wsLink(target as string);
  counters.open[kind]++;
  return {
    async run(stopped) {
      try {
        for (let n = 0; !stopped(); n++) {
          const reply = await link.roundTrip(batchFor(kind, keyOf(n), n), kind);
          if (reply && replyOk(kind, reply)) {
            counters.batches++;
            if (kind.startsWith("tcp")) counters.tcpBatches++;
          } else {
            counters.errors++;
            break;
          }
          await sleep(thinkMs * (0.5 + Math.random()));
        }
      } finally {
        await link.close();
        counters.open[kind]--;
      }
    },
  };
}

interface Link {
  /** Sends one batch; resolves with its whole reply, or null on close or timeout. */
  roundTrip(batch: string, kind: ClientKind): Promise<Buffer | null>;
  close(): Promise<void>;
}

function tcpLink(port: number): Promise<Link> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: "127.0.0.1", port }, () => {
      socket.off("error", reject);
      socket.setNoDelay(true);
      resolve(new TcpLink(socket));
    });
    socket.once("error", reject);
  });
}

class TcpLink implements Link {
  private chunks: Buffer[] = [];
  private length = 0;
  private wake: (() => void) | undefined;
  private ended = false;
  private readonly closed: Promise<void>;
  private readonly socket: Socket;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (d: Buffer) => {
      this.chunks.push(d);
      this.length += d.length;
      this.wake?.();
    });
    socket.on("error", () => {});
    this.closed = new Promise((r) =>
      socket.on("close", () => {
        this.ended = true;
        this.wake?.();
        r();
      }),
    );
  }

  async roundTrip(batch: string, kind: ClientKind): Promise<Buffer | null> {
    const want = kind.endsWith("blink") ? BLINK_REPLY_BYTES : REDIS_REPLY_BYTES;
    this.socket.write(batch);
    const deadline = Date.now() + REPLY_TIMEOUT_MS;
    while (this.length < want) {
      if (this.ended || Date.now() > deadline) return null;
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 1000);
      });
    }
    const all = Buffer.concat(this.chunks);
    this.chunks = [all.subarray(want)];
    this.length -= want;
    return all.subarray(0, want);
  }

  close(): Promise<void> {
    this.socket.end();
    // A shim that never closed its side would be a leak; the table would show it.
    setTimeout(() => this.socket.destroy(), CLOSE_WAIT_MS).unref();
    return this.closed;
  }
}

function wsLink(url: string): Promise<Link> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once("open", () => {
      ws.off("error", reject);
      ws.on("error", () => {});
      resolve(new WsLink(ws));
    });
    ws.once("error", reject);
  });
}

class WsLink implements Link {
  private pending: ((reply: Buffer | null) => void) | undefined;
  private readonly closed: Promise<void>;
  private readonly ws: WebSocket;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (data: Buffer) => {
      const p = this.pending;
      this.pending = undefined;
      p?.(Buffer.from(data));
    });
    this.closed = new Promise((r) =>
      ws.on("close", () => {
        this.pending?.(null);
        r();
      }),
    );
  }

  roundTrip(batch: string): Promise<Buffer | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), REPLY_TIMEOUT_MS);
      this.pending = (reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.ws.send(batch);
    });
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
    else if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    return this.closed;
  }
}

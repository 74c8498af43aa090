// Closed-loop load generators for the benchmarks: N connections, each sending one request
// (a message, an HTTP body or a run of TCP commands) and waiting for its reply before the next.
// Loopback only; bounded by time.

import { Agent, request } from "node:http";
import { connect } from "node:net";
import type { Socket } from "node:net";
import WebSocket from "ws";

export interface LoadOptions {
  connections: number;
  seconds: number;
  /** Commands per request. */
  depth: number;
  /** The request text of connection c, request number n (carrying `depth` commands). */
  request(c: number, n: number): string;
  /** Checks one reply (throws on a wrong answer). */
  check?(reply: string): void;
}

export interface LoadResult {
  commands: number;
  seconds: number;
  /** Commands per second. */
  rate: number;
  /** Request round-trip latency percentiles, ms. */
  p50: number;
  p99: number;
}

function summarize(commands: number, ms: number, lat: number[]): LoadResult {
  lat.sort((a, b) => a - b);
  const pick = (q: number) =>
    lat.length ? lat[Math.min(lat.length - 1, Math.floor(q * lat.length))]! : 0;
  return {
    commands,
    seconds: ms / 1000,
    rate: Math.round((commands / ms) * 1000),
    p50: pick(0.5),
    p99: pick(0.99),
  };
}

/** Runs `loop` on every connection until the time is up. */
async function closedLoop(
  opts: LoadOptions,
  send: (c: number, text: string) => Promise<string>,
): Promise<LoadResult> {
  const lat: number[] = [];
  let commands = 0;
  const t0 = performance.now();
  const end = t0 + opts.seconds * 1000;
  await Promise.all(
    Array.from({ length: opts.connections }, async (_, c) => {
      for (let n = 0; performance.now() < end; n++) {
        const s = performance.now();
        const reply = await send(c, opts.request(c, n));
        lat.push(performance.now() - s);
        opts.check?.(reply);
        commands += opts.depth;
      }
    }),
  );
  return summarize(commands, performance.now() - t0, lat);
}

/** Load over WebSockets (one message per request, one reply message each). */
export async function wsLoad(url: string, opts: LoadOptions): Promise<LoadResult> {
  const sockets = await Promise.all(
    Array.from(
      { length: opts.connections },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(url, { perMessageDeflate: false });
          ws.once("open", () => resolve(ws));
          ws.once("error", reject);
        }),
    ),
  );
  const waiting: ((s: string) => void)[] = [];
  sockets.forEach((ws, c) => ws.on("message", (d: Buffer) => waiting[c]!(d.toString("latin1"))));
  try {
    return await closedLoop(
      opts,
      (c, text) =>
        new Promise<string>((resolve) => {
          waiting[c] = resolve;
          sockets[c]!.send(text);
        }),
    );
  } finally {
    for (const ws of sockets) ws.terminate();
  }
}

/**
 * Load over HTTP POSTs on keep-alive connections (node:http: on this 2-core machine fetch() costs
 * the client enough to cap a fast server at ~800 requests/s, node:http more than twice that).
 */
export async function httpLoad(
  url: string,
  opts: LoadOptions & { contentType?: string },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  const u = new URL(url);
  const post = (body: string) =>
    new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname + u.search,
          method: "POST",
          agent,
          headers: {
            "Content-Type": opts.contentType ?? "text/plain",
            "Content-Length": Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => (text += d));
          res.on("end", () => resolve(text));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  try {
    return await closedLoop(opts, (_c, body) => post(body));
  } finally {
    agent.destroy();
  }
}

/** Load over raw TCP: each request is written at once; the reply is complete when `done` says so. */
export async function tcpLoad(
  host: string,
  port: number,
  opts: LoadOptions & { done(buffer: string, depth: number): boolean },
): Promise<LoadResult> {
  const sockets = await Promise.all(
    Array.from(
      { length: opts.connections },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const s = connect(port, host, () => resolve(s));
          s.setNoDelay(true);
          s.once("error", reject);
        }),
    ),
  );
  const pending: { buf: string; resolve: (s: string) => void }[] = [];
  sockets.forEach((s, c) =>
    s.on("data", (d: Buffer) => {
      const p = pending[c]!;
      p.buf += d.toString("latin1");
      if (opts.done(p.buf, opts.depth)) p.resolve(p.buf);
    }),
  );
  try {
    return await closedLoop(
      opts,
      (c, text) =>
        new Promise<string>((resolve) => {
          pending[c] = { buf: "", resolve };
          sockets[c]!.write(text);
        }),
    );
  } finally {
    for (const s of sockets) s.destroy();
  }
}

/** True once `buf` holds `n` complete lines. */
export function linesDone(buf: string, n: number): boolean {
  let count = 0;
  for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n", i + 1))
    if (++count >= n) return true;
  return false;
}

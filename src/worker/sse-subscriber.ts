// The Upstash REST door's subscriptions as Server-Sent Events (`B/subscribe/<channel>`,
// `B/psubscribe/<pattern>`; docs/protocols.md), inside the namespace object: the request becomes a
// connection with a sink (Engine.attach) whose pushes are written to the response body as
// `data: <kind>,<channel>,<message>` lines, the format @upstash/redis's Subscriber parses. The
// client closing the response ends the connection (Engine.detach); so does a client that stops
// reading once PUBSUB_OUTPUT_MAX_BYTES are queued for it.

import type { Argv } from "../protocols/upstash/upstash.ts";
import { errorJson, errorStatus } from "../protocols/upstash/upstash.ts";
import { toBytes } from "../engine/bytes.ts";
import type { ConnState } from "../engine/conn-state.ts";
import { newConn } from "../engine/conn-state.ts";
import type { Engine } from "../engine/engine.ts";
import { integerText } from "../protocols/resp/resp-encode.ts";
import type { Reply } from "../engine/reply.ts";
import { PUBSUB_OUTPUT_MAX_BYTES, REPLY_MAX_BYTES, SSE_KEEPALIVE_MS } from "../limits.ts";

/** Headers of a subscription's response (no-transform: proxies must not buffer the stream). */
const SSE_HEADERS = {
  "Content-Type": "text/event-stream",
  "Cache-Control": "no-cache, no-transform",
};
const DATA = toBytes("data: ");
const NEXT_LINE = toBytes("\ndata: ");
const COMMA = toBytes(",");
const END = toBytes("\n\n");
const LF = 0x0a;
const CR = 0x0d;
/** An SSE comment: keeps proxies from closing an idle stream, and finds a gone client. */
const KEEPALIVE = toBytes(": keepalive\n\n");

/** How the object runs a batch with concurrent ones (its GroupCommit) and commits it. */
export type Grouped = <T>(work: () => T) => T | Promise<T>;

/** The fields of a push as bytes: bulk strings raw, integers as decimal text. */
function fields(r: Reply): Uint8Array[] {
  if (r.k !== "push" && r.k !== "array") return [];
  return r.v.map((f) => {
    if (f.k === "bulk" || f.k === "status") return toBytes(f.v);
    if (f.k === "int") return toBytes(integerText(f.v));
    return new Uint8Array(0);
  });
}

/** A field's bytes, each line break (CR, LF or CRLF) continued on a new `data: ` line. */
function continued(p: Uint8Array, chunks: Uint8Array[]): void {
  let from = 0;
  for (let j = 0; j < p.length; j++) {
    const b = p[j]!;
    if (b !== LF && b !== CR) continue;
    chunks.push(p.subarray(from, j), NEXT_LINE);
    if (b === CR && p[j + 1] === LF) j++;
    from = j + 1;
  }
  chunks.push(p.subarray(from));
}

/**
 * One SSE event per push: its fields joined by commas after `data: `, then a blank line. A line
 * break inside a message continues it on another `data: ` line, as the SSE standard joins them.
 */
export function sseEvents(replies: readonly Reply[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const visit = (r: Reply) => {
    if (r.k === "seq") return r.v.forEach(visit);
    const parts = fields(r);
    if (parts.length === 0) return;
    chunks.push(DATA);
    parts.forEach((p, i) => {
      if (i > 0) chunks.push(COMMA);
      continued(p, chunks);
    });
    chunks.push(END);
  };
  replies.forEach(visit);
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const c of chunks) {
    out.set(c, n);
    n += c.length;
  }
  return out;
}

/** The first error among the replies of the subscribe command, if any. */
function firstError(replies: readonly Reply[]): Extract<Reply, { k: "error" }> | undefined {
  for (const r of replies) {
    if (r.k === "error") return r;
    if (r.k === "seq") {
      const e = firstError(r.v);
      if (e) return e;
    }
  }
  return undefined;
}

/**
 * Runs `argv` (SUBSCRIBE or PSUBSCRIBE with its names) on a new connection whose messages stream
 * out as SSE: the response, or a JSON error (400) when the command failed. The connection is in
 * `live` (CLIENT LIST) while it streams.
 */
export async function openSseSubscription(
  engine: Engine,
  grouped: Grouped,
  live: Set<ConnState>,
  argv: Argv,
  readonly: boolean,
  headers: Record<string, string>,
): Promise<Response> {
  const conn: ConnState = newConn(engine.nextClientId++, { authed: true, readonly });
  live.add(conn);
  let out!: ReadableStreamDefaultController<Uint8Array>;
  let ended = false;
  let keepalive: ReturnType<typeof setInterval> | undefined;
  const end = (reason?: string) => {
    if (ended) return;
    ended = true;
    clearInterval(keepalive);
    live.delete(conn);
    // Not while a PUBLISH walks the subscriber lists that detach edits.
    queueMicrotask(() => engine.detach(conn));
    if (reason === undefined) return;
    try {
      out.error(new Error(reason));
    } catch {
      // already closed
    }
  };
  const write = (bytes: Uint8Array) => {
    if (ended || bytes.length === 0) return;
    try {
      out.enqueue(bytes);
    } catch {
      return end(); // the client went away
    }
    // desiredSize is minus the bytes queued and not yet taken by the client (high water mark 0).
    if (-(out.desiredSize ?? 0) > PUBSUB_OUTPUT_MAX_BYTES) end("subscriber output limit");
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        out = c;
      },
      cancel: () => end(),
    },
    { highWaterMark: 0, size: (chunk) => chunk.byteLength },
  );
  engine.attach(conn, { deliver: (replies) => write(sseEvents(replies)) });
  // The confirmation is written in the batch's turn, so no message can overtake it.
  let replies: Reply[];
  try {
    replies = await grouped(() => {
      const rs = engine.run("redis", conn, [{ argv }], Date.now(), REPLY_MAX_BYTES);
      if (!firstError(rs)) write(sseEvents(rs));
      return rs;
    });
  } catch (e) {
    end();
    throw e;
  }
  const failed = firstError(replies);
  if (failed) {
    end();
    return new Response(errorJson(failed.v), {
      status: errorStatus(failed),
      headers: { ...headers, "Content-Type": "application/json" },
    });
  }
  keepalive = setInterval(() => write(KEEPALIVE), SSE_KEEPALIVE_MS);
  return new Response(body, { status: 200, headers: { ...headers, ...SSE_HEADERS } });
}

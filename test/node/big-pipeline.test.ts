// Pipelined big replies as a user meets them (issue 17): three GETs of 3 MiB values in one write
// pass a batch's reply budget (REPLY_MAX_BYTES, 4 MiB); every command still gets its real reply,
// in order, before the connection's later commands — the batch stops at the budget and its rest
// runs in a following turn (src/engine/batch-loop.ts Deferral). Through the shim's /mux socket,
// its per-connection sockets (--no-mux), a plain WebSocket door, and over Upstash REST (one
// answer per request, bounded by HTTP_REPLY_MAX_BYTES).

import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPLY_MAX_BYTES } from "../../src/limits.ts";
import {
  TcpClient,
  freshNamespace,
  sharedTestWorker,
  startTestShim,
} from "./support/shim-harness.ts";
import type { TestShim, TestWorker } from "./support/shim-harness.ts";
import { multibulk } from "../unit/support/resp-bytes.ts";

const SIZE = 3 * 1024 * 1024;
const KEYS = ["k1", "k2", "k3"];

let worker: TestWorker;
const shims: TestShim[] = [];

beforeAll(async () => {
  worker = await sharedTestWorker();
});
afterAll(async () => {
  await Promise.all(shims.map((s) => s.close()));
  await worker.dispose();
});

/** A RESP command. */
const cmd = (...args: (string | Buffer)[]): Buffer => multibulk(args);

/** Three values, each of its own letter (a reply in the wrong place would show). */
const values = KEYS.map((_, i) => Buffer.alloc(SIZE, String.fromCharCode(97 + i)));

/** What the pipeline of GETs, then PING, then a GET of a small key must read back. */
function expected(): Buffer {
  return Buffer.concat([
    ...values.flatMap((v) => [Buffer.from(`$${SIZE}\r\n`), v, Buffer.from("\r\n")]),
    Buffer.from("+PONG\r\n$5\r\nsmall\r\n"),
  ]);
}

const pipeline = () =>
  Buffer.concat([...KEYS.map((k) => cmd("GET", k)), cmd("PING"), cmd("GET", "s")]);

/** Writes the values and the small key through a shim connection. */
async function load(c: TcpClient): Promise<void> {
  c.write(
    Buffer.concat([...KEYS.map((k, i) => cmd("SET", k, values[i]!)), cmd("SET", "s", "small")]),
  );
  await c.readBytes(5 * 4);
  expect(c.received.toString()).toBe("+OK\r\n".repeat(4));
}

describe.each([
  { name: "the shim's /mux socket", mux: true },
  { name: "the shim's per-connection sockets (--no-mux)", mux: false },
])("pipelined GETs of 3 MiB values through $name", ({ mux }) => {
  it("answers every GET with its value, in order, before the next commands", async () => {
    const ns = freshNamespace("bigpipe");
    const shim = await startTestShim(worker.url.href, { namespace: ns, dialects: ["redis"], mux });
    shims.push(shim);
    const writer = await TcpClient.open(shim.port("redis"));
    await load(writer);
    writer.destroy();

    const c = await TcpClient.open(shim.port("redis"));
    const other = await TcpClient.open(shim.port("redis"));
    c.write(pipeline());
    // Another client is served while the pipeline's replies come in turns.
    other.write(cmd("PING"));
    const want = expected();
    expect(3 * SIZE).toBeGreaterThan(REPLY_MAX_BYTES);
    const got = await c.readBytes(want.length);
    expect(got.equals(want)).toBe(true);
    expect((await other.readBytes(7)).toString()).toBe("+PONG\r\n");
    // Nothing more, and the connection still works.
    c.write(cmd("STRLEN", "k3"));
    await c.readBytes(want.length + `:${SIZE}\r\n`.length);
    expect(c.received.subarray(want.length).toString()).toBe(`:${SIZE}\r\n`);
    c.destroy();
    other.destroy();
  });
});

describe("pipelined GETs of 3 MiB values on other doors", () => {
  const ns = freshNamespace("bigpipe");

  beforeAll(async () => {
    const shim = await startTestShim(worker.url.href, { namespace: ns, dialects: ["redis"] });
    shims.push(shim);
    const c = await TcpClient.open(shim.port("redis"));
    await load(c);
    c.destroy();
  });

  it("a WebSocket /resp message gets every reply (in more than one message)", async () => {
    const ws = new WebSocket(`${worker.url.href.replace(/^http/, "ws")}db/${ns}/resp`);
    await new Promise((ok, fail) => ws.once("open", ok).once("error", fail));
    const want = expected();
    const chunks: Buffer[] = [];
    let n = 0;
    const done = new Promise<void>((ok) =>
      ws.on("message", (d: Buffer) => {
        chunks.push(d);
        n += d.length;
        if (n >= want.length) ok();
      }),
    );
    ws.send(pipeline());
    await done;
    ws.close();
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).equals(want)).toBe(true);
  });

  it("an Upstash REST pipeline answers all three in one answer", async () => {
    const res = await fetch(`${worker.url.href}db/${ns}/pipeline`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(KEYS.map((k) => ["GET", k])),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: string }[];
    expect(body.map((r) => r.result.length)).toEqual([SIZE, SIZE, SIZE]);
    expect(body.map((r) => r.result[0])).toEqual(["a", "b", "c"]);
  });
});

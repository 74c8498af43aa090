// A string of proto-max-bulk-len (32 MiB) read over Upstash REST as a user meets it (issue 17):
// the answer, past workerd's 32 MiB cap on one RPC value once JSON wraps it, leaves the namespace
// object as a stream (src/worker/doors/door.ts forRpc).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROTO_MAX_BULK_LEN } from "../../src/limits.ts";
import {
  TcpClient,
  freshNamespace,
  sharedTestWorker,
  startTestShim,
} from "./support/shim-harness.ts";
import type { TestShim, TestWorker } from "./support/shim-harness.ts";

const PIECE = PROTO_MAX_BULK_LEN / 4;

let worker: TestWorker;
let shim: TestShim;
const ns = freshNamespace("bigrest");

beforeAll(async () => {
  worker = await sharedTestWorker();
  shim = await startTestShim(worker.url.href, { namespace: ns, dialects: ["redis"] });
  // Written through the shim (a REST body stays under 10 MiB); each quarter its own letter.
  const value = Buffer.concat([0, 1, 2, 3].map((i) => Buffer.alloc(PIECE, 97 + i)));
  const c = await TcpClient.open(shim.port("redis"));
  c.write(Buffer.from(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${PROTO_MAX_BULK_LEN}\r\n`));
  c.write(value);
  c.write("\r\n");
  await c.readBytes(5);
  expect(c.received.toString()).toBe("+OK\r\n");
  c.destroy();
});
afterAll(async () => {
  await shim.close();
  await worker.dispose();
});

describe("a 32 MiB string over Upstash REST", () => {
  it("GET answers it whole (an answer of more than 32 MiB)", async () => {
    const r = await fetch(`${worker.url.href}db/${ns}/`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(["GET", "big"]),
    });
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text.length).toBeGreaterThan(PROTO_MAX_BULK_LEN);
    const { result } = JSON.parse(text) as { result: string };
    expect(result.length).toBe(PROTO_MAX_BULK_LEN);
    for (let i = 0; i < 4; i++) {
      const piece = result.slice(i * PIECE, (i + 1) * PIECE);
      expect(piece === String.fromCharCode(97 + i).repeat(PIECE)).toBe(true);
    }
  });
});

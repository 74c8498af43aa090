// The Redis door through the shim (spec §10.1, §12): whole commands per message, framing errors
// answered by the shim after earlier replies, an incomplete command dropped at EOF.

import { afterAll, beforeAll, expect, it } from "vitest";
import {
  TcpClient,
  exchange,
  freshNamespace,
  startTestShim,
  sharedTestWorker,
} from "./support/shim-harness.ts";
import type { TestWorker } from "./support/shim-harness.ts";
import type { TestShim } from "./support/shim-harness.ts";

let worker: TestWorker;
let shim: TestShim;
beforeAll(async () => {
  worker = await sharedTestWorker();
  shim = await startTestShim(worker.url.href, {
    namespace: freshNamespace("redis"),
    dialects: ["redis"],
  });
});
afterAll(async () => {
  await shim?.close();
  await worker?.dispose();
});

it("answers multibulk and inline commands, pipelined and split across writes", async () => {
  const c = await TcpClient.open(shim.port("redis"));
  c.write("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\nGET k\r\n\r\n*2\r\n$3\r\nGE");
  c.write("T\r\n$1\r\nk\r\n");
  const expected = "+OK\r\n$1\r\nv\r\n$1\r\nv\r\n";
  expect((await c.readBytes(expected.length)).toString()).toBe(expected);
  c.write("QUIT\r\n");
  expect((await c.readToEnd()).toString()).toBe(expected + "+OK\r\n");
});

it("answers a protocol error after the earlier replies, then closes", async () => {
  expect((await exchange(shim.port("redis"), "PING\r\n*1\r\nxx\r\n")).toString()).toBe(
    "+PONG\r\n-ERR Protocol error: expected '$', got 'x'\r\n",
  );
});

it("drops an incomplete command at EOF", async () => {
  expect(
    (
      await exchange(shim.port("redis"), "PING\r\n*2\r\n$3\r\nGET\r\n", { halfClose: true })
    ).toString(),
  ).toBe("+PONG\r\n");
});

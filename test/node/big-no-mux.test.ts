// One command of a 17 MiB value through the shim's per-connection sockets (`--no-mux`, and a
// sharded namespace, which has no /mux): the shim's tagged link takes a message up to the
// platform's 32 MiB (WS_PLATFORM_MESSAGE_MAX_BYTES), not WS_MESSAGE_MAX_BYTES, so a value close
// to proto-max-bulk-len is written without /mux.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WS_MESSAGE_MAX_BYTES } from "../../src/limits.ts";
import {
  TcpClient,
  freshNamespace,
  sharedTestWorker,
  startTestShim,
} from "./support/shim-harness.ts";
import type { TestShim, TestWorker } from "./support/shim-harness.ts";

const SIZE = 17 * 1024 * 1024;

let worker: TestWorker;
let shim: TestShim;
/** A namespace of 4 shards (support/shared-worker.ts): the shim falls back to a socket each. */
let sharded: TestShim;

beforeAll(async () => {
  worker = await sharedTestWorker();
  shim = await startTestShim(worker.url.href, {
    namespace: freshNamespace("nomux"),
    dialects: ["redis"],
    mux: false,
  });
  sharded = await startTestShim(worker.url.href, {
    namespace: "bullmq-sharded",
    dialects: ["redis"],
  });
});
afterAll(async () => {
  await sharded.close();
  await shim.close();
  await worker.dispose();
});

/** SET of SIZE bytes, STRLEN and the last two bytes through `port`; then DEL. */
async function roundTrip(port: number, key: string): Promise<void> {
  const c = await TcpClient.open(port);
  const k = `${key.length}\r\n${key}`;
  const head = Buffer.from(`*3\r\n$3\r\nSET\r\n$${k}\r\n$${SIZE}\r\n`);
  c.write(Buffer.concat([head, Buffer.alloc(SIZE, "z"), Buffer.from("\r\n")]));
  c.write(
    `*2\r\n$6\r\nSTRLEN\r\n$${k}\r\n*4\r\n$8\r\nGETRANGE\r\n$${k}\r\n$2\r\n-2\r\n$2\r\n-1\r\n`,
  );
  c.write(`*2\r\n$3\r\nDEL\r\n$${k}\r\n`);
  const want = `+OK\r\n:${SIZE}\r\n$2\r\nzz\r\n:1\r\n`;
  expect((await c.readBytes(want.length)).toString()).toBe(want);
  c.destroy();
}

describe("a 17 MiB SET through the shim's per-connection sockets", () => {
  it("--no-mux: stored whole", async () => {
    expect(SIZE).toBeGreaterThan(WS_MESSAGE_MAX_BYTES);
    await roundTrip(shim.port("redis"), "big");
  });

  it("a sharded namespace (the router's sockets): stored whole", async () => {
    await roundTrip(sharded.port("redis"), `big-nomux-${process.pid}`);
  });
});

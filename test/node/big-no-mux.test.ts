// One command of a 20 MiB value through the shim's per-connection sockets (`--no-mux`): the
// shim's tagged link takes a message up to the platform's 32 MiB (WS_PLATFORM_MESSAGE_MAX_BYTES),
// not WS_MESSAGE_MAX_BYTES, so a value close to proto-max-bulk-len is written without /mux.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WS_MESSAGE_MAX_BYTES } from "../../src/limits.ts";
import {
  TcpClient,
  freshNamespace,
  sharedTestWorker,
  startTestShim,
} from "./support/shim-harness.ts";
import type { TestShim, TestWorker } from "./support/shim-harness.ts";

const SIZE = 20 * 1024 * 1024;

let worker: TestWorker;
let shim: TestShim;

beforeAll(async () => {
  worker = await sharedTestWorker();
  shim = await startTestShim(worker.url.href, {
    namespace: freshNamespace("nomux"),
    dialects: ["redis"],
    mux: false,
  });
});
afterAll(async () => {
  await shim.close();
  await worker.dispose();
});

describe("a 20 MiB SET through --no-mux", () => {
  it("is stored whole", async () => {
    expect(SIZE).toBeGreaterThan(WS_MESSAGE_MAX_BYTES);
    const c = await TcpClient.open(shim.port("redis"));
    const head = Buffer.from(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${SIZE}\r\n`);
    c.write(Buffer.concat([head, Buffer.alloc(SIZE, "z"), Buffer.from("\r\n")]));
    c.write(
      "*2\r\n$6\r\nSTRLEN\r\n$3\r\nbig\r\n*4\r\n$8\r\nGETRANGE\r\n$3\r\nbig\r\n$2\r\n-2\r\n$2\r\n-1\r\n",
    );
    const want = `+OK\r\n:${SIZE}\r\n$2\r\nzz\r\n`;
    expect((await c.readBytes(want.length)).toString()).toBe(want);
    c.destroy();
  });
});

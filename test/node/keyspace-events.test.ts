// Keyspace notifications as a user meets them (issue 16): an ioredis subscriber on the shim's
// Redis port receives the events of another client's writes, and `expired` for a key nobody
// touches again (the Durable Object's expiry alarm purges it), through the multiplexed shim and
// through one WebSocket per connection.

import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshNamespace, startTestShim, sharedTestWorker } from "./support/shim-harness.ts";
import type { TestWorker } from "./support/shim-harness.ts";
import type { TestShim } from "./support/shim-harness.ts";

const HOST = "127.0.0.1";
/** How long a test waits for an event before failing. */
const EVENT_WAIT_MS = 5000;

/** Resolves when `got` has `n` entries. */
async function until(got: readonly string[], n: number): Promise<void> {
  const deadline = Date.now() + EVENT_WAIT_MS;
  while (got.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

describe("keyspace notifications through the shim", () => {
  let worker: TestWorker;
  beforeAll(async () => {
    worker = await sharedTestWorker();
  });
  afterAll(async () => {
    await worker?.dispose();
  });

  for (const mux of [true, false]) {
    it(`a subscriber sees set, del and expired (alarm) events (${mux ? "mux" : "--no-mux"})`, async () => {
      const shim: TestShim = await startTestShim(worker.url.href, {
        namespace: freshNamespace("ks"),
        dialects: ["redis"],
        mux,
      });
      const port = shim.port("redis");
      const sub = new Redis({ host: HOST, port, lazyConnect: true });
      const cmd = new Redis({ host: HOST, port, lazyConnect: true });
      try {
        await sub.connect();
        await cmd.connect();
        const got: string[] = [];
        sub.on("pmessage", (_p: string, ch: string, msg: string) => got.push(`${ch} ${msg}`));
        await sub.psubscribe("__keyevent@0__:*");
        expect(await cmd.config("SET", "notify-keyspace-events", "Eg$x")).toBe("OK");
        await cmd.set("a", "1");
        await cmd.rpush("l", "x"); // class l is off
        await cmd.del("a");
        await cmd.set("t", "v", "PX", 300);
        await until(got, 4);
        expect(got).toEqual([
          "__keyevent@0__:set a",
          "__keyevent@0__:del a",
          "__keyevent@0__:set t",
          "__keyevent@0__:expire t",
        ]);
        // Nobody reads t again: the object's expiry alarm deletes it and says so.
        await until(got, 5);
        expect(got[4]).toBe("__keyevent@0__:expired t");
      } finally {
        sub.disconnect();
        cmd.disconnect();
        await shim.close();
      }
    }, 20000);
  }
});

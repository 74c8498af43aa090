// A Worker-held socket of a sharded namespace is closed 1012 once it spent its shard call budget
// (SHARD_WS_CALLS, docs/scaling.md): through the shim, the connection resumes on a new socket
// (src/worker/socket-resume.ts) with its protocol, database, name and client id, and the batches
// the old socket left unanswered are sent again, so the TCP client never sees a close.

import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalWorker } from "../../src/node/local-worker.ts";
import { TcpClient, startTestShim, startTestWorker } from "./support/shim-harness.ts";
import type { TestShim } from "./support/shim-harness.ts";

/** Shard calls per socket: a handful of messages spends it. */
const BUDGET = 10;
let worker: LocalWorker;
let shim: TestShim;

beforeAll(async () => {
  worker = await startTestWorker({
    ALLOW_ANONYMOUS: "true",
    NAMESPACE_SHARDS: JSON.stringify({ "resume-4": 4 }),
    SHARD_WS_CALLS: String(BUDGET),
  });
  shim = await startTestShim(worker.url.toString(), {
    namespace: "resume-4",
    dialects: ["redis"],
    mux: false,
  });
}, 60_000);
afterAll(async () => {
  await shim?.close();
  await worker?.dispose();
});

const cmd = (...argv: string[]) =>
  `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;

describe("a sharded socket past its call budget, through the shim", () => {
  it("keeps the connection: database, name and client id; every reply arrives", async () => {
    const r = new Redis({ port: shim.port("redis"), host: "127.0.0.1", db: 2 });
    try {
      await r.client("SETNAME", "resumer");
      const id = await r.client("ID");
      for (let i = 0; i < 3 * BUDGET; i++) await r.incr(`seq{${i % 5}}`);
      // Many at once: some are in flight when the Worker closes the socket.
      await Promise.all(Array.from({ length: 6 * BUDGET }, (_, i) => r.incr(`burst{${i % 6}}`)));
      const keys = Array.from({ length: 6 }, (_, i) => `burst{${i}}`);
      expect(await r.mget(...keys)).toEqual(keys.map(() => String(BUDGET)));
      expect(await r.mget("seq{0}", "seq{4}")).toEqual(["6", "6"]);
      expect([await r.client("ID"), await r.client("GETNAME")]).toEqual([id, "resumer"]);
      expect(await r.dbsize()).toBe(11);
      await r.select(0);
      expect(await r.dbsize()).toBe(0);
    } finally {
      r.disconnect();
    }
    expect(shim.logs.filter((l) => l.includes("upstream closed"))).toEqual([]);
  });

  it("keeps RESP3 across the new socket, with pipelined batches sent again", async () => {
    const c = await TcpClient.open(shim.port("redis"));
    try {
      c.write(cmd("HELLO", "3"));
      const hello = (await c.readUntil("modules")).length;
      const after = (text: string) => () => c.received.subarray(hello).includes(text);
      for (let i = 1; i <= 2 * BUDGET; i++) {
        c.write(cmd("INCR", "n"));
        await c.until(after(`:${i}\r\n`));
      }
      // Each its own write: the shim has several batches out when the socket is closed.
      for (let i = 0; i < 3 * BUDGET; i++) c.write(cmd("INCR", "n"));
      await c.until(after(`:${5 * BUDGET}\r\n`));
      c.write(cmd("HSET", "h", "f", "v") + cmd("HGETALL", "h"));
      const all = await c.readUntil("%1\r\n$1\r\nf\r\n$1\r\nv\r\n");
      const counts = [...all.slice(hello).matchAll(/^:(\d+)\r$/gm)].map((m) => Number(m[1]));
      expect(counts).toEqual([...Array.from({ length: 5 * BUDGET }, (_, i) => i + 1), 1]);
    } finally {
      c.destroy();
    }
  });
});

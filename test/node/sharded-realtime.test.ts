// ioredis through the shim on a sharded namespace (issue 16, docs/scaling.md): a subscriber and
// a pattern subscriber receive messages on channels that hash to different shards, and a BLPOP
// is woken by another client's RPUSH while a third client is served; a blocked client that hangs
// up stops waiting on its shard.

import { connect } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalWorker } from "../../src/node/local-worker.ts";
import { shardOfKey } from "../../src/worker/router/slots.ts";
import { startTestShim, startTestWorker } from "./support/shim-harness.ts";
import type { TestShim } from "./support/shim-harness.ts";

const SHARDS = 4;
let worker: LocalWorker;
let shim: TestShim;
const clients: Redis[] = [];

beforeAll(async () => {
  worker = await startTestWorker({ ALLOW_ANONYMOUS: "true", SHARDS: String(SHARDS) });
  shim = await startTestShim(worker.url.toString(), {
    namespace: "rt-sharded",
    dialects: ["redis"],
    mux: false,
  });
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await shim?.close();
  await worker?.dispose();
});

function client(): Redis {
  const c = new Redis({ port: shim.port("redis"), host: "127.0.0.1", lazyConnect: false });
  clients.push(c);
  return c;
}

/** A message event as a promise. */
function nextEvent(r: Redis, event: "message" | "pmessage", count: number): Promise<string[][]> {
  return new Promise((resolve) => {
    const got: string[][] = [];
    r.on(event, (...args: string[]) => {
      got.push(args);
      if (got.length === count) resolve(got);
    });
  });
}

describe("ioredis on a sharded namespace through the shim", () => {
  it("subscribes to channels and patterns over shards; PUBLISH counts receivers", async () => {
    const chans: string[] = [];
    const seen = new Set<number>();
    for (let i = 0; chans.length < 3; i++) {
      const s = shardOfKey(`feed.${i}`, SHARDS);
      if (!seen.has(s)) (seen.add(s), chans.push(`feed.${i}`));
    }
    const sub = client();
    const psub = client();
    const pub = client();
    expect(await sub.subscribe(...chans)).toBe(3);
    expect(await psub.psubscribe("feed.*")).toBe(1);
    const messages = nextEvent(sub, "message", 3);
    const pmessages = nextEvent(psub, "pmessage", 3);
    for (const ch of chans) expect(await pub.publish(ch, `hi ${ch}`)).toBe(2);
    expect(await messages).toEqual(chans.map((ch) => [ch, `hi ${ch}`]));
    expect(await pmessages).toEqual(chans.map((ch) => ["feed.*", ch, `hi ${ch}`]));
  });

  it("BLPOP waits without holding others up and is woken by another client's RPUSH", async () => {
    const waiter = client();
    const other = client();
    const popped = waiter.blpop("rt-queue", 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(await other.set("rt-x", "1")).toBe("OK");
    expect(await other.rpush("rt-queue", "job")).toBe(1);
    expect(await popped).toEqual(["rt-queue", "job"]);
    await expect(waiter.blpop("rt-a", "rt-b", 0)).rejects.toThrow(/CROSSSLOT|MOVED/);
  });

  it("a blocked client that hangs up is freed at once (as Redis frees it): a later push is kept", async () => {
    const other = client();
    const list = async () => String(await other.client("LIST"));
    const sock = connect(shim.port("redis"), "127.0.0.1");
    await new Promise((r) => sock.once("connect", r));
    sock.write("*3\r\n$5\r\nBLPOP\r\n$7\r\nrt-gone\r\n$1\r\n0\r\n");
    for (let i = 0; i < 50 && !(await list()).includes("flags=b"); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await list()).toContain("flags=b");
    // The client is gone (FIN): its wait on the shard ends, nothing is popped for it.
    sock.end();
    for (let i = 0; i < 50 && (await list()).includes("flags=b"); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await list()).not.toContain("flags=b");
    expect(await other.rpush("rt-gone", "kept")).toBe(1);
    expect(await other.lrange("rt-gone", 0, -1)).toEqual(["kept"]);
    sock.destroy();
  });
});

// Blocked clients of a sharded namespace, which wait on their keys' shard (docs/scaling.md,
// *Blocking commands*): CLIENT UNBLOCK, CLIENT LIST flags=b and INFO reach them from any
// connection and door, and a wait whose caller is gone (its lease not renewed) is dropped
// without popping anything. SHARD_WAIT_LEASE_MS is 3000 here (vitest.config.ts).

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newConn } from "../../src/engine/conn-state.ts";
import { objectName, shardOfKey } from "../../src/worker/shard-map.ts";
import { Ws, resp } from "../worker/support/client.ts";
import { SHARDS, onShard, redisWs, upstash } from "./support.ts";

const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A socket blocked in `cmd`, and its client id. */
async function blocked(ns: string, ...cmd: string[]): Promise<{ ws: Ws; id: string }> {
  const ws = await Ws.open(`/db/${ns}/resp`);
  const id = (await ws.request(resp("CLIENT", "ID")))!.slice(1, -2);
  ws.ws.send(resp(...cmd));
  await sleep(100);
  return { ws, id };
}

describe("CLIENT UNBLOCK, CLIENT LIST and INFO see waits on shards", () => {
  it("CLIENT LIST shows flags=b; CLIENT UNBLOCK answers the timeout reply; then 0", async () => {
    const { ws, id } = await blocked("sw1", "BLPOP", "q1", "0");
    const list = await redisWs("sw1", ["CLIENT", "LIST"]);
    expect(list).toMatch(new RegExp(`id=${id} .*flags=b .*cmd=blpop`));
    expect(await redisWs("sw1", ["INFO", "clients"])).toContain("blocked_clients:1\r\n");
    expect(await redisWs("sw1", ["CLIENT", "UNBLOCK", id])).toBe(":1\r\n");
    expect(await ws.next()).toBe("*-1\r\n");
    // Served: no longer blocked, listed or counted.
    expect(await redisWs("sw1", ["CLIENT", "UNBLOCK", id])).toBe(":0\r\n");
    expect(await redisWs("sw1", ["CLIENT", "LIST"])).not.toContain("flags=b");
    expect(await redisWs("sw1", ["INFO", "clients"])).toContain("blocked_clients:0\r\n");
    // The connection goes on.
    expect(await ws.request(resp("PING"))).toBe("+PONG\r\n");
    ws.close();
  });

  it("CLIENT UNBLOCK … ERROR from the REST door; a push after it stays in the list", async () => {
    const { ws, id } = await blocked("sw2", "BRPOPLPUSH", "{q2}src", "{q2}dst", "0");
    expect(await upstash("sw2", "/", ["CLIENT", "UNBLOCK", id, "ERROR"])).toMatchObject({
      text: '{"result":1}',
    });
    expect(await ws.next()).toBe("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
    expect(await redisWs("sw2", ["RPUSH", "{q2}src", "x"], ["LRANGE", "{q2}src", "0", "-1"])).toBe(
      `:1\r\n*1\r\n${bulk("x")}`,
    );
    // Argument errors are the engine's, as on one object.
    expect(await redisWs("sw2", ["CLIENT", "UNBLOCK", id, "LATER"])).toBe(
      "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n",
    );
    expect(await redisWs("sw2", ["CLIENT", "UNBLOCK", "999999"])).toBe(":0\r\n");
    ws.close();
  });

  it("XREAD BLOCK and BZPOPMIN waits on two shards: both listed, each unblocked", async () => {
    const [s1, s2] = ["st", "zs"].map((p) => {
      for (let i = 0; ; i++) if (shardOfKey(`${p}${i}`, SHARDS) !== 0) return `${p}${i}`;
    }) as [string, string];
    const a = await blocked("sw3", "XREAD", "BLOCK", "0", "STREAMS", s1, "$");
    const b = await blocked("sw3", "BZPOPMIN", s2, "0");
    const list = await redisWs("sw3", ["CLIENT", "LIST"]);
    expect(list).toMatch(new RegExp(`id=${a.id} .*flags=b`));
    expect(list).toMatch(new RegExp(`id=${b.id} .*flags=b`));
    expect(await redisWs("sw3", ["CLIENT", "UNBLOCK", b.id], ["CLIENT", "UNBLOCK", a.id])).toBe(
      ":1\r\n:1\r\n",
    );
    expect(await b.ws.next()).toBe("*-1\r\n");
    expect(await a.ws.next()).toBe("*-1\r\n");
    a.ws.close();
    b.ws.close();
  });
});

describe("leases of blocked shard calls", () => {
  it("a live socket's endless wait outlives its lease (renewed) and is served", async () => {
    const { ws } = await blocked("sw4", "BLPOP", "long", "0");
    await sleep(3500);
    expect(await redisWs("sw4", ["RPUSH", "long", "v"])).toBe(":1\r\n");
    expect(await ws.next()).toBe(`*2\r\n${bulk("long")}${bulk("v")}`);
    ws.close();
  });

  it("a caller that stops renewing (gone) loses its place: the push stays or goes to a live client", async () => {
    const shard = shardOfKey("lost", SHARDS);
    const stub = env.NAMESPACE.getByName(objectName("sw5", shard));
    // The caller side of a BLPOP forever, aborted after its call was made: nobody renews.
    const dead = stub
      .runShard({
        namespace: "sw5",
        shard,
        shards: SHARDS,
        dialect: "redis",
        items: [{ argv: ["BLPOP", "lost", "0"] }],
        conn: newConn(424242, { authed: true, readonly: false }),
        withContext: false,
        waitKey: "gone-caller",
        leaseMs: 300,
      })
      .then(
        () => "answered",
        (e: unknown) => String(e),
      );
    await sleep(100);
    expect(await onShard("sw5", shard, (e) => e.blocking.size)).toBe(1);
    // A live client queues behind it.
    const live = await blocked("sw5", "BLPOP", "lost", "0");
    await sleep(400);
    expect(await dead).toContain("lease expired");
    expect(await redisWs("sw5", ["RPUSH", "lost", "a", "b"])).toBe(":2\r\n");
    expect(await live.ws.next()).toBe(`*2\r\n${bulk("lost")}${bulk("a")}`);
    expect(await redisWs("sw5", ["LRANGE", "lost", "0", "-1"])).toBe(`*1\r\n${bulk("b")}`);
    expect(await onShard("sw5", shard, (e) => e.blocking.size)).toBe(0);
    live.ws.close();
  });
});

describe("a Worker-opened link hibernates on the object's side (docs/realtime.md, SSE)", () => {
  it("the shard is evicted with its link kept, wakes for a PUBLISH and delivers it", async () => {
    const { evictDurableObject } = await import("cloudflare:test");
    const sub = await Ws.open("/db/sw6/resp");
    await sub.request(resp("SUBSCRIBE", "hib"));
    const stub = env.NAMESPACE.getByName(objectName("sw6", shardOfKey("hib", SHARDS)));
    await evictDurableObject(stub);
    // A new instance (the constructor ran again) found the link and its subscription.
    expect(
      await onShard("sw6", shardOfKey("hib", SHARDS), (e) => e.pubsub.subscribers("hib", false)),
    ).toBe(1);
    expect(await redisWs("sw6", ["PUBLISH", "hib", "after"])).toBe(":1\r\n");
    expect(await sub.next()).toBe(`*3\r\n${bulk("message")}${bulk("hib")}${bulk("after")}`);
    sub.close();
  });
});

// Pub/sub and blocking commands on a sharded namespace (issue 16, docs/scaling.md): channels live
// on the shard their name hashes to, patterns see every shard, a blocking command waits on its
// keys' shard without holding anyone else up, multi-key blocking across shards is CROSSSLOT.

import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newConn } from "../../src/engine/conn-state.ts";
import { R } from "../../src/engine/reply.ts";
import { objectName, shardOfKey } from "../../src/worker/shard-map.ts";
import type { NamespaceStub } from "../../src/worker/shard-map.ts";
import { Ws, resp } from "../worker/support/client.ts";
import { SHARDS, onShard, redisWs, upstash } from "./support.ts";

const CROSSSLOT = "-CROSSSLOT Keys in request don't hash to the same slot\r\n";

/** `count` names `prefix<i>` on pairwise different shards. */
function spread(prefix: string, count: number): string[] {
  const out: string[] = [];
  const seen = new Set<number>();
  for (let i = 0; out.length < count; i++) {
    const s = shardOfKey(`${prefix}${i}`, SHARDS);
    if (seen.has(s)) continue;
    seen.add(s);
    out.push(`${prefix}${i}`);
  }
  return out;
}

const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;
const message = (ch: string, msg: string) => `*3\r\n${bulk("message")}${bulk(ch)}${bulk(msg)}`;
const pmessage = (p: string, ch: string, msg: string) =>
  `*4\r\n${bulk("pmessage")}${bulk(p)}${bulk(ch)}${bulk(msg)}`;

describe("pub/sub on a sharded namespace", () => {
  it("SUBSCRIBE on one socket; PUBLISH from another socket and from REST lands, counted", async () => {
    const [a, b] = spread("chan", 2);
    const sub = await Ws.open("/db/ps1/resp");
    expect(await sub.request(resp("SUBSCRIBE", a!, b!))).toBe(
      `*3\r\n${bulk("subscribe")}${bulk(a!)}:1\r\n*3\r\n${bulk("subscribe")}${bulk(b!)}:2\r\n`,
    );
    // The subscription is mirrored on each channel's own shard.
    expect(
      await onShard("ps1", shardOfKey(a!, SHARDS), (e) => e.pubsub.subscribers(a!, false)),
    ).toBe(1);
    expect(await redisWs("ps1", ["PUBLISH", a!, "hello"], ["PUBLISH", "nobody", "x"])).toBe(
      ":1\r\n:0\r\n",
    );
    expect(await sub.next()).toBe(message(a!, "hello"));
    expect(await upstash("ps1", "/", ["PUBLISH", b!, "from rest"])).toMatchObject({
      text: '{"result":1}',
    });
    expect(await sub.next()).toBe(message(b!, "from rest"));
    // RESP2 subscribed mode is the Worker's to enforce.
    expect(await sub.request(resp("GET", "k"))).toBe(
      "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
    );
    expect(await sub.request(resp("UNSUBSCRIBE", a!))).toBe(
      `*3\r\n${bulk("unsubscribe")}${bulk(a!)}:1\r\n`,
    );
    expect(await redisWs("ps1", ["PUBLISH", a!, "gone"], ["PUBLISH", b!, "still"])).toBe(
      ":0\r\n:1\r\n",
    );
    expect(await sub.next()).toBe(message(b!, "still"));
    sub.close();
  });

  it("PSUBSCRIBE sees channels that hash to different shards; PUBSUB merges the shards", async () => {
    const chans = spread("news.", 3);
    const sub = await Ws.open("/db/ps2/resp");
    const plain = await Ws.open("/db/ps2/resp");
    expect(await sub.request(resp("PSUBSCRIBE", "news.*"))).toBe(
      `*3\r\n${bulk("psubscribe")}${bulk("news.*")}:1\r\n`,
    );
    expect(await plain.request(resp("SUBSCRIBE", chans[0]!))).toBe(
      `*3\r\n${bulk("subscribe")}${bulk(chans[0]!)}:1\r\n`,
    );
    for (const ch of chans) {
      // The channel's shard counts the pattern subscriber once, and the plain one on chans[0].
      expect(await redisWs("ps2", ["PUBLISH", ch, `m-${ch}`])).toBe(
        ch === chans[0] ? ":2\r\n" : ":1\r\n",
      );
      expect(await sub.next()).toBe(pmessage("news.*", ch, `m-${ch}`));
    }
    expect(await plain.next()).toBe(message(chans[0]!, `m-${chans[0]}`));
    expect(
      await redisWs(
        "ps2",
        ["PUBSUB", "NUMPAT"],
        ["PUBSUB", "NUMSUB", chans[0]!, chans[1]!],
        ["PUBSUB", "CHANNELS"],
      ),
    ).toBe(`:1\r\n*4\r\n${bulk(chans[0]!)}:1\r\n${bulk(chans[1]!)}:0\r\n*1\r\n${bulk(chans[0]!)}`);
    sub.close();
    plain.close();
  });

  it("SSUBSCRIBE lives on its channel's shard; channels across shards are CROSSSLOT", async () => {
    const [a, b] = spread("sc", 2);
    const sub = await Ws.open("/db/ps3/resp");
    expect(await sub.request(resp("SSUBSCRIBE", a!, b!))).toBe(CROSSSLOT);
    expect(await sub.request(resp("SSUBSCRIBE", `{t}${a}`, `{t}${b}`))).toBe(
      `*3\r\n${bulk("ssubscribe")}${bulk(`{t}${a}`)}:1\r\n*3\r\n${bulk("ssubscribe")}${bulk(`{t}${b}`)}:2\r\n`,
    );
    expect(await redisWs("ps3", ["SPUBLISH", `{t}${b}`, "s"], ["PUBLISH", `{t}${b}`, "p"])).toBe(
      ":1\r\n:0\r\n",
    );
    expect(await sub.next()).toBe(`*3\r\n${bulk("smessage")}${bulk(`{t}${b}`)}${bulk("s")}`);
    sub.close();
  });

  it("RESP3: pushes keep arriving while the same connection is blocked", async () => {
    const ws = await Ws.open("/db/ps4/resp");
    await ws.request(resp("HELLO", "3"));
    expect(await ws.request(resp("SUBSCRIBE", "live"))).toBe(
      `>3\r\n${bulk("subscribe")}${bulk("live")}:1\r\n`,
    );
    ws.ws.send(resp("BLPOP", "q4", "0"));
    await new Promise((r) => setTimeout(r, 100));
    expect(await redisWs("ps4", ["PUBLISH", "live", "while blocked"])).toBe(":1\r\n");
    expect(await ws.next()).toBe(`>3\r\n${bulk("message")}${bulk("live")}${bulk("while blocked")}`);
    expect(await redisWs("ps4", ["RPUSH", "q4", "x"])).toBe(":1\r\n");
    expect(await ws.next()).toBe(`*2\r\n${bulk("q4")}${bulk("x")}`);
    ws.close();
  });

  it("a subscriber that closes drops its subscriptions on the shards", async () => {
    const sub = await Ws.open("/db/ps5/resp");
    await sub.request(resp("SUBSCRIBE", "bye"));
    await sub.request(resp("PSUBSCRIBE", "b*"));
    sub.close();
    await sub.waitClose();
    let n = "";
    for (let i = 0; i < 50 && n !== ":0\r\n"; i++) {
      await new Promise((r) => setTimeout(r, 20));
      n = await redisWs("ps5", ["PUBLISH", "bye", "x"]);
    }
    expect(n).toBe(":0\r\n");
  });
});

describe("pub/sub links", () => {
  it("a shard that drops its link closes the subscriber (1012), which resubscribes", async () => {
    const sub = await Ws.open("/db/ps6/resp");
    await sub.request(resp("SUBSCRIBE", "restart"));
    const stub = env.NAMESPACE.getByName(objectName("ps6", shardOfKey("restart", SHARDS)));
    await runInDurableObject(stub, (_o, state) => {
      for (const ws of state.getWebSockets()) ws.close(1012, "restart");
    });
    expect((await sub.waitClose()).code).toBe(1012);
    const again = await Ws.open("/db/ps6/resp");
    await again.request(resp("SUBSCRIBE", "restart"));
    expect(await redisWs("ps6", ["PUBLISH", "restart", "back"])).toBe(":1\r\n");
    expect(await again.next()).toBe(message("restart", "back"));
    again.close();
  });

  it("mirrors keyspace notification channels on every shard, which publish their keys' events", async () => {
    const sub = await Ws.open("/db/ps7/resp");
    await sub.request(resp("SUBSCRIBE", "__keyevent@0__:set"));
    const counts = await Promise.all(
      Array.from({ length: SHARDS }, (_, i) =>
        onShard("ps7", i, (e) => e.pubsub.subscribers("__keyevent@0__:set", false)),
      ),
    );
    expect(counts).toEqual(Array.from({ length: SHARDS }, () => 1));
    // Keys on different shards: each shard publishes the events of its own keys.
    const [k1, k2] = spread("ev", 2);
    expect(await redisWs("ps7", ["CONFIG", "SET", "notify-keyspace-events", "E$"])).toBe("+OK\r\n");
    expect(await redisWs("ps7", ["SET", k1!, "1"], ["SET", k2!, "2"])).toBe("+OK\r\n+OK\r\n");
    const got = [await sub.next(), await sub.next()];
    // The two shards run in parallel: either order.
    expect(got.sort()).toEqual([k1!, k2!].map((k) => message("__keyevent@0__:set", k)).sort());
    sub.close();
  });
});

describe("connection ids on a shard", () => {
  it("a Worker call whose client id is a link's on that shard is not taken for the link", async () => {
    const sub = await Ws.open("/db/ps8/resp");
    await sub.request(resp("SUBSCRIBE", "idc"));
    const shard = shardOfKey("idc", SHARDS);
    const [linkId] = await onShard("ps8", shard, (e) => [...e.sinks.keys()]);
    const stub = env.NAMESPACE.getByName(objectName("ps8", shard)) as unknown as NamespaceStub;
    const r = await stub.runShard({
      namespace: "ps8",
      shard,
      shards: SHARDS,
      dialect: "redis",
      items: [{ argv: ["PUBLISH", "idc", "mine"] }],
      conn: newConn(linkId!, { authed: true, readonly: false }),
      withContext: false,
    });
    expect(r.replies).toEqual([R.int(1)]);
    expect(await sub.next()).toBe(message("idc", "mine"));
    sub.close();
  });
});

describe("blocking commands on a sharded namespace", () => {
  it("BLPOP is woken by another connection's RPUSH; others are served meanwhile", async () => {
    const waiter = await Ws.open("/db/bl1/resp");
    waiter.ws.send(resp("BLPOP", "jobs", "0"));
    await new Promise((r) => setTimeout(r, 100));
    // Another client, on the same shard and on others, is not held up.
    expect(await redisWs("bl1", ["SET", "jobs-x", "1"], ["LLEN", "jobs"], ["GET", "jobs-x"])).toBe(
      "+OK\r\n:0\r\n$1\r\n1\r\n",
    );
    // INFO adds the shards' blocked clients.
    expect(await redisWs("bl1", ["INFO", "clients"])).toContain("blocked_clients:1\r\n");
    expect(await upstash("bl1", "/", ["RPUSH", "jobs", "j1", "j2"])).toMatchObject({
      text: '{"result":2}',
    });
    expect(await waiter.next()).toBe(`*2\r\n${bulk("jobs")}${bulk("j1")}`);
    expect(await waiter.request(resp("LRANGE", "jobs", "0", "-1"))).toBe(`*1\r\n${bulk("j2")}`);
    waiter.close();
  });

  it("a batch's commands after a blocked one wait for it, on every shard", async () => {
    const [q, other] = spread("bq", 2);
    const ws = await Ws.open("/db/bl2/resp");
    ws.ws.send(resp("BLPOP", q!, "0") + resp("SET", other!, "after"));
    await new Promise((r) => setTimeout(r, 100));
    expect(await redisWs("bl2", ["GET", other!])).toBe("$-1\r\n");
    expect(await redisWs("bl2", ["RPUSH", q!, "v"])).toBe(":1\r\n");
    expect(await ws.next()).toBe(`*2\r\n${bulk(q!)}${bulk("v")}+OK\r\n`);
    expect(await redisWs("bl2", ["GET", other!])).toBe(`${bulk("after")}`);
    ws.close();
  });

  it("times out like Redis, and multi-key blocking across shards is CROSSSLOT", async () => {
    const [a, b] = spread("bk", 2);
    const ws = await Ws.open("/db/bl3/resp");
    expect(await ws.request(resp("BLPOP", a!, b!, "0"))).toBe(CROSSSLOT);
    expect(await ws.request(resp("BLMOVE", a!, b!, "LEFT", "RIGHT", "0"))).toBe(CROSSSLOT);
    expect(await ws.request(resp("BLPOP", `{t}${a}`, `{t}${b}`, "0.1"))).toBe("*-1\r\n");
    expect(await ws.request(resp("RPUSH", `{t}${b}`, "z"))).toBe(":1\r\n");
    expect(await ws.request(resp("BLPOP", `{t}${a}`, `{t}${b}`, "1"))).toBe(
      `*2\r\n${bulk(`{t}${b}`)}${bulk("z")}`,
    );
    ws.close();
  });

  it("a blocked client that closes stops waiting: a later push stays in the list", async () => {
    const ws = await Ws.open("/db/bl4/resp");
    ws.ws.send(resp("BLPOP", "gone", "0"));
    await new Promise((r) => setTimeout(r, 100));
    ws.close();
    await ws.waitClose();
    await new Promise((r) => setTimeout(r, 100));
    expect(await redisWs("bl4", ["RPUSH", "gone", "kept"], ["LRANGE", "gone", "0", "-1"])).toBe(
      `:1\r\n*1\r\n${bulk("kept")}`,
    );
  });

  it("REST BLPOP waits on its shard and is woken by a write from another door", async () => {
    const pending = upstash("bl5", "/", ["BLPOP", "rq", "5"]);
    await new Promise((r) => setTimeout(r, 100));
    expect(await redisWs("bl5", ["RPUSH", "rq", "r1"])).toBe(":1\r\n");
    expect(await pending).toMatchObject({ status: 200, text: '{"result":["rq","r1"]}' });
  });
});

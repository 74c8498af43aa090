// Fan-out commands on a sharded namespace: splits merged back in argument order, aggregates over
// every shard, SCAN visiting every key exactly once with a cursor that encodes the shard.

import { describe, expect, it } from "vitest";
import { shardOfKey } from "../../src/worker/shard-map.ts";
import { Ws, blinkHttp, lr, resp } from "../worker/support/client.ts";
import { SHARDS, keysPerShard, redisWs, upstash } from "./support.ts";

/** `n` keys, each on a different shard. */
function spread(n: number): string[] {
  const byShard = new Map<number, string>();
  for (let i = 0; byShard.size < n; i++)
    if (!byShard.has(shardOfKey(`f${i}`, SHARDS)))
      byShard.set(shardOfKey(`f${i}`, SHARDS), `f${i}`);
  return [...byShard.values()];
}

describe("split commands", () => {
  it("merges MGET over 16 shards in argument order (HTTP and WebSocket)", async () => {
    const ks = spread(16);
    expect((await upstash("fo1", "/", ["MSET", ...ks.flatMap((k) => [k, `v:${k}`])])).text).toBe(
      '{"result":"OK"}',
    );
    expect((await keysPerShard("fo1")).every((c) => c === 1)).toBe(true);
    const ask = [...ks].reverse().concat(["nope", ks[3]!]);
    const want = ask.map((k) => (k === "nope" ? null : `v:${k}`));
    expect(JSON.parse((await upstash("fo1", "/", ["MGET", ...ask])).text)).toEqual({
      result: want,
    });
    const reply = await redisWs("fo1", ["MGET", ...ask]);
    expect(reply).toBe(
      `*${ask.length}\r\n` +
        want.map((v) => (v === null ? "$-1\r\n" : `$${v.length}\r\n${v}\r\n`)).join(""),
    );
    expect(
      JSON.parse((await upstash("fo1", "/", ["DEL", ks[0]!, ks[1]!, "nope", ks[0]!])).text),
    ).toEqual({ result: 2 });
    expect(JSON.parse((await upstash("fo1", "/", ["EXISTS", ...ks, ks[2]!])).text)).toEqual({
      result: 15,
    });
    expect(
      JSON.parse((await lr({ cmd: "mget", key: ks[2]!, args: [ks[0]!, ks[4]!] }, "/db/fo1")).text),
    ).toEqual([`v:${ks[2]}`, null, `v:${ks[4]}`]);
  });

  it("splits gevent MSET and merges gevent MGET over WebSocket", async () => {
    const ws = await Ws.open("/db/fo2/resp?dialect=gevent");
    const ks = spread(4);
    const mset = `*9\r\n$4\r\nMSET\r\n${ks.map((k, i) => `$${k.length}\r\n${k}\r\n:${i}\r\n`).join("")}`;
    expect(await ws.request(mset)).toBe(":4\r\n");
    const mget = `*5\r\n$4\r\nMGET\r\n${[...ks]
      .reverse()
      .map((k) => `$${k.length}\r\n${k}\r\n`)
      .join("")}`;
    expect(await ws.request(mget)).toBe("*4\r\n:3\r\n:2\r\n:1\r\n:0\r\n");
    expect(await ws.request("*1\r\n$5\r\nFLUSH\r\n")).toBe(":4\r\n");
    ws.close();
  });
});

describe("aggregates", () => {
  it("sums DBSIZE, Blink USAGE and INFO over shards; KEYS lists every key once", async () => {
    const ks = spread(5);
    await blinkHttp(ks.map((k) => `SET ${k} abc\n`).join(""), "/db/fo3/blink");
    const usage = ks.reduce((n, k) => n + k.length + 3, 0);
    expect(await blinkHttp("USAGE\nSTATS\n", "/db/fo3/blink")).toBe(
      `USAGE ${usage}\nUSAGE ${usage}\n`,
    );
    expect(await redisWs("fo3", ["DBSIZE"])).toBe(":5\r\n");
    const info = await redisWs("fo3", ["INFO", "memory", "keyspace"]);
    expect(info).toContain(`used_memory:${usage}\r\n`);
    expect(info).toContain(`maxmemory:${64 * 1024 * 1024}\r\n`);
    expect(info).toContain("db0:keys=5,expires=0,avg_ttl=0\r\n");
    const keys = JSON.parse((await upstash("fo3", "/", ["KEYS", "*"])).text).result as string[];
    expect([...keys].sort()).toEqual([...ks].sort());
    const random = JSON.parse((await upstash("fo3", "/", ["RANDOMKEY"])).text).result;
    expect(ks).toContain(random);
    const lrInfo = JSON.parse((await lr({ cmd: "info" }, "/db/fo3")).text);
    expect(lrInfo).toMatchObject({ db_file_name: "fo3.jsonl", keys_count: 5, writable_row: 5 });
    expect([...lrInfo.keys].sort()).toEqual([...ks].sort());
    expect((await lr({ cmd: "save" }, "/db/fo3")).text).toBe('"OK"\n');
    expect(JSON.parse((await lr({ cmd: "info" }, "/db/fo3")).text).writable_row).toBe(0);
    expect(await redisWs("fo3", ["FLUSHALL"], ["DBSIZE"], ["RANDOMKEY"])).toBe(
      "+OK\r\n:0\r\n$-1\r\n",
    );
  });

  it("sees earlier commands of the same pipeline on every shard and none of the later ones", async () => {
    const ks = spread(16);
    const cmds = [
      ...ks.slice(0, 8).map((k) => ["SET", k, "1"]),
      ["DBSIZE"],
      ...ks.slice(8).map((k) => ["SET", k, "1"]),
      ["DBSIZE"],
      ["FLUSHDB"],
      ["SET", ks[0]!, "2"],
      ["DBSIZE"],
    ];
    const r = JSON.parse((await upstash("fo4", "/pipeline", cmds)).text) as { result: unknown }[];
    expect([r[8], r[17], r[20]]).toEqual([{ result: 8 }, { result: 16 }, { result: 1 }]);
  });
});

describe("SCAN over shards", () => {
  it("returns every key exactly once and ends at cursor 0", async () => {
    const ns = "scan1";
    const keys = Array.from({ length: 700 }, (_, i) => `s:${i}`);
    expect(
      (
        await upstash(
          ns,
          "/pipeline",
          keys.map((k) => ["SET", k, "x"]),
        )
      ).status,
    ).toBe(200);
    const ws = await Ws.open(`/db/${ns}/resp`);
    const seen: string[] = [];
    let cursor = "0";
    let calls = 0;
    do {
      const reply = (await ws.request(resp("SCAN", cursor, "COUNT", "37")))!;
      const lines = reply.split("\r\n");
      cursor = lines[2]!;
      for (let i = 5; i < lines.length; i += 2) seen.push(lines[i]!);
      calls++;
    } while (cursor !== "0" && calls < 1000);
    ws.close();
    expect(cursor).toBe("0");
    expect(seen.length).toBe(keys.length);
    expect(new Set(seen)).toEqual(new Set(keys));
  });
});

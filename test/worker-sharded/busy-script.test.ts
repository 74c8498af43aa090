// A busy script on a sharded namespace (16 shards): it pauses on its keys' shard as on one object,
// so a client of that shard gets BUSY past busy-reply-threshold while the other shards serve on
// (each shard is its own Redis Cluster node), and SCRIPT KILL, which reaches every shard, ends it
// with Redis's error (the shard that had the script answers OK).

import { describe, expect, it } from "vitest";
import { shardOfKey } from "../../src/worker/shard-map.ts";
import { Ws, resp } from "../worker/support/client.ts";
import { SHARDS, upstash } from "./support.ts";
import { BUSY, KILLED, LOOP, sleep } from "../worker/support/busy-script.ts";

/** A key on another shard than `key`. */
function otherShard(key: string): string {
  for (let i = 0; ; i++)
    if (shardOfKey(`o${i}`, SHARDS) !== shardOfKey(key, SHARDS)) return `o${i}`;
}

/** Asks for `key` until its shard answers BUSY. */
async function untilBusy(ns: string, key: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await upstash(ns, "/", ["GET", key])).text === JSON.stringify({ error: BUSY })) return;
    await sleep(50);
  }
  throw new Error("never BUSY");
}

describe("busy script on 16 shards", () => {
  it("answers BUSY on its shard only; SCRIPT KILL ends it with Redis's error", async () => {
    const ns = "bss1";
    expect((await upstash(ns, "/", ["CONFIG", "SET", "lua-time-limit", "100"])).text).toBe(
      '{"result":"OK"}',
    );
    const pending = upstash(ns, "/", ["EVAL", LOOP, "1", "k"]);
    await sleep(150);
    await untilBusy(ns, "k");
    expect((await upstash(ns, "/", ["GET", otherShard("k")])).text).toBe('{"result":null}');
    expect((await upstash(ns, "/", ["DBSIZE"])).text).toBe(JSON.stringify({ error: BUSY }));
    expect((await upstash(ns, "/", ["SCRIPT", "KILL"])).text).toBe('{"result":"OK"}');
    expect(JSON.parse((await pending).text).error).toMatch(KILLED);
    expect((await upstash(ns, "/", ["SCRIPT", "KILL"])).text).toBe(
      '{"error":"NOTBUSY No scripts in execution right now."}',
    );
    expect((await upstash(ns, "/", ["GET", "k"])).text).toBe('{"result":null}');
  }, 30_000);

  it("in a transaction on one shard: the killed script is one entry of EXEC", async () => {
    const ns = "bss2";
    await upstash(ns, "/", ["CONFIG", "SET", "lua-time-limit", "100"]);
    const pending = upstash(ns, "/multi-exec", [
      ["SET", "{t}a", "1"],
      ["EVAL", LOOP, "1", "{t}b"],
      ["INCR", "{t}a"],
    ]);
    await sleep(150);
    await untilBusy(ns, "{t}c");
    expect((await upstash(ns, "/", ["SCRIPT", "KILL"])).text).toBe('{"result":"OK"}');
    const r = JSON.parse((await pending).text) as { result?: unknown; error?: string }[];
    expect(r[0]).toEqual({ result: "OK" });
    expect(r[1]!.error).toMatch(KILLED);
    expect(r[2]).toEqual({ result: 2 });
  }, 30_000);

  it("from a WebSocket the Worker holds: the script's socket waits, a REST client kills it", async () => {
    const ns = "bss3";
    const ws = await Ws.open(`/db/${ns}/resp`);
    expect(await ws.request(resp("CONFIG", "SET", "lua-time-limit", "100"))).toBe("+OK\r\n");
    const pending = ws.request(resp("EVAL", LOOP, "1", "w"));
    await sleep(150);
    await untilBusy(ns, "w");
    expect((await upstash(ns, "/", ["SCRIPT", "KILL"])).text).toBe('{"result":"OK"}');
    expect(await pending).toMatch(
      /^-ERR Script killed by user with SCRIPT KILL\.\.\. script: \w{40}, on @user_script:1\.\r\n$/,
    );
    expect(await ws.request(resp("PING"))).toBe("+PONG\r\n");
    ws.close();
  }, 30_000);

  it("a busy function: FUNCTION STATS names it from any shard, FUNCTION KILL ends it", async () => {
    const ns = "bss4";
    await upstash(ns, "/", ["CONFIG", "SET", "lua-time-limit", "100"]);
    const lib = `#!lua name=spin\nredis.register_function('spin', function() ${LOOP} end)`;
    expect((await upstash(ns, "/", ["FUNCTION", "LOAD", lib])).text).toBe('{"result":"spin"}');
    const pending = upstash(ns, "/", ["FCALL", "spin", "1", "f"]);
    await sleep(150);
    const busyFn = BUSY.replace("SCRIPT KILL", "FUNCTION KILL");
    for (let i = 0; ; i++) {
      const r = (await upstash(ns, "/", ["GET", "f"])).text;
      if (r === JSON.stringify({ error: busyFn })) break;
      if (i === 100) throw new Error(`never BUSY: ${r}`);
      await sleep(50);
    }
    const stats = JSON.parse((await upstash(ns, "/", ["FUNCTION", "STATS"])).text).result;
    expect(stats.slice(0, 2)).toEqual(["running_script", expect.arrayContaining(["name", "spin"])]);
    expect((await upstash(ns, "/", ["SCRIPT", "KILL"])).text).toBe(
      JSON.stringify({ error: busyFn }),
    );
    expect((await upstash(ns, "/", ["FUNCTION", "KILL"])).text).toBe('{"result":"OK"}');
    expect(JSON.parse((await pending).text).error).toMatch(/^ERR Script killed by user with /);
  }, 30_000);
});

// Lua scripting inside workerd (issue 15): fengari runs in the Worker, EVAL/EVALSHA/SCRIPT work
// through the Upstash REST door and the RESP WebSocket, the script cache survives an eviction
// and an abort of the object, and a script's writes are in SQLite when its reply arrives.

import { env } from "cloudflare:workers";
import { abortAllDurableObjects, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Ws } from "./support/client.ts";
import { post } from "./support/upstash.ts";

const stub = (ns: string) => env.NAMESPACE.getByName(ns);
const result = async (path: string, body: unknown) => JSON.parse((await post(path, body)).text);

const SET_SCRIPT = "return redis.call('SET', KEYS[1], ARGV[1])";
const SET_SHA = "24d6e0e4ec1b6d5f5b5e6b6c6a17b3f4b6b32f5b";

describe("EVAL through the Upstash REST door", () => {
  it("runs a script with Lua 5.1 numbers and Redis's conversion", async () => {
    expect(
      await result("/db/lua1", ["EVAL", "return {1, 'two', 3.9, tostring(3.0)}", "0"]),
    ).toEqual({
      result: [1, "two", 3, "3"],
    });
    expect(
      await result("/db/lua1", ["EVAL", "return redis.call('incr', KEYS[1])", "1", "n"]),
    ).toEqual({
      result: 1,
    });
    expect(await result("/db/lua1", ["EVAL", "return redis.call('nosuch')", "0"])).toEqual({
      error:
        "ERR Unknown Redis command called from script script: 206396248e12c6e742fd7296250433c8d7343b74, on @user_script:1.",
    });
  });

  it("answers NOSCRIPT for an unknown SHA-1, then EVALSHA after SCRIPT LOAD", async () => {
    const sha = (await result("/db/lua2", ["SCRIPT", "LOAD", SET_SCRIPT])).result as string;
    expect(sha).toHaveLength(40);
    expect(await result("/db/lua2", ["EVALSHA", SET_SHA, "1", "k", "v"])).toEqual({
      error: "NOSCRIPT No matching script. Please use EVAL.",
    });
    expect(await result("/db/lua2", ["EVALSHA", sha, "1", "k", "v"])).toEqual({ result: "OK" });
    expect(await result("/db/lua2", ["GET", "k"])).toEqual({ result: "v" });
  });

  it("queues EVAL in a multi-exec transaction and in a pipeline", async () => {
    const r = await result("/db/lua3/multi-exec", [
      ["SET", "a", "1"],
      ["EVAL", "return redis.call('incrby', KEYS[1], ARGV[1])", "1", "a", "41"],
      ["EVAL", "error('x')", "0"],
      ["GET", "a"],
    ]);
    expect(r[1]).toEqual({ result: 42 });
    expect(r[2].error).toMatch(/^ERR user_script:1: x script: /);
    expect(r[3]).toEqual({ result: "42" });
  });
});

describe("the script cache persists", () => {
  it("EVALSHA works after the object is evicted and after it is aborted", async () => {
    const sha = (await result("/db/lua4", ["SCRIPT", "LOAD", SET_SCRIPT])).result as string;
    await result("/db/lua4", ["EVAL", "return 'cached by eval'", "0"]);
    await evictDurableObject(stub("lua4"));
    expect(await result("/db/lua4", ["EVALSHA", sha, "1", "k", "after-evict"])).toEqual({
      result: "OK",
    });
    await abortAllDurableObjects();
    expect(
      await result("/db/lua4", [
        "SCRIPT",
        "EXISTS",
        sha,
        "ffffffffffffffffffffffffffffffffffffffff",
      ]),
    ).toEqual({
      result: [1, 0],
    });
    expect(await result("/db/lua4", ["GET", "k"])).toEqual({ result: "after-evict" });
    const rows = await runInDurableObject(stub("lua4"), (_i, state) =>
      state.storage.sql.exec("SELECT COUNT(*) AS n FROM scripts WHERE kind = 'sha'").one(),
    );
    expect(rows.n).toBe(2);
    expect(await result("/db/lua4", ["SCRIPT", "FLUSH"])).toEqual({ result: "OK" });
    await evictDurableObject(stub("lua4"));
    expect(await result("/db/lua4", ["SCRIPT", "EXISTS", sha])).toEqual({ result: [0] });
  });

  it("a script's writes are in SQLite when its reply arrives", async () => {
    await result("/db/lua5", [
      "EVAL",
      "redis.call('set', 'x', '1'); redis.call('rpush', 'l', 'a', 'b'); return 1",
      "0",
    ]);
    const keys = await runInDurableObject(stub("lua5"), (_i, state) =>
      state.storage.sql
        .exec<{ key: string }>("SELECT key FROM kv ORDER BY key")
        .toArray()
        .map((r) => r.key),
    );
    expect(keys).toEqual(["l", "x"]);
  });
});

describe("EVAL over the RESP WebSocket", () => {
  it("runs in RESP2 and RESP3", async () => {
    const ws = await Ws.open("/db/lua6/resp");
    const evalCmd = (body: string) =>
      `*3\r\n$4\r\nEVAL\r\n$${body.length}\r\n${body}\r\n$1\r\n0\r\n`;
    expect(await ws.request(evalCmd("return {1,2,{3}}"))).toBe("*3\r\n:1\r\n:2\r\n*1\r\n:3\r\n");
    expect(await ws.request("*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n")).toMatch(/^%/);
    expect(await ws.request(evalCmd("redis.setresp(3); return redis.call('hgetall', 'h')"))).toBe(
      "%0\r\n",
    );
    expect(await ws.request(evalCmd("return {double=1.5}"))).toBe(",1.5\r\n");
    ws.close();
  });
});

describe("function libraries persist", () => {
  it("FCALL works after eviction and abort; FUNCTION DELETE is persisted too", async () => {
    const lib =
      "#!lua name=counter\nredis.register_function('bump', function(keys, args) return redis.call('incrby', keys[1], args[1]) end)";
    expect(await result("/db/lua7", ["FUNCTION", "LOAD", lib])).toEqual({ result: "counter" });
    expect(await result("/db/lua7", ["FCALL", "bump", "1", "c", "2"])).toEqual({ result: 2 });
    await evictDurableObject(stub("lua7"));
    expect(await result("/db/lua7", ["FCALL", "bump", "1", "c", "3"])).toEqual({ result: 5 });
    await abortAllDurableObjects();
    const list = await result("/db/lua7", ["FUNCTION", "LIST"]);
    expect(list.result[0][1]).toBe("counter");
    expect(await result("/db/lua7", ["FUNCTION", "DELETE", "counter"])).toEqual({ result: "OK" });
    await evictDurableObject(stub("lua7"));
    expect(await result("/db/lua7", ["FCALL", "bump", "1", "c", "3"])).toEqual({
      error: "ERR Function not found",
    });
  });
});

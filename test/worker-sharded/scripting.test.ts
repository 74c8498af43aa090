// Lua scripts on a sharded namespace (issue 15): SCRIPT LOAD and FUNCTION LOAD reach every shard,
// EVALSHA/FCALL run on the shard of their declared keys, keys across shards are CROSSSLOT, and a
// key of another shard is refused as Redis Cluster refuses a non-local key (undeclared keys of
// the script's own shard are allowed, in one slot for shebang scripts, as in Redis Cluster).

import { describe, expect, it } from "vitest";
import { shardOfKey } from "../../src/worker/shard-map.ts";
import { SHARDS, upstash } from "./support.ts";

const result = async (ns: string, body: unknown) => JSON.parse((await upstash(ns, "/", body)).text);

/** Two keys on different shards. */
function twoShards(): [string, string] {
  const a = "s0";
  for (let i = 1; ; i++)
    if (shardOfKey(`s${i}`, SHARDS) !== shardOfKey(a, SHARDS)) return [a, `s${i}`];
}

describe("scripts on 16 shards", () => {
  it("EVALSHA finds a loaded script on whichever shard its key names", async () => {
    const sha = (
      await result("lua-s1", ["SCRIPT", "LOAD", "return redis.call('set', KEYS[1], ARGV[1])"])
    ).result;
    for (let i = 0; i < 20; i++) {
      expect(await result("lua-s1", ["EVALSHA", sha, "1", `k${i}`, "v"])).toEqual({ result: "OK" });
    }
    expect(await result("lua-s1", ["SCRIPT", "EXISTS", sha])).toEqual({ result: [1] });
    // an EVAL caches its body on its key's shard only; SCRIPT EXISTS still finds it
    const evalSha = "4a2267357833227dd98abdedb8cf24b15a986445"; // sha1("return KEYS[1]")
    expect(await result("lua-s1", ["EVAL", "return KEYS[1]", "1", "zz9"])).toEqual({
      result: "zz9",
    });
    expect(await result("lua-s1", ["SCRIPT", "EXISTS", evalSha, sha, "0000"])).toEqual({
      result: [1, 1, 0],
    });
  });

  it("refuses keys across shards and undeclared keys; runs keyless scripts", async () => {
    const [a, b] = twoShards();
    expect(await result("lua-s2", ["EVAL", "return 1", "2", a, b])).toEqual({
      error: "CROSSSLOT Keys in request don't hash to the same slot",
    });
    const r = await result("lua-s2", ["EVAL", `return redis.call('get', '${b}')`, "1", a]);
    expect(r.error).toMatch(
      /^ERR Script attempted to access a non local key in a cluster node script: /,
    );
    expect(await result("lua-s2", ["EVAL", "return redis.call('ping')", "0"])).toEqual({
      result: "PONG",
    });
  });

  it("allows undeclared keys of the script's shard; shebang scripts keep to one slot", async () => {
    // BullMQ with a `{tag}` prefix: its scripts build job keys they do not declare
    const tagged =
      "#!lua\nredis.call('set', '{q}:job:1', 'x'); return redis.call('get', '{q}:job:1')";
    expect(await result("lua-s4", ["EVAL", tagged, "1", "{q}:wait"])).toEqual({ result: "x" });
    const [a, b] = twoShards();
    const other = await result("lua-s4", ["EVAL", `return redis.call('get', '${b}')`, "1", a]);
    expect(other.error).toMatch(
      /^ERR Script attempted to access a non local key in a cluster node/,
    );
    // a key of the same shard but another slot: allowed to an old-style script only
    let c = "n0";
    for (let i = 1; shardOfKey(c, SHARDS) !== shardOfKey("{q}", SHARDS); i++) c = `n${i}`;
    const get = `return redis.call('get', '${c}')`;
    expect(await result("lua-s4", ["EVAL", get, "1", "{q}:wait"])).toEqual({ result: null });
    const strict = await result("lua-s4", ["EVAL", `#!lua\n${get}`, "1", "{q}:wait"]);
    expect(strict.error).toMatch(
      /^ERR Script attempted to access keys that do not hash to the same slot/,
    );
  });

  it("FCALL runs a function loaded on every shard", async () => {
    const lib =
      "#!lua name=s\nredis.register_function('put', function(k, a) return redis.call('set', k[1], a[1]) end)";
    expect(await result("lua-s3", ["FUNCTION", "LOAD", lib])).toEqual({ result: "s" });
    for (let i = 0; i < 10; i++) {
      expect(await result("lua-s3", ["FCALL", "put", "1", `f${i}`, "x"])).toEqual({ result: "OK" });
    }
  });
});

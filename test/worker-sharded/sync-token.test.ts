// The Upstash read-your-writes token on a sharded namespace (issue 18): every answer carries
// `upstash-sync-token`, which moves with each write wherever its key lives, and a read sent with
// it from another place (another request, another door) sees the write on every shard.

import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardOfKey } from "../../src/worker/shard-map.ts";
import { BASE } from "../worker/support/client.ts";
import { SHARDS, redisWs } from "./support.ts";

const SYNC = "upstash-sync-token";

/** An Upstash request from a client holding `token` (as the SDK sends it back). */
async function call(ns: string, path: string, body: unknown, token = "") {
  const res = await exports.default.fetch(`${BASE}/db/${ns}${path}`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", ...(token ? { [SYNC]: token } : {}) },
  });
  return { text: await res.text(), token: res.headers.get(SYNC) ?? "" };
}

/** A key of `prefix` on each of the first `n` shards. */
function keysOnShards(prefix: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const k = `${prefix}${i}`;
    if (shardOfKey(k, SHARDS) === out.length) out.push(k);
  }
  return out;
}

describe("upstash-sync-token on a sharded namespace", () => {
  it("moves with every write, on whichever shard, and names the shards seen", async () => {
    const ns = "sync-moves";
    const [a, b] = keysOnShards("k", 2);
    let t = (await call(ns, "/", ["SET", a, "v"])).token;
    expect(t).toMatch(/^0:\d+$/);
    const seen = [t];
    for (const cmd of [
      ["SET", a, "v"],
      ["SET", b!, "v"],
      ["SET", b!, "v"],
      ["EVAL", "redis.call('SET', KEYS[1], 'x') return 1", "1", a!],
    ]) {
      t = (await call(ns, "/", cmd, t)).token;
      expect(seen).not.toContain(t);
      seen.push(t);
    }
    expect(t.split(",").sort()).toHaveLength(2);
    const p = await call(
      ns,
      "/pipeline",
      [
        ["SET", a, "1"],
        ["SET", b, "2"],
      ],
      t,
    );
    expect(seen).not.toContain(p.token);
    // A read leaves the counts where they are.
    const r = await call(ns, "/", ["GET", a], p.token);
    expect(r.text).toBe('{"result":"1"}');
    expect(r.token.split(",").sort()).toEqual(p.token.split(",").sort());
  });

  it("a read sent from elsewhere with the token sees the write on every shard", async () => {
    const ns = "sync-reads";
    const keys = keysOnShards("u", SHARDS);
    let token = "";
    for (let round = 0; round < 2; round++) {
      for (const k of keys) {
        // Written by one client, read back at once by another request carrying its token.
        token = (await call(ns, "/", ["INCR", k], token)).token;
        expect((await call(ns, "/", ["GET", k], token)).text).toBe(`{"result":"${round + 1}"}`);
      }
    }
    expect(token.split(",")).toHaveLength(SHARDS);
    // Another door, another connection: the same values.
    const mget = await redisWs(ns, ["MGET", ...keys]);
    expect(mget).toBe(`*${SHARDS}\r\n` + "$1\r\n2\r\n".repeat(SHARDS));
  });

  it("ignores a token it cannot read, or one of another shard count", async () => {
    const ns = "sync-odd";
    for (const sent of ["17", "x", "99:4,3:zz", "16:1"]) {
      const r = await call(ns, "/", ["SET", "k", "v"], sent);
      expect(r.text).toBe('{"result":"OK"}');
      expect(r.token).toMatch(new RegExp(`^${shardOfKey("k", SHARDS)}:\\d+$`));
    }
  });
});

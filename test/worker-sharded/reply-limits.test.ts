// Reply bytes are bounded per request on a sharded namespace (issue 13): a batch fanned out over
// 16 shards yields at most REPLY_MAX_BYTES plus one reply per shard, not 16 times the cap, and a
// command with parts on several shards is never left half run by the cut.

import { describe, expect, it } from "vitest";
import { Errors } from "../../src/engine/errors.ts";
import { REPLY_MAX_BYTES } from "../../src/limits.ts";
import { shardOfKey } from "../../src/worker/shard-map.ts";
import { resp } from "../worker/support/client.ts";
import { SHARDS, redisWs, upstash } from "./support.ts";

const VALUE = 100 * 1024;
const LIMIT = Errors.replyLimit().message;

/** One key per shard. */
function onePerShard(prefix: string): string[] {
  const byShard = new Map<number, string>();
  for (let i = 0; byShard.size < SHARDS; i++) {
    const s = shardOfKey(`${prefix}${i}`, SHARDS);
    if (!byShard.has(s)) byShard.set(s, `${prefix}${i}`);
  }
  return [...byShard.values()];
}

async function fill(ns: string, keys: string[]): Promise<void> {
  const set = keys.map((k) => ["SET", k, "v".repeat(VALUE)]);
  expect((await upstash(ns, "/pipeline", set)).status).toBe(200);
}

/** 20 GETs of each key, interleaved: 320 commands whose values total 32 MB. */
const gets = (keys: string[]) =>
  Array.from({ length: 20 }, () => keys.map((k) => ["GET", k])).flat();

describe("reply bytes per request on 16 shards", () => {
  it("a /pipeline of 320 GETs over 16 shards stops near REPLY_MAX_BYTES", async () => {
    const keys = onePerShard("rl");
    await fill("rl-http", keys);
    const a = await upstash("rl-http", "/pipeline", gets(keys));
    expect(a.status).toBe(200);
    const out = JSON.parse(a.text) as { result?: string; error?: string }[];
    expect(out).toHaveLength(320);
    const ran = out.filter((r) => r.result !== undefined);
    expect(ran.every((r) => r.result!.length === VALUE)).toBe(true);
    expect(out.filter((r) => r.error === LIMIT)).toHaveLength(320 - ran.length);
    // Per shard the cap would let all 320 run (2 MB each); per request: the cap plus at most
    // one reply per shard.
    expect(ran.length * VALUE).toBeGreaterThanOrEqual(REPLY_MAX_BYTES);
    expect(ran.length * VALUE).toBeLessThanOrEqual(REPLY_MAX_BYTES + SHARDS * VALUE);
    // The next request has a budget of its own.
    expect(JSON.parse((await upstash("rl-http", "/", ["GET", keys[0]!])).text).result).toHaveLength(
      VALUE,
    );
  });

  it("one WebSocket /resp message of 320 GETs is bounded the same way", async () => {
    const keys = onePerShard("rw");
    await fill("rl-ws", keys);
    const reply = await redisWs("rl-ws", ...gets(keys));
    const values = reply.split(`$${VALUE}\r\n`).length - 1;
    const refused = reply.split(`-${LIMIT}\r\n`).length - 1;
    expect(values + refused).toBe(320);
    expect(values * VALUE).toBeGreaterThanOrEqual(REPLY_MAX_BYTES);
    expect(values * VALUE).toBeLessThanOrEqual(REPLY_MAX_BYTES + SHARDS * VALUE);
  });

  it("a command on two shards is run whole when the cut reaches one of them first", async () => {
    const a = "{a}x";
    let other = 0;
    while (shardOfKey(`{b${other}}y`, SHARDS) === shardOfKey(a, SHARDS)) other++;
    const b = `{b${other}}y`;
    await fill("rl-cut", ["{a}big"]);
    // The round holds shards A and B, 2 MiB of budget each: 30 big GETs use up A's share, so
    // MSET's part there is refused at first while its part on B runs; the router then runs the
    // refused part, so MSET answers OK and set both keys.
    const batch = [
      ...Array.from({ length: 30 }, () => ["GET", "{a}big"]),
      ["MSET", a, "1", b, "2"],
      ["GET", a],
    ];
    const out = JSON.parse((await upstash("rl-cut", "/pipeline", batch)).text) as {
      result?: string;
      error?: string;
    }[];
    const ran = out.findIndex((r) => r.error !== undefined);
    expect(ran).toBeGreaterThan(0);
    expect(ran * VALUE).toBeLessThanOrEqual(REPLY_MAX_BYTES / 2 + VALUE);
    expect(out.slice(0, ran).every((r) => r.result?.length === VALUE)).toBe(true);
    expect(out.slice(ran, 30).every((r) => r.error === LIMIT)).toBe(true);
    expect(out.slice(30)).toEqual([{ result: "OK" }, { error: LIMIT }]);
    expect(JSON.parse((await upstash("rl-cut", "/", ["MGET", a, b])).text)).toEqual({
      result: ["1", "2"],
    });
    // Over a WebSocket, the same batch: the same answers.
    const ws = await redisWs(
      "rl-cut",
      ...batch.map((c) => (c[0] === "MSET" ? ["MSET", a, "3", b, "4"] : c)),
    );
    expect(ws.endsWith(`+OK\r\n-${LIMIT}\r\n`)).toBe(true);
    expect(await redisWs("rl-cut", ["MGET", a, b])).toBe(resp("3", "4"));
  });
});

// The default memory guard (issue 13 items 6-7): with no MEMORY_LIMIT_BYTES configured, a
// namespace holds at most MEMORY_LIMIT_BYTES (64 MiB) under noeviction, reports it in INFO and
// CONFIG GET, and a write past it is refused on every door in the door's own words, while reads,
// deletes and other namespaces keep working: never a crash.

import { describe, expect, it } from "vitest";
import { Ws, lr, post, resp } from "./support/client.ts";
import { MEMORY_LIMIT_BYTES, VALUE_MAX_BYTES } from "../../src/limits.ts";

const NS = "/db/guard";
const OOM = "OOM command not allowed when used memory > 'maxmemory'.";

async function text(path: string, body: string, type: string) {
  const res = await post(NS + path, body, type);
  return { status: res.status, text: await res.text(), error: res.headers.get("Blink-Edge-Error") };
}

describe("default memory guard", () => {
  it("is reported by CONFIG GET maxmemory and INFO memory, with noeviction", async () => {
    const ws = await Ws.open(`${NS}/resp`);
    expect(await ws.request(resp("CONFIG", "GET", "maxmemory", "maxmemory-policy"))).toBe(
      `*4\r\n$9\r\nmaxmemory\r\n$8\r\n${MEMORY_LIMIT_BYTES}\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n`,
    );
    const info = (await ws.request(resp("INFO", "memory")))!;
    expect(info).toContain(`maxmemory:${MEMORY_LIMIT_BYTES}\r\n`);
    expect(info).toContain("maxmemory_human:64.00M\r\n");
    expect(info).toContain("maxmemory_policy:noeviction\r\n");
    ws.close();
  });

  it("refuses writes past it on every door, keeps reads and deletes working", async () => {
    const ws = await Ws.open(`${NS}/resp`);
    const value = "x".repeat(VALUE_MAX_BYTES);
    // Fill in messages of 8 values (8 MiB), until a SET is refused.
    let stored = 0;
    let refused = "";
    for (let round = 0; round < 10 && !refused; round++) {
      let msg = "";
      for (let i = 0; i < 8; i++) msg += resp("SET", `big:${round * 8 + i}`, value);
      const reply = (await ws.request(msg))!;
      stored += reply.split("+OK\r\n").length - 1;
      if (reply.includes("-OOM")) refused = reply;
    }
    expect(refused).toContain(`-${OOM}\r\n`);
    expect(stored).toBe(Math.floor(MEMORY_LIMIT_BYTES / (VALUE_MAX_BYTES + 6)));

    // Every door refuses a write that grows usage, in its own words.
    expect(await ws.request(resp("SET", "one-more", value))).toBe(`-${OOM}\r\n`);
    const gevent = await Ws.open(`${NS}/resp?dialect=gevent`);
    expect(await gevent.request(resp("SET", "one-more", value))).toBe(`-${OOM}\r\n`);
    gevent.close();
    const blinkWs = await Ws.open(`${NS}/blink`);
    expect(await blinkWs.request(`SET one-more ${value}`)).toBe(
      "ERROR storage is at capacity and eviction failed\n",
    );
    blinkWs.close();
    expect((await text("/blink", `SET one-more ${value}`, "text/plain")).text).toBe(
      "ERROR storage is at capacity and eviction failed\n",
    );
    const upstash = await text("/", JSON.stringify(["SET", "one-more", value]), "application/json");
    expect([upstash.status, upstash.text]).toEqual([400, JSON.stringify({ error: OOM })]);
    const pipeline = await text(
      "/pipeline",
      JSON.stringify([["SET", "one-more", value]]),
      "application/json",
    );
    expect(pipeline.text).toBe(JSON.stringify([{ error: OOM }]));
    const light = await lr({ cmd: "set", key: "one-more", value }, NS);
    expect([light.status, light.text]).toEqual([400, '"ERROR"\n']);

    // Reads, overwrites that do not grow, deletes and other namespaces keep working.
    expect(await ws.request(resp("STRLEN", "big:0"))).toBe(`:${VALUE_MAX_BYTES}\r\n`);
    expect(await ws.request(resp("EXISTS", "one-more"))).toBe(":0\r\n");
    expect(await ws.request(resp("SET", "big:0", "small"))).toBe("+OK\r\n");
    expect(await ws.request(resp("DEL", "big:1", "big:2"))).toBe(":2\r\n");
    expect(await ws.request(resp("SET", "one-more", value))).toBe("+OK\r\n");
    expect(await ws.request(resp("PING"))).toBe("+PONG\r\n");
    // Raising the guard is one CONFIG SET away (or MEMORY_LIMIT_BYTES for every namespace).
    expect(await ws.request(resp("CONFIG", "SET", "maxmemory", "100mb"))).toBe("+OK\r\n");
    expect(await ws.request(resp("SET", "after-raise", value))).toBe("+OK\r\n");
    expect(await ws.request(resp("FLUSHDB"))).toBe("+OK\r\n");
    ws.close();
  }, 120_000);
});

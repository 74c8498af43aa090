// A busy script sent over the Upstash REST door (`/`, `/pipeline`, `/multi-exec`): it pauses as a
// socket's does (waiting-runs.ts gives the request a sink when its script pauses), so another
// client past busy-reply-threshold gets BUSY and SCRIPT KILL from it ends the script; the killed
// request's answer carries Redis's error, with the rest of its pipeline or transaction.

import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { upstash } from "../worker-sharded/support.ts";
import { Ws, resp } from "./support/client.ts";
import { BUSY, KILLED, LOOP, sleep } from "./support/busy-script.ts";

/** The keys of a namespace's object that are in SQLite now. */
function storedKeys(ns: string): Promise<string[]> {
  return runInDurableObject(env.NAMESPACE.getByName(ns), (_i, state) =>
    state.storage.sql
      .exec<{ key: string }>("SELECT key FROM kv ORDER BY key")
      .toArray()
      .map((r) => r.key),
  );
}

/** Lowers the namespace's busy-reply-threshold to 100 ms. */
async function fastThreshold(ns: string): Promise<void> {
  const r = await upstash(ns, "/", ["CONFIG", "SET", "lua-time-limit", "100"]);
  expect(r.text).toBe('{"result":"OK"}');
}

/** Asks until the namespace answers BUSY (the script has passed its threshold). */
async function untilBusy(ns: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const r = await upstash(ns, "/", ["GET", "x"]);
    if (r.text === JSON.stringify({ error: BUSY })) return;
    await sleep(50);
  }
  throw new Error("never BUSY");
}

describe("busy script over REST", () => {
  it("answers others BUSY; SCRIPT KILL from another client ends it with Redis's error", async () => {
    const ns = "bsh1";
    await fastThreshold(ns);
    const pending = upstash(ns, "/", ["EVAL", LOOP, "0"]);
    await sleep(150);
    await untilBusy(ns);
    const ws = await Ws.open(`/db/${ns}/resp`);
    expect(await ws.request(resp("PING"))).toBe(`-${BUSY}\r\n`);
    expect((await upstash(ns, "/", ["SCRIPT", "KILL"])).text).toBe('{"result":"OK"}');
    const r = await pending;
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error).toMatch(KILLED);
    expect(await ws.request(resp("PING"))).toBe("+PONG\r\n");
    expect((await upstash(ns, "/", ["SCRIPT", "KILL"])).text).toBe(
      '{"error":"NOTBUSY No scripts in execution right now."}',
    );
    ws.close();
  }, 30_000);

  it("in a pipeline: the commands after the killed script run, in order", async () => {
    const ns = "bsh2";
    await fastThreshold(ns);
    const pending = upstash(ns, "/pipeline", [
      ["SET", "k", "v"],
      ["EVAL", LOOP, "0"],
      ["GET", "k"],
    ]);
    await sleep(150);
    await untilBusy(ns);
    const ws = await Ws.open(`/db/${ns}/resp`);
    expect(await ws.request(resp("SCRIPT", "KILL"))).toBe("+OK\r\n");
    ws.close();
    const r = JSON.parse((await pending).text) as { result?: unknown; error?: string }[];
    expect(r[0]).toEqual({ result: "OK" });
    expect(r[1]!.error).toMatch(KILLED);
    expect(r[2]).toEqual({ result: "v" });
  }, 30_000);

  it("in /multi-exec: the killed script is one entry and the transaction goes on", async () => {
    const ns = "bsh3";
    await fastThreshold(ns);
    const pending = upstash(ns, "/multi-exec", [
      ["SET", "a", "1"],
      ["EVAL", LOOP, "0"],
      ["INCR", "a"],
    ]);
    await sleep(150);
    await untilBusy(ns);
    expect((await upstash(ns, "/", ["SCRIPT", "KILL"])).text).toBe('{"result":"OK"}');
    const r = JSON.parse((await pending).text) as { result?: unknown; error?: string }[];
    expect(r[0]).toEqual({ result: "OK" });
    expect(r[1]!.error).toMatch(KILLED);
    expect(r[2]).toEqual({ result: 2 });
    expect((await upstash(ns, "/", ["GET", "a"])).text).toBe('{"result":"2"}');
  }, 30_000);

  it("under the threshold another client waits and sees the script's writes whole", async () => {
    const ns = "bsh4";
    const body =
      "redis.call('set', KEYS[1], 'first') local n = 0 " +
      "for i = 1, 1000000 do n = n + 1 end redis.call('set', KEYS[1], 'last') return n";
    const pending = upstash(ns, "/", ["EVAL", body, "1", "k"]);
    await sleep(50);
    expect((await upstash(ns, "/", ["GET", "k"])).text).toBe('{"result":"last"}');
    expect((await pending).text).toBe('{"result":1000000}');
  }, 30_000);

  it("what ran before a paused script is in SQLite as its reply leaves; a transaction waits whole", async () => {
    const ns = "bsh5";
    await fastThreshold(ns);
    const ws = await Ws.open(`/db/${ns}/resp`);
    // The SET's reply leaves at once, before the script ends: its write must be durable then.
    expect(await ws.request(resp("SET", "x", "1") + resp("EVAL", LOOP, "0"))).toBe("+OK\r\n");
    expect(await storedKeys(ns)).toEqual(["x"]);
    await untilBusy(ns);
    expect((await upstash(ns, "/", ["SCRIPT", "KILL"])).text).toBe('{"result":"OK"}');
    expect(await ws.next()).toMatch(/^-ERR Script killed by user/);
    const tx = resp("MULTI") + resp("SET", "y", "1") + resp("EVAL", LOOP, "0") + resp("EXEC");
    expect(await ws.request(tx)).toBe("+OK\r\n+QUEUED\r\n+QUEUED\r\n");
    expect(await storedKeys(ns)).toEqual(["x"]);
    await untilBusy(ns);
    expect((await upstash(ns, "/", ["SCRIPT", "KILL"])).text).toBe('{"result":"OK"}');
    expect(await ws.next()).toMatch(/^\*2\r\n\+OK\r\n-ERR Script killed by user/);
    expect(await storedKeys(ns)).toEqual(["x", "y"]);
    ws.close();
  }, 30_000);
});

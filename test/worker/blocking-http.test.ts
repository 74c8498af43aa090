// A blocking command over the Upstash REST door on one object (namespace-object.ts runWaiting,
// shared with the sharded path): it answers when another door's write readies its key, or as a
// timeout.

import { describe, expect, it } from "vitest";
import { exports } from "cloudflare:workers";
import { BASE, Ws, resp } from "./support/client.ts";

async function rest(ns: string, body: unknown): Promise<string> {
  const res = await exports.default.fetch(`${BASE}/db/${ns}/`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json" },
  });
  return res.text();
}

describe("blocking over REST on one object", () => {
  it("is woken by a WebSocket's RPUSH, and times out like Redis", async () => {
    const pending = rest("bh1", ["BLPOP", "q", "3"]);
    await new Promise((r) => setTimeout(r, 100));
    const ws = await Ws.open("/db/bh1/resp");
    expect(await ws.request(resp("RPUSH", "q", "a", "b"))).toBe(":2\r\n");
    ws.close();
    expect(await pending).toBe('{"result":["q","a"]}');
    expect(await rest("bh1", ["BLPOP", "none", "0.05"])).toBe('{"result":null}');
  }, 20_000);
});

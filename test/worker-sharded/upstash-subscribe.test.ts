// The Upstash REST door's SSE subscriptions in a namespace sharded over 16 objects: the stream
// lives on shard 0 and hears PUBLISH from REST, pipelines and WebSocket /resp, which runs on
// every shard; patterns match channels whatever shard their name hashes to.

import { describe, expect, it } from "vitest";
import { exports } from "cloudflare:workers";
import { BASE } from "../worker/support/client.ts";
import { redisWs, upstash } from "./support.ts";

/** Reads a stream's text until it holds `want`. */
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  seen: { text: string },
  want: string,
): Promise<void> {
  const dec = new TextDecoder();
  while (!seen.text.includes(want)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before ${JSON.stringify(want)}: ${seen.text}`);
    seen.text += dec.decode(value);
  }
}

describe("SSE subscriptions on a sharded namespace", () => {
  it("receive every door's PUBLISH, channels and patterns", async () => {
    const ns = "sse-sharded";
    const ctl = new AbortController();
    const res = await exports.default.fetch(`${BASE}/db/${ns}/subscribe/news`, {
      method: "POST",
      body: "[]",
      signal: ctl.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const pat = await exports.default.fetch(`${BASE}/db/${ns}/psubscribe/user:*`);
    const seen = { text: "" };
    const pseen = { text: "" };
    const reader = res.body!.getReader();
    const preader = pat.body!.getReader();
    await readUntil(reader, seen, "subscribe,news,1\n\n");
    await readUntil(preader, pseen, "psubscribe,user:*,1\n\n");

    expect((await upstash(ns, "/", ["publish", "news", "rest"])).text).toBe('{"result":1}');
    expect((await upstash(ns, "/pipeline", [["publish", "news", "pipe"]])).text).toBe(
      '[{"result":1}]',
    );
    expect(await redisWs(ns, ["PUBLISH", "news", "ws"])).toBe(":1\r\n");
    await readUntil(reader, seen, "message,news,ws\n\n");
    expect(seen.text).toBe(
      "data: subscribe,news,1\n\ndata: message,news,rest\n\ndata: message,news,pipe\n\ndata: message,news,ws\n\n",
    );
    for (const ch of ["user:1", "user:2", "user:{x}3"])
      expect((await upstash(ns, "/", ["publish", ch, ch])).text).toBe('{"result":1}');
    await readUntil(preader, pseen, "user:{x}3\n\n");
    expect(pseen.text.split("\n\n").slice(1, 4)).toEqual([
      "data: pmessage,user:*,user:1,user:1",
      "data: pmessage,user:*,user:2,user:2",
      "data: pmessage,user:*,user:{x}3,user:{x}3",
    ]);
    await reader.cancel();
    await preader.cancel();
  });
});

// Merging a subscription's SSE streams from several shards (src/worker/doors/sse-merge.ts): whole
// events only, confirmations and keepalives from the first stream, messages from all, and one
// stream ending ends the merge.

import { describe, expect, it } from "vitest";
import { mergeSse, sseShards } from "../../src/worker/doors/sse-merge.ts";
import { shardOfKey } from "../../src/worker/router/slots.ts";

const enc = new TextEncoder();

/** A stream that yields `chunks` as they are pushed, ended by `end()`. */
function source() {
  let ctl!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({ start: (c) => void (ctl = c) });
  return { stream, push: (s: string) => ctl.enqueue(enc.encode(s)), end: () => ctl.close() };
}

async function readAll(s: ReadableStream<Uint8Array>): Promise<string> {
  const dec = new TextDecoder();
  let out = "";
  for await (const chunk of s as unknown as AsyncIterable<Uint8Array>) out += dec.decode(chunk);
  return out;
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("SSE merge", () => {
  it("keeps whole events, the first stream's confirmations, every stream's messages", async () => {
    const a = source();
    const b = source();
    const merged = readAll(mergeSse([a.stream, b.stream]));
    a.push("data: psubscribe,p*,1\n\n");
    b.push("data: psubscribe,p*,1\n\n: keepalive\n\ndata: pmess");
    await tick();
    b.push("age,p*,px,1\n\n");
    await tick();
    a.push(": keepalive\n\ndata: pmessage,p*,py,2\n\n");
    await tick();
    b.end();
    expect(await merged).toBe(
      "data: psubscribe,p*,1\n\ndata: pmessage,p*,px,1\n\n: keepalive\n\ndata: pmessage,p*,py,2\n\n",
    );
  });

  it("routes subscribe to its channels' shards and psubscribe to every shard", () => {
    expect(sseShards("/psubscribe/user:*", "", 4)).toEqual([0, 1, 2, 3]);
    expect(sseShards("/subscribe/news", "", 16)).toEqual([shardOfKey("news", 16)]);
    expect(sseShards("/subscribe/{t}a/{t}b", "", 16)).toEqual([shardOfKey("t", 16)]);
  });
});

// The Upstash REST door's SSE subscriptions inside workerd: an object restart ends the stream
// (the client sees it end, as a Redis restart closes its connections, and subscribes again);
// a closed stream leaves no subscriber behind.

import { abortAllDurableObjects } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE } from "./support/client.ts";

/** One Upstash command (`POST B/`), its JSON answer text. */
async function rest(ns: string, argv: string[]): Promise<string> {
  const res = await exports.default.fetch(`${BASE}/db/${ns}/`, {
    method: "POST",
    body: JSON.stringify(argv),
    headers: { "Content-Type": "application/json" },
  });
  return res.text();
}

/** Opens `B/subscribe/<channel>`; a reader of its text. */
async function subscribe(ns: string, channel: string) {
  const res = await exports.default.fetch(`${BASE}/db/${ns}/subscribe/${channel}`, {
    method: "POST",
    body: "[]",
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let text = "";
  return {
    reader,
    /** Reads until the text holds `want` (true) or the stream ends (false). */
    async until(want: string): Promise<boolean> {
      while (!text.includes(want)) {
        const r = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (r.done) return false;
        text += dec.decode(r.value);
      }
      return true;
    },
  };
}

describe("SSE subscriptions and the object's life", () => {
  it("an object restart ends the stream; subscribing again works", async () => {
    const ns = "sse-restart";
    const s = await subscribe(ns, "ch");
    expect(await s.until("subscribe,ch,1\n\n")).toBe(true);
    expect(await rest(ns, ["publish", "ch", "before"])).toBe('{"result":1}');
    expect(await s.until("message,ch,before\n\n")).toBe(true);
    await abortAllDurableObjects();
    expect(await s.until("never")).toBe(false);
    expect(await rest(ns, ["publish", "ch", "lost"])).toBe('{"result":0}');
    const again = await subscribe(ns, "ch");
    expect(await again.until("subscribe,ch,1\n\n")).toBe(true);
    expect(await rest(ns, ["publish", "ch", "after"])).toBe('{"result":1}');
    expect(await again.until("message,ch,after\n\n")).toBe(true);
    await again.reader.cancel();
  });

  it("a stream the client cancels is gone by the next message", async () => {
    const ns = "sse-cancel";
    const s = await subscribe(ns, "ch");
    expect(await s.until("subscribe,ch,1\n\n")).toBe(true);
    await s.reader.cancel();
    let answer = "";
    for (let i = 0; i < 20 && answer !== '{"result":0}'; i++) {
      answer = await rest(ns, ["publish", "ch", "x"]);
      if (answer !== '{"result":0}') await new Promise((r) => setTimeout(r, 20));
    }
    expect(answer).toBe('{"result":0}');
  });
});

// A subscriber on WebSocket /resp that does not read (docs/realtime.md, src/worker/output-limit.ts):
// workerd shows no unread byte count, so the pushes a client has not answered with a message of
// its own are counted against CONFIG's `client-output-buffer-limit pubsub <hard> <soft> <secs>`;
// past it the socket is closed 1008 and its subscriptions dropped. Limits of about 1 MB here.

import { describe, expect, it } from "vitest";
import { Ws, resp } from "./support/client.ts";

const KB = 1000;
const payload = (n: number) => "x".repeat(n);

async function subscriber(ns: string, ch: string): Promise<Ws> {
  const ws = await Ws.open(`/db/${ns}/resp`);
  expect(await ws.request(resp("SUBSCRIBE", ch))).toContain("subscribe");
  return ws;
}

describe("pubsub output limit on WebSocket /resp", () => {
  it("a subscriber that never answers is closed past the hard limit; the publisher goes on", async () => {
    const pub = await Ws.open("/db/obl1/resp");
    expect(
      await pub.request(resp("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 0 0")),
    ).toBe("+OK\r\n");
    const sub = await subscriber("obl1", "ch");
    for (let i = 0; i < 2; i++)
      expect(await pub.request(resp("PUBLISH", "ch", payload(600 * KB)))).toBe(":1\r\n");
    expect((await sub.waitClose()).code).toBe(1008);
    // Its subscription went with it.
    expect(await pub.request(resp("PUBLISH", "ch", "later"))).toBe(":0\r\n");
    pub.close();
  });

  it("a subscriber that sends PING now and then receives as much as it likes", async () => {
    const pub = await Ws.open("/db/obl2/resp");
    await pub.request(resp("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 0 0"));
    const sub = await subscriber("obl2", "ch");
    for (let i = 0; i < 4; i++) {
      expect(await pub.request(resp("PUBLISH", "ch", payload(600 * KB)))).toBe(":1\r\n");
      expect(await sub.next()).toContain("message");
      sub.ws.send(resp("PING"));
      expect(await sub.next()).toContain("pong");
    }
    expect(sub.closed).toBeNull();
    sub.close();
    pub.close();
  });

  it("above the soft limit for longer than its seconds: closed at the next push", async () => {
    const pub = await Ws.open("/db/obl3/resp");
    await pub.request(resp("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 512kb 1"));
    const sub = await subscriber("obl3", "ch");
    expect(await pub.request(resp("PUBLISH", "ch", payload(400 * KB)))).toBe(":1\r\n");
    expect(await pub.request(resp("PUBLISH", "ch", payload(300 * KB)))).toBe(":1\r\n");
    await new Promise((r) => setTimeout(r, 1200));
    expect(sub.closed).toBeNull();
    expect(await pub.request(resp("PUBLISH", "ch", "small"))).toBe(":1\r\n");
    expect((await sub.waitClose()).code).toBe(1008);
    pub.close();
  });
});

// Keyspace notifications inside workerd (issue 16): notify-keyspace-events set by CONFIG SET
// survives a restart of the object, and a subscriber on the /resp WebSocket receives the events
// of another connection's writes.

import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Ws, resp } from "./support/client.ts";

const stub = (ns: string) => env.NAMESPACE.getByName(ns);

describe("keyspace notifications in the namespace object", () => {
  it("the setting survives a restart and events reach a WebSocket subscriber", async () => {
    const ns = "keyspace-events";
    const first = await Ws.open(`/db/${ns}/resp`);
    expect(await first.request(resp("CONFIG", "SET", "notify-keyspace-events", "KEA"))).toBe(
      "+OK\r\n",
    );
    first.close();
    await evictDurableObject(stub(ns));

    const sub = await Ws.open(`/db/${ns}/resp`);
    expect(await sub.request(resp("PSUBSCRIBE", "__keyspace@0__:*"))).toBe(
      "*3\r\n$10\r\npsubscribe\r\n$16\r\n__keyspace@0__:*\r\n:1\r\n",
    );
    const cmd = await Ws.open(`/db/${ns}/resp`);
    expect(await cmd.request(resp("CONFIG", "GET", "notify-keyspace-events"))).toBe(
      "*2\r\n$22\r\nnotify-keyspace-events\r\n$3\r\nAKE\r\n",
    );
    expect(await cmd.request(resp("RPUSH", "q", "a"))).toBe(":1\r\n");
    expect(await sub.next()).toBe(
      "*4\r\n$8\r\npmessage\r\n$16\r\n__keyspace@0__:*\r\n$16\r\n__keyspace@0__:q\r\n$5\r\nrpush\r\n",
    );
    sub.close();
    cmd.close();
  });

  it("the expiry alarm sends expired for a key nobody reads again", async () => {
    const ns = "keyspace-expired";
    const sub = await Ws.open(`/db/${ns}/resp`);
    expect(await sub.request(resp("SUBSCRIBE", "__keyevent@0__:expired"))).toContain("subscribe");
    const cmd = await Ws.open(`/db/${ns}/resp`);
    expect(await cmd.request(resp("CONFIG", "SET", "notify-keyspace-events", "Ex"))).toBe(
      "+OK\r\n",
    );
    expect(await cmd.request(resp("SET", "t", "v", "PX", "50"))).toBe("+OK\r\n");
    await new Promise((r) => setTimeout(r, 100));
    // The runtime may have run the alarm already; if not, run it now.
    await runDurableObjectAlarm(stub(ns));
    expect(await sub.next()).toBe(
      "*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:expired\r\n$1\r\nt\r\n",
    );
    sub.close();
    cmd.close();
  });
});

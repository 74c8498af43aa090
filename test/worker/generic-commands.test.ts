// Issue 17's generic commands through the RESP WebSocket door: SORT … STORE, COPY and RESTORE
// write ordinary collections that survive an eviction of the object, and a DUMP payload made
// here restores here.

import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Ws, resp } from "./support/client.ts";
import { multibulk } from "../unit/support/resp-bytes.ts";

/** The payload bytes of a bulk reply read as latin1 text. */
function bulkBytes(reply: string): Uint8Array {
  const nl = reply.indexOf("\r\n");
  const n = Number(reply.slice(1, nl));
  return Uint8Array.from(reply.slice(nl + 2, nl + 2 + n), (c) => c.charCodeAt(0));
}

describe("generic commands over the RESP door", () => {
  it("SORT STORE, COPY and RESTORE results survive an eviction", async () => {
    const ns = "generic1";
    let ws = await Ws.open(`/db/${ns}/resp`);
    expect(await ws.request(resp("RPUSH", "l", "3", "1", "2"))).toBe(":3\r\n");
    expect(await ws.request(resp("SORT", "l", "DESC", "STORE", "sorted"))).toBe(":3\r\n");
    expect(await ws.request(resp("COPY", "l", "copied"))).toBe(":1\r\n");
    expect(await ws.request(resp("ZADD", "z", "1", "a", "2.5", "b"))).toBe(":2\r\n");
    const payload = bulkBytes((await ws.request(resp("DUMP", "z")))!);
    expect(await ws.request(multibulk(["RESTORE", "z2", "0", payload]))).toBe("+OK\r\n");
    expect(await ws.request(multibulk(["RESTORE", "z2", "0", payload]))).toBe(
      "-BUSYKEY Target key name already exists.\r\n",
    );
    ws.close();
    await evictDurableObject(env.NAMESPACE.getByName(ns));
    ws = await Ws.open(`/db/${ns}/resp`);
    expect(await ws.request(resp("LRANGE", "sorted", "0", "-1"))).toBe(
      "*3\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n",
    );
    expect(await ws.request(resp("LRANGE", "copied", "0", "-1"))).toBe(
      "*3\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n",
    );
    expect(await ws.request(resp("ZRANGE", "z2", "0", "-1", "WITHSCORES"))).toBe(
      "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n",
    );
    expect(await ws.request(resp("OBJECT", "ENCODING", "z2"))).toBe("$8\r\nlistpack\r\n");
    ws.close();
  });
});

// A MULTI queue past a WebSocket attachment (src/limits.ts WS_ATTACHMENT_MAX_BYTES): a hibernatable
// `/resp` connection queues 100 SETs of 300-byte values (about 34 KB, over the platform's 16 KiB
// attachment), the object is evicted halfway, and EXEC still runs every queued command. The queue
// is in socket_multi rows (src/worker/socket-multi.ts), dropped by EXEC, DISCARD and a close.

import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Ws, resp } from "./support/client.ts";
import { WS_ATTACHMENT_MAX_BYTES } from "../../src/limits.ts";

const stub = (ns: string) => env.NAMESPACE.getByName(ns);
const COMMANDS = 100;
const value = (i: number) => `${i}`.padStart(3, "0").repeat(100);

/** The object's socket_multi rows. */
const queueRows = (ns: string) =>
  runInDurableObject(
    stub(ns),
    (_i, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM socket_multi").one().n,
  );

/** Queues SET k<i> for i in [from, to) in one message; every reply is QUEUED. */
async function queue(ws: Ws, from: number, to: number): Promise<void> {
  let msg = "";
  for (let i = from; i < to; i++) msg += resp("SET", `k${i}`, value(i));
  expect(await ws.request(msg)).toBe("+QUEUED\r\n".repeat(to - from));
}

describe("a MULTI queue larger than an attachment", () => {
  it("survives an eviction of the object and EXEC runs all of it", async () => {
    expect(COMMANDS * value(0).length).toBeGreaterThan(WS_ATTACHMENT_MAX_BYTES);
    const ns = "multi-spill1";
    const ws = await Ws.open(`/db/${ns}/resp`);
    expect(await ws.request(resp("MULTI"))).toBe("+OK\r\n");
    await queue(ws, 0, COMMANDS / 2);
    await evictDurableObject(stub(ns));
    await queue(ws, COMMANDS / 2, COMMANDS);
    await evictDurableObject(stub(ns));
    expect(await ws.request(resp("EXEC"))).toBe(`*${COMMANDS}\r\n` + "+OK\r\n".repeat(COMMANDS));
    for (const i of [0, 49, 50, 99])
      expect(await ws.request(resp("GET", `k${i}`))).toBe(`$300\r\n${value(i)}\r\n`);
    expect(await queueRows(ns)).toBe(0);
    ws.close();
  });

  it("keeps a queued command larger than a row, binary bytes and all", async () => {
    const ns = "multi-spill2";
    const big = "\xff\x00ab".repeat(300_000);
    const ws = await Ws.open(`/db/${ns}/resp`);
    expect(await ws.request(resp("MULTI"))).toBe("+OK\r\n");
    const set = `*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${big.length}\r\n${big}\r\n`;
    expect(await ws.request(Uint8Array.from(set, (c) => c.charCodeAt(0)))).toBe("+QUEUED\r\n");
    expect(await ws.request(resp("STRLEN", "big"))).toBe("+QUEUED\r\n");
    expect(await queueRows(ns)).toBeGreaterThan(2);
    await evictDurableObject(stub(ns));
    expect(await ws.request(resp("EXEC"))).toBe("*2\r\n+OK\r\n:1200000\r\n");
    const got = await ws.request(resp("GETRANGE", "big", "1199996", "-1"));
    expect(got).toBe("$4\r\n\xff\x00ab\r\n");
    ws.close();
  });

  it("DISCARD and a closed socket drop the rows; a new MULTI starts empty", async () => {
    const ns = "multi-spill3";
    const ws = await Ws.open(`/db/${ns}/resp`);
    expect(await ws.request(resp("MULTI"))).toBe("+OK\r\n");
    await queue(ws, 0, 3);
    expect(await queueRows(ns)).toBe(3);
    // EXEC and a new MULTI in one message: the old rows go, the new queue's are written.
    expect(await ws.request(resp("EXEC") + resp("MULTI") + resp("SET", "x", "1"))).toBe(
      "*3\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n+QUEUED\r\n",
    );
    expect(await queueRows(ns)).toBe(1);
    await evictDurableObject(stub(ns));
    expect(await ws.request(resp("DISCARD"))).toBe("+OK\r\n");
    expect(await queueRows(ns)).toBe(0);
    expect(await ws.request(resp("MULTI") + resp("GET", "x"))).toBe("+OK\r\n+QUEUED\r\n");
    await evictDurableObject(stub(ns));
    expect(await ws.request(resp("EXEC"))).toBe("*1\r\n$-1\r\n");
    expect(await ws.request(resp("MULTI") + resp("SET", "y", "1"))).toBe("+OK\r\n+QUEUED\r\n");
    ws.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(await queueRows(ns)).toBe(0);
  });
});

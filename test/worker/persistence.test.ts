// Durability (spec §13.1): every acknowledged write is in SQLite by the time its reply is seen,
// and survives eviction, abort and hibernation; snapshots (§13.3) and expiry (§3.6) persist.

import { env } from "cloudflare:workers";
import { abortAllDurableObjects, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { blinkHttp, lr, Ws } from "./support/client.ts";

const stub = (ns: string) => env.NAMESPACE.getByName(ns);

function storedKeys(ns: string): Promise<string[]> {
  return runInDurableObject(stub(ns), (_i, state) =>
    state.storage.sql
      .exec<{ key: string }>("SELECT key FROM kv ORDER BY created_seq")
      .toArray()
      .map((r) => r.key),
  );
}

describe("acknowledged writes are durable", () => {
  it("is in SQLite as soon as the reply arrives (fails if writes are deferred)", async () => {
    expect(await blinkHttp("SET a 1\nSET b 2", "/db/dur1/blink")).toBe("OK\nOK\n");
    expect(await storedKeys("dur1")).toEqual(["a", "b"]);
    await lr({ cmd: "sadd", key: "s", value: "m" }, "/db/dur1");
    const members = await runInDurableObject(
      stub("dur1"),
      (_i, state) =>
        state.storage.sql.exec("SELECT member FROM members WHERE key = 's'").toArray().length,
    );
    expect(members).toBe(1);
  });

  it("survives eviction", async () => {
    await blinkHttp("SET user alice\nSET other x\nDEL other", "/db/dur2/blink");
    await lr({ cmd: "set", key: "people:john", value: { name: "John Doe", age: 32 } }, "/db/dur2");
    await evictDurableObject(stub("dur2"));
    expect(await blinkHttp("GET user\nGET other\nUSAGE", "/db/dur2/blink")).toBe(
      "VALUE YWxpY2U=\nNOT_FOUND\nUSAGE 48\n",
    );
    expect((await lr({ cmd: "get", key: "people:john" }, "/db/dur2")).text).toBe(
      '{"age":32,"name":"John Doe"}\n',
    );
  });

  it("keeps keys and values with NUL and invalid UTF-8 bytes exact across eviction", async () => {
    const ws = await Ws.open("/db/dur5/resp");
    const key = "*3\r\n$3\r\nSET\r\n$3\r\na\u0000b\r\n$2\r\n\u0000\u0001\r\n";
    expect(await ws.request(key)).toBe("+OK\r\n");
    ws.ws.send(
      new Uint8Array([
        ...new TextEncoder().encode("*3\r\n$3\r\nSET\r\n$1\r\n"),
        0xff,
        ...new TextEncoder().encode("\r\n$1\r\n"),
        0xfe,
        13,
        10,
      ]),
    );
    expect(await ws.next()).toBe("+OK\r\n");
    await evictDurableObject(stub("dur5"));
    expect(await ws.request("*2\r\n$3\r\nGET\r\n$3\r\na\u0000b\r\n")).toBe(
      "$2\r\n\u0000\u0001\r\n",
    );
    ws.ws.send(
      new Uint8Array([...new TextEncoder().encode("*2\r\n$3\r\nGET\r\n$1\r\n"), 0xff, 13, 10]),
    );
    expect(await ws.next()).toBe("$1\r\n\u00fe\r\n");
  });

  it("survives an abort (crash) of every object", async () => {
    await blinkHttp("SET crash 1", "/db/dur3/blink");
    await abortAllDurableObjects();
    expect(await blinkHttp("GET crash", "/db/dur3/blink")).toBe("VALUE MQ==\n");
  });

  it("a WebSocket keeps its session across hibernation and sees the same data", async () => {
    const ws = await Ws.open("/db/dur4/blink");
    expect(await ws.request("SET k v")).toBe("OK\n");
    await evictDurableObject(stub("dur4"));
    expect(await ws.request("GET k")).toBe("VALUE dg==\n");
    ws.close();
  });
});

describe("snapshots", () => {
  it("save records a point that survives restarts; writable_row counts writes since", async () => {
    const b = "/db/snap1";
    await lr({ cmd: "set", key: "a", value: "1" }, b);
    await lr({ cmd: "save" }, b);
    await lr({ cmd: "set", key: "b", value: "2" }, b);
    await lr({ cmd: "sadd", key: "s", value: "x" }, b);
    const before = JSON.parse((await lr({ cmd: "info" }, b)).text);
    expect(before.writable_row).toBe(2);
    await evictDurableObject(stub("snap1"));
    const after = JSON.parse((await lr({ cmd: "info" }, b)).text);
    expect(after).toEqual(before);
    // pre-images: the first change after the snapshot copied the old row
    const pre = await runInDurableObject(stub("snap1"), (_i, state) =>
      state.storage.sql
        .exec<{ key: string }>("SELECT key FROM snap_kv")
        .toArray()
        .map((r) => r.key),
    );
    expect(pre).toEqual([]);
    await lr({ cmd: "set", key: "a", value: "changed" }, b);
    const pre2 = await runInDurableObject(stub("snap1"), (_i, state) =>
      state.storage.sql
        .exec<{ key: string; value: string }>("SELECT key, value FROM snap_kv")
        .toArray(),
    );
    expect(pre2).toEqual([{ key: "a", value: "1" }]);
  });
});

describe("expiry", () => {
  it("expired keys disappear for every door and the alarm purges them from storage", async () => {
    const b = "/db/ttl1";
    expect((await lr({ cmd: "psetex", key: "t", value: 1, args: ["v"] }, b)).text).toBe('"OK"\n');
    await new Promise((r) => setTimeout(r, 20));
    expect(await blinkHttp("GET t", b + "/blink")).toBe("NOT_FOUND\n");
    expect(await storedKeys("ttl1")).toEqual([]);
    await lr({ cmd: "set", key: "t2", value: "v" }, b);
    const t0 = Date.now();
    await lr({ cmd: "pexpire", key: "t2", value: 100 }, b);
    const alarm = await runInDurableObject(stub("ttl1"), (_i, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThanOrEqual(t0 + 100);
    expect(alarm).toBeLessThan(t0 + 1000);
    expect(await storedKeys("ttl1")).toEqual(["t2"]);
    // The alarm fires on its own locally; nothing else touches the object meanwhile.
    for (let i = 0; i < 50 && (await storedKeys("ttl1")).length; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await storedKeys("ttl1")).toEqual([]);
    expect(
      await runInDurableObject(stub("ttl1"), (_i, state) => state.storage.getAlarm()),
    ).toBeNull();
  });
});

// The 16 databases inside workerd (issue 17): every database's acknowledged writes survive a
// restart of the object, the other doors stay on database 0, and export/import carry the
// database number.

import { env, exports } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, Ws, blinkHttp, bodyText, resp } from "./support/client.ts";

const stub = (ns: string) => env.NAMESPACE.getByName(ns);

/** Runs RESP commands over one WebSocket connection and returns the replies' text. */
async function redis(ns: string, cmds: string[][]): Promise<string> {
  const ws = await Ws.open(`/db/${ns}/resp`);
  const out = (await ws.request(cmds.map((c) => resp(...c)).join(""))) ?? "";
  ws.close();
  return out;
}

async function exportText(ns: string): Promise<string> {
  const res = await exports.default.fetch(`${BASE}/db/${ns}/_/export?fresh=1`);
  expect(res.status).toBe(200);
  return bodyText(res);
}

describe("databases in the namespace object", () => {
  it("keeps every database's writes across a restart; other doors see database 0", async () => {
    const ns = "dbs-restart";
    expect(
      await redis(ns, [
        ["SET", "k", "zero"],
        ["SELECT", "9"],
        ["SET", "k", "nine"],
        ["RPUSH", "l", "a", "b"],
        ["SELECT", "15"],
        ["HSET", "h", "f", "v"],
        ["SWAPDB", "15", "3"],
      ]),
    ).toBe("+OK\r\n+OK\r\n+OK\r\n:2\r\n+OK\r\n:1\r\n+OK\r\n");
    const tables = await runInDurableObject(stub(ns), (_i, state) =>
      state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE name GLOB 'kv*'")
        .toArray()
        .map((r) => r.name)
        .sort(),
    );
    expect(tables).toEqual(["kv", "kv_db15", "kv_db9"]);
    await evictDurableObject(stub(ns));
    expect(
      await redis(ns, [
        ["GET", "k"],
        ["SELECT", "9"],
        ["GET", "k"],
        ["LRANGE", "l", "0", "-1"],
        ["SELECT", "3"],
        ["HGET", "h", "f"],
        ["SELECT", "15"],
        ["DBSIZE"],
      ]),
    ).toBe(
      "$4\r\nzero\r\n+OK\r\n$4\r\nnine\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n+OK\r\n$1\r\nv\r\n+OK\r\n:0\r\n",
    );
    expect(await blinkHttp("GET k\nGET l", `/db/${ns}/blink`)).toBe("VALUE emVybw==\nNOT_FOUND\n");
  });

  it("the expiry alarm purges keys of every database from storage", async () => {
    const ns = "dbs-alarm";
    const t0 = Date.now();
    await redis(ns, [
      ["SET", "keep", "v"],
      ["SELECT", "6"],
      ["SET", "t", "v", "PX", "150"],
    ]);
    const rows = () =>
      runInDurableObject(
        stub(ns),
        (_i, state) => state.storage.sql.exec("SELECT key FROM kv_db6").toArray().length,
      );
    const alarm = await runInDurableObject(stub(ns), (_i, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThanOrEqual(t0 + 150);
    expect(await rows()).toBe(1);
    // The alarm fires on its own locally; nothing else touches the object meanwhile.
    for (let i = 0; i < 60 && (await rows()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await rows()).toBe(0);
  });

  it("a WebSocket keeps its selected database across hibernation", async () => {
    const ns = "dbs-hibernate";
    const ws = await Ws.open(`/db/${ns}/resp`);
    expect(await ws.request(resp("SELECT", "4") + resp("SET", "a", "4"))).toBe("+OK\r\n+OK\r\n");
    await evictDurableObject(stub(ns));
    expect(await ws.request(resp("GET", "a"))).toBe("$1\r\n4\r\n");
    ws.close();
  });

  it("export writes the database of keys outside 0 and import puts them back there", async () => {
    const src = "dbs-exp";
    await redis(src, [
      ["SET", "a", "0"],
      ["SELECT", "7"],
      ["SET", "a", "7"],
      ["SADD", "s", "m"],
    ]);
    const text = await exportText(src);
    const lines = text.split("\n").slice(1, 4);
    expect(lines).toEqual([
      '{"key":"a","key_encoding":"utf8","type":"string","encoding":"utf8","value":"0","expires_at":null}',
      '{"db":7,"key":"a","key_encoding":"utf8","type":"string","encoding":"utf8","value":"7","expires_at":null}',
      '{"db":7,"key":"s","key_encoding":"utf8","type":"set","encoding":"utf8","value":["m"],"expires_at":null}',
    ]);
    expect(text).toMatch(/"keys":3\}\n[\s\S]*\{"end":true,"keys":3\}\n$/);
    const res = await exports.default.fetch(`${BASE}/db/dbs-imp/_/import`, {
      method: "POST",
      body: text,
    });
    expect(await res.text()).toBe('{"result":{"imported":3,"skipped_expired":0}}');
    expect(
      await redis("dbs-imp", [
        ["GET", "a"],
        ["SELECT", "7"],
        ["GET", "a"],
        ["SCARD", "s"],
      ]),
    ).toBe("$1\r\n0\r\n+OK\r\n$1\r\n7\r\n:1\r\n");
    expect((await exportText("dbs-imp")).split("\n").slice(1)).toEqual(text.split("\n").slice(1));
    const bad = await exports.default.fetch(`${BASE}/db/dbs-imp/_/import`, {
      method: "POST",
      body: '{"db":16,"key":"x","type":"string","value":"v","expires_at":null}\n',
    });
    expect(await bad.text()).toContain('\\"db\\" must be an integer from 0 to 15');
  });
});

// JSON documents stored incrementally inside workerd (issue 18): edits of one field are rows of
// the edit log in the Durable Object's SQLite, and survive eviction and an abort of the object.

import { env } from "cloudflare:workers";
import { abortAllDurableObjects, evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { freshNs, post } from "./support/upstash.ts";

const logRows = (ns: string) =>
  runInDurableObject(
    env.NAMESPACE.getByName(ns),
    (_i, state) => state.storage.sql.exec("SELECT path FROM json_log").toArray().length,
  );

describe("JSON documents edited in place", () => {
  it("writes edits as log rows and reads them back after eviction and abort", async () => {
    const b = freshNs("jlog");
    const ns = b.slice("/db/".length);
    const items = Array.from({ length: 50 }, (_, i) => ({ id: i, n: i }));
    await post(`${b}/`, ["JSON.SET", "doc", "$", JSON.stringify({ items, tags: [] })]);
    for (let i = 0; i < 5; i++) await post(`${b}/`, ["JSON.NUMINCRBY", "doc", "$.items[3].n", 1]);
    await post(`${b}/`, ["JSON.ARRAPPEND", "doc", "$.tags", '"x"']);
    await post(`${b}/`, ["JSON.DEL", "doc", "$.items[0]"]);
    expect(await logRows(ns)).toBe(7);
    await evictDurableObject(env.NAMESPACE.getByName(ns));
    expect((await post(`${b}/`, ["JSON.GET", "doc", "$.items[2].n"])).text).toBe(
      '{"result":"[8]"}',
    );
    await abortAllDurableObjects();
    const r = await post(`${b}/`, ["JSON.MGET", "doc", "$.tags"]);
    expect(r.text).toBe('{"result":["[[\\"x\\"]]"]}');
  });
});

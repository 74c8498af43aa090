// Hash field expiry as a user meets it in workerd: over Upstash REST, across an eviction of the
// object (the TTLs are in SQLite), through the alarm, and through export → import.

import { env, exports } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, bodyText } from "./support/client.ts";
import { post } from "./support/upstash.ts";

const stub = (name: string) => env.NAMESPACE.getByName(name);

async function cmd(ns: string, ...argv: (string | number)[]): Promise<unknown> {
  const a = await post(`/db/${ns}/`, argv);
  return JSON.parse(a.text);
}

function memberRows(ns: string): Promise<unknown[]> {
  return runInDurableObject(stub(ns), (_i, state) =>
    state.storage.sql
      .exec("SELECT member, expires_at FROM members ORDER BY rowid")
      .toArray()
      .map((r) => [r.member, r.expires_at]),
  );
}

describe("hash field expiry in the Worker", () => {
  it("keeps field TTLs across an eviction of the object", async () => {
    const ns = "hfe-evict";
    await cmd(ns, "HSET", "h", "a", "1", "b", "2");
    expect(await cmd(ns, "HPEXPIRE", "h", 600000, "FIELDS", 1, "a")).toEqual({ result: [1] });
    const at = (await cmd(ns, "HPEXPIRETIME", "h", "FIELDS", 2, "a", "b")) as { result: number[] };
    expect(at.result[1]).toBe(-1);
    await evictDurableObject(stub(ns));
    expect(await cmd(ns, "HPEXPIRETIME", "h", "FIELDS", 2, "a", "b")).toEqual(at);
    expect(await memberRows(ns)).toEqual([
      ["a", at.result[0]],
      ["b", null],
    ]);
  });

  it("the alarm deletes due fields, and the hash with its last one", async () => {
    const ns = "hfe-alarm";
    await cmd(ns, "HSET", "h", "a", "1", "b", "2");
    await cmd(ns, "HPEXPIRE", "h", 60, "FIELDS", 1, "a");
    const alarm = await runInDurableObject(stub(ns), (_i, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    for (let i = 0; i < 50 && (await memberRows(ns)).length > 1; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await memberRows(ns)).toEqual([["b", null]]);
    await cmd(ns, "HSETEX", "h", "PX", 50, "FIELDS", 1, "b", "3");
    for (let i = 0; i < 50 && (await memberRows(ns)).length > 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await memberRows(ns)).toEqual([]);
    expect(await cmd(ns, "EXISTS", "h")).toEqual({ result: 0 });
  });

  it("goes through export and import", async () => {
    const src = "hfe-exp-src";
    await cmd(src, "HSET", "h", "a", "1", "b", "2");
    await cmd(src, "HPEXPIRE", "h", 600000, "FIELDS", 1, "b");
    const [, bAt] = (
      (await cmd(src, "HPEXPIRETIME", "h", "FIELDS", 2, "a", "b")) as {
        result: number[];
      }
    ).result;
    const text = await bodyText(await exports.default.fetch(`${BASE}/db/${src}/_/export?fresh=1`));
    expect(text).toContain(`"value":[["a","1"],["b","2",${bAt}]]`);
    const res = await exports.default.fetch(`${BASE}/db/hfe-exp-dst/_/import`, {
      method: "POST",
      body: text,
    });
    expect(res.status).toBe(200);
    expect(await cmd("hfe-exp-dst", "HPEXPIRETIME", "h", "FIELDS", 2, "a", "b")).toEqual({
      result: [-1, bAt],
    });
  });
});

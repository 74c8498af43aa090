// What the @upstash/redis SDK relies on beyond Redis 7 (issue 18): the read-your-writes
// `upstash-sync-token` header, boolean arguments, SCAN … WITHTYPE, JSON and hash field expiry
// through `/pipeline` and `/multi-exec`, and base64 replies of JSON.GET.

import { describe, expect, it } from "vitest";
import { B64, freshNs, post, sb } from "./support/upstash.ts";

describe("Upstash SDK details", () => {
  it("answers every request with a sync token that moves with each write", async () => {
    const b = freshNs("sdk");
    const a = await post(`${b}/`, ["SET", "k", "v"]);
    const t1 = a.headers.get("upstash-sync-token");
    expect(t1).toMatch(/^\d+$/);
    const r = await post(`${b}/`, ["GET", "k"], { "upstash-sync-token": t1! });
    expect(r.text).toBe('{"result":"v"}');
    expect(r.headers.get("upstash-sync-token")).toBe(t1);
    const p = await post(`${b}/pipeline`, [
      ["SET", "a", "1"],
      ["SET", "b", "2"],
    ]);
    expect(Number(p.headers.get("upstash-sync-token"))).toBe(Number(t1) + 2);
    expect(p.headers.get("access-control-expose-headers")).toContain("upstash-sync-token");
  });

  it("takes boolean arguments as text", async () => {
    const b = freshNs("sdk");
    expect(sb(await post(`${b}/`, ["HSET", "h", "f", false, "g", true]))).toEqual([
      200,
      '{"result":2}',
    ]);
    expect(sb(await post(`${b}/`, ["HGETALL", "h"]))).toEqual([
      200,
      '{"result":["f","false","g","true"]}',
    ]);
    expect((await post(`${b}/`, [true])).status).toBe(400);
  });

  it("SCAN … WITHTYPE and TYPE ReJSON-RL", async () => {
    const b = freshNs("sdk");
    await post(`${b}/pipeline`, [
      ["SET", "s", "1"],
      ["JSON.SET", "j", "$", '{"a":1}'],
      ["HSET", "h", "f", "v"],
    ]);
    expect(sb(await post(`${b}/`, ["SCAN", "0", "WITHTYPE"]))).toEqual([
      200,
      '{"result":["0",["s","string","j","ReJSON-RL","h","hash"]]}',
    ]);
    expect(sb(await post(`${b}/`, ["SCAN", "0", "TYPE", "ReJSON-RL"]))).toEqual([
      200,
      '{"result":["0",["j"]]}',
    ]);
  });

  it("runs JSON and hash field expiry in /multi-exec, and base64 replies", async () => {
    const b = freshNs("sdk");
    const tx = await post(`${b}/multi-exec`, [
      ["JSON.SET", "doc", "$", '{"n":1,"tags":["x"]}'],
      ["JSON.NUMINCRBY", "doc", "$.n", 2],
      ["JSON.ARRAPPEND", "doc", "$.tags", '"y"'],
      ["HSETEX", "h", "PX", 60000, "FIELDS", 1, "f", "v"],
      ["HTTL", "h", "FIELDS", 1, "f"],
    ]);
    expect(sb(tx)).toEqual([
      200,
      '[{"result":"OK"},{"result":"[3]"},{"result":[2]},{"result":1},{"result":[60]}]',
    ]);
    const g = await post(`${b}/`, ["JSON.GET", "doc", "$.tags"], B64);
    expect(JSON.parse(g.text)).toEqual({ result: btoa('[["x","y"]]') });
  });
});

// Export and import of sharded namespaces (spec §13.4-13.5): one header and trailer over all
// shards, records grouped by shard; 1 shard → 16 shards → 1 shard is lossless; an import is
// checked on every shard before any applies; writes during an export do not change it.

import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE, Ws, bodyText, importBody, resp } from "../worker/support/client.ts";
import { keysPerShard, redisWs } from "./support.ts";

async function exportText(ns: string, query = ""): Promise<string> {
  const res = await exports.default.fetch(`${BASE}/db/${ns}/_/export${query}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="${ns}.jsonl"`);
  return bodyText(res);
}

const lines = (text: string) => text.split("\n").filter((l) => l !== "");
const header = (text: string) => JSON.parse(lines(text)[0]!);
const records = (text: string) => lines(text).slice(1, -1);

/** Every type, TTLs, binary keys and values, over 200 keys. */
async function fill(ns: string): Promise<void> {
  const ws = await Ws.open(`/db/${ns}/resp`);
  let msg = "";
  for (let i = 0; i < 200; i++) {
    switch (i % 8) {
      case 0:
        msg += resp("SET", `s:${i}`, `text ${i} é😀`);
        break;
      case 1:
        msg += resp("INCRBY", `n:${i}`, String(i * 1000 - 7));
        break;
      case 2:
        msg += resp("SADD", `set:${i}`, "a", "b", `m${i}`);
        break;
      case 3:
        msg += resp("HSET", `h:${i}`, "f", "v", "g", `w${i}`);
        break;
      case 4:
        msg += resp("RPUSH", `l:${i}`, "x", "y", `z${i}`);
        break;
      case 5:
        msg += resp("ZADD", `z:${i}`, "1.5", "a", "-inf", "lo", String(i), "b");
        break;
      case 6:
        msg += resp("SET", `ttl:${i}`, "v", "PX", "3600000");
        break;
      default:
        msg += resp("SET", `{tag}:${i}`, "tagged");
    }
  }
  expect(await ws.request(msg)).not.toContain("-");
  const bin = new Uint8Array([
    ...new TextEncoder().encode("*3\r\n$3\r\nSET\r\n$3\r\n"),
    0x6b,
    0xff,
    0x00,
    ...new TextEncoder().encode("\r\n$2\r\n"),
    0xfe,
    0x01,
    0x0d,
    0x0a,
  ]);
  expect(await ws.request(bin)).toBe("+OK\r\n");
  ws.close();
  const gev = await Ws.open(`/db/${ns}/resp?dialect=gevent`);
  expect(
    await gev.request("*3\r\n$3\r\nSET\r\n$4\r\njson\r\n%1\r\n$1\r\nx\r\n*2\r\n:1\r\n$-1\r\n"),
  ).toBe(":1\r\n");
  gev.close();
}

describe("sharded export and import", () => {
  it("moves a 1-shard namespace to 16 shards and back, losslessly", async () => {
    await fill("one-shard");
    const a = await exportText("one-shard", "?fresh=1");
    expect(header(a)).toMatchObject({ namespace: "one-shard", keys: 202 });
    expect(await importBody("sixteen", a)).toEqual({
      status: 200,
      text: '{"result":{"imported":202,"skipped_expired":0}}',
    });
    const counts = await keysPerShard("sixteen");
    expect(counts.every((c) => c > 0)).toBe(true);
    expect(counts.reduce((x, y) => x + y, 0)).toBe(202);
    const b = await exportText("sixteen");
    expect(header(b)).toMatchObject({
      format: "blink-edge-export",
      version: 1,
      namespace: "sixteen",
      keys: 202,
    });
    expect(lines(b).at(-1)).toBe('{"end":true,"keys":202}');
    expect([...records(b)].sort()).toEqual([...records(a)].sort());
    expect(records(b)).not.toEqual(records(a)); // grouped by shard, not one creation order
    expect(await importBody("one-shard-copy", b, "?mode=replace")).toMatchObject({ status: 200 });
    const c = await exportText("one-shard-copy");
    expect([...records(c)].sort()).toEqual([...records(a)].sort());
    expect(
      await redisWs(
        "sixteen",
        ["DBSIZE"],
        ["GET", "{tag}:7"],
        ["ZRANGE", "z:5", "0", "-1", "WITHSCORES"],
      ),
    ).toBe(
      ":202\r\n$6\r\ntagged\r\n*6\r\n$2\r\nlo\r\n$4\r\n-inf\r\n$1\r\na\r\n$3\r\n1.5\r\n$1\r\nb\r\n$1\r\n5\r\n",
    );
  });

  it("exports an empty sharded namespace as a header and a trailer", async () => {
    const text = await exportText("empty-sharded");
    expect(header(text)).toMatchObject({ namespace: "empty-sharded", snapshot_seq: 0, keys: 0 });
    expect(lines(text).slice(1)).toEqual(['{"end":true,"keys":0}']);
  });

  it("keeps an export to its snapshots while writes go on", async () => {
    const ns = "exp-during";
    const cmds = Array.from({ length: 3000 }, (_, i) => [
      "SADD",
      `big:${i % 40}`,
      `member-${i}-${"p".repeat(300)}`,
    ]);
    await redisWs(ns, ...cmds.slice(0, 1000));
    await redisWs(ns, ...cmds.slice(1000, 2000));
    await redisWs(ns, ...cmds.slice(2000));
    const res = await exports.default.fetch(`${BASE}/db/${ns}/_/export?fresh=1`);
    const reader = res.body!.getReader();
    const chunks: Uint8Array[] = [];
    const first = await reader.read();
    chunks.push(first.value!);
    await redisWs(ns, ["FLUSHALL"], ["SET", "after", "y"]);
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    const text = chunks.map((c) => new TextDecoder().decode(c, { stream: true })).join("");
    expect(header(text).keys).toBe(40);
    expect(records(text).length).toBe(40);
    expect(text).not.toContain('"after"');
    const members = records(text).reduce((n, l) => n + (JSON.parse(l).value as string[]).length, 0);
    expect(members).toBe(3000);
  });

  it("checks every shard before applying: a capacity failure on one shard applies nothing", async () => {
    const ns = "imp-oom";
    await redisWs(
      ns,
      ["CONFIG", "SET", "maxmemory", String(16 * 300), "maxmemory-policy", "noeviction"],
      ["SET", "keep", "1"],
    );
    const rec = (key: string, size: number) =>
      JSON.stringify({
        key,
        key_encoding: "utf8",
        type: "string",
        encoding: "utf8",
        value: "v".repeat(size),
        expires_at: null,
      });
    const body = [rec("small", 10), rec("{x}big", 1000)].join("\n");
    expect(await importBody(ns, body)).toEqual({
      status: 400,
      text: `{"error":"OOM command not allowed when used memory > 'maxmemory'."}`,
    });
    expect(await redisWs(ns, ["DBSIZE"])).toBe(":1\r\n");
    expect(await importBody(ns, rec("fits", 10), "?mode=replace")).toEqual({
      status: 200,
      text: '{"result":{"imported":1,"skipped_expired":0}}',
    });
    expect(await redisWs(ns, ["KEYS", "*"])).toBe("*1\r\n$4\r\nfits\r\n");
  });
});

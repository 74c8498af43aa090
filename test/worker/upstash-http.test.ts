// Upstash-compatible REST inside workerd (spec §11.1-§11.3, §5.2): the body and path forms,
// base64 and RESP2 response rules, statuses and routes, tokens and read-only scope.

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/worker/index.ts";
import { BASE, latin1 } from "./support/client.ts";
import { B64, RESP2, answer, call, freshNs as fresh, post, sb } from "./support/upstash.ts";
import type { Answer, Init } from "./support/upstash.ts";

const freshNs = () => fresh("upstash-http");

describe("body form (spec §11.1)", () => {
  const b = freshNs();
  it("keeps number arguments' source text and integers exact beyond 2^53", async () => {
    expect(sb(await post(`${b}/`, ["set", "f", 1.5]))).toEqual([200, '{"result":"OK"}']);
    expect(sb(await post(`${b}/`, '["set","f2",1.50]'))).toEqual([200, '{"result":"OK"}']);
    expect(sb(await call(`${b}/get/f2`))).toEqual([200, '{"result":"1.50"}']);
    expect(sb(await post(`${b}/`, '["incrby","big",9007199254740993]'))).toEqual([
      200,
      '{"result":9007199254740993}',
    ]);
    expect(sb(await post(`${b}/`, '["incrby","big",9223372036854775807]'))).toEqual([
      400,
      '{"error":"ERR increment or decrement would overflow"}',
    ]);
    expect(sb(await post(`${b}/`, '["set","max","9223372036854775806"]'))).toEqual([
      200,
      '{"result":"OK"}',
    ]);
    expect(sb(await post(`${b}/`, ["incr", "max"]))).toEqual([
      200,
      '{"result":9223372036854775807}',
    ]);
  });

  it("negotiates a JSON array whatever the content type (spec §6.2)", async () => {
    const form = await call(`${b}/`, {
      method: "POST",
      body: ' \n["ECHO","hi"]',
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(sb(form)).toEqual([200, '{"result":"hi"}']);
  });

  it("refuses bad bodies", async () => {
    expect(sb(await post(`${b}/`, "[]"))).toEqual([400, '{"error":"ERR empty command"}']);
    expect(sb(await post(`${b}/`, "[1]"))).toEqual([
      400,
      '{"error":"ERR invalid argument: command arguments must be strings, numbers or booleans"}',
    ]);
    expect(sb(await post(`${b}/`, '["get",{"a":1}]'))).toEqual([
      400,
      '{"error":"ERR invalid argument: command arguments must be strings, numbers or booleans"}',
    ]);
    expect(sb(await post(`${b}/`, '["get",'))).toEqual([400, '{"error":"ERR invalid JSON body"}']);
    expect(sb(await post(`${b}/`, ["nope", "a"]))).toEqual([
      400,
      `{"error":"ERR unknown command 'nope', with args beginning with: 'a' "}`,
    ]);
  });

  it("writes non-ASCII as raw UTF-8", async () => {
    expect(sb(await post(`${b}/`, ["set", "ü", "é😀\n"]))).toEqual([200, '{"result":"OK"}']);
    const a = await post(`${b}/`, ["get", "ü"]);
    expect(a.text).toBe('{"result":"é😀\\n"}');
    expect(latin1(a.bytes)).toBe('{"result":"\xc3\xa9\xf0\x9f\x98\x80\\n"}');
  });
});

describe("path form (spec §11.1)", () => {
  const b = freshNs();
  it("percent-decodes segments to bytes (binary keys)", async () => {
    expect(sb(await call(`${b}/set/%FFbin/%FF%FE`))).toEqual([200, '{"result":"OK"}']);
    expect(sb(await call(`${b}/get/%FFbin`))).toEqual([200, '{"result":"\uFFFD\uFFFD"}']);
    expect(sb(await call(`${b}/get/%FFbin`, { headers: B64 }))).toEqual([200, '{"result":"//4="}']);
    expect(sb(await call(`${b}/keys/*`, { headers: B64 }))).toEqual([
      200,
      '{"result":["/2Jpbg=="]}',
    ]);
    expect(sb(await call(`${b}/keys/*`))).toEqual([200, '{"result":["\uFFFDbin"]}']);
    expect(sb(await call(`${b}/set/a%2Fb/x%20y+z`))).toEqual([200, '{"result":"OK"}']);
    expect(sb(await call(`${b}/get/a%2Fb`))).toEqual([200, '{"result":"x y+z"}']);
    expect(sb(await call(`${b}/GET/a%2fb/`))).toEqual([200, '{"result":"x y+z"}']);
  });

  it("keeps empty segments, ignores one trailing slash", async () => {
    expect(sb(await call(`${b}/rpush/l1//x/`))).toEqual([200, '{"result":2}']);
    expect(sb(await call(`${b}/lrange/l1/0/-1`))).toEqual([200, '{"result":["","x"]}']);
  });

  it("appends the POST/PUT body raw, then the query parameters except _token", async () => {
    expect(
      sb(
        await call(`${b}/rpush/l2/a?b+c=d%2Be&_token=ignored&f`, {
          method: "PUT",
          body: new Uint8Array([0xff, 0x00]),
        }),
      ),
    ).toEqual([200, '{"result":5}']);
    expect(sb(await call(`${b}/lrange/l2/0/-1`, { headers: B64 }))).toEqual([
      200,
      '{"result":["YQ==","/wA=","YiBj","ZCtl","Zg=="]}',
    ]);
    expect(sb(await call(`${b}/set/e`, { method: "POST", body: "" }))).toEqual([
      400,
      `{"error":"ERR wrong number of arguments for 'set' command"}`,
    ]);
    expect(sb(await call(`${b}/set/q/v?EX=100`))).toEqual([200, '{"result":"OK"}']);
    expect(sb(await call(`${b}/ttl/q`))).toEqual([200, '{"result":100}']);
  });

  it("answers HEAD with headers only", async () => {
    await call(`${b}/set/h/v`);
    const a = await call(`${b}/get/h`, { method: "HEAD" });
    expect([a.status, a.bytes.length, a.headers.get("Content-Type")]).toEqual([
      200,
      0,
      "application/json",
    ]);
    const e = await call(`${b}/get`, { method: "HEAD" });
    expect([e.status, e.bytes.length]).toEqual([400, 0]);
  });

  it("answers B/ without a command; GET B/ points a browser to the console (issue 13)", async () => {
    const put = await call(`${b}/`, { method: "PUT" });
    expect(sb(put)).toEqual([400, '{"error":"ERR empty command"}']);
    for (const path of ["/", `${b}/`, b]) {
      const a = await call(path);
      expect(a.status, path).toBe(200);
      expect(a.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
      const base = path === "/" ? "" : b;
      expect(a.text).toContain(`Web console:  https://blink.test${base}/_console\n`);
      expect(a.text).toContain("docs/protocols.md");
      const head = await call(path, { method: "HEAD" });
      expect([head.status, head.bytes.length]).toEqual([200, 0]);
    }
  });
});

describe("encodings and formats (spec §11.2)", () => {
  const b = freshNs();
  it("base64-encodes bulk and status strings except a top-level OK", async () => {
    expect(sb(await post(`${b}/`, ["set", "k", "v"], B64))).toEqual([200, '{"result":"OK"}']);
    expect(sb(await post(`${b}/`, ["ping"], B64))).toEqual([200, '{"result":"UE9ORw=="}']);
    expect(sb(await post(`${b}/`, ["type", "k"], B64))).toEqual([200, '{"result":"c3RyaW5n"}']);
    await post(`${b}/`, ["sadd", "s", "m"]);
    expect(sb(await post(`${b}/`, ["smembers", "s"], B64))).toEqual([200, '{"result":["bQ=="]}']);
    expect(sb(await post(`${b}/`, ["set", "ok", "OK"], { "upstash-encoding": "BASE64" }))).toEqual([
      200,
      '{"result":"OK"}',
    ]);
    expect(sb(await post(`${b}/`, ["get", "ok"], B64))).toEqual([200, '{"result":"T0s="}']);
    expect(sb(await post(`${b}/`, ["incr", "i"], B64))).toEqual([200, '{"result":1}']);
    expect(sb(await post(`${b}/`, ["get", "none"], B64))).toEqual([200, '{"result":null}']);
    expect(sb(await post(`${b}/`, ["incr", "k"], B64))).toEqual([
      400,
      '{"error":"ERR value is not an integer or out of range"}',
    ]);
    expect(
      sb(
        await post(
          `${b}/pipeline`,
          [
            ["set", "k", "v"],
            ["get", "k"],
          ],
          B64,
        ),
      ),
    ).toEqual([200, '[{"result":"OK"},{"result":"dg=="}]']);
  });

  it("renders maps, sets and scores in their RESP2 shape", async () => {
    await post(`${b}/`, ["hset", "h", "f", "v", "g", "w"]);
    expect(sb(await post(`${b}/`, ["hgetall", "h"]))).toEqual([
      200,
      '{"result":["f","v","g","w"]}',
    ]);
    await post(`${b}/`, ["zadd", "z", "1.5", "a", "0.1", "b"]);
    expect(sb(await post(`${b}/`, ["zscore", "z", "a"]))).toEqual([200, '{"result":"1.5"}']);
    expect(sb(await post(`${b}/`, ["zrange", "z", 0, -1, "WITHSCORES"]))).toEqual([
      200,
      '{"result":["b","0.10000000000000001","a","1.5"]}',
    ]);
  });

  it("answers raw RESP2 with Upstash-Response-Format: resp2", async () => {
    const a = await post(`${b}/`, ["get", "k"], RESP2);
    expect([a.status, latin1(a.bytes), a.headers.get("Content-Type")]).toEqual([
      200,
      "$1\r\nv\r\n",
      "application/octet-stream",
    ]);
    const e = await call(`${b}/incr/k`, { headers: RESP2 });
    expect([e.status, latin1(e.bytes)]).toEqual([
      400,
      "-ERR value is not an integer or out of range\r\n",
    ]);
    const p = await post(
      `${b}/pipeline`,
      [
        ["set", "r", "1"],
        ["incr", "r"],
        ["lpush", "r", "x"],
        ["get", "nokey"],
        ["smembers", "s"],
      ],
      RESP2,
    );
    expect([p.status, latin1(p.bytes)]).toEqual([
      200,
      "+OK\r\n:2\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n$-1\r\n*1\r\n$1\r\nm\r\n",
    ]);
    // Not applied to /multi-exec, where base64 may then be combined with it.
    const t = await post(`${b}/multi-exec`, [["incr", "r"]], { ...RESP2, ...B64 });
    expect(sb(t)).toEqual([200, '[{"result":3}]']);
  });

  it("refuses base64 with resp2 and unknown formats", async () => {
    const both =
      '{"error":"ERR Upstash-Encoding base64 cannot be combined with Upstash-Response-Format resp2"}';
    expect(sb(await post(`${b}/`, ["get", "k"], { ...RESP2, ...B64 }))).toEqual([400, both]);
    expect(sb(await post(`${b}/pipeline`, [["get", "k"]], { ...RESP2, ...B64 }))).toEqual([
      400,
      both,
    ]);
    expect(sb(await call(`${b}/get/k`, { headers: { ...RESP2, ...B64 } }))).toEqual([400, both]);
    const bad = '{"error":"ERR invalid Upstash-Response-Format"}';
    expect(sb(await post(`${b}/`, ["get", "k"], { "Upstash-Response-Format": "xml" }))).toEqual([
      400,
      bad,
    ]);
    expect(
      sb(await post(`${b}/multi-exec`, [["get", "k"]], { "Upstash-Response-Format": "xml" })),
    ).toEqual([400, bad]);
    expect(
      sb(
        await post(`${b}/`, ["get", "k"], {
          "Upstash-Response-Format": "JSON",
          "Upstash-Sync-Token": "x",
        }),
      ),
    ).toEqual([200, '{"result":"v"}']);
  });
});

describe("statuses and routes (spec §11.3, §6.1)", () => {
  const b = freshNs();
  it("answers 405 with Allow for other methods", async () => {
    const a = await call(`${b}/get/k`, { method: "DELETE" });
    expect(sb(a)).toEqual([405, '{"error":"ERR method not allowed"}']);
    expect(a.headers.get("Allow")).toBe("GET, HEAD, POST, PUT, OPTIONS");
    expect((await call(`${b}/`, { method: "PATCH" })).status).toBe(405);
    for (const route of ["pipeline", "multi-exec"]) {
      const g = await call(`${b}/${route}`);
      expect(sb(g)).toEqual([405, '{"error":"ERR method not allowed"}']);
      expect(g.headers.get("Allow")).toBe("POST, OPTIONS");
    }
    expect(sb(await post(`${b}/pipeline/x`, []))).toEqual([404, '{"error":"ERR no such route"}']);
    expect(sb(await post(`${b}/pipeline/`, [["ping"]]))).toEqual([200, '[{"result":"PONG"}]']);
  });

  it("answers 413 for a body over 10 MiB", async () => {
    const big = new Uint8Array(10485761).fill(0x20);
    big[0] = 0x5b;
    const tooLarge = [413, '{"error":"ERR request body too large (max 10485760 bytes)"}'];
    expect(sb(await call(`${b}/pipeline`, { method: "POST", body: big }))).toEqual(tooLarge);
    expect(sb(await call(`${b}/set/k`, { method: "PUT", body: big }))).toEqual(tooLarge);
  });

  it("carries CORS headers", async () => {
    const a = await call(`${b}/ping`);
    expect(a.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });
});

describe("tokens and scopes (spec §5.2)", () => {
  const withTokens = { ...env, AUTH_TOKEN: "full-token", AUTH_TOKEN_READONLY: "ro-token" };
  const b = freshNs();
  async function authed(path: string, init: Init & { token?: string } = {}): Promise<Answer> {
    // A string body would default to text/plain, which B/ serves as Blink (spec §6.2).
    const headers: Record<string, string> = { "Content-Type": "application/json", ...init.headers };
    if (init.token) headers.Authorization = `Bearer ${init.token}`;
    return answer(
      await worker.fetch(
        new Request(BASE + path, { method: init.method, body: init.body, headers }),
        withTokens as never,
      ),
    );
  }
  const json = (body: unknown) => JSON.stringify(body);
  const NOPERM_SET = `{"error":"NOPERM this user has no permissions to run the 'set' command"}`;

  it("refuses missing and invalid tokens on every route", async () => {
    const wrong = [401, '{"error":"WRONGPASS invalid or missing auth token"}'];
    expect(sb(await authed(`${b}/get/k`))).toEqual(wrong);
    expect(sb(await authed(`${b}/get/k`, { token: "nope" }))).toEqual(wrong);
    expect(sb(await authed(`${b}/get/k?_token=nope`))).toEqual(wrong);
    expect(
      sb(await authed(`${b}/pipeline`, { method: "POST", body: json([["get", "k"]]) })),
    ).toEqual(wrong);
    expect(
      sb(await authed(`${b}/multi-exec`, { method: "POST", body: json([["get", "k"]]) })),
    ).toEqual(wrong);
    expect(sb(await authed(`${b}/`, { method: "POST", body: json(["get", "k"]) }))).toEqual(wrong);
    const head = await authed(`${b}/get/k`, { method: "HEAD" });
    expect([head.status, head.bytes.length]).toEqual([401, 0]);
  });

  it("accepts the full token as Bearer or _token", async () => {
    expect(sb(await authed(`${b}/set/k/v`, { token: "full-token" }))).toEqual([
      200,
      '{"result":"OK"}',
    ]);
    expect(sb(await authed(`${b}/get/k?_token=full-token`))).toEqual([200, '{"result":"v"}']);
    expect(sb(await authed(`${b}/get/k?_token=nope`, { token: "full-token" }))).toEqual([
      200,
      '{"result":"v"}',
    ]);
  });

  it("gives the read-only token reads only (NOPERM, 400)", async () => {
    const ro = "ro-token";
    expect(sb(await authed(`${b}/get/k`, { token: ro }))).toEqual([200, '{"result":"v"}']);
    expect(sb(await authed(`${b}/keys/*`, { token: ro }))).toEqual([200, '{"result":["k"]}']);
    expect(sb(await authed(`${b}/set/k/w`, { token: ro }))).toEqual([400, NOPERM_SET]);
    expect(
      sb(await authed(`${b}/`, { method: "POST", body: json(["SET", "k", "w"]), token: ro })),
    ).toEqual([400, `{"error":"NOPERM this user has no permissions to run the 'set' command"}`]);
    expect(
      sb(
        await authed(`${b}/pipeline`, {
          method: "POST",
          body: json([["get", "k"], ["set", "k", "w"], ["flushdb"]]),
          token: ro,
        }),
      ),
    ).toEqual([
      200,
      `[{"result":"v"},${NOPERM_SET},{"error":"NOPERM this user has no permissions to run the 'flushdb' command"}]`,
    ]);
    expect(
      sb(
        await authed(`${b}/multi-exec`, {
          method: "POST",
          body: json([
            ["get", "k"],
            ["set", "k", "w"],
          ]),
          token: ro,
        }),
      ),
    ).toEqual([400, NOPERM_SET]);
    expect(
      sb(
        await authed(`${b}/multi-exec`, {
          method: "POST",
          body: json([
            ["get", "k"],
            ["strlen", "k"],
          ]),
          token: ro,
        }),
      ),
    ).toEqual([200, '[{"result":"v"},{"result":1}]']);
    expect(sb(await authed(`${b}/get/k`, { token: "full-token" }))).toEqual([
      200,
      '{"result":"v"}',
    ]);
  });
});

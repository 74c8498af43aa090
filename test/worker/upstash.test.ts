// Upstash-compatible REST inside workerd (spec §11): the examples of §11.4-§11.6 byte for byte,
// pipelines and their limits, MULTI/EXEC atomicity. Request forms, encodings, statuses and
// scopes are in upstash-http.test.ts.

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/worker/index.ts";
import { BASE } from "./support/client.ts";
import { B64, answer, call, freshNs as fresh, post, sb } from "./support/upstash.ts";

const freshNs = () => fresh("upstash");

describe("examples (spec §11.6)", () => {
  it("answers each example byte for byte", async () => {
    const b = freshNs();
    expect(sb(await post(`${b}/`, ["SET", "foo", "bar", "EX", 100]))).toEqual([
      200,
      '{"result":"OK"}',
    ]);
    expect(sb(await call(`${b}/get/foo`))).toEqual([200, '{"result":"bar"}']);
    expect(sb(await call(`${b}/get/foo`, { headers: B64 }))).toEqual([200, '{"result":"YmFy"}']);
    expect(sb(await call(`${b}/incr/n`))).toEqual([200, '{"result":1}']);
    expect(sb(await call(`${b}/get/nokey`))).toEqual([200, '{"result":null}']);
    expect(sb(await post(`${b}/`, ["GET"]))).toEqual([
      400,
      `{"error":"ERR wrong number of arguments for 'get' command"}`,
    ]);
    expect(sb(await call(`${b}/set/doc?EX=60`, { method: "POST", body: '{"a":1}' }))).toEqual([
      200,
      '{"result":"OK"}',
    ]);
    expect(sb(await call(`${b}/strlen/doc`))).toEqual([200, '{"result":7}']);
    expect(sb(await call(`${b}/get/doc`))).toEqual([200, '{"result":"{\\"a\\":1}"}']);
    expect(sb(await call(`${b}/ttl/doc`))).toEqual([200, '{"result":60}']);
    expect(sb(await call(`${b}/lpush/doc/x`))).toEqual([
      400,
      '{"error":"WRONGTYPE Operation against a key holding the wrong kind of value"}',
    ]);
  });

  it("refuses a request without a token when auth is enabled (401)", async () => {
    const res = await worker.fetch(new Request(`${BASE}/get/foo`), {
      ...env,
      AUTH_TOKEN: "full-token",
    } as never);
    const a = await answer(res);
    expect(sb(a)).toEqual([401, '{"error":"WRONGPASS invalid or missing auth token"}']);
    expect(a.headers.get("WWW-Authenticate")).toBe('Bearer realm="blink-edge"');
    expect(a.headers.get("Content-Type")).toBe("application/json");
  });

  it("works at the root namespace path too", async () => {
    expect(sb(await post("/", ["SET", "upstash:root", "r"]))).toEqual([200, '{"result":"OK"}']);
    expect(sb(await call("/get/upstash:root"))).toEqual([200, '{"result":"r"}']);
    expect(sb(await post("", ["GET", "upstash:root"]))).toEqual([200, '{"result":"r"}']);
    expect(sb(await call("/db/default/get/upstash:root"))).toEqual([200, '{"result":"r"}']);
  });
});

describe("pipeline and multi-exec examples (spec §11.4, §11.5)", () => {
  it("runs a pipeline with per-command errors", async () => {
    const b = freshNs();
    const a = await post(`${b}/pipeline`, [
      ["set", "k", "v"],
      ["incr", "k"],
      ["get", "k"],
    ]);
    expect(sb(a)).toEqual([
      200,
      '[{"result":"OK"},{"error":"ERR value is not an integer or out of range"},{"result":"v"}]',
    ]);
    expect(a.headers.get("Content-Type")).toBe("application/json");
    expect(sb(await post(`${b}/pipeline`, []))).toEqual([200, "[]"]);
  });

  it("runs a transaction", async () => {
    const b = freshNs();
    expect(
      sb(
        await post(`${b}/multi-exec`, [
          ["incr", "c"],
          ["incr", "c"],
        ]),
      ),
    ).toEqual([200, '[{"result":1},{"result":2}]']);
    expect(sb(await post(`${b}/multi-exec`, []))).toEqual([200, "[]"]);
  });

  it("runs nothing of a transaction that fails its checks", async () => {
    const b = freshNs();
    const bad = await post(`${b}/multi-exec`, [["set", "a", "1"], ["nope"]]);
    expect(sb(bad)).toEqual([
      400,
      `{"error":"ERR unknown command 'nope', with args beginning with: "}`,
    ]);
    expect(sb(await post(`${b}/multi-exec`, [["set", "a", "1"], ["get"]]))).toEqual([
      400,
      `{"error":"ERR wrong number of arguments for 'get' command"}`,
    ]);
    for (const refused of [
      ["multi"],
      ["exec"],
      ["discard"],
      ["watch", "a"],
      ["unwatch"],
      ["auth", "x"],
      ["hello", "3"],
      ["quit"],
      ["reset"],
      ["select", "0"],
    ]) {
      const a = await post(`${b}/multi-exec`, [["set", "a", "1"], refused]);
      expect(sb(a), refused[0]).toEqual([
        400,
        '{"error":"ERR Command not allowed inside a transaction"}',
      ]);
    }
    expect(
      sb(
        await post(`${b}/multi-exec`, [
          ["set", "a", "1"],
          ["get", 5, null],
        ]),
      ),
    ).toEqual([
      400,
      '{"error":"ERR invalid argument: command arguments must be strings, numbers or booleans"}',
    ]);
    expect(sb(await call(`${b}/exists/a`))).toEqual([200, '{"result":0}']);
  });

  it("keeps running the others when a command fails at run time", async () => {
    const b = freshNs();
    const a = await post(
      `${b}/multi-exec`,
      [["set", "s", "x"], ["lpush", "s", "y"], ["get", "s"], ["ping"]],
      B64,
    );
    expect(sb(a)).toEqual([
      200,
      '[{"result":"OK"},{"error":"WRONGTYPE Operation against a key holding the wrong kind of value"},{"result":"eA=="},{"result":"UE9ORw=="}]',
    ]);
  });

  it("is atomic: a concurrent pipeline never sees half a transaction", async () => {
    const b = freshNs();
    const tx = Array.from({ length: 200 }, (_, i) => ["rpush", "l", String(i)]);
    const reads = Array.from({ length: 20 }, () => post(`${b}/pipeline`, [["llen", "l"]]));
    const [txAnswer, ...lens] = await Promise.all([post(`${b}/multi-exec`, tx), ...reads]);
    expect(txAnswer!.status).toBe(200);
    for (const r of lens) expect(['[{"result":0}]', '[{"result":200}]']).toContain(r.text);
  });

  it("runs MULTI … EXEC sent as commands inside one pipeline, not across requests", async () => {
    const b = freshNs();
    const a = await post(`${b}/pipeline`, [["multi"], ["incr", "m"], ["incr", "m"], ["exec"]]);
    expect(sb(a)).toEqual([
      200,
      '[{"result":"OK"},{"result":"QUEUED"},{"result":"QUEUED"},{"result":[1,2]}]',
    ]);
    const b64 = await post(
      `${b}/pipeline`,
      [["multi"], ["set", "x", "1"], ["lpush", "x", "y"], ["exec"]],
      B64,
    );
    expect(sb(b64)).toEqual([
      200,
      '[{"result":"OK"},{"result":"UVVFVUVE"},{"result":"UVVFVUVE"},{"result":["T0s=",{"error":"WRONGTYPE Operation against a key holding the wrong kind of value"}]}]',
    ]);
    // Each request is a fresh connection: a MULTI left open is dropped with it.
    expect(sb(await post(`${b}/`, ["MULTI"]))).toEqual([200, '{"result":"OK"}']);
    expect(sb(await post(`${b}/`, ["EXEC"]))).toEqual([400, '{"error":"ERR EXEC without MULTI"}']);
  });

  it("answers the commands after QUIT in a pipeline with an error", async () => {
    const b = freshNs();
    expect(
      sb(await post(`${b}/pipeline`, [["set", "q", "1"], ["quit"], ["set", "q", "2"]])),
    ).toEqual([200, '[{"result":"OK"},{"result":"OK"},{"error":"ERR connection closed by QUIT"}]']);
    expect(sb(await call(`${b}/get/q`))).toEqual([200, '{"result":"1"}']);
    expect(sb(await call(`${b}/quit`))).toEqual([200, '{"result":"OK"}']);
  });
});

describe("pipeline body validation and limits (spec §11.4)", () => {
  const b = freshNs();
  const cases: [string, string][] = [
    ["[[", "ERR invalid JSON body"],
    ['{"a":1}', "ERR pipeline must be an array of command arrays"],
    ['[["ping"],"ping"]', "ERR pipeline must be an array of command arrays"],
    ['[["ping"],[]]', "ERR empty command"],
    [
      '[["set","k",null]]',
      "ERR invalid argument: command arguments must be strings, numbers or booleans",
    ],
  ];
  for (const [body, error] of cases) {
    it(`${body} -> 400`, async () => {
      expect(sb(await post(`${b}/pipeline`, body))).toEqual([400, JSON.stringify({ error })]);
      expect(sb(await post(`${b}/multi-exec`, body))).toEqual([400, JSON.stringify({ error })]);
    });
  }

  it("takes 1000 commands and refuses 1001 without running any", async () => {
    const cmds = (n: number) => Array.from({ length: n }, () => ["incr", "cnt"]);
    const a = await post(`${b}/pipeline`, cmds(1000));
    expect(a.status).toBe(200);
    const results = JSON.parse(a.text) as { result: number }[];
    expect(results.length).toBe(1000);
    expect(results[999]).toEqual({ result: 1000 });
    const tooMany = '{"error":"ERR too many commands in one request (max 1000)"}';
    expect(sb(await post(`${b}/pipeline`, cmds(1001)))).toEqual([400, tooMany]);
    expect(sb(await post(`${b}/multi-exec`, cmds(1001)))).toEqual([400, tooMany]);
    expect(sb(await post(`${b}/multi-exec`, cmds(1000)))).toEqual([
      200,
      JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ result: 1001 + i }))),
    ]);
    expect(sb(await call(`${b}/get/cnt`))).toEqual([200, '{"result":"2000"}']);
  });
});

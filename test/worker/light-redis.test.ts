// Light-Redis JSON door (spec §8): byte-exact replies, the original's error statuses, and the
// generic form.

import { describe, expect, it } from "vitest";
import { BASE, lr, post } from "./support/client.ts";
import { exports } from "cloudflare:workers";

const ns = (name: string) => `/db/${name}`;

describe("Light-Redis commands", () => {
  it("round-trips the README example (people:john)", async () => {
    const b = ns("readme");
    expect(
      await lr({ cmd: "set", key: "people:john", value: { name: "John Doe", age: 32 } }, b),
    ).toEqual({
      status: 200,
      text: '"OK"\n',
      error: null,
    });
    const got = await lr({ cmd: "get", key: "people:john" }, b);
    expect(got.status).toBe(200);
    expect(got.text).toBe('{"age":32,"name":"John Doe"}\n');
  });

  it("answers the seed CLI session", async () => {
    const b = ns("cli");
    expect((await lr({ cmd: "set", key: "animal:name", value: "horse" }, b)).text).toBe('"OK"\n');
    expect((await lr({ cmd: "get", key: "animal:name" }, b)).text).toBe('"horse"\n');
    expect((await lr({ cmd: "sadd", key: "animal:world", value: "tiger" }, b)).text).toBe('"OK"\n');
    expect((await lr({ cmd: "sadd", key: "animal:world", value: "lion" }, b)).text).toBe('"OK"\n');
    expect((await lr({ cmd: "smembers", key: "animal:world" }, b)).text).toBe('["tiger","lion"]\n');
    expect((await lr({ cmd: "scard", key: "animal:world" }, b)).text).toBe("2\n");
    expect((await lr({ cmd: "sismember", key: "animal:world", value: "lion" }, b)).text).toBe(
      '"OK"\n',
    );
    expect(await lr({ cmd: "sismember", key: "animal:world", value: "cat" }, b)).toMatchObject({
      status: 200,
      text: '"ERROR"\n',
    });
    expect(await lr({ cmd: "sismember", key: "animal:world" }, b)).toMatchObject({
      status: 200,
      text: '"ERROR"\n',
    });
    const info = await lr({ cmd: "info" }, b);
    expect(info.text).toBe(
      '{"db_file_name":"cli.jsonl","keys":["animal:name","animal:world"],"keys_count":2,"last_db_snapshot_write":0,"writable_row":3}\n',
    );
    expect((await lr({ cmd: "save" }, b)).text).toBe('"OK"\n');
    const after = JSON.parse((await lr({ cmd: "info" }, b)).text);
    expect(after.writable_row).toBe(0);
    expect(after.last_db_snapshot_write).toBeGreaterThan(1_700_000_000);
  });

  it("escapes like Flask and keeps numbers exact", async () => {
    const b = ns("escapes");
    await lr({ cmd: "set", key: "h", value: "héllo 😀\n\u007f" }, b);
    expect((await lr({ cmd: "get", key: "h" }, b)).text).toBe(
      '"h\\u00e9llo \\ud83d\\ude00\\n\\u007f"\n',
    );
    const body =
      '{"cmd":"set","key":"n","value":{"big":123456789012345678901234567890,"f":1.0,"e":1e16,"z":-0.0}}';
    const res = await post(b + "/", body, "application/json");
    expect(await res.text()).toBe('"OK"\n');
    expect((await lr({ cmd: "get", key: "n" }, b)).text).toBe(
      '{"big":123456789012345678901234567890,"e":1e+16,"f":1.0,"z":-0.0}\n',
    );
  });

  it("stores sadd numbers and booleans as their JSON text", async () => {
    const b = ns("members");
    for (const v of [5, 1.5, true, "x"]) await lr({ cmd: "sadd", key: "s", value: v }, b);
    expect((await lr({ cmd: "smembers", key: "s" }, b)).text).toBe('["5","1.5","true","x"]\n');
    expect((await lr({ cmd: "sismember", key: "s", value: 5 }, b)).text).toBe('"OK"\n');
  });
});

describe("Light-Redis errors (spec §8.4, §8.6)", () => {
  const b = ns("errors");
  const cases: [unknown, number, string, string | null][] = [
    [{ cmd: "nope" }, 400, '"NOT_A_VALID_COMMAND"\n', "NOT_A_VALID_COMMAND"],
    [{}, 400, '"NOT_A_VALID_COMMAND"\n', "NOT_A_VALID_COMMAND"],
    [{ cmd: ["set"] }, 400, '"NOT_A_VALID_COMMAND"\n', "NOT_A_VALID_COMMAND"],
    [{ cmd: "SET", key: "k", value: "v" }, 400, '"NOT_A_VALID_COMMAND"\n', "NOT_A_VALID_COMMAND"],
    [{ cmd: "set", key: "", value: "v" }, 400, '"ERROR"\n', null],
    [{ cmd: "set", key: "k", value: 0 }, 400, '"ERROR"\n', null],
    [
      { cmd: "set", key: "k", value: 5 },
      400,
      '"ERROR"\n',
      "ERR value must be a non-empty string or object",
    ],
    [
      { cmd: "set", key: "k", value: [1] },
      400,
      '"ERROR"\n',
      "ERR value must be a non-empty string or object",
    ],
    [{ cmd: "set", key: 5, value: "v" }, 400, '"ERROR"\n', "ERR key must be a string"],
    [{ cmd: "get", key: "missing" }, 400, '"ERROR"\n', null],
    [{ cmd: "smembers", key: "missing" }, 400, '"ERROR"\n', null],
    [
      { cmd: "sadd", key: "k2", value: { a: 1 } },
      400,
      '"ERROR"\n',
      "ERR set members must be strings, numbers or booleans",
    ],
  ];
  for (const [body, status, text, error] of cases) {
    it(`${JSON.stringify(body)} -> ${status} ${text.trim()}`, async () => {
      const r = await lr(body, b);
      expect(r.status).toBe(status);
      expect(r.text).toBe(text);
      if (error) expect(r.error).toBe(error);
      else expect(r.error).toBeTruthy();
    });
  }

  it("answers WRONGTYPE where the original did", async () => {
    await lr({ cmd: "set", key: "str", value: "v" }, b);
    const r = await lr({ cmd: "sadd", key: "str", value: "m" }, b);
    expect(r).toMatchObject({
      status: 400,
      text: '"WRONGTYPE Operation against a key holding the wrong kind of value"\n',
    });
    expect((await lr({ cmd: "scard", key: "str" }, b)).text).toContain("WRONGTYPE");
  });

  it("refuses bodies that are not JSON objects", async () => {
    const bad = async (body: string, ct = "application/json") => {
      const res = await post(b + "/", body, ct);
      return [res.status, await res.text(), res.headers.get("Blink-Edge-Error")];
    };
    expect(await bad("{nope")).toEqual([400, '"ERROR"\n', "ERR invalid JSON body"]);
    expect(await bad('{"cmd":"info"}', "application/x-www-form-urlencoded")).toEqual([
      400,
      '"ERROR"\n',
      "ERR Content-Type must be application/json",
    ]);
    expect(await bad("null")).toEqual([400, '"ERROR"\n', "ERR request body must be a JSON object"]);
    expect(await bad('{"cmd":"info"}', "application/vnd.api+json; charset=utf-8")).toEqual([
      200,
      expect.stringContaining("db_file_name"),
      null,
    ]);
    expect(await bad('{"cmd":"set","key":"k","value":NaN}')).toEqual([
      400,
      '"ERROR"\n',
      "ERR invalid JSON body",
    ]);
    expect(await bad('{"cmd":"set","key":"k","value":"\\ud800"}')).toEqual([
      400,
      '"ERROR"\n',
      "ERR invalid JSON body",
    ]);
  });

  it("changes nothing on error", async () => {
    const c = ns("nochange");
    await lr({ cmd: "set", key: "k", value: "v" }, c);
    await lr({ cmd: "set", key: "k", value: 7 }, c);
    await lr({ cmd: "set", key: "k" + "x".repeat(40000), value: "v" }, c);
    expect((await lr({ cmd: "get", key: "k" }, c)).text).toBe('"v"\n');
    expect(JSON.parse((await lr({ cmd: "info" }, c)).text).keys_count).toBe(1);
  });
});

describe("Light-Redis generic form (spec §8.7)", () => {
  it("runs the spec's table in order", async () => {
    const b = ns("generic");
    const table: [unknown, number, string][] = [
      [{ cmd: "delete", key: "k" }, 200, "0\n"],
      [{ cmd: "incr", key: "n" }, 200, "1\n"],
      [{ cmd: "expire", key: "n", value: 60 }, 200, "1\n"],
      [{ cmd: "hset", key: "h", args: ["f", "v"] }, 200, "1\n"],
      [{ cmd: "hgetall", key: "h" }, 200, '["f","v"]\n'],
      [{ cmd: "keys", key: "*" }, 200, '["n","h"]\n'],
      [{ cmd: "rename", key: "nokey", value: "x" }, 400, '"ERR no such key"\n'],
      [{ cmd: "SET", key: "k", value: "v" }, 400, '"NOT_A_VALID_COMMAND"\n'],
      [
        { cmd: "expire", key: "n" },
        400,
        "\"ERR wrong number of arguments for 'expire' command\"\n",
      ],
      [{ cmd: "multi" }, 400, '"NOT_A_VALID_COMMAND"\n'],
    ];
    for (const [body, status, text] of table) {
      const r = await lr(body, b);
      expect([JSON.stringify(body), r.status, r.text]).toEqual([
        JSON.stringify(body),
        status,
        text,
      ]);
    }
  });
});

describe("routes", () => {
  it("keeps namespaces apart and /db/default is the default", async () => {
    await lr({ cmd: "set", key: "shared", value: "default-ns" });
    expect((await lr({ cmd: "get", key: "shared" }, "/db/default")).text).toBe('"default-ns"\n');
    expect((await lr({ cmd: "get", key: "shared" }, "/db/other")).status).toBe(400);
  });

  it("answers health, preflight and route errors", async () => {
    const f = (path: string, init?: RequestInit) => exports.default.fetch(BASE + path, init);
    let r = await f("/_/health");
    expect([r.status, await r.text()]).toEqual([200, '{"result":"ok"}']);
    r = await f("/anything", {
      method: "OPTIONS",
      headers: { "Access-Control-Request-Headers": "authorization" },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(r.headers.get("Access-Control-Allow-Headers")).toBe("authorization");
    expect(r.headers.get("Access-Control-Max-Age")).toBe("86400");
    r = await f("/db/bad name/x");
    expect([r.status, await r.text()]).toEqual([400, '{"error":"ERR invalid namespace name"}']);
    r = await f("/db/.."); // the URL parser makes this `/`: the root's pointer (issue 13)
    expect(r.status).toBe(200);
    r = await f("/db");
    expect([r.status, await r.text()]).toEqual([404, '{"error":"ERR no such route"}']);
    r = await f("/_/nothing");
    expect(r.status).toBe(404);
    r = await f("/blink");
    expect([r.status, r.headers.get("Upgrade")]).toEqual([426, "websocket"]);
    expect(await r.text()).toBe("ERROR expected WebSocket upgrade\n");
    r = await f("/", { method: "DELETE" });
    expect(r.status).toBe(405);
  });
});

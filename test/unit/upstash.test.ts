// Upstash REST codec (spec §11): request parsing, path-form decoding, reply JSON and base64
// rules, transaction checks. The Worker-level behaviour is in test/worker/upstash.test.ts.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromBytes, toBytes, toDisplayText } from "../../src/engine/bytes.ts";
import { COMMANDS } from "../../src/engine/commands/index.ts";
import { Errors } from "../../src/engine/errors.ts";
import { R } from "../../src/engine/reply.ts";
import type { Reply } from "../../src/engine/reply.ts";
import { formatScore } from "../../src/protocols/resp/resp-encode.ts";
import {
  NOT_IN_TRANSACTION,
  UPSTASH_ERRORS,
  envelopeJson,
  envelopesJson,
  parseCommandBody,
  parsePathCommand,
  parsePipelineBody,
  percentDecode,
  replyJson,
  responseOptions,
  transactionError,
} from "../../src/protocols/upstash/upstash.ts";
import { replyArb } from "./support/reply-arbitraries.ts";

const enc = new TextEncoder();
const body = (s: string) => enc.encode(s);
const ok = <T>(value: T) => ({ ok: true, value });
const err = (error: string) => ({ ok: false, error });

describe("body form (spec §11.1)", () => {
  it("takes strings as UTF-8 and numbers as their source text", () => {
    expect(parseCommandBody(body('["SET","foo","bar","EX",100]'))).toEqual(
      ok(["SET", "foo", "bar", "EX", "100"]),
    );
    expect(
      parseCommandBody(body('[ "set", "k", 1.50, -0, 1e3, 123456789012345678901234567890 ]')),
    ).toEqual(ok(["set", "k", "1.50", "-0", "1e3", "123456789012345678901234567890"]));
    expect(parseCommandBody(body('["set","é😀","\\u0000\\n"]'))).toEqual(
      ok(["set", "é😀", "\u0000\n"]),
    );
  });

  it("refuses other argument types, empty commands and invalid JSON", () => {
    for (const b of [
      '[1,"k"]',
      '["get",null]',
      "[true]",
      '["get",["k"]]',
      '["get",{"a":1}]',
      "[null]",
    ]) {
      expect(parseCommandBody(body(b)), b).toEqual(err(UPSTASH_ERRORS.badArgument));
    }
    expect(parseCommandBody(body("[]"))).toEqual(err("ERR empty command"));
    // Booleans after the name are text, as the SDK sends them (issue 18).
    expect(parseCommandBody(body('["hset","h","f",false]'))).toEqual(
      ok(["hset", "h", "f", "false"]),
    );
    for (const b of ["[", '["get",]', '["\\ud800"]', "[NaN]", "\xff"]) {
      expect(parseCommandBody(body(b)), b).toEqual(err("ERR invalid JSON body"));
    }
    expect(parseCommandBody(new Uint8Array([0x5b, 0x22, 0xff, 0x22, 0x5d]))).toEqual(
      err("ERR invalid JSON body"),
    );
  });
});

describe("pipeline bodies (spec §11.4)", () => {
  it("parses arrays of command arrays", () => {
    expect(parsePipelineBody(body('[["set","k","v"],["incr","n"]]'))).toEqual(
      ok([
        ["set", "k", "v"],
        ["incr", "n"],
      ]),
    );
    expect(parsePipelineBody(body("[]"))).toEqual(ok([]));
  });

  it("refuses anything else with the first failure's text", () => {
    expect(parsePipelineBody(body('{"a":1}'))).toEqual(err(UPSTASH_ERRORS.notPipeline));
    expect(parsePipelineBody(body('"x"'))).toEqual(err(UPSTASH_ERRORS.notPipeline));
    expect(parsePipelineBody(body('[["get","k"],"x"]'))).toEqual(err(UPSTASH_ERRORS.notPipeline));
    expect(parsePipelineBody(body('[["get","k"],[]]'))).toEqual(err("ERR empty command"));
    expect(parsePipelineBody(body('[["get",null],"x"]'))).toEqual(err(UPSTASH_ERRORS.badArgument));
    expect(parsePipelineBody(body("[[]"))).toEqual(err("ERR invalid JSON body"));
  });

  it("allows 1000 commands and refuses 1001", () => {
    const n = (count: number) =>
      body(JSON.stringify(Array.from({ length: count }, () => ["ping"])));
    const r = parsePipelineBody(n(1000));
    expect(r.ok && r.value.length).toBe(1000);
    expect(parsePipelineBody(n(1001))).toEqual(
      err("ERR too many commands in one request (max 1000)"),
    );
  });
});

describe("path form (spec §11.1)", () => {
  it("splits and percent-decodes segments to bytes", () => {
    expect(parsePathCommand("/set/foo/bar/EX/100", "", null)).toEqual(
      ok(["set", "foo", "bar", "EX", "100"]),
    );
    expect(parsePathCommand("/set/a%2Fb/x%20y+z", "", null)).toEqual(ok(["set", "a/b", "x y+z"]));
    expect(parsePathCommand("/get/%FFk", "", null)).toEqual(
      ok(["get", fromBytes(new Uint8Array([0xff, 0x6b]))]),
    );
    expect(parsePathCommand("/get/%C3%A9", "", null)).toEqual(ok(["get", "é"]));
    expect(parsePathCommand("/get/100%/%zz/%4", "", null)).toEqual(
      ok(["get", "100%", "%zz", "%4"]),
    );
  });

  it("keeps empty segments and ignores one trailing slash", () => {
    expect(parsePathCommand("/rpush/l//x/", "", null)).toEqual(ok(["rpush", "l", "", "x"]));
    expect(parsePathCommand("/rpush/l//", "", null)).toEqual(ok(["rpush", "l", ""]));
    expect(parsePathCommand("/ping/", "", null)).toEqual(ok(["ping"]));
    expect(parsePathCommand("//x", "", null)).toEqual(ok(["", "x"]));
  });

  it("answers an empty command for B/", () => {
    expect(parsePathCommand("/", "", null)).toEqual(err("ERR empty command"));
    expect(parsePathCommand("", "?a=b", body("x"))).toEqual(err("ERR empty command"));
  });

  it("appends a non-empty body raw, then the query parameters except _token", () => {
    expect(parsePathCommand("/set/doc", "?EX=60", body('{"a":1}'))).toEqual(
      ok(["set", "doc", '{"a":1}', "EX", "60"]),
    );
    expect(parsePathCommand("/set/doc", "", new Uint8Array(0))).toEqual(ok(["set", "doc"]));
    expect(parsePathCommand("/set/b", "", new Uint8Array([0xff, 0]))).toEqual(
      ok(["set", "b", fromBytes(new Uint8Array([0xff, 0]))]),
    );
    expect(parsePathCommand("/rpush/l", "?a+b=c%2Bd&_token=t&e&&f=&%FF=1", null)).toEqual(
      ok(["rpush", "l", "a b", "c+d", "e", "f", "", fromBytes(new Uint8Array([0xff])), "1"]),
    );
    expect(percentDecode("a+b", false)).toBe("a+b");
    expect(percentDecode("a+b", true)).toBe("a b");
  });
});

describe("response options (spec §11.2)", () => {
  it("reads Upstash-Encoding and Upstash-Response-Format", () => {
    expect(responseOptions(null, null, true)).toEqual(ok({ base64: false, resp2: false }));
    expect(responseOptions("BASE64", "json", true)).toEqual(ok({ base64: true, resp2: false }));
    expect(responseOptions(null, "RESP2", true)).toEqual(ok({ base64: false, resp2: true }));
    expect(responseOptions("base64", "resp2", true)).toEqual(err(UPSTASH_ERRORS.base64WithResp2));
    expect(responseOptions(null, "xml", true)).toEqual(err("ERR invalid Upstash-Response-Format"));
    // /multi-exec: always JSON, so base64 applies.
    expect(responseOptions("base64", "resp2", false)).toEqual(ok({ base64: true, resp2: false }));
    expect(responseOptions(null, "xml", false)).toEqual(err("ERR invalid Upstash-Response-Format"));
  });
});

describe("reply JSON (spec §11.2)", () => {
  it("maps every kind", () => {
    const cases: [Reply, string][] = [
      [R.OK, '{"result":"OK"}'],
      [R.status("PONG"), '{"result":"PONG"}'],
      [R.bulk("bar"), '{"result":"bar"}'],
      [R.bulk('q"\\\n\u0001é😀'), '{"result":"q\\"\\\\\\n\\u0001é😀"}'],
      [R.bulk(fromBytes(new Uint8Array([0x61, 0xff, 0x62]))), '{"result":"a\uFFFDb"}'],
      [R.int(9223372036854775807n), '{"result":9223372036854775807}'],
      [R.int(-9223372036854775808n), '{"result":-9223372036854775808}'],
      [R.int(2 ** 53 + 2), '{"result":9007199254740994}'],
      [R.NIL, '{"result":null}'],
      [R.NILARRAY, '{"result":null}'],
      [R.array([R.bulk("a"), R.NIL, R.int(1), R.array([])]), '{"result":["a",null,1,[]]}'],
      [R.map([R.bulk("f"), R.bulk("v")]), '{"result":["f","v"]}'],
      [R.set([R.bulk("m")]), '{"result":["m"]}'],
      [R.double(1.5), '{"result":"1.5"}'],
      [R.double(0.1), '{"result":"0.10000000000000001"}'],
      [R.double(Infinity), '{"result":"inf"}'],
      [R.bool(true), '{"result":1}'],
      [R.bool(false), '{"result":0}'],
      [R.verbatim("txt"), '{"result":"txt"}'],
      [
        R.error(Errors.wrongType()),
        '{"error":"WRONGTYPE Operation against a key holding the wrong kind of value"}',
      ],
      [R.array([R.OK, R.error(Errors.syntax())]), '{"result":["OK",{"error":"ERR syntax error"}]}'],
    ];
    for (const [r, json] of cases) expect(envelopeJson(r, false), json).toBe(json);
  });

  it("base64-encodes every bulk and status except a top-level OK, never errors", () => {
    const cases: [Reply, string][] = [
      [R.OK, '{"result":"OK"}'],
      [R.bulk("bar"), '{"result":"YmFy"}'],
      [R.bulk("OK"), '{"result":"T0s="}'],
      [R.PONG, '{"result":"UE9ORw=="}'],
      [R.status("string"), '{"result":"c3RyaW5n"}'],
      [R.set([R.bulk("m")]), '{"result":["bQ=="]}'],
      [R.bulk(""), '{"result":""}'],
      [R.bulk(fromBytes(new Uint8Array([0xff, 0xfe]))), '{"result":"//4="}'],
      [R.bulk("é"), '{"result":"w6k="}'],
      [R.int(5), '{"result":5}'],
      [R.NIL, '{"result":null}'],
      [R.double(1.5), '{"result":"MS41"}'],
      [
        R.array([R.OK, R.QUEUED, R.error(Errors.syntax()), R.array([R.OK])]),
        '{"result":["T0s=","UVVFVUVE",{"error":"ERR syntax error"},["T0s="]]}',
      ],
      [R.error(Errors.notInteger()), '{"error":"ERR value is not an integer or out of range"}'],
    ];
    for (const [r, json] of cases) expect(envelopeJson(r, true), json).toBe(json);
    expect(envelopesJson([R.OK, R.bulk("v"), R.error(Errors.syntax())], true)).toBe(
      '[{"result":"OK"},{"result":"dg=="},{"error":"ERR syntax error"}]',
    );
    expect(envelopesJson([], false)).toBe("[]");
  });

  // An independent model of the table of §11.2, compared through JSON.parse.
  function model(r: Reply, base64: boolean, top: boolean): unknown {
    const str = (s: string) =>
      base64 ? Buffer.from(toBytes(s)).toString("base64") : toDisplayText(s);
    switch (r.k) {
      case "status":
        return top && r.v === "OK" ? "OK" : str(r.v);
      case "bulk":
      case "verbatim":
        return str(r.v);
      case "int":
        return Number(r.v);
      case "bool":
        return r.v ? 1 : 0;
      case "double":
        return str(formatScore(r.v, 2));
      case "error":
        return { error: toDisplayText(r.v) };
      case "array":
      case "map":
      case "set":
        return r.v.map((x) => model(x, base64, false));
      default:
        return null;
    }
  }

  it("is valid JSON matching the mapping table for any reply", () => {
    fc.assert(
      fc.property(replyArb, fc.boolean(), (r, base64) => {
        const out = JSON.parse(replyJson(r, base64, true)) as unknown;
        expect(out).toEqual(model(r, base64, true));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("transaction checks (spec §11.5)", () => {
  const check = (cmds: string[][], readonly = false, valueMax = 1048576) =>
    transactionError(COMMANDS, cmds, { readonly, valueMax });

  it("passes valid commands", () => {
    expect(check([["incr", "c"], ["INCR", "c"], ["ping"], ["echo", "x"], ["get", "k"]])).toBeNull();
    expect(
      check(
        [
          ["get", "k"],
          ["keys", "*"],
        ],
        true,
      ),
    ).toBeNull();
  });

  it("reports the first failure in dispatch order", () => {
    expect(check([["set", "a", "1"], ["nope"]])).toBe(
      "ERR unknown command 'nope', with args beginning with: ",
    );
    expect(check([["get"], ["nope"]])).toBe("ERR wrong number of arguments for 'get' command");
    expect(check([["set", "k", "v"]], true)).toBe(
      "NOPERM this user has no permissions to run the 'set' command",
    );
    expect(check([["SAVE"]], true)).toBe(
      "NOPERM this user has no permissions to run the 'save' command",
    );
    expect(check([["get", "x".repeat(32769)]])).toBe("ERR key too large (max 32768 bytes)");
    expect(check([["get", "x".repeat(32768)]])).toBeNull();
    expect(check([["json.set", "k", "$", "x".repeat(11)]], false, 10)).toBe(
      "ERR value too large (max 10 bytes)",
    );
    expect(check([["json.set", "k", "$", "x".repeat(8)]], false, 10)).toBeNull();
    // A string value, member, field or element may be up to proto-max-bulk-len.
    expect(check([["set", "k", "x".repeat(11)]], false, 10)).toBeNull();
    expect(check([["sadd", "k", "x".repeat(11)]], false, 10)).toBeNull();
    expect(check([["rpush", "k", "x".repeat(11)]], false, 10)).toBeNull();
  });

  it("refuses transaction and connection commands", () => {
    for (const c of [
      ["multi"],
      ["exec"],
      ["discard"],
      ["watch", "k"],
      ["unwatch"],
      ["auth", "x"],
      ["hello", "3"],
      ["quit"],
      ["reset"],
      ["select", "0"],
    ]) {
      expect(check([["incr", "c"], c]), c[0]).toBe(NOT_IN_TRANSACTION);
    }
    expect(check([["multi", "x"]])).toBe("ERR wrong number of arguments for 'multi' command");
  });
});

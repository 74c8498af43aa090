import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { concat, fromBytes } from "../../src/engine/bytes.ts";
import { R, type Reply } from "../../src/engine/reply.ts";
import { Errors } from "../../src/engine/errors.ts";
import { encodeResp, encodeRespReply, formatScore } from "../../src/protocols/resp/resp-encode.ts";
import { oracleAvailable } from "./support/redis-oracle.ts";
import { RedisRaw } from "./support/redis-raw.ts";
import { readAll, type Read } from "./support/resp-reader.ts";
import { replyArb } from "./support/reply-arbitraries.ts";

const SEED = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ORACLE_DOUBLES = 2000;

function text(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}
function enc(r: Reply, proto: 2 | 3): string {
  return text(encodeRespReply(r, proto));
}

describe("RESP2 (spec §10.3)", () => {
  it("encodes every reply kind", () => {
    const cases: [Reply, string][] = [
      [R.OK, "+OK\r\n"],
      [
        R.error(Errors.wrongType()),
        "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
      ],
      [R.int(42), ":42\r\n"],
      [R.int(-9223372036854775808n), ":-9223372036854775808\r\n"],
      [R.bulk("hello"), "$5\r\nhello\r\n"],
      [R.bulk(""), "$0\r\n\r\n"],
      [R.bulk("é"), "$2\r\n\xc3\xa9\r\n"],
      [R.bulk(fromBytes(Uint8Array.of(0xff, 0, 0x0d))), "$3\r\n\xff\x00\r\r\n"],
      [R.NIL, "$-1\r\n"],
      [R.NILARRAY, "*-1\r\n"],
      [R.array([R.int(1), R.NIL]), "*2\r\n:1\r\n$-1\r\n"],
      [R.map([R.bulk("a"), R.int(1)]), "*2\r\n$1\r\na\r\n:1\r\n"],
      [R.set([R.bulk("m")]), "*1\r\n$1\r\nm\r\n"],
      [R.double(1.5), "$3\r\n1.5\r\n"],
      [R.double(0.1), "$19\r\n0.10000000000000001\r\n"],
      [R.double(-Infinity), "$4\r\n-inf\r\n"],
      [R.bool(true), ":1\r\n"],
      [R.bool(false), ":0\r\n"],
      [R.verbatim("# Server\r\nx:1\r\n"), "$15\r\n# Server\r\nx:1\r\n\r\n"],
      [R.json(new Map([["a", 1n]])), "-ERR internal error\r\n"],
      [R.NONE, ""],
    ];
    for (const [r, bytes] of cases) expect(enc(r, 2), JSON.stringify(bytes)).toBe(bytes);
  });
  it("replaces CR and LF inside error and status lines with spaces", () => {
    expect(enc(R.error(Errors.custom("ERR a\r\nb")), 2)).toBe("-ERR a  b\r\n");
    expect(enc(R.status("a\nb"), 2)).toBe("+a b\r\n");
    expect(enc({ k: "error", code: "ERR", v: fromBytes(Uint8Array.of(0x45, 0x0a, 0xff)) }, 2)).toBe(
      "-E \xff\r\n",
    );
  });
  it("concatenates a run of replies", () => {
    expect(text(encodeResp([R.OK, R.NONE, R.int(1)], 2))).toBe("+OK\r\n:1\r\n");
  });
  it("sizes long and non-ASCII bulk payloads exactly", () => {
    for (const s of [
      "a".repeat(100),
      "é".repeat(1000),
      "😀".repeat(5000),
      "x".repeat(70000) + "é",
      "é" + "x".repeat(33),
    ]) {
      const bytes = new TextEncoder().encode(s);
      expect(enc(R.bulk(s), 2)).toBe(`$${bytes.length}\r\n` + text(bytes) + "\r\n");
    }
  });
});

describe("RESP3 (spec §10.12)", () => {
  it("uses the RESP3 types where Redis 7.0 does", () => {
    const cases: [Reply, string][] = [
      [R.NIL, "_\r\n"],
      [R.NILARRAY, "_\r\n"],
      [
        R.map([R.bulk("a"), R.int(1), R.bulk("b"), R.NIL]),
        "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n_\r\n",
      ],
      [R.set([R.bulk("m")]), "~1\r\n$1\r\nm\r\n"],
      [R.double(1.5), ",1.5\r\n"],
      [R.double(Infinity), ",inf\r\n"],
      [R.bool(true), "#t\r\n"],
      [R.bool(false), "#f\r\n"],
      [R.verbatim("a\r\nb"), "=8\r\ntxt:a\r\nb\r\n"],
      [R.verbatim("é".repeat(40)), "=84\r\ntxt:" + "\xc3\xa9".repeat(40) + "\r\n"],
      [R.array([R.OK, R.int(2), R.bulk("x")]), "*3\r\n+OK\r\n:2\r\n$1\r\nx\r\n"],
    ];
    for (const [r, bytes] of cases) expect(enc(r, 3), JSON.stringify(bytes)).toBe(bytes);
  });
});

describe("formatScore (Redis %.17g)", () => {
  it("matches the texts observed from redis-server 7.0.15", () => {
    const cases: [number, string][] = [
      [1, "1"],
      [1.5, "1.5"],
      [0.1, "0.10000000000000001"],
      [1e20, "1e+20"],
      [1e-5, "1.0000000000000001e-05"],
      [3.0000000000000004, "3.0000000000000004"],
      [Infinity, "inf"],
      [-Infinity, "-inf"],
      [-0, "-0"],
      [0, "0"],
      [1e16, "10000000000000000"],
      [1e17, "1e+17"],
      [123456789012345678, "1.2345678901234568e+17"],
      [0.0001, "0.0001"],
      [1125899906842624.25, "1125899906842624.2"],
      [1125899906842624.75, "1125899906842624.8"],
      [-1.5e-7, "-1.4999999999999999e-07"],
      [5e-324, "4.9406564584124654e-324"],
      [1.7976931348623157e308, "1.7976931348623157e+308"],
    ];
    for (const [x, s] of cases) expect(formatScore(x, 2), String(x)).toBe(s);
  });
});

// Independent model of what a reader must see for a reply.
function model(r: Reply, proto: 2 | 3): Read[] {
  const all = (v: readonly Reply[]) => v.flatMap((x) => model(x, proto));
  switch (r.k) {
    case "status":
      return [{ t: "+", v: r.v.replace(/[\r\n]/g, " ") }];
    case "error":
      return [{ t: "-", v: r.v.replace(/[\r\n]/g, " ") }];
    case "int":
      return [{ t: ":", v: String(r.v) }];
    case "bulk":
      return [{ t: "$", v: r.v }];
    case "nil":
      return [proto === 3 ? { t: "_" } : { t: "$-1" }];
    case "nilarray":
      return [proto === 3 ? { t: "_" } : { t: "*-1" }];
    case "array":
      return [{ t: "*", v: all(r.v) }];
    case "map":
      return [{ t: proto === 3 ? "%" : "*", v: all(r.v) }];
    case "set":
      return [{ t: proto === 3 ? "~" : "*", v: all(r.v) }];
    case "double":
      return [
        proto === 3 ? { t: ",", v: formatScore(r.v, 3) } : { t: "$", v: formatScore(r.v, 2) },
      ];
    case "bool":
      return [proto === 3 ? { t: "#", v: r.v ? "t" : "f" } : { t: ":", v: r.v ? "1" : "0" }];
    case "verbatim":
      return [proto === 3 ? { t: "=", v: concat("txt:", r.v) } : { t: "$", v: r.v }];
    case "json":
      return [{ t: "-", v: "ERR internal error" }];
    case "none":
      return [];
    case "push":
      return [{ t: proto === 3 ? (">" as "*") : "*", v: all(r.v) }];
    case "seq":
      return all(r.v);
  }
}

describe("round trip through a RESP reader", () => {
  for (const proto of [2, 3] as const) {
    it(`RESP${proto}: random replies read back as the model says`, () => {
      fc.assert(
        // NONE (no bytes at all) only ever stands alone, at the top level.
        fc.property(
          fc.array(fc.oneof(replyArb, fc.constant(R.NONE)), { maxLength: 4 }),
          (replies) => {
            expect(readAll(encodeResp(replies, proto))).toEqual(
              replies.flatMap((r) => model(r, proto)),
            );
          },
        ),
        { seed: SEED, numRuns: 2000 },
      );
    });
  }
});

describe.skipIf(!oracleAvailable())("doubles vs redis-server 7.0.15", () => {
  let redis: RedisRaw;
  beforeAll(async () => {
    // Skiplist encoding keeps every score exactly as sent (listpacks turn -0 into 0).
    redis = await RedisRaw.start(["--zset-max-listpack-entries", "0"]);
  });
  afterAll(() => redis?.stop());

  it(`sends ZSCORE exactly as encodeResp does, in RESP2 and RESP3 (${ORACLE_DOUBLES} doubles)`, async () => {
    const special = [
      1,
      1.5,
      0.1,
      1e20,
      1e-5,
      3.0000000000000004,
      Infinity,
      -Infinity,
      -0,
      1125899906842624.25,
      2 ** 60,
      5e-324,
    ];
    // Exact ties at the 17th digit (18-digit values ending in 5), rounded to even by glibc.
    const ties = fc.sample(
      fc
        .tuple(fc.integer({ min: 0, max: 2 ** 40 }), fc.constantFrom(0.25, 0.75), fc.boolean())
        .map(([n, f, neg]) => (neg ? -1 : 1) * (2 ** 50 + n + f)),
      { seed: SEED, numRuns: 50 },
    );
    const xs = [
      ...special,
      ...ties,
      ...fc.sample(fc.double({ noNaN: true }), { seed: SEED, numRuns: ORACLE_DOUBLES }),
    ];
    const cmd = (...args: string[]) =>
      `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join("");
    const send = async (script: string) =>
      text((await redis.exchange(new TextEncoder().encode(script), 1000)).bytes);
    const scores = xs.map((_, i) => cmd("ZSCORE", "z", `m${i}`)).join("");
    expect(
      await send(
        xs.map((x, i) => cmd("ZADD", "z", Object.is(x, -0) ? "-0" : String(x), `m${i}`)).join(""),
      ),
    ).toBe(":1\r\n".repeat(xs.length));
    expect(await send(scores)).toBe(
      text(
        encodeResp(
          xs.map((x) => R.double(x)),
          2,
        ),
      ),
    );
    const resp3 = await send(cmd("HELLO", "3") + scores);
    const helloEnd = "$7\r\nmodules\r\n*0\r\n";
    expect(resp3.slice(resp3.indexOf(helloEnd) + helloEnd.length)).toBe(
      text(
        encodeResp(
          xs.map((x) => R.double(x)),
          3,
        ),
      ),
    );
  });
});

describe("large bulk strings (encoded into room for their length, issue 13)", () => {
  const latin1 = (b: Uint8Array) => Buffer.from(b).toString("latin1");
  it("ASCII, non-ASCII and verbatim values over 64 KiB encode as TextEncoder says", () => {
    const utf8 = new TextEncoder();
    const ascii = "x".repeat(100_000);
    const wide = "é".repeat(70_000) + "€ ok";
    const both = [R.bulk(ascii), R.bulk(wide), R.bulk("short")];
    const want = (s: string) => {
      const n = utf8.encode(s).length;
      return `$${n}\r\n${latin1(utf8.encode(s))}\r\n`;
    };
    expect(latin1(encodeResp(both, 2))).toBe(want(ascii) + want(wide) + want("short"));
    const v: Reply = { k: "verbatim", v: ascii };
    expect(latin1(encodeRespReply(v, 3))).toBe(`=${ascii.length + 4}\r\ntxt:${ascii}\r\n`);
  });
});

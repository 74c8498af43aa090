import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fromBytes, toBytes } from "../../src/engine/bytes.ts";
import { R, type Reply } from "../../src/engine/reply.ts";
import { Errors } from "../../src/engine/errors.ts";
import {
  encodeGevent,
  encodeGeventReply,
  frameGevent,
  GeventProtocolErrors as E,
  parseGeventRequests,
  type GeventValue,
} from "../../src/protocols/gevent/gevent-wire.ts";
import {
  NESTING_MAX_DEPTH,
  PIPELINE_MAX_COMMANDS,
  RESP_INLINE_MAX_BYTES,
  WS_MESSAGE_MAX_BYTES,
} from "../../src/limits.ts";
import { b, feedInChunks, mutated } from "./support/byte-mutation.ts";
import { replyArb } from "./support/reply-arbitraries.ts";
import { readAll, type Read } from "./support/resp-reader.ts";
import { pyFloatRepr } from "../../src/protocols/python-json.ts";

const SEED = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const FUZZ_RUNS = 10000;

function text(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}
function parse(s: string, atEof = false) {
  const bytes = b(s);
  return parseGeventRequests(bytes, 0, bytes.length, atEof);
}
const str = (v: string): GeventValue => ({ t: "str", v });
const int = (v: bigint): GeventValue => ({ t: "int", v });

/** The test's own gevent writer for request values. */
function write(v: GeventValue): string {
  switch (v.t) {
    case "str": {
      const bytes = text(toBytes(v.v));
      return v.simple ? `+${bytes}\r\n` : `$${bytes.length}\r\n${bytes}\r\n`;
    }
    case "int":
      return `:${v.v}\r\n`;
    case "null":
      return "$-1\r\n";
    case "err":
      return `-${text(toBytes(v.v))}\r\n`;
    case "arr":
      return `*${v.v.length}\r\n` + v.v.map(write).join("");
    case "dict":
      return `%${v.v.length}\r\n` + v.v.map(([k, x]) => write(k) + write(x)).join("");
  }
}

describe("parsing the requests of spec §9.5", () => {
  it("reads arrays, integers, dicts, nulls and inline strings", () => {
    expect(parse("*3\r\n$3\r\nSET\r\n$8\r\nusername\r\n$4\r\njdoe\r\n").values).toEqual([
      { t: "arr", v: [str("SET"), str("username"), str("jdoe")] },
    ]);
    expect(
      parse("*7\r\n$4\r\nMSET\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n$1\r\nc\r\n:3\r\n").values[0],
    ).toEqual({
      t: "arr",
      v: [str("MSET"), str("a"), int(1n), str("b"), int(2n), str("c"), int(3n)],
    });
    expect(
      parse("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n%1\r\n$1\r\nx\r\n*2\r\n:1\r\n$-1\r\n").values[0],
    ).toEqual({
      t: "arr",
      v: [
        str("SET"),
        str("k"),
        { t: "dict", v: [[str("x"), { t: "arr", v: [int(1n), { t: "null" }] }]] },
      ],
    });
    expect(parse("+get username\r\n").values).toEqual([
      { t: "str", v: "get username", simple: true },
    ]);
    expect(parse(":5\r\n*0\r\n").values).toEqual([int(5n), { t: "arr", v: [] }]);
    expect(parse("-oops\r\n").values).toEqual([{ t: "err", v: "oops" }]);
  });
  it("refuses a plain-text line (row 15)", () => {
    expect(parse("*0\r\nGET a\r\n")).toEqual({
      values: [{ t: "arr", v: [] }],
      consumed: 4,
      error: "ERR Protocol error: unknown type byte 'G'",
    });
    expect(parse("\r\n").error).toBe("ERR Protocol error: unknown type byte '\\x0d'");
    expect(parse("\xff").error).toBe("ERR Protocol error: unknown type byte '\\xff'");
  });
});

describe("framing rules (spec §9.1)", () => {
  it("ends header lines at \\n, stripping one \\r", () => {
    expect(parse("+a\n:1\n*1\n$1\nx\r\n").values).toEqual([
      { t: "str", v: "a", simple: true },
      int(1n),
      { t: "arr", v: [str("x")] },
    ]);
    expect(parse("+a\r\r\n").values).toEqual([{ t: "str", v: "a\r", simple: true }]);
    expect(parse("+\r\n").values).toEqual([{ t: "str", v: "", simple: true }]);
  });
  it("reads integers as ^[+-]?[0-9]+$, flagging those outside 64 bits", () => {
    expect(
      parse(":+5\r\n:-0\r\n:007\r\n:-9223372036854775808\r\n:9223372036854775807\r\n").values,
    ).toEqual([int(5n), int(0n), int(7n), int(-9223372036854775808n), int(9223372036854775807n)]);
    expect(
      parse(":9223372036854775808\r\n:-9223372036854775809\r\n:0000000000000000000000001\r\n")
        .values,
    ).toEqual([{ t: "int", v: "overflow" }, { t: "int", v: "overflow" }, int(1n)]);
    for (const s of ["", "+", "-", " 1", "1 ", "1_000", "0x1", "1.0"])
      expect(parse(`:${s}\r\n`).error, s).toBe(E.invalidInteger);
  });
  it("checks bulk lengths and the CRLF after the data", () => {
    expect(parse("$-1\r\n$0\r\n\r\n$+1\r\na\r\n").values).toEqual([
      { t: "null" },
      str(""),
      str("a"),
    ]);
    for (const s of ["-2", "x", "", "1.0", String(2 ** 24 + 1)])
      expect(parse(`$${s}\r\n`).error, s).toBe(E.invalidBulk);
    expect(parse("$1\r\nab\r\n").error).toBe(E.expectedCrlf);
    expect(parse("$1\r\na\rx").error).toBe(E.expectedCrlf);
    expect(parse("$1\r\na\n").error).toBe(E.expectedCrlf);
    expect(parse("$1\r\na\r")).toEqual({ values: [], consumed: 0 });
  });
  it("checks aggregate counts and nesting", () => {
    for (const s of ["-1", "x", "", "1048577"]) {
      expect(parse(`*${s}\r\n`).error, s).toBe(E.invalidMultibulk);
      expect(parse(`%${s}\r\n`).error, s).toBe(E.invalidMultibulk);
    }
    expect(parse("*1048576\r\n")).toEqual({ values: [], consumed: 0 });
    const nest = (n: number) => "*1\r\n".repeat(n) + ":1\r\n";
    expect(parse(nest(NESTING_MAX_DEPTH)).values).toHaveLength(1);
    expect(parse(nest(NESTING_MAX_DEPTH + 1)).error).toBe(E.nestingTooDeep);
    expect(parse("%1\r\n".repeat(NESTING_MAX_DEPTH + 1)).error).toBe(E.nestingTooDeep);
  });
  it("refuses a header line over the limit and a request over a message", () => {
    expect(parse("+" + "a".repeat(RESP_INLINE_MAX_BYTES - 1))).toEqual({ values: [], consumed: 0 });
    expect(parse("+" + "a".repeat(RESP_INLINE_MAX_BYTES)).error).toBe(E.bigInline);
    expect(parse("+" + "a".repeat(RESP_INLINE_MAX_BYTES)).error).toBe(
      "ERR Protocol error: too big inline request",
    );
    // 4 + 11 header bytes, the data and its CRLF must fit one message.
    expect(parse(`*2\r\n$${WS_MESSAGE_MAX_BYTES - 17}\r\n`)).toEqual({ values: [], consumed: 0 });
    expect(parse(`*2\r\n$${WS_MESSAGE_MAX_BYTES - 16}\r\n`).error).toBe(E.requestTooLarge);
  });
  it("keeps incomplete requests for later, or refuses them at the end of a message", () => {
    expect(parse("*2\r\n$3\r\nGET\r\n")).toEqual({ values: [], consumed: 0 });
    expect(parse(":1\r\n*2\r\n", true)).toEqual({
      values: [int(1n)],
      consumed: 4,
      error: E.incompleteInMessage,
    });
  });
  it("keeps string bytes: UTF-8 decoded, anything else in binary form", () => {
    expect(parse("$2\r\n\xc3\xa9\r\n$2\r\n\xff\x00\r\n").values).toEqual([
      str("é"),
      str(fromBytes(Uint8Array.of(0xff, 0))),
    ]);
  });
});

describe("frameGevent (TCP shim)", () => {
  it("counts complete requests and stops at the caps", () => {
    const bytes = b(":1\r\n*1\r\n+a\r\n*2\r\n");
    expect(frameGevent(bytes, 0, bytes.length)).toEqual({ commands: 2, consumed: 12 });
    const many = b("+PING\r\n".repeat(PIPELINE_MAX_COMMANDS + 1));
    expect(frameGevent(many, 0, many.length)).toEqual({
      commands: PIPELINE_MAX_COMMANDS,
      consumed: 7 * PIPELINE_MAX_COMMANDS,
    });
  });
  it("reports a framing error after the requests before it", () => {
    const bytes = b(":1\r\nGET a\r\n");
    expect(frameGevent(bytes, 0, bytes.length)).toEqual({
      commands: 1,
      consumed: 4,
      error: "ERR Protocol error: unknown type byte 'G'",
    });
  });
});

const leaf: fc.Arbitrary<GeventValue> = fc.oneof(
  fc.uint8Array({ maxLength: 10 }).map((a) => str(fromBytes(a))),
  fc
    .string({ maxLength: 6 })
    .filter((s) => !/[\r\n]/.test(s))
    .map(
      (s) => ({ t: "str", v: fromBytes(new TextEncoder().encode(s)), simple: true }) as GeventValue,
    ),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(int),
  fc.constant({ t: "null" } as GeventValue),
  fc
    .string({ maxLength: 6 })
    .filter((s) => !/[\r\n]/.test(s))
    .map((s) => ({ t: "err", v: fromBytes(new TextEncoder().encode(s)) }) as GeventValue),
);
const valueArb: fc.Arbitrary<GeventValue> = fc.letrec<{ v: GeventValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("v"), { maxLength: 3 }).map((v) => ({ t: "arr", v }) as GeventValue),
    fc
      .array(fc.tuple(tie("v"), tie("v")), { maxLength: 2 })
      .map((v) => ({ t: "dict", v }) as GeventValue),
  ),
})).v;

describe("properties", () => {
  it("round-trips random values, whole and split at every byte", () => {
    fc.assert(
      fc.property(fc.array(valueArb, { minLength: 1, maxLength: 3 }), (values) => {
        const bytes = b(values.map(write).join(""));
        expect(parseGeventRequests(bytes, 0, bytes.length)).toEqual({
          values,
          consumed: bytes.length,
        });
        for (let k = 0; k <= bytes.length; k++) {
          const first = parseGeventRequests(bytes, 0, k);
          const rest = parseGeventRequests(bytes, first.consumed, bytes.length);
          expect([...first.values, ...rest.values]).toEqual(values);
          expect(frameGevent(bytes, 0, k)).toEqual({
            commands: first.values.length,
            consumed: first.consumed,
          });
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  const junk = fc.oneof(
    valueArb.map((v) => b(write(v))),
    fc.uint8Array({ maxLength: 24 }),
    fc
      .constantFrom(
        "*",
        "%",
        "$",
        ":",
        "+",
        "-",
        "\r\n",
        "\r",
        "\n",
        "*1\r\n",
        "%1\r\n",
        "$3\r\n",
        "$-1\r\n",
        ":-",
        "*-1\r\n",
      )
      .map(b),
  );
  const glued = fc
    .array(junk, { maxLength: 8 })
    .map((parts) => Uint8Array.from(parts.flatMap((p) => Array.from(p))));
  const input = fc.oneof(glued, mutated(glued));

  it("parses the same values when fed in random chunks", () => {
    fc.assert(
      fc.property(
        fc.array(valueArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1 }),
        (values, sizes) => {
          const bytes = b(values.map(write).join(""));
          const fed = feedInChunks(bytes, sizes, (buf, start, end) => {
            const r = parseGeventRequests(buf, start, end);
            return { items: r.values, consumed: r.consumed };
          });
          expect(fed).toEqual({ items: values, consumed: bytes.length });
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it(`never throws or loops on ${FUZZ_RUNS} junk inputs; prefixes agree with the whole`, () => {
    const started = Date.now();
    for (const bytes of fc.sample(input, { seed: SEED, numRuns: FUZZ_RUNS })) {
      const whole = parseGeventRequests(bytes, 0, bytes.length);
      expect(whole.consumed).toBeLessThanOrEqual(bytes.length);
      expect(frameGevent(bytes, 0, bytes.length)).toEqual({
        commands: whole.values.length,
        consumed: whole.consumed,
        ...(whole.error === undefined ? {} : { error: whole.error }),
      });
      const head = parseGeventRequests(bytes, 0, bytes.length >> 1);
      if (head.error === undefined)
        expect(whole.values.slice(0, head.values.length)).toEqual(head.values);
      else expect(whole.error).toBe(head.error);
    }
    expect(Date.now() - started).toBeLessThan(20000);
  });
});

describe("encodeGevent (spec §9.4, §9.5)", () => {
  it("writes the replies of the §9.5 exchanges", () => {
    const cases: [Reply, string][] = [
      [R.ONE, ":1\r\n"],
      [R.bulk("jdoe"), "$4\r\njdoe\r\n"],
      [R.array([R.int(1n), R.int(2n)]), "*2\r\n:1\r\n:2\r\n"],
      [R.json(new Map([["x", [1n, null]]])), "%1\r\n$1\r\nx\r\n*2\r\n:1\r\n$-1\r\n"],
      [R.NIL, "$-1\r\n"],
      [
        R.error(Errors.custom("Request must be list or simple string.")),
        "-Request must be list or simple string.\r\n",
      ],
      [R.error(Errors.custom("Unrecognized command: A\r\nB")), "-Unrecognized command: A  B\r\n"],
    ];
    for (const [r, bytes] of cases)
      expect(text(encodeGeventReply(r)), JSON.stringify(bytes)).toBe(bytes);
  });
  it("maps the other reply kinds and JSON members", () => {
    const cases: [Reply, string][] = [
      [R.OK, "$2\r\nOK\r\n"],
      [R.NILARRAY, "$-1\r\n"],
      [R.set([R.bulk("m")]), "*1\r\n$1\r\nm\r\n"],
      [R.map([R.bulk("f"), R.bulk("v")]), "%1\r\n$1\r\nf\r\n$1\r\nv\r\n"],
      [R.double(1.5), "$3\r\n1.5\r\n"],
      [R.double(1e16), "$5\r\n1e+16\r\n"],
      [R.bool(true), ":1\r\n"],
      [R.verbatim("v"), "$1\r\nv\r\n"],
      [R.NONE, ""],
      [
        R.json([
          "é",
          9223372036854775807n,
          9223372036854775808n,
          -9223372036854775809n,
          1.5,
          1.0,
          true,
          false,
          null,
        ]),
        "*9\r\n$2\r\n\xc3\xa9\r\n:9223372036854775807\r\n$19\r\n9223372036854775808\r\n$20\r\n-9223372036854775809\r\n$3\r\n1.5\r\n$3\r\n1.0\r\n:1\r\n:0\r\n$-1\r\n",
      ],
      [R.json(new Map()), "%0\r\n"],
    ];
    for (const [r, bytes] of cases)
      expect(text(encodeGeventReply(r)), JSON.stringify(bytes)).toBe(bytes);
    expect(text(encodeGevent([R.ONE, R.NONE, R.NIL]))).toBe(":1\r\n$-1\r\n");
  });
});

// Independent model of what a reader must see for a gevent reply (JSON replies aside).
function model(r: Reply): Read[] {
  const all = (v: readonly Reply[]) => v.flatMap(model);
  switch (r.k) {
    case "status":
    case "bulk":
    case "verbatim":
      return [{ t: "$", v: r.v }];
    case "error":
      return [{ t: "-", v: r.v.replace(/[\r\n]/g, " ") }];
    case "int":
      return [{ t: ":", v: String(r.v) }];
    case "nil":
    case "nilarray":
      return [{ t: "$-1" }];
    case "array":
    case "set":
    case "push":
    case "seq":
      return [{ t: "*", v: all(r.v) }];
    case "map":
      return [{ t: "%", v: all(r.v) }];
    case "double":
      return [{ t: "$", v: pyFloatRepr(r.v) }];
    case "bool":
      return [{ t: ":", v: r.v ? "1" : "0" }];
    case "json":
      throw new Error("not generated");
    case "none":
      return [];
  }
}

describe("encodeGevent round trip", () => {
  it("random replies read back as the model says", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(replyArb, fc.constant(R.NONE)), { maxLength: 4 }),
        (replies) => {
          expect(readAll(encodeGevent(replies))).toEqual(replies.flatMap(model));
        },
      ),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fromBytes, toBytes } from "../../src/engine/bytes.ts";
import {
  frameRedis,
  parseRedisRequests,
  RespProtocolErrors as E,
} from "../../src/protocols/resp/resp-parse.ts";
import {
  COMMAND_MAX_BYTES,
  PIPELINE_MAX_COMMANDS,
  RESP_BULK_MAX_BYTES,
  RESP_INLINE_MAX_BYTES,
  RESP_MULTIBULK_MAX_ARGS,
  WS_MESSAGE_MAX_BYTES,
} from "../../src/limits.ts";
import { b, cat, feedInChunks, mutated } from "./support/byte-mutation.ts";

const SEED = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const FUZZ_RUNS = 10000;

function parse(s: string | Uint8Array, atEof = false) {
  const bytes = typeof s === "string" ? b(s) : s;
  return parseRedisRequests(bytes, 0, bytes.length, atEof);
}
function multibulk(args: Uint8Array[]): Uint8Array {
  return cat(
    b(`*${args.length}\r\n`),
    ...args.flatMap((a) => [b(`$${a.length}\r\n`), a, b("\r\n")]),
  );
}

describe("multibulk (spec §10.1)", () => {
  it("parses commands and pipelines", () => {
    const input = "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n";
    expect(parse(input)).toEqual({ argvs: [["PING"], ["ECHO", ""]], consumed: input.length });
  });
  it("skips the two bytes after a payload and after a header's \\r unchecked", () => {
    expect(parse("*1\r\n$4\r\nPINGxy*1\rX$4\r\nPING\r\n").argvs).toEqual([["PING"], ["PING"]]);
  });
  it("ignores *0 and negative counts without a reply", () => {
    const input = "*0\r\n*-5\r\n*-9223372036854775808\r\nPING\r\n";
    expect(parse(input)).toEqual({ argvs: [["PING"]], consumed: input.length });
  });
  it("makes a count with a bare \\n invalid", () => {
    expect(parse("*1\n$4\r\nPING\r\n").error).toBe(E.invalidMultibulk);
    expect(parse("*1\r\n$4\nPING\r\n").error).toBe(E.invalidBulk);
  });
  it("follows string2ll for counts and lengths", () => {
    for (const c of [
      "-0",
      "01",
      "+1",
      "",
      " 1",
      "1 ",
      "x",
      "99999999999999999999",
      "-9223372036854775809",
    ]) {
      expect(parse(`*${c}\r\n`).error, c).toBe(E.invalidMultibulk);
      expect(parse(`*1\r\n$${c}\r\n`).error, c).toBe(E.invalidBulk);
    }
    expect(parse("*1\r\n$-1\r\n").error).toBe(E.invalidBulk);
  });
  it("checks the counts against the limits", () => {
    expect(parse(`*${RESP_MULTIBULK_MAX_ARGS}\r\n`)).toEqual({ argvs: [], consumed: 0 });
    expect(parse(`*${RESP_MULTIBULK_MAX_ARGS + 1}\r\n`).error).toBe(E.invalidMultibulk);
    expect(parse(`*1\r\n$${RESP_BULK_MAX_BYTES}\r\n`)).toEqual({ argvs: [], consumed: 0 });
    expect(parse(`*1\r\n$${RESP_BULK_MAX_BYTES + 1}\r\n`).error).toBe(E.invalidBulk);
  });
  it("names the byte found instead of $", () => {
    expect(parse("*1\r\n#4\r\nPING\r\n").error).toBe("ERR Protocol error: expected '$', got '#'");
    expect(toBytes(parse("*1\r\n\xff\r\n").error!)).toEqual(
      b("ERR Protocol error: expected '$', got '\xff'"),
    );
  });
  it("returns the commands before an error and their bytes", () => {
    expect(parse("PING\r\n*1\r\n$4\r\nPING\r\n*x\r\n")).toEqual({
      argvs: [["PING"], ["PING"]],
      consumed: 20,
      error: E.invalidMultibulk,
    });
  });
  it("reports an error only once its header line is complete", () => {
    expect(parse("*1\r\nX")).toEqual({ argvs: [], consumed: 0 });
    expect(parse("*x")).toEqual({ argvs: [], consumed: 0 });
    expect(parse("*x\r")).toEqual({ argvs: [], consumed: 0 });
    expect(parse("*x\r\n").error).toBe(E.invalidMultibulk);
  });
  it("keeps argument bytes: UTF-8 decoded, anything else in binary form", () => {
    const bin = Uint8Array.of(0xff, 0x00, 0x41);
    const utf = new TextEncoder().encode("é€😀");
    const { argvs } = parse(multibulk([b("SET"), bin, utf]));
    expect(argvs[0]).toEqual(["SET", fromBytes(bin), "é€😀"]);
  });
});

describe("inline commands (spec §10.1)", () => {
  const cases: [string, string[][]][] = [
    ["PING\r\n", [["PING"]]],
    ["PING\n", [["PING"]]],
    ["set  k   'a b' \r\n", [["set", "k", "a b"]]],
    ['ECHO "\\x41\\x4g\\n\\r\\t\\b\\a\\\\\\"\\q"\r\n', [["ECHO", 'Ax4g\n\r\t\b\x07\\"q']]],
    ["ECHO 'a\\'b\\n'\r\n", [["ECHO", "a'b\\n"]]],
    ['ECHO a"b c"\r\n', [["ECHO", "ab c"]]],
    ["ECHO \"\" ''\r\n", [["ECHO", "", ""]]],
    ["ECHO a\x0bb\r\n", [["ECHO", "a\x0bb"]]],
    ['\x0bECHO\x0b "x"\x0c\r\n', [["ECHO\x0b", "x"]]],
    ["ECHO a\rb\r\n", [["ECHO", "a", "b"]]],
    ['ECHO "a\rb"\r\r\n', [["ECHO", "a\rb"]]],
    ["\r\n\n   \r\n\t\r\nPING\r\n", [["PING"]]],
  ];
  for (const [input, argvs] of cases) {
    it(`splits ${JSON.stringify(input)}`, () => {
      const bytes = b(input);
      expect(parseRedisRequests(bytes, 0, bytes.length)).toEqual({ argvs, consumed: bytes.length });
    });
  }
  it("refuses unbalanced quotes and text glued to a closing quote", () => {
    for (const s of [
      'ECHO "a\r\n',
      "ECHO 'a\r\n",
      'ECHO "a"b\r\n',
      "ECHO 'a'b\r\n",
      'ECHO "a\\\r\n',
    ]) {
      expect(parse(s).error, s).toBe(E.unbalancedQuotes);
    }
  });
  it("keeps an unterminated line for later", () => {
    expect(parse("PING\r\nPIN")).toEqual({ argvs: [["PING"]], consumed: 6 });
  });
  it("decodes \\xHH escapes to bytes", () => {
    expect(parse('SET "\\xff\\x00"\r\n').argvs[0]![1]).toBe(fromBytes(Uint8Array.of(0xff, 0)));
    expect(parse('SET "\\xc3\\xa9"\r\n').argvs[0]![1]).toBe("é");
  });
});

describe("line limits", () => {
  const L = RESP_INLINE_MAX_BYTES;
  it("refuses an inline line, a * header and a $ header longer than the limit", () => {
    expect(parse("A".repeat(L))).toEqual({ argvs: [], consumed: 0 });
    expect(parse("A".repeat(L + 1)).error).toBe(E.bigInline);
    expect(parse("*" + "1".repeat(L - 1))).toEqual({ argvs: [], consumed: 0 });
    expect(parse("*" + "1".repeat(L)).error).toBe(E.bigMbulkCount);
    expect(parse("*1\r\n$" + "1".repeat(L - 1))).toEqual({ argvs: [], consumed: 0 });
    expect(parse("*1\r\n$" + "1".repeat(L)).error).toBe(E.bigBulkCount);
  });
  it("decides on the line alone, whatever follows it", () => {
    expect(parse("ECHO " + "a".repeat(L - 5) + "\n").argvs).toHaveLength(1);
    expect(parse("ECHO " + "a".repeat(L - 4) + "\n").error).toBe(E.bigInline);
  });
});

describe("atEof (a WebSocket message, spec §6.3)", () => {
  it("turns trailing incomplete bytes into an error", () => {
    expect(parse("PING\r\n*1\r\n$4\r\nPI", true)).toEqual({
      argvs: [["PING"]],
      consumed: 6,
      error: E.incompleteInMessage,
    });
    expect(parse("PING\r\n", true)).toEqual({ argvs: [["PING"]], consumed: 6 });
  });
});

describe("frameRedis (TCP shim, spec §12.2)", () => {
  it("counts commands with arguments and their bytes", () => {
    const bytes = b("PING\r\n\r\n*0\r\n*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPI");
    expect(frameRedis(bytes, 0, bytes.length)).toEqual({ commands: 2, consumed: 26 });
    expect(frameRedis(bytes, 6, bytes.length)).toEqual({ commands: 1, consumed: 20 });
  });
  it("stops at PIPELINE_MAX_COMMANDS", () => {
    const bytes = b("PING\r\n".repeat(PIPELINE_MAX_COMMANDS + 5));
    expect(frameRedis(bytes, 0, bytes.length)).toEqual({
      commands: PIPELINE_MAX_COMMANDS,
      consumed: 6 * PIPELINE_MAX_COMMANDS,
    });
  });
  it("stops before a command that would make the message too large", () => {
    const big = (n: number) => multibulk([b("SET"), b("k"), new Uint8Array(n)]);
    const first = big(WS_MESSAGE_MAX_BYTES / 2);
    const bytes = cat(first, big(WS_MESSAGE_MAX_BYTES / 2));
    expect(frameRedis(bytes, 0, bytes.length)).toEqual({ commands: 1, consumed: first.length });
  });
  it("refuses one command larger than COMMAND_MAX_BYTES as soon as its size is known", () => {
    // 24 header bytes + payload + 2 must not exceed the command limit (the bulk one aside).
    const head = b(`*2\r\n$3\r\nSET\r\n$${COMMAND_MAX_BYTES - 25}\r\n`);
    expect(frameRedis(head, 0, head.length)).toEqual({
      commands: 0,
      consumed: 0,
      error: E.invalidBulk,
    });
    const over = b(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${RESP_BULK_MAX_BYTES}\r\n`);
    expect(frameRedis(over, 0, over.length)).toEqual({ commands: 0, consumed: 0 });
    const k = new Uint8Array(RESP_BULK_MAX_BYTES).fill(0x6b);
    const twice = cat(
      b(`*3\r\n$3\r\nSET\r\n$${k.length}\r\n`),
      k,
      b(`\r\n$${RESP_BULK_MAX_BYTES}\r\n`),
    );
    expect(frameRedis(twice, 0, twice.length)).toEqual({
      commands: 0,
      consumed: 0,
      error: E.commandTooLarge,
    });
    expect(E.commandTooLarge).toBe(
      `ERR Protocol error: command too large (max ${COMMAND_MAX_BYTES} bytes)`,
    );
    // A bulk past proto-max-bulk-len is Redis's invalid bulk length.
    const bulk = b(`*2\r\n$3\r\nSET\r\n$${RESP_BULK_MAX_BYTES + 1}\r\n`);
    expect(frameRedis(bulk, 0, bulk.length).error).toBe(E.invalidBulk);
    expect(parseRedisRequests(b("*2\r\n$3\r\nGET\r\n$5\r\n"), 0, 18, false, 4).error).toBe(
      E.invalidBulk,
    );
  });
  it("frames one command larger than a message alone (it crosses the mux in parts)", () => {
    const v = new Uint8Array(WS_MESSAGE_MAX_BYTES).fill(0x76);
    const bytes = cat(
      b(`*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$${v.length}\r\n`),
      v,
      b(`\r\n*1\r\n$4\r\nPING\r\n`),
    );
    const first = frameRedis(bytes, 0, bytes.length);
    expect(first).toEqual({ commands: 1, consumed: 14 });
    const second = frameRedis(bytes, 14, bytes.length);
    expect(second).toEqual({ commands: 1, consumed: bytes.length - 28 });
  });
  it("reports protocol errors after the commands before them", () => {
    const bytes = b('PING\r\nECHO "x\r\n');
    expect(frameRedis(bytes, 0, bytes.length)).toEqual({
      commands: 1,
      consumed: 6,
      error: E.unbalancedQuotes,
    });
  });
});

// Any argument bytes, biased toward the bytes the framing cares about.
const argBytes = fc
  .array(
    fc.oneof(
      fc.constantFrom(0x0d, 0x0a, 0x24, 0x2a, 0x22, 0x27, 0x5c, 0x20, 0x00, 0xff, 0xc3, 0xa9),
      fc.integer({ min: 0, max: 255 }),
    ),
    {
      maxLength: 12,
    },
  )
  .map((a) => Uint8Array.from(a));
const argvArb = fc.array(argBytes, { minLength: 1, maxLength: 5 });

/** Inline quoting that sdssplitargs undoes: every byte as \xHH inside double quotes. */
function quoteInline(a: Uint8Array): string {
  return '"' + Array.from(a, (x) => "\\x" + x.toString(16).padStart(2, "0")).join("") + '"';
}

describe("properties", () => {
  it("round-trips random argvs through multibulk and inline, whole and split at every byte", () => {
    fc.assert(
      fc.property(
        fc.array(argvArb, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (argvs, inline) => {
          const expected = argvs.map((argv) => argv.map((a) => fromBytes(a)));
          const bytes = cat(
            ...argvs.map((argv) =>
              inline ? b(argv.map(quoteInline).join(" ") + "\r\n") : multibulk(argv),
            ),
          );
          expect(parseRedisRequests(bytes, 0, bytes.length)).toEqual({
            argvs: expected,
            consumed: bytes.length,
          });
          for (let k = 0; k <= bytes.length; k++) {
            const first = parseRedisRequests(bytes, 0, k);
            const rest = parseRedisRequests(bytes, first.consumed, bytes.length);
            expect(first.error).toBeUndefined();
            expect([...first.argvs, ...rest.argvs]).toEqual(expected);
            expect(first.consumed + rest.consumed).toBe(bytes.length);
            const frame = frameRedis(bytes, 0, k);
            expect(frame).toEqual({ commands: first.argvs.length, consumed: first.consumed });
          }
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("parses the same commands when fed in random chunks", () => {
    fc.assert(
      fc.property(
        fc.array(argvArb, { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1 }),
        (argvs, sizes) => {
          const bytes = cat(...argvs.map(multibulk));
          const fed = feedInChunks(bytes, sizes, (buf, start, end) => {
            const r = parseRedisRequests(buf, start, end);
            return { items: r.argvs, consumed: r.consumed };
          });
          expect(fed).toEqual({
            items: argvs.map((argv) => argv.map((a) => fromBytes(a))),
            consumed: bytes.length,
          });
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  // Valid pieces, junk pieces and random bytes glued together.
  const junk = fc.oneof(
    argvArb.map((argv) => multibulk(argv)),
    fc.uint8Array({ maxLength: 24 }),
    fc
      .constantFrom(
        "*",
        "$",
        "\r\n",
        "\r",
        "\n",
        '"',
        "'",
        "*1\r\n",
        "$3\r\n",
        "*-1\r\n",
        "*0\r\n",
        "\\x",
      )
      .map(b),
  );
  const glued = fc.array(junk, { maxLength: 8 }).map((parts) => cat(...parts));
  const input = fc.oneof(glued, mutated(glued));

  it(`never throws or loops on ${FUZZ_RUNS} junk inputs; prefixes agree with the whole`, () => {
    const started = Date.now();
    for (const bytes of fc.sample(input, { seed: SEED, numRuns: FUZZ_RUNS })) {
      const whole = parseRedisRequests(bytes, 0, bytes.length);
      expect(whole.consumed).toBeLessThanOrEqual(bytes.length);
      expect(frameRedis(bytes, 0, bytes.length)).toEqual({
        commands: whole.argvs.length,
        consumed: whole.consumed,
        ...(whole.error === undefined ? {} : { error: whole.error }),
      });
      const k = bytes.length >> 1;
      const head = parseRedisRequests(bytes, 0, k);
      if (head.error === undefined)
        expect(whole.argvs.slice(0, head.argvs.length)).toEqual(head.argvs);
      else expect(whole.error).toBe(head.error);
    }
    expect(Date.now() - started).toBeLessThan(20000);
  });
});

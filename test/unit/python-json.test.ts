import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { JsonValue } from "../../src/engine/json-value.ts";
import {
  JsonNumberSource,
  JsonParseError,
  compareCodePoints,
  dumpsCanonical,
  dumpsFlask,
  floatResultText,
  parseJson,
  parseJsonBytes,
  pyFloatRepr,
} from "../../src/protocols/python-json.ts";
import { NESTING_MAX_DEPTH } from "../../src/limits.ts";
import { jsonText, jsonValue, junkText } from "./support/json-arbitraries.ts";
import { pythonFloats, pythonJson } from "./support/python-oracle.ts";

// One seed per run, printed on failure so that a run can be replayed with FC_SEED=<seed>.
const SEED = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = 1500;
const MAX_REPORTED = 5;

function sample<T>(arb: fc.Arbitrary<T>, numRuns: number = RUNS): T[] {
  return fc.sample(arb, { numRuns, seed: SEED });
}

type Outcome = { ok: false } | { ok: true; canonical: string; flask: string };

function ours(text: string): Outcome {
  try {
    const v = parseJson(text);
    return { ok: true, canonical: dumpsCanonical(v), flask: dumpsFlask(v) };
  } catch (e) {
    if (!(e instanceof JsonParseError)) throw e;
    return { ok: false };
  }
}

/** Python's outcome under the spec: what Python accepts but §3.3 forbids must be rejected. */
function expected(texts: string[]): Outcome[] {
  return pythonJson(texts).map((p) =>
    p.ok && !p.special ? { ok: true, canonical: p.canonical, flask: p.flask } : { ok: false },
  );
}

function mismatches(texts: string[]): { text: string; ours: Outcome; python: Outcome }[] {
  const want = expected(texts);
  const bad = [];
  for (let i = 0; i < texts.length && bad.length < MAX_REPORTED; i++) {
    const got = ours(texts[i]!);
    if (JSON.stringify(got) !== JSON.stringify(want[i]))
      bad.push({ text: texts[i]!, ours: got, python: want[i]! });
  }
  return bad;
}

function rejects(text: string, reason?: string): void {
  let error: unknown;
  try {
    parseJson(text);
  } catch (e) {
    error = e;
  }
  expect(error, JSON.stringify(text)).toBeInstanceOf(JsonParseError);
  if (reason !== undefined) expect((error as Error).message).toBe(reason);
}

describe("python-json against /usr/bin/python3 (seed " + SEED + ")", () => {
  it("parses and prints random valid texts exactly like json.loads + json.dumps", () => {
    const texts = sample(jsonText);
    expect(mismatches(texts), `FC_SEED=${SEED}`).toEqual([]);
    // The generator must mostly produce texts that are accepted, or the test proves little.
    const accepted = texts.filter((t) => ours(t).ok).length;
    expect(accepted).toBeGreaterThan(texts.length / 2);
  });

  it("accepts and rejects random junk exactly as Python does, minus NaN/Infinity/surrogates", () => {
    expect(mismatches(sample(junkText, 3000)), `FC_SEED=${SEED}`).toEqual([]);
  });

  it("prints random model values like Python and parses its own output back", () => {
    const values = sample(jsonValue);
    const texts = values.map((v) => dumpsCanonical(v));
    const py = pythonJson(texts);
    const bad = [];
    for (let i = 0; i < values.length && bad.length < MAX_REPORTED; i++) {
      const p = py[i]!;
      const v = values[i]!;
      const reparsed = dumpsCanonical(parseJson(texts[i]!));
      if (!p.ok || p.canonical !== texts[i] || p.flask !== dumpsFlask(v) || reparsed !== texts[i]) {
        bad.push({ text: texts[i], python: p, flask: dumpsFlask(v), reparsed });
      }
    }
    expect(bad, `FC_SEED=${SEED}`).toEqual([]);
  });

  it("formats random doubles like Python repr and the float result text", () => {
    const xs = [
      ...sample(fc.double(), 3000),
      ...sample(
        fc
          .integer({ min: -1e6, max: 1e6 })
          .chain((m) => fc.integer({ min: -30, max: 30 }).map((e) => m * 10 ** e)),
        1000,
      ),
      ...[
        1e16,
        1e16 - 2,
        1e-4,
        9.999999999999999e-5,
        1e-5,
        1e-6,
        1e-7,
        1e21,
        1e22,
        5e-324,
        Number.MAX_VALUE,
        0.1,
        0.3,
        2 ** 53,
        -0,
        0,
      ],
    ];
    const py = pythonFloats(xs);
    const bad = [];
    for (let i = 0; i < xs.length && bad.length < MAX_REPORTED; i++) {
      const x = xs[i]!;
      const p = py[i]!;
      const finite = Number.isFinite(x);
      if (pyFloatRepr(x) !== p.json || (finite && floatResultText(x) !== p.resultText)) {
        bad.push({ x, repr: pyFloatRepr(x), result: floatResultText(x), python: p });
      }
    }
    expect(bad, `FC_SEED=${SEED}`).toEqual([]);
  });
});

describe("spec §3.3 input rules", () => {
  it("rejects what Python's json.loads accepts but the spec forbids", () => {
    const forbidden = [
      "NaN",
      "Infinity",
      "-Infinity",
      "[NaN]",
      '{"a":Infinity}',
      '"\\ud800"',
      '"\\udc00"',
      '"x\\ud800y"',
      '"\\ud800\\u0041"',
      '"\\ud800\\ud800"',
      '"\\udc00\\ud800"',
      '{"\\ud800":1}',
      "1e400",
      "-1e400",
      "[1.8e308]",
      "[".repeat(NESTING_MAX_DEPTH + 1) + "]".repeat(NESTING_MAX_DEPTH + 1),
    ];
    const py = pythonJson(forbidden);
    forbidden.forEach((t, i) => {
      expect(py[i]!.ok, `python accepts ${t.slice(0, 20)}`).toBe(true);
      rejects(t);
    });
    rejects("1e400", "number out of range");
    rejects('"\\ud800"', "lone surrogate");
  });

  it("limits nesting to NESTING_MAX_DEPTH containers unless told otherwise", () => {
    const nest = (n: number, open: string, close: string) => open.repeat(n) + "1" + close.repeat(n);
    expect(dumpsCanonical(parseJson(nest(NESTING_MAX_DEPTH, "[", "]")))).toBe(
      nest(NESTING_MAX_DEPTH, "[", "]"),
    );
    rejects(nest(NESTING_MAX_DEPTH + 1, "[", "]"), "nesting too deep");
    expect(() => parseJson(nest(NESTING_MAX_DEPTH, '{"a":', "}"))).not.toThrow();
    rejects(nest(NESTING_MAX_DEPTH + 1, '{"a":', "}"), "nesting too deep");
    expect(() => parseJson("[[1]]", { maxDepth: 2 })).not.toThrow();
    expect(() => parseJson("[[[1]]]", { maxDepth: 2 })).toThrow("nesting too deep");
    expect(() => parseJson("[[]]", { maxDepth: 1 })).toThrow(JsonParseError);
    expect(() => parseJson("[]", { maxDepth: 0 })).toThrow(JsonParseError);
    expect(parseJson("1", { maxDepth: 0 })).toBe(1n);
    // A depth far beyond the JS stack still fails as a JsonParseError.
    const huge = 200_000;
    expect(() => parseJson("[".repeat(huge) + "]".repeat(huge), { maxDepth: huge })).toThrow(
      JsonParseError,
    );
  });

  it("rejects raw control characters and lone raw surrogates, keeps DEL and pairs", () => {
    for (let c = 0; c < 0x20; c++) rejects('"' + String.fromCharCode(c) + '"');
    rejects('"\ud800"');
    rejects('"\udc00x"');
    rejects('"\ud83d\ud83d"');
    expect(parseJson('"\u007f\ud83d\ude00"')).toBe("\u007f\u{1f600}");
    expect(parseJson('"\\uD83D\\uDE00\\/"')).toBe("\u{1f600}/");
  });

  it("allows only JSON whitespace around the value and nothing else", () => {
    expect(parseJson(' \t\r\n[ 1 , {"a" : 2 } ]\n ')).toEqual([1n, new Map([["a", 2n]])]);
    for (const t of [
      "\ufeff1",
      "\u00a01",
      "1\u000b",
      "1 2",
      "[1] x",
      "",
      " ",
      "[1,]",
      '{"a":1,}',
      "{,}",
      "[01]",
      "-",
      "1.",
      ".5",
      "1e",
      "1e+",
      "+1",
      "tru",
      "nul",
      "True",
      "'a'",
      '"\\x41"',
      '"\\u12"',
      '"abc',
      "[",
      '{"a"}',
      '{"a" 1}',
      "{1:2}",
    ]) {
      rejects(t);
    }
  });

  it("keeps integers exact at any size and floats as doubles", () => {
    const big = "-" + "9".repeat(5000);
    expect(parseJson(big)).toBe(BigInt(big));
    expect(parseJson("9007199254740993")).toBe(9007199254740993n);
    expect(parseJson("-0")).toBe(0n);
    expect(Object.is(parseJson("-0.0"), -0)).toBe(true);
    expect(parseJson("1.0")).toBe(1);
    expect(parseJson("1E2")).toBe(100);
    expect(parseJson("1e-400")).toBe(0);
    expect(dumpsCanonical(parseJson("[1,1.0,1e0,10E-1]"))).toBe("[1,1.0,1.0,1.0]");
  });

  it("keeps the first position and the last value of a repeated member", () => {
    const v = parseJson('{"a":1,"b":2,"a":3}') as Map<string, JsonValue>;
    expect([...v.entries()]).toEqual([
      ["a", 3n],
      ["b", 2n],
    ]);
    expect(dumpsCanonical(v)).toBe('{"a":3,"b":2}');
    expect(parseJson('{"__proto__":1}')).toEqual(new Map([["__proto__", 1n]]));
  });

  it("returns number tokens as source text on request", () => {
    const v = parseJson('["SET","k",1.50,100,-0,1E5,{"x":[2.0]}]', {
      numbersAsSource: true,
    }) as unknown[];
    expect(v.slice(2, 6).map((n) => (n as JsonNumberSource).text)).toEqual([
      "1.50",
      "100",
      "-0",
      "1E5",
    ]);
    expect(v[2]).toBeInstanceOf(JsonNumberSource);
    const inner = (v[6] as Map<string, unknown[]>).get("x")![0] as JsonNumberSource;
    expect(inner.text).toBe("2.0");
    expect(() => parseJson("[1e400]", { numbersAsSource: true })).toThrow("number out of range");
    expect(() =>
      parseJson("[1e-400," + "9".repeat(400) + "]", { numbersAsSource: true }),
    ).not.toThrow();
    expect(() => parseJson("[NaN]", { numbersAsSource: true })).toThrow(JsonParseError);
  });

  it("decodes bytes strictly as UTF-8", () => {
    const enc = new TextEncoder();
    expect(parseJsonBytes(enc.encode('{"k":"h\u00e9llo \u{1f600}"}'))).toEqual(
      new Map([["k", "h\u00e9llo \u{1f600}"]]),
    );
    const invalid = [
      [0x22, 0xff, 0x22],
      [0x22, 0xc0, 0xaf, 0x22],
      [0x22, 0xed, 0xa0, 0x80, 0x22],
      [0x22, 0xe2, 0x82, 0x22],
    ];
    for (const b of invalid)
      expect(() => parseJsonBytes(new Uint8Array(b))).toThrow("invalid UTF-8");
    expect(() => parseJsonBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x31]))).toThrow(JsonParseError);
    expect(
      (parseJsonBytes(enc.encode("[7]"), { numbersAsSource: true }) as JsonNumberSource[])[0]!.text,
    ).toBe("7");
  });
});

describe("spec §3.3 output rules", () => {
  it("prints the spec's Flask examples", () => {
    expect(dumpsFlask(parseJson('"OK"'))).toBe('"OK"');
    expect(dumpsFlask(parseJson('{"name":"John Doe","age":32}'))).toBe(
      '{"age":32,"name":"John Doe"}',
    );
    expect(dumpsFlask("h\u00e9llo")).toBe('"h\\u00e9llo"');
    expect(dumpsFlask("\u{1f600}\u007f\n\u0001~")).toBe('"\\ud83d\\ude00\\u007f\\n\\u0001~"');
    expect(dumpsCanonical("\u{1f600}\u007f\n\u0001\u2028")).toBe(
      '"\u{1f600}\u007f\\n\\u0001\u2028"',
    );
  });

  it("sorts Flask members by code point, not UTF-16 unit", () => {
    const v = new Map<string, JsonValue>([
      ["\u{1f600}", 1n],
      ["\uffff", 2n],
      ["\ue000", 3n],
      ["z", 4n],
      ["", 5n],
    ]);
    expect(dumpsFlask(v)).toBe('{"":5,"z":4,"\\ue000":3,"\\uffff":2,"\\ud83d\\ude00":1}');
    expect(compareCodePoints("a", "ab")).toBeLessThan(0);
    expect(compareCodePoints("\u{10000}", "\uffff")).toBeGreaterThan(0);
    expect(compareCodePoints("\u{1f600}", "\u{1f601}")).toBeLessThan(0);
  });

  it("prints the spec's float examples", () => {
    const cases: [number, string][] = [
      [1, "1.0"],
      [100000, "100000.0"],
      [0.0001, "0.0001"],
      [1e15, "1000000000000000.0"],
      [1e16, "1e+16"],
      [1.5e-5, "1.5e-05"],
      [1.2345678901234568e17, "1.2345678901234568e+17"],
      [-0, "-0.0"],
      [0, "0.0"],
      [5e-324, "5e-324"],
      [1e100, "1e+100"],
      [Infinity, "Infinity"],
      [-Infinity, "-Infinity"],
      [NaN, "NaN"],
    ];
    for (const [x, s] of cases) expect(pyFloatRepr(x)).toBe(s);
    const results: [number, string][] = [
      [10.5, "10.5"],
      [5, "5"],
      [0, "0"],
      [-0, "0"],
      [1e21, "1000000000000000000000"],
      [1.5e-7, "0.00000015"],
      [-2.5e-10, "-0.00000000025"],
      [0.1 + 0.2, "0.30000000000000004"],
      [1.7976931348623157e308, "17976931348623157" + "0".repeat(292)],
    ];
    for (const [x, s] of results) expect(floatResultText(x)).toBe(s);
  });

  it("parses a 3 KB Upstash pipeline body 10k times quickly (printed, not asserted)", () => {
    const commands: string[] = [];
    for (let i = 0; commands.join(",").length < 3000; i++) {
      commands.push(
        `["set","user:${i}:profile","{\\"name\\":\\"Jos\u00e9 ${i}\\",\\"tags\\":[\\"a\\",\\"b\\"]}","EX",${3600 + i}]`,
        `["incrbyfloat","counter:${i}",1.50]`,
        `["get","user:${i}:profile"]`,
      );
    }
    const body = "[" + commands.join(",") + "]";
    const bytes = new TextEncoder().encode(body);
    const ROUNDS = 10_000;
    for (let i = 0; i < 200; i++) parseJsonBytes(bytes, { numbersAsSource: true }); // warm up
    let t = performance.now();
    for (let i = 0; i < ROUNDS; i++) parseJsonBytes(bytes, { numbersAsSource: true });
    const ours = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < ROUNDS; i++) JSON.parse(new TextDecoder().decode(bytes));
    const native = performance.now() - t;
    console.log(
      `parseJsonBytes: ${bytes.length} B body x ${ROUNDS} in ${ours.toFixed(0)} ms (JSON.parse: ${native.toFixed(0)} ms)`,
    );
    expect(dumpsCanonical(parseJsonBytes(bytes))).toBe(dumpsCanonical(parseJson(body)));
  });
});

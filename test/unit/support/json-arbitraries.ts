// fast-check arbitraries for JSON texts (with every escape form, odd whitespace, number token
// shapes and duplicate members) and for JSON model values.

import fc from "fast-check";
import type { JsonValue } from "../../../src/engine/json-value.ts";

const SURROGATE_MIN = 0xd800;
const SURROGATE_COUNT = 0x800;
const ASTRAL_MIN = 0x10000;
const MAX_CODE_POINT = 0x10ffff;

/** Code points that exercise escaping and code point order: controls, DEL, BMP top, astral. */
const INTERESTING = [
  0,
  8,
  9,
  0x0a,
  0x0c,
  0x0d,
  0x1f,
  0x22,
  0x2f,
  0x5c,
  0x7e,
  0x7f,
  0x80,
  0xe9,
  0x2028,
  0xe000,
  0xfeff,
  0xffff,
  0x1f600,
  MAX_CODE_POINT,
];

/** Any Unicode scalar value (no surrogates), biased toward ASCII and the interesting ones. */
export const codePoint: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 2, arbitrary: fc.constantFrom(...INTERESTING) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x1f }) },
  {
    weight: 2,
    arbitrary: fc
      .integer({ min: 0x80, max: 0xffff - SURROGATE_COUNT })
      .map((c) => (c >= SURROGATE_MIN ? c + SURROGATE_COUNT : c)),
  },
  { weight: 1, arbitrary: fc.integer({ min: ASTRAL_MIN, max: MAX_CODE_POINT }) },
);

const SHORT_ESCAPES: Record<number, string> = {
  0x22: '\\"',
  0x5c: "\\\\",
  0x2f: "\\/",
  0x08: "\\b",
  0x0c: "\\f",
  0x0a: "\\n",
  0x0d: "\\r",
  0x09: "\\t",
};

function hex4(u: number, upper: boolean): string {
  const h = u.toString(16).padStart(4, "0");
  return "\\u" + (upper ? h.toUpperCase() : h);
}

/** One code point as JSON string-token text; `style` picks raw, short escape or \u escape. */
function renderChar(cp: number, style: number): string {
  const mustEscape = cp < 0x20 || cp === 0x22 || cp === 0x5c;
  const short = SHORT_ESCAPES[cp];
  if (style === 0 && !mustEscape) return String.fromCodePoint(cp);
  if (style === 1 && short !== undefined) return short;
  const upper = style === 3;
  if (cp < ASTRAL_MIN) return hex4(cp, upper);
  const s = String.fromCodePoint(cp);
  return hex4(s.charCodeAt(0), upper) + hex4(s.charCodeAt(1), upper);
}

/** The text of a string token for a random string. */
export const stringToken: fc.Arbitrary<string> = fc
  .array(fc.tuple(codePoint, fc.nat(5)), { maxLength: 12 })
  .map(
    (chars) =>
      '"' + chars.map(([cp, style]) => renderChar(cp, style > 3 ? 0 : style)).join("") + '"',
  );

/** Keys drawn from a small pool so that members repeat; includes keys whose UTF-16 order
 * differs from their code point order (U+E000, U+FFFF vs an astral character). */
const keyToken: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          "a",
          "b",
          "ab",
          "",
          "é",
          "\ue000",
          "\uffff",
          "\u{1f600}",
          "\u{10ffff}",
          "A",
        ),
        fc.nat(3),
      )
      .map(
        ([k, style]) =>
          '"' + [...k].map((c) => renderChar(c.codePointAt(0)!, style)).join("") + '"',
      ),
  },
  { weight: 1, arbitrary: stringToken },
);

const digits = (min: number, max: number) =>
  fc
    .array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max })
    .map((d) => d.join(""));

const intPart = fc.oneof(
  fc.constant("0"),
  fc.tuple(fc.integer({ min: 1, max: 9 }), digits(0, 25)).map(([a, b]) => `${a}${b}`),
);

/** Float literals in every shape: fraction, exponent (any case and sign), tiny, huge, overflowing. */
const floatToken: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.boolean(),
      intPart,
      fc.option(digits(1, 20), { nil: undefined }),
      fc.option(
        fc.tuple(
          fc.constantFrom("e", "E"),
          fc.constantFrom("", "+", "-"),
          fc.integer({ min: 0, max: 400 }),
        ),
        {
          nil: undefined,
        },
      ),
    )
    .filter(([, , frac, exp]) => frac !== undefined || exp !== undefined)
    .map(
      ([neg, i, frac, exp]) =>
        (neg ? "-" : "") + i + (frac !== undefined ? "." + frac : "") + (exp ? exp.join("") : ""),
    ),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => {
    const s = Object.is(x, -0) ? "-0.0" : String(x);
    return /[.e]/.test(s) ? s : s + ".0";
  }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => x.toExponential()),
);

/** Integer literals, small and far beyond 64 bits (Python 3.11 refuses more than 4300 digits). */
const intToken: fc.Arbitrary<string> = fc.oneof(
  fc.integer().map(String),
  fc.constantFrom("0", "-0", "9007199254740993", "-9223372036854775809", "18446744073709551616"),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc
    .tuple(fc.boolean(), intPart, digits(0, 300))
    .map(([neg, a, b]) => (neg ? "-" : "") + (a === "0" ? "0" : a + b)),
);

const ws = fc.constantFrom("", "", "", "", " ", "\n", "\t", "\r\n  ", " \t");

/** Valid JSON texts (RFC 8259), with random whitespace, escapes and duplicate members. */
export const jsonText: fc.Arbitrary<string> = fc
  .letrec<{ value: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      stringToken,
      intToken,
      floatToken,
      fc.constantFrom("true", "false", "null"),
      fc
        .tuple(fc.array(fc.tuple(ws, tie("value"), ws), { maxLength: 5 }), ws)
        .map(([items, w]) =>
          items.length ? "[" + items.map((x) => x.join("")).join(",") + "]" : "[" + w + "]",
        ),
      fc
        .tuple(fc.array(fc.tuple(ws, keyToken, ws, ws, tie("value"), ws), { maxLength: 6 }), ws)
        .map(([members, w]) =>
          members.length
            ? "{" + members.map(([a, k, b, c, v, d]) => a + k + b + ":" + c + v + d).join(",") + "}"
            : "{" + w + "}",
        ),
    ),
  }))
  .value.chain((v) => fc.tuple(ws, ws).map(([a, b]) => a + v + b));

const JUNK_UNITS = [
  "{",
  "}",
  "[",
  "]",
  '"',
  ",",
  ":",
  "0",
  "1",
  "9",
  "-",
  "+",
  ".",
  "e",
  "E",
  " ",
  "\n",
  "\\",
  "u",
  "d",
  "8",
  "0",
  "c",
  "t",
  "r",
  "e",
  "n",
  "l",
  "f",
  "a",
  "s",
  "N",
  "I",
  "\u0001",
  "\u00e9",
  "\u{1f600}",
  "\ufeff",
  "\u00a0",
  "\u000b",
];

/** Mostly-invalid texts: random JSON-ish characters, and valid texts with one edit. */
export const junkText: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.constantFrom(...JUNK_UNITS), { maxLength: 12 }).map((a) => a.join("")),
  fc
    .tuple(
      jsonText,
      fc.nat(),
      fc.constantFrom(...JUNK_UNITS),
      fc.constantFrom("insert", "delete", "replace"),
    )
    .map(([t, n, c, op]) => {
      const cps = [...t];
      const i = cps.length ? n % cps.length : 0;
      if (op === "insert") cps.splice(i, 0, c);
      else if (op === "delete") cps.splice(i, 1);
      else cps.splice(i, 1, c);
      return cps.join("");
    }),
);

/** JSON model values: floats of every magnitude, big integers, any strings, Maps. */
export const jsonValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.string({ unit: "binary", maxLength: 10 }),
    fc.string({ unit: codePoint.map((c) => String.fromCodePoint(c)), maxLength: 10 }),
    fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.array(tie("value"), { maxLength: 5 }),
    fc
      .array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom("a", "b", "\ue000", "\u{1f600}"),
            fc.string({ unit: "binary", maxLength: 6 }),
          ),
          tie("value"),
        ),
        {
          maxLength: 6,
        },
      )
      .map((entries) => new Map(entries)),
  ),
})).value;

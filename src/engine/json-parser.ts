// The JSON parser itself (json-parse.ts is its entry): a recursive-descent scanner over a string
// by char code, one instance per document.

import { JsonNumberSource, JsonParseError } from "./json-parse-types.ts";
import type { JsonValueWithSource } from "./json-parse-types.ts";

const C_TAB = 0x09;
const C_LF = 0x0a;
const C_CR = 0x0d;
const C_SPACE = 0x20;
const C_QUOTE = 0x22;
const C_PLUS = 0x2b;
const C_COMMA = 0x2c;
const C_MINUS = 0x2d;
const C_DOT = 0x2e;
const C_SLASH = 0x2f;
const C_0 = 0x30;
const C_1 = 0x31;
const C_9 = 0x39;
const C_COLON = 0x3a;
const C_UPPER_E = 0x45;
const C_LBRACKET = 0x5b;
const C_BACKSLASH = 0x5c;
const C_RBRACKET = 0x5d;
const C_LOWER_E = 0x65;
const C_LBRACE = 0x7b;
const C_RBRACE = 0x7d;
const C_B = 0x62;
const C_F = 0x66;
const C_N = 0x6e;
const C_R = 0x72;
const C_T = 0x74;
const C_U = 0x75;
const HIGH_SURROGATE_MIN = 0xd800;
const HIGH_SURROGATE_MAX = 0xdbff;
const LOW_SURROGATE_MIN = 0xdc00;
const LOW_SURROGATE_MAX = 0xdfff;
const FIRST_NON_CONTROL = 0x20;
/** Integer tokens with at most this many digits are exact as doubles (< 2^53). */
const SAFE_INT_DIGITS = 15;
const UNICODE_ESCAPE_LEN = 6; // \uXXXX

const INVALID = "invalid JSON";

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20; // ASCII lower case
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}

/** One document's parse: the text, the position, the depth; methods per grammar rule. */
export class Parser {
  readonly s: string;
  readonly len: number;
  readonly maxDepth: number;
  readonly asSource: boolean;
  pos = 0;
  depth = 0;
  /** Text of the last escape decoded by parseEscape. */
  escaped = "";

  constructor(s: string, maxDepth: number, asSource: boolean) {
    this.s = s;
    this.len = s.length;
    this.maxDepth = maxDepth;
    this.asSource = asSource;
  }

  fail(message: string = INVALID, at: number = this.pos): never {
    throw new JsonParseError(message, at);
  }

  skipWs(): number {
    const s = this.s;
    let i = this.pos;
    let c = s.charCodeAt(i);
    while (c === C_SPACE || c === C_LF || c === C_CR || c === C_TAB) c = s.charCodeAt(++i);
    this.pos = i;
    return c; // NaN at the end of input
  }

  parseDocument(): JsonValueWithSource {
    const v = this.parseValue();
    this.skipWs();
    if (this.pos !== this.len) this.fail();
    return v;
  }

  parseValue(): JsonValueWithSource {
    const c = this.skipWs();
    switch (c) {
      case C_LBRACE:
        return this.parseObject();
      case C_LBRACKET:
        return this.parseArray();
      case C_QUOTE:
        return this.parseString();
      case C_T:
        return this.literal("true", true);
      case C_F:
        return this.literal("false", false);
      case C_N:
        return this.literal("null", null);
      default:
        if (c === C_MINUS || isDigit(c)) return this.parseNumber();
        return this.fail();
    }
  }

  literal<T>(word: string, value: T): T {
    if (!this.s.startsWith(word, this.pos)) this.fail();
    this.pos += word.length;
    return value;
  }

  enter(): void {
    if (++this.depth > this.maxDepth) this.fail("nesting too deep");
    this.pos++;
  }

  parseArray(): JsonValueWithSource[] {
    this.enter();
    const out: JsonValueWithSource[] = [];
    if (this.skipWs() === C_RBRACKET) {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      out.push(this.parseValue());
      const c = this.skipWs();
      this.pos++;
      if (c === C_COMMA) continue;
      if (c === C_RBRACKET) break;
      this.fail(INVALID, this.pos - 1);
    }
    this.depth--;
    return out;
  }

  parseObject(): Map<string, JsonValueWithSource> {
    this.enter();
    // Map.set on an existing key keeps its position and replaces the value: exactly the
    // duplicate-member rule of §3.3 (and what a Python dict does).
    const out = new Map<string, JsonValueWithSource>();
    let c = this.skipWs();
    if (c === C_RBRACE) {
      this.pos++;
      this.depth--;
      return out;
    }
    for (;;) {
      if (c !== C_QUOTE) this.fail();
      const key = this.parseString();
      if (this.skipWs() !== C_COLON) this.fail();
      this.pos++;
      out.set(key, this.parseValue());
      c = this.skipWs();
      this.pos++;
      if (c === C_COMMA) {
        c = this.skipWs();
        continue;
      }
      if (c === C_RBRACE) break;
      this.fail(INVALID, this.pos - 1);
    }
    this.depth--;
    return out;
  }

  /** A string token starting at the opening quote; leaves pos after the closing quote. */
  parseString(): string {
    const s = this.s;
    const len = this.len;
    let i = this.pos + 1;
    let runStart = i;
    let out = "";
    for (;;) {
      if (i >= len) this.fail("unterminated string", i);
      const c = s.charCodeAt(i);
      if (c === C_QUOTE) {
        this.pos = i + 1;
        return out + s.slice(runStart, i);
      }
      if (c === C_BACKSLASH) {
        out += s.slice(runStart, i);
        i = this.parseEscape(i);
        out += this.escaped;
        runStart = i;
        continue;
      }
      if (c < FIRST_NON_CONTROL) this.fail("control character in string", i);
      if (c >= HIGH_SURROGATE_MIN && c <= LOW_SURROGATE_MAX) {
        // Raw surrogates only come from a pair (valid UTF-8 never yields a lone one).
        const next = s.charCodeAt(i + 1);
        if (c > HIGH_SURROGATE_MAX || !(next >= LOW_SURROGATE_MIN && next <= LOW_SURROGATE_MAX)) {
          this.fail("lone surrogate", i);
        }
        i += 2;
        continue;
      }
      i++;
    }
  }

  /** Decodes the escape at i (the backslash) into this.escaped; returns the index after it. */
  parseEscape(i: number): number {
    const c = this.s.charCodeAt(i + 1);
    switch (c) {
      case C_QUOTE:
        this.escaped = '"';
        return i + 2;
      case C_BACKSLASH:
        this.escaped = "\\";
        return i + 2;
      case C_SLASH:
        this.escaped = "/";
        return i + 2;
      case C_B:
        this.escaped = "\b";
        return i + 2;
      case C_F:
        this.escaped = "\f";
        return i + 2;
      case C_N:
        this.escaped = "\n";
        return i + 2;
      case C_R:
        this.escaped = "\r";
        return i + 2;
      case C_T:
        this.escaped = "\t";
        return i + 2;
      case C_U:
        break;
      default:
        return this.fail("invalid escape", i);
    }
    const u = this.hex4(i + 2);
    if (u < HIGH_SURROGATE_MIN || u > LOW_SURROGATE_MAX) {
      this.escaped = String.fromCharCode(u);
      return i + UNICODE_ESCAPE_LEN;
    }
    // A surrogate escape must be a high one directly followed by an escaped low one.
    const j = i + UNICODE_ESCAPE_LEN;
    if (
      u > HIGH_SURROGATE_MAX ||
      this.s.charCodeAt(j) !== C_BACKSLASH ||
      this.s.charCodeAt(j + 1) !== C_U
    ) {
      return this.fail("lone surrogate", i);
    }
    const low = this.hex4(j + 2);
    if (low < LOW_SURROGATE_MIN || low > LOW_SURROGATE_MAX) return this.fail("lone surrogate", i);
    this.escaped = String.fromCharCode(u, low);
    return j + UNICODE_ESCAPE_LEN;
  }

  hex4(i: number): number {
    const s = this.s;
    const a = hexDigit(s.charCodeAt(i));
    const b = hexDigit(s.charCodeAt(i + 1));
    const c = hexDigit(s.charCodeAt(i + 2));
    const d = hexDigit(s.charCodeAt(i + 3));
    if ((a | b | c | d) < 0) this.fail("invalid escape", i);
    return (a << 12) | (b << 8) | (c << 4) | d;
  }

  parseNumber(): bigint | number | JsonNumberSource {
    const s = this.s;
    const start = this.pos;
    let i = start;
    let c = s.charCodeAt(i);
    const negative = c === C_MINUS;
    if (negative) c = s.charCodeAt(++i);
    const intStart = i;
    let small = 0; // the integer part while it stays exact
    if (c === C_0) {
      c = s.charCodeAt(++i);
    } else if (c >= C_1 && c <= C_9) {
      do {
        small = small * 10 + (c - C_0);
        c = s.charCodeAt(++i);
      } while (isDigit(c));
    } else {
      this.fail(INVALID, i);
    }
    const intDigits = i - intStart;
    let isFloat = false;
    if (c === C_DOT) {
      isFloat = true;
      c = s.charCodeAt(++i);
      if (!isDigit(c)) this.fail(INVALID, i);
      do c = s.charCodeAt(++i);
      while (isDigit(c));
    }
    if (c === C_LOWER_E || c === C_UPPER_E) {
      isFloat = true;
      c = s.charCodeAt(++i);
      if (c === C_PLUS || c === C_MINUS) c = s.charCodeAt(++i);
      if (!isDigit(c)) this.fail(INVALID, i);
      do c = s.charCodeAt(++i);
      while (isDigit(c));
    }
    this.pos = i;
    const text = s.slice(start, i);
    if (!isFloat) {
      if (this.asSource) return new JsonNumberSource(text);
      if (intDigits <= SAFE_INT_DIGITS) return BigInt(negative ? -small : small);
      return BigInt(text);
    }
    // Number() reads the JSON number grammar with correct rounding. The overflow rule holds
    // for source-text numbers too (§3.3 covers Upstash bodies).
    const x = Number(text);
    if (x === Infinity || x === -Infinity) this.fail("number out of range", start);
    return this.asSource ? new JsonNumberSource(text) : x;
  }
}

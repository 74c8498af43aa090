// Client side of RESP: encoding a command as a multibulk request and decoding the replies, RESP2
// and RESP3, into the shapes hiredis gives redis-cli (so the formatter can follow redis-cli
// case by case). Payloads are byte strings: one char (0-255) per byte, so any bytes survive and
// output can be written back byte for byte. Pure: no I/O.

import { joinBytes } from "../../engine/bytes.ts";

/** A decoded reply, typed as hiredis types it (`*-1`, `$-1` and `_` are all `nil`). */
export type RespValue =
  | { t: "status" | "error" | "bulk" | "verbatim" | "double" | "bignum" | "int"; v: string }
  | { t: "nil" }
  | { t: "bool"; v: boolean }
  | { t: "array" | "set" | "push"; v: RespValue[] }
  /** Keys and values alternate, as hiredis stores a map. */
  | { t: "map"; v: RespValue[] };

/** A reply message that is not valid RESP (or ends inside a reply). */
export class RespDecodeError extends Error {
  override name = "RespDecodeError";
}

const CR = 0x0d;
const LF = 0x0a;
/** The `txt:` (format + colon) in front of a verbatim string's payload. */
const VERBATIM_FORMAT_BYTES = 4;
const BYTES_PER_CHUNK = 8192;

/** Bytes [a, b) as a byte string. */
export function byteText(buf: Uint8Array, a = 0, b = buf.length): string {
  let out = "";
  for (let i = a; i < b; i += BYTES_PER_CHUNK) {
    out += String.fromCharCode.apply(
      null,
      buf.subarray(i, Math.min(b, i + BYTES_PER_CHUNK)) as unknown as number[],
    );
  }
  return out;
}

/** The bytes of a byte string (chars above 0xFF are not expected and are truncated). */
export function textBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** A command (arguments as bytes) as one RESP multibulk request. */
export function encodeCommand(args: readonly Uint8Array[]): Uint8Array {
  const ascii = (s: string) => textBytes(s);
  const parts: Uint8Array[] = [ascii(`*${args.length}\r\n`)];
  for (const a of args) parts.push(ascii(`$${a.length}\r\n`), a, ascii("\r\n"));
  return joinBytes(parts);
}

/** Decodes every reply in a message. Throws RespDecodeError on malformed or truncated input. */
export function decodeReplies(buf: Uint8Array): RespValue[] {
  const d = new Decoder(buf);
  const out: RespValue[] = [];
  while (d.pos < buf.length) out.push(d.value());
  return out;
}

class Decoder {
  readonly buf: Uint8Array;
  pos = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  private line(): string {
    const { buf } = this;
    for (let i = this.pos; i + 1 < buf.length; i++) {
      if (buf[i] === CR && buf[i + 1] === LF) {
        const s = byteText(buf, this.pos, i);
        this.pos = i + 2;
        return s;
      }
    }
    throw new RespDecodeError("truncated reply");
  }

  private count(text: string): number {
    if (!/^-?\d+$/.test(text)) throw new RespDecodeError(`bad length '${text}'`);
    return Number(text);
  }

  private blob(len: number): string {
    if (this.pos + len + 2 > this.buf.length) throw new RespDecodeError("truncated reply");
    const s = byteText(this.buf, this.pos, this.pos + len);
    this.pos += len + 2;
    return s;
  }

  private items(n: number): RespValue[] {
    const out: RespValue[] = [];
    for (let i = 0; i < n; i++) out.push(this.value());
    return out;
  }

  value(): RespValue {
    const type = String.fromCharCode(this.buf[this.pos++]!);
    const head = this.line();
    switch (type) {
      case "+":
        return { t: "status", v: head };
      case "-":
        return { t: "error", v: head };
      case ":":
        return { t: "int", v: head };
      case ",":
        return { t: "double", v: head };
      case "(":
        return { t: "bignum", v: head };
      case "_":
        return { t: "nil" };
      case "#":
        return { t: "bool", v: head === "t" };
      case "$":
      case "!":
      case "=": {
        const n = this.count(head);
        if (n < 0) return { t: "nil" };
        const s = this.blob(n);
        if (type === "$") return { t: "bulk", v: s };
        if (type === "!") return { t: "error", v: s };
        return { t: "verbatim", v: s.slice(VERBATIM_FORMAT_BYTES) };
      }
      case "*":
      case "~":
      case ">": {
        const n = this.count(head);
        if (n < 0) return { t: "nil" };
        return { t: type === "*" ? "array" : type === "~" ? "set" : "push", v: this.items(n) };
      }
      case "%":
        return { t: "map", v: this.items(this.count(head) * 2) };
      default:
        throw new RespDecodeError(`unknown reply type '${type}'`);
    }
  }
}

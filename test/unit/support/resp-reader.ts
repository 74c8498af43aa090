// A small independent reader of RESP2/RESP3 (and gevent `%`) reply bytes for the codec tests.
// Bulk payloads and line texts come back as byte strings (src/engine/bytes.ts).

import { fromBytes } from "../../../src/engine/bytes.ts";

export type Read =
  | { t: "+" | "-" | ":" | "," | "#"; v: string }
  | { t: "$" | "="; v: string }
  | { t: "$-1" | "*-1" | "_" }
  | { t: "*" | "%" | "~"; v: Read[] };

/** Reads every reply in `bytes`; throws on malformed or truncated input. */
export function readAll(bytes: Uint8Array): Read[] {
  const out: Read[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const r = readOne(bytes, pos);
    out.push(r.value);
    pos = r.end;
  }
  return out;
}

function line(bytes: Uint8Array, pos: number): { text: string; next: number } {
  for (let i = pos; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a)
      return { text: fromBytes(bytes.subarray(pos, i)), next: i + 2 };
    if (bytes[i] === 0x0d || bytes[i] === 0x0a) throw new Error(`stray CR/LF in a line at ${i}`);
  }
  throw new Error("truncated line");
}

function readOne(bytes: Uint8Array, pos: number): { value: Read; end: number } {
  const type = String.fromCharCode(bytes[pos]!);
  const { text, next } = line(bytes, pos + 1);
  switch (type) {
    case "+":
    case "-":
    case ":":
    case ",":
    case "#":
      return { value: { t: type, v: text }, end: next };
    case "_":
      if (text !== "") throw new Error("bad null");
      return { value: { t: "_" }, end: next };
    case "$":
    case "=": {
      const n = Number(text);
      if (type === "$" && n === -1) return { value: { t: "$-1" }, end: next };
      if (!Number.isInteger(n) || n < 0) throw new Error(`bad length ${text}`);
      if (bytes[next + n] !== 0x0d || bytes[next + n + 1] !== 0x0a)
        throw new Error("bulk without CRLF");
      return {
        value: { t: type, v: fromBytes(bytes.subarray(next, next + n)) },
        end: next + n + 2,
      };
    }
    case "*":
    case "%":
    case "~": {
      const n = Number(text);
      if (type === "*" && n === -1) return { value: { t: "*-1" }, end: next };
      if (!Number.isInteger(n) || n < 0) throw new Error(`bad count ${text}`);
      const items: Read[] = [];
      let at = next;
      const count = type === "%" ? 2 * n : n;
      for (let i = 0; i < count; i++) {
        const r = readOne(bytes, at);
        items.push(r.value);
        at = r.end;
      }
      return { value: { t: type, v: items }, end: at };
    }
    default:
      throw new Error(`unknown reply type ${JSON.stringify(type)} at ${pos}`);
  }
}

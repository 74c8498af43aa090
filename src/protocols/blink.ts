// Blink-Store's line protocol (spec §7): bytes of lines in, commands out; replies in, lines out.
// Pure: the same codec serves HTTP bodies, WebSocket messages and (through the shim) TCP.

import { byteLength, toBase64 } from "../engine/bytes.ts";
import type { BatchItem } from "../engine/command.ts";
import { CommandError, Errors } from "../engine/errors.ts";
import { R } from "../engine/reply.ts";
import type { Reply } from "../engine/reply.ts";

/** Unicode White_Space, exactly Rust's char::is_whitespace (spec §7.2); not JS `\s`. */
export function isBlinkSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

const VERBS = new Set(["GET", "SET", "DELETE", "DEL", "USAGE", "STATS", "QUIT"]);
const fatalUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const blinkError = (text: string): BatchItem => ({
  reply: R.error(new CommandError("ERR", `ERR ${text}`)),
});
const UNKNOWN = blinkError("unknown command");
/** The line a body or message past PIPELINE_MAX_COMMANDS ends with (spec §6.3). */
export const TOO_MANY_LINE = `ERROR ${Errors.tooManyCommands().message.slice(4)}\n`;

/** Why parsing stopped early, and the error line to send before closing (if any). */
export type BlinkStop = { kind: "quit" } | { kind: "error"; line: string };

export interface BlinkBatch {
  items: BatchItem[];
  stop?: BlinkStop;
}

export interface BlinkParseOptions {
  /** BLINK_LINE_MAX_BYTES in effect. */
  lineMax: number;
  /** PIPELINE_MAX_COMMANDS (every door): parsing stops with the error line past it. */
  maxCommands?: number;
}

/** Parses one line (without its `\n`) into a command, a ready error reply, or QUIT. */
export function parseBlinkLine(line: string): BatchItem | "quit" {
  let start = 0;
  let end = line.length;
  while (start < end && isBlinkSpace(line.charCodeAt(start))) start++;
  while (end > start && isBlinkSpace(line.charCodeAt(end - 1))) end--;
  if (start === end) return UNKNOWN;
  let i = start;
  while (i < end && !isBlinkSpace(line.charCodeAt(i))) i++;
  const verb = line.slice(start, i);
  const upper = asciiUpper(verb);
  if (!VERBS.has(upper)) return UNKNOWN;
  while (i < end && isBlinkSpace(line.charCodeAt(i))) i++;
  const rest = line.slice(i, end);
  switch (upper) {
    case "QUIT":
      return "quit";
    case "USAGE":
    case "STATS":
      return { argv: [verb] };
    case "GET":
      return rest ? { argv: [verb, rest] } : blinkError("GET requires key");
    case "DELETE":
    case "DEL":
      return rest ? { argv: [verb, rest] } : blinkError("DELETE requires key");
    default: {
      if (!rest) return blinkError("SET requires key");
      let k = 0;
      while (k < rest.length && !isBlinkSpace(rest.charCodeAt(k))) k++;
      let v = k;
      while (v < rest.length && isBlinkSpace(rest.charCodeAt(v))) v++;
      return { argv: [verb, rest.slice(0, k), rest.slice(v)] };
    }
  }
}

/** Only ASCII letters change case (spec §7.2 step 4: non-ASCII letters never match). */
function asciiUpper(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 0x61 && c <= 0x7a ? String.fromCharCode(c - 32) : s[i];
  }
  return out;
}

/** Parses a body or message of lines (spec §7.1, §7.5, §7.6). */
export function parseBlink(input: Uint8Array | string, opts: BlinkParseOptions): BlinkBatch {
  const items: BatchItem[] = [];
  const isText = typeof input === "string";
  const total = input.length;
  let pos = 0;
  while (pos < total) {
    let nl = isText ? input.indexOf("\n", pos) : input.indexOf(0x0a, pos);
    const last = nl < 0;
    if (last) nl = total;
    if (opts.maxCommands !== undefined && items.length >= opts.maxCommands) {
      return {
        items,
        stop: { kind: "error", line: TOO_MANY_LINE },
      };
    }
    let line: string;
    if (isText) {
      line = input.slice(pos, nl);
      if (line.length > opts.lineMax / 3 && byteLength(line) > opts.lineMax) return tooLong(items);
    } else {
      if (nl - pos > opts.lineMax) return tooLong(items);
      try {
        line = fatalUtf8.decode(input.subarray(pos, nl));
      } catch {
        return { items, stop: { kind: "error", line: "ERROR invalid UTF-8\n" } };
      }
    }
    pos = nl + 1;
    const parsed = parseBlinkLine(line);
    if (parsed === "quit") return { items, stop: { kind: "quit" } };
    items.push(parsed);
  }
  return { items };
}

function tooLong(items: BatchItem[]): BlinkBatch {
  return { items, stop: { kind: "error", line: "ERROR line too long\n" } };
}

/** Blink's capacity text differs from Redis's (spec §3.8). */
const CAPACITY_TEXT = "storage is at capacity and eviction failed";

/** One reply as a Blink line (spec §7.3, §4.2). */
export function encodeBlinkReply(r: Reply): string {
  switch (r.k) {
    case "status":
      return r.v + "\n";
    case "bulk":
      return `VALUE ${toBase64(r.v)}\n`;
    case "nil":
      return "NOT_FOUND\n";
    case "error": {
      const text = r.code === "OOM" ? CAPACITY_TEXT : r.v.startsWith("ERR ") ? r.v.slice(4) : r.v;
      return `ERROR ${text.replace(/\n/g, " ")}\n`;
    }
    case "int":
      return `${r.v}\n`;
    case "none":
      return "";
    default:
      return "ERROR internal error\n";
  }
}

/** Replies as the lines of one response or message. */
export function encodeBlink(replies: readonly Reply[]): string {
  let out = "";
  for (const r of replies) out += encodeBlinkReply(r);
  return out;
}

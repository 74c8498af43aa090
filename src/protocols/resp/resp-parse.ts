// Redis request framing and parsing (spec §10.1, limits §2), following Redis 7.0.15's
// processMultibulkBuffer / processInlineBuffer byte for byte:
//   - a `*`/`$` header ends at the first `\r`; the byte after it is skipped unchecked, so a bare
//     `\n` leaves junk in the count, which is then invalid;
//   - the two bytes after a bulk payload are skipped unchecked;
//   - `*0` and negative counts, and blank inline lines, are commands with no arguments: consumed,
//     never replied to;
//   - an error is reported only once its header line is complete (as Redis does).
// The length limits are made independent of how the bytes were chunked: a header or inline line
// whose terminator is not among its first RESP_INLINE_MAX_BYTES + 1 bytes is "too big" (Redis
// decides on whatever happens to be buffered). NUL bytes are ordinary bytes (Redis's strchr
// would stop at them and wait for more input forever).

import { fromBytes } from "../../engine/bytes.ts";
import {
  COMMAND_MAX_BYTES,
  RESP_BULK_MAX_BYTES,
  RESP_INLINE_MAX_BYTES,
  RESP_MULTIBULK_MAX_ARGS,
} from "../../limits.ts";
import { splitInlineArgs, UNBALANCED } from "./resp-inline.ts";
import { byteString, findByte, parseRedisInt } from "./resp-scan.ts";
import { FAILED, INCOMPLETE, frameWith, parseWith } from "../frame-scan.ts";
import type { Scanner } from "../frame-scan.ts";

const STAR = 0x2a;
const DOLLAR = 0x24;
const CR = 0x0d;
const LF = 0x0a;

/** Protocol error texts (sent as `-<text>\r\n`). */
export const RespProtocolErrors = {
  invalidMultibulk: "ERR Protocol error: invalid multibulk length",
  invalidBulk: "ERR Protocol error: invalid bulk length",
  unbalancedQuotes: "ERR Protocol error: unbalanced quotes in request",
  bigInline: "ERR Protocol error: too big inline request",
  bigMbulkCount: "ERR Protocol error: too big mbulk count string",
  bigBulkCount: "ERR Protocol error: too big bulk count string",
  commandTooLarge: `ERR Protocol error: command too large (max ${COMMAND_MAX_BYTES} bytes)`,
  /** Spec §6.3: a WebSocket message must hold complete commands only. */
  incompleteInMessage: "ERR Protocol error: incomplete command in message",
} as const;

/** `ERR Protocol error: expected '$', got 'X'` with X the raw byte (a byte string). */
export function expectedDollarError(byte: number): string {
  const prefix = "ERR Protocol error: expected '$', got '";
  if (byte < 0x80) return prefix + String.fromCharCode(byte) + "'";
  const bytes = new Uint8Array(prefix.length + 2);
  for (let i = 0; i < prefix.length; i++) bytes[i] = prefix.charCodeAt(i);
  bytes[prefix.length] = byte;
  bytes[prefix.length + 1] = 0x27;
  return fromBytes(bytes);
}

export interface RedisParse {
  /** Every complete command with at least one argument, in order. */
  argvs: string[][];
  /** Bytes of the complete commands (ignored empty ones included) from `start`. */
  consumed: number;
  /** Protocol error text (without `-`/CRLF) met after the returned commands. */
  error?: string;
}

export interface RedisFrame {
  /** Commands with at least one argument in [start, start + consumed). */
  commands: number;
  consumed: number;
  error?: string;
}

// Per-scan outputs, reused (codecs are synchronous and never re-entered).
let scanError = "";
/** Longest bulk of the parse running (proto-max-bulk-len): set by each entry point. */
let bulkMax = RESP_BULK_MAX_BYTES;
let scanArgc = 0;

const LINE_LIMIT = RESP_INLINE_MAX_BYTES;

/** Position of the `\r` ending the header at `pos`, or INCOMPLETE, or FAILED with `tooBig`. */
function headerCR(buf: Uint8Array, pos: number, end: number, tooBig: string): number {
  const cr = findByte(buf, CR, pos, Math.min(end, pos + LINE_LIMIT + 1));
  if (cr < 0) {
    if (end - pos > LINE_LIMIT) {
      scanError = tooBig;
      return FAILED;
    }
    return INCOMPLETE;
  }
  // Redis needs one more byte (the `\n`, not checked) before it reads the line.
  return cr + 1 < end ? cr : INCOMPLETE;
}

function scanMultibulk(
  buf: Uint8Array,
  pos: number,
  end: number,
  out: string[] | null,
  maxBytes: number,
): number {
  const cmdStart = pos;
  const cr = headerCR(buf, pos, end, RespProtocolErrors.bigMbulkCount);
  if (cr < 0) return cr;
  const n = parseRedisInt(buf, pos + 1, cr);
  if (!(n <= RESP_MULTIBULK_MAX_ARGS)) {
    scanError = RespProtocolErrors.invalidMultibulk;
    return FAILED;
  }
  pos = cr + 2;
  scanArgc = n > 0 ? n : 0;
  for (let i = 0; i < n; i++) {
    const hcr = headerCR(buf, pos, end, RespProtocolErrors.bigBulkCount);
    if (hcr < 0) return hcr;
    if (buf[pos] !== DOLLAR) {
      scanError = expectedDollarError(buf[pos]!);
      return FAILED;
    }
    const len = parseRedisInt(buf, pos + 1, hcr);
    if (!(len >= 0 && len <= bulkMax)) {
      scanError = RespProtocolErrors.invalidBulk;
      return FAILED;
    }
    const data = hcr + 2;
    const next = data + len + 2;
    if (next - cmdStart > maxBytes) {
      scanError = RespProtocolErrors.commandTooLarge;
      return FAILED;
    }
    if (next > end) return INCOMPLETE;
    if (out) out.push(byteString(buf, data, data + len));
    pos = next;
  }
  return pos;
}

function scanInline(buf: Uint8Array, pos: number, end: number, out: string[] | null): number {
  const nl = findByte(buf, LF, pos, Math.min(end, pos + LINE_LIMIT + 1));
  if (nl < 0) {
    if (end - pos > LINE_LIMIT) {
      scanError = RespProtocolErrors.bigInline;
      return FAILED;
    }
    return INCOMPLETE;
  }
  const lineEnd = nl > pos && buf[nl - 1] === CR ? nl - 1 : nl;
  const n = splitInlineArgs(buf, pos, lineEnd, out);
  if (n === UNBALANCED) {
    scanError = RespProtocolErrors.unbalancedQuotes;
    return FAILED;
  }
  scanArgc = n;
  return nl + 1;
}

/** One command at `pos`: its end, INCOMPLETE, or FAILED (scanError set); scanArgc = arguments. */
function scanCommand(
  buf: Uint8Array,
  pos: number,
  end: number,
  out: string[] | null,
  maxBytes: number,
): number {
  return buf[pos] === STAR
    ? scanMultibulk(buf, pos, end, out, maxBytes)
    : scanInline(buf, pos, end, out);
}

let built: string[] = [];

/** The Redis command scanner for the shared loops (frame-scan.ts). */
const REDIS_SCANNER: Scanner<string[]> = {
  scan(buf, pos, end, build, maxBytes) {
    built = build ? [] : built;
    return scanCommand(buf, pos, end, build ? built : null, maxBytes);
  },
  item: () => (built.length > 0 ? built : undefined),
  counts: () => scanArgc > 0,
  error: () => scanError,
};

/**
 * Parses every complete Redis command in [start, end). Stops at the first incomplete command
 * (the caller keeps those bytes) or at a protocol error. With `atEof` (a WebSocket message,
 * spec §6.3) trailing incomplete bytes are the error `incomplete command in message`.
 */
export function parseRedisRequests(
  buf: Uint8Array,
  start: number,
  end: number,
  atEof = false,
  maxBulk = RESP_BULK_MAX_BYTES,
): RedisParse {
  bulkMax = maxBulk;
  const r = parseWith(
    REDIS_SCANNER,
    buf,
    start,
    end,
    atEof,
    RespProtocolErrors.incompleteInMessage,
    Infinity,
  );
  return { argvs: r.items, consumed: r.consumed, error: r.error };
}

/**
 * Finds command boundaries without building arguments (TCP shim, spec §12.2): the longest run of
 * complete commands from `start` holding at most PIPELINE_MAX_COMMANDS commands and at most
 * WS_MESSAGE_MAX_BYTES bytes, or one command alone up to COMMAND_MAX_BYTES (it crosses the mux
 * in parts). `consumed` may be > 0 with `commands` 0 (blank lines, `*0`). A protocol error, or
 * one command larger than COMMAND_MAX_BYTES, ends the run with `error`.
 */
export function frameRedis(buf: Uint8Array, start: number, end: number): RedisFrame {
  bulkMax = RESP_BULK_MAX_BYTES;
  return frameWith(REDIS_SCANNER, buf, start, end, COMMAND_MAX_BYTES);
}

// gevent dialect framing and request values (spec §9.1). Header lines end at `\n` with one `\r`
// before it stripped; bulk data must be followed by `\r\n`; aggregates nest at most
// NESTING_MAX_DEPTH deep (the request's own array counts as one level). As for Redis (see
// resp-parse.ts) a header line is "too big" when its `\n` is not among its first
// RESP_INLINE_MAX_BYTES + 1 bytes, whatever the chunking.

import {
  NESTING_MAX_DEPTH,
  RESP_INLINE_MAX_BYTES,
  RESP_MULTIBULK_MAX_ARGS,
  WS_MESSAGE_MAX_BYTES,
} from "../../limits.ts";
import {
  byteString,
  findByte,
  OVERFLOW,
  parseSignedInt,
  parseSignedNumber,
} from "../resp/resp-scan.ts";
import { FAILED, INCOMPLETE, frameWith, parseWith } from "../frame-scan.ts";
import type { Scanner } from "../frame-scan.ts";

export { encodeGevent, encodeGeventReply } from "./gevent-encode.ts";

/** One request value. `simple` marks a `+` string (a `$` string has none). */
export type GeventValue =
  | { t: "str"; v: string; simple?: true }
  | { t: "int"; v: bigint | typeof OVERFLOW }
  | { t: "null" }
  | { t: "err"; v: string }
  | { t: "arr"; v: GeventValue[] }
  | { t: "dict"; v: [GeventValue, GeventValue][] };

export interface GeventParse {
  values: GeventValue[];
  consumed: number;
  error?: string;
}

export interface GeventFrame {
  /** Complete requests in [start, start + consumed). */
  commands: number;
  consumed: number;
  error?: string;
}

/** Framing error texts (sent as `-<text>\r\n`, then the connection closes). */
export const GeventProtocolErrors = {
  invalidInteger: "ERR Protocol error: invalid integer",
  invalidBulk: "ERR Protocol error: invalid bulk length",
  expectedCrlf: "ERR Protocol error: expected CRLF after bulk data",
  invalidMultibulk: "ERR Protocol error: invalid multibulk length",
  nestingTooDeep: "ERR Protocol error: nesting too deep",
  bigInline: "ERR Protocol error: too big inline request",
  requestTooLarge: "ERR Protocol error: request too large",
  /** Spec §6.3: a WebSocket message must hold complete requests only. */
  incompleteInMessage: "ERR Protocol error: incomplete command in message",
} as const;

const HEX_RADIX = 16;
const PRINTABLE_MIN = 0x20;
const PRINTABLE_MAX = 0x7e;

/** `ERR Protocol error: unknown type byte 'X'`: printable ASCII as is, else `\xhh` (lower case, as Python's bytes repr). */
export function unknownTypeByteError(byte: number): string {
  const shown =
    byte >= PRINTABLE_MIN && byte <= PRINTABLE_MAX
      ? String.fromCharCode(byte)
      : "\\x" + byte.toString(HEX_RADIX).padStart(2, "0");
  return `ERR Protocol error: unknown type byte '${shown}'`;
}

const CR = 0x0d;
const LF = 0x0a;

// Outputs of one scan, reused (the codec is synchronous and never re-entered).
let scanError = "";
let scanned: GeventValue = { t: "null" };
let reqStart = 0;
let reqMax = Infinity;
const NULL_VALUE: GeventValue = { t: "null" };

function fail(text: string): number {
  scanError = text;
  return FAILED;
}

// The `\n` ending the header line at pos, or INCOMPLETE / FAILED.
function lineEnd(buf: Uint8Array, pos: number, end: number): number {
  const nl = findByte(buf, LF, pos, Math.min(end, pos + RESP_INLINE_MAX_BYTES + 1));
  if (nl >= 0) return nl;
  return end - pos > RESP_INLINE_MAX_BYTES ? fail(GeventProtocolErrors.bigInline) : INCOMPLETE;
}

// End of the header's content (before the `\r` that precedes `\n`, if any).
function contentEnd(buf: Uint8Array, pos: number, nl: number): number {
  return nl - 1 > pos && buf[nl - 1] === CR ? nl - 1 : nl;
}

/** Scans one value at pos: its end, INCOMPLETE or FAILED; `scanned` holds it when building. */
function scanValue(
  buf: Uint8Array,
  pos: number,
  end: number,
  depth: number,
  build: boolean,
): number {
  if (pos >= end) return INCOMPLETE;
  const type = buf[pos]!;
  switch (type) {
    case 0x2b /* + */:
    case 0x2d /* - */:
    case 0x3a /* : */:
    case 0x24 /* $ */:
    case 0x2a /* * */:
    case 0x25 /* % */:
      break;
    default:
      return fail(unknownTypeByteError(type));
  }
  const nl = lineEnd(buf, pos, end);
  if (nl < 0) return nl;
  const ce = contentEnd(buf, pos, nl);
  const next = nl + 1;
  if (next - reqStart > reqMax) return fail(GeventProtocolErrors.requestTooLarge);
  switch (type) {
    case 0x2b:
      if (build) scanned = { t: "str", v: byteString(buf, pos + 1, ce), simple: true };
      return next;
    case 0x2d:
      if (build) scanned = { t: "err", v: byteString(buf, pos + 1, ce) };
      return next;
    case 0x3a: {
      const v = parseSignedInt(buf, pos + 1, ce);
      if (v === undefined) return fail(GeventProtocolErrors.invalidInteger);
      if (build) scanned = { t: "int", v };
      return next;
    }
    case 0x24:
      return scanBulk(buf, pos, ce, next, end, build);
    default:
      return scanAggregate(buf, pos, ce, next, end, depth, build, type === 0x25);
  }
}

function scanBulk(
  buf: Uint8Array,
  pos: number,
  ce: number,
  data: number,
  end: number,
  build: boolean,
): number {
  const len = parseSignedNumber(buf, pos + 1, ce);
  if (len === -1) {
    if (build) scanned = NULL_VALUE;
    return data;
  }
  // A gevent request stays within one message (its values within VALUE_MAX_BYTES): no bulk of
  // proto-max-bulk-len, which is the Redis door's.
  if (!(len >= 0 && len <= WS_MESSAGE_MAX_BYTES)) return fail(GeventProtocolErrors.invalidBulk);
  const dataEnd = data + len;
  if (dataEnd + 2 - reqStart > reqMax) return fail(GeventProtocolErrors.requestTooLarge);
  // The CRLF is checked as soon as its bytes are there.
  if (dataEnd < end && buf[dataEnd] !== CR) return fail(GeventProtocolErrors.expectedCrlf);
  if (dataEnd + 1 < end && buf[dataEnd + 1] !== LF) return fail(GeventProtocolErrors.expectedCrlf);
  if (dataEnd + 2 > end) return INCOMPLETE;
  if (build) scanned = { t: "str", v: byteString(buf, data, dataEnd) };
  return dataEnd + 2;
}

function scanAggregate(
  buf: Uint8Array,
  pos: number,
  ce: number,
  next: number,
  end: number,
  depth: number,
  build: boolean,
  dict: boolean,
): number {
  const n = parseSignedNumber(buf, pos + 1, ce);
  if (!(n >= 0 && n <= RESP_MULTIBULK_MAX_ARGS)) return fail(GeventProtocolErrors.invalidMultibulk);
  if (depth + 1 > NESTING_MAX_DEPTH) return fail(GeventProtocolErrors.nestingTooDeep);
  if (dict) {
    const pairs: [GeventValue, GeventValue][] = [];
    for (let i = 0; i < n; i++) {
      next = scanValue(buf, next, end, depth + 1, build);
      if (next < 0) return next;
      const k = scanned;
      next = scanValue(buf, next, end, depth + 1, build);
      if (next < 0) return next;
      if (build) pairs.push([k, scanned]);
    }
    if (build) scanned = { t: "dict", v: pairs };
    return next;
  }
  const items: GeventValue[] = [];
  for (let i = 0; i < n; i++) {
    next = scanValue(buf, next, end, depth + 1, build);
    if (next < 0) return next;
    if (build) items.push(scanned);
  }
  if (build) scanned = { t: "arr", v: items };
  return next;
}

function scanRequest(
  buf: Uint8Array,
  pos: number,
  end: number,
  build: boolean,
  max: number,
): number {
  reqStart = pos;
  reqMax = max;
  return scanValue(buf, pos, end, 0, build);
}

/** The gevent request scanner for the shared loops (frame-scan.ts). */
const GEVENT_SCANNER: Scanner<GeventValue> = {
  scan: scanRequest,
  item: () => scanned,
  counts: () => true,
  error: () => scanError,
};

/**
 * Parses every complete gevent request in [start, end). Stops at the first incomplete request
 * (kept by the caller) or at a framing error. With `atEof` (a WebSocket message, spec §6.3)
 * trailing incomplete bytes are the error `incomplete command in message`.
 */
export function parseGeventRequests(
  buf: Uint8Array,
  start: number,
  end: number,
  atEof = false,
): GeventParse {
  const r = parseWith(
    GEVENT_SCANNER,
    buf,
    start,
    end,
    atEof,
    GeventProtocolErrors.incompleteInMessage,
    WS_MESSAGE_MAX_BYTES,
  );
  return { values: r.items, consumed: r.consumed, error: r.error };
}

/**
 * Finds request boundaries without building values (TCP shim, spec §12.2): the longest run of
 * complete requests from `start` within PIPELINE_MAX_COMMANDS requests and WS_MESSAGE_MAX_BYTES
 * bytes; a framing error (or one request larger than a message) ends it with `error`.
 */
export function frameGevent(buf: Uint8Array, start: number, end: number): GeventFrame {
  return frameWith(GEVENT_SCANNER, buf, start, end);
}

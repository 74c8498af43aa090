// Transport-free replies. Commands return these; each codec encodes them for its wire
// (RESP2/RESP3, gevent, Blink lines, Flask JSON, Upstash JSON). Plain objects, so they cross
// Durable Object RPC by structured clone.

import type { ErrorCode } from "./errors.ts";
import { CommandError } from "./errors.ts";
import type { JsonValue } from "./json-value.ts";

export type Reply =
  | { readonly k: "status"; readonly v: string }
  | {
      readonly k: "error";
      readonly code: ErrorCode;
      readonly v: string;
      /** Already counted in the error stats (a script's error from a command it called). */
      readonly counted?: true;
    }
  | { readonly k: "int"; readonly v: number | bigint }
  | { readonly k: "bulk"; readonly v: string }
  | { readonly k: "nil" }
  | { readonly k: "array"; readonly v: readonly Reply[] }
  | { readonly k: "nilarray" }
  /** Flat [k1, v1, k2, v2, ...]: RESP3 map, RESP2 flat array. */
  | { readonly k: "map"; readonly v: readonly Reply[] }
  /** RESP3 set, RESP2 array. */
  | { readonly k: "set"; readonly v: readonly Reply[] }
  /**
   * RESP3 double, RESP2 bulk (Redis score text; `text`, when given, replaces it: GEOPOS prints
   * coordinates with `%.17Lf`, not the score's `%.17g`).
   */
  | { readonly k: "double"; readonly v: number; readonly text?: string }
  /** RESP3 boolean, RESP2 integer 1/0. */
  | { readonly k: "bool"; readonly v: boolean }
  /** RESP3 verbatim text, RESP2 bulk. */
  | { readonly k: "verbatim"; readonly v: string }
  /** A JSON value, for the Light-Redis view (spec §3.4). */
  | { readonly k: "json"; readonly v: JsonValue }
  /** No reply at all (Blink QUIT). */
  | { readonly k: "none" }
  /** RESP3 push (pub/sub messages, invalidations), RESP2 array. */
  | { readonly k: "push"; readonly v: readonly Reply[] }
  /** Several top-level replies from one command (SUBSCRIBE a b: one confirmation each). */
  | { readonly k: "seq"; readonly v: readonly Reply[] };

export type ErrorReply = Extract<Reply, { k: "error" }>;

const SMALL_INTS: Reply[] = Array.from({ length: 256 }, (_, i) => ({ k: "int", v: i }) as const);

/** Reply constructors; the common ones are shared frozen objects. */
export const R = {
  OK: { k: "status", v: "OK" } as Reply,
  QUEUED: { k: "status", v: "QUEUED" } as Reply,
  PONG: { k: "status", v: "PONG" } as Reply,
  NIL: { k: "nil" } as Reply,
  NILARRAY: { k: "nilarray" } as Reply,
  NONE: { k: "none" } as Reply,
  EMPTY: { k: "array", v: [] } as Reply,
  ZERO: SMALL_INTS[0]!,
  ONE: SMALL_INTS[1]!,
  status: (v: string): Reply => ({ k: "status", v }),
  int: (v: number | bigint): Reply =>
    typeof v === "number" && v >= 0 && v < 256 && Number.isInteger(v)
      ? SMALL_INTS[v]!
      : { k: "int", v },
  bulk: (v: string): Reply => ({ k: "bulk", v }),
  bulkOrNil: (v: string | undefined): Reply => (v === undefined ? R.NIL : { k: "bulk", v }),
  array: (v: readonly Reply[]): Reply => ({ k: "array", v }),
  bulks: (v: Iterable<string>): Reply => ({ k: "array", v: Array.from(v, (s) => R.bulk(s)) }),
  map: (v: readonly Reply[]): Reply => ({ k: "map", v }),
  set: (v: readonly Reply[]): Reply => ({ k: "set", v }),
  double: (v: number): Reply => ({ k: "double", v }),
  /** A double printed as `text` in both protocols. */
  doubleText: (v: number, text: string): Reply => ({ k: "double", v, text }),
  bool: (v: boolean): Reply => ({ k: "bool", v }),
  verbatim: (v: string): Reply => ({ k: "verbatim", v }),
  json: (v: JsonValue): Reply => ({ k: "json", v }),
  push: (v: readonly Reply[]): Reply => ({ k: "push", v }),
  seq: (v: readonly Reply[]): Reply => ({ k: "seq", v }),
  error: (e: CommandError): ErrorReply => ({ k: "error", code: e.code, v: e.message }),
};

/** True for an error reply. */
export function isError(r: Reply): r is ErrorReply {
  return r.k === "error";
}

/** The error reply for anything thrown by a command: typed errors keep their text. */
export function errorReplyOf(e: unknown): ErrorReply {
  if (e instanceof CommandError) return R.error(e);
  return { k: "error", code: "INTERNAL", v: "ERR internal error" };
}

/**
 * The bytes a reply carries, as a codec will frame them give or take a few per element: what
 * REPLY_MAX_BYTES counts. Walks arrays, so it costs what encoding them would.
 */
export function replyBytes(r: Reply): number {
  switch (r.k) {
    case "bulk":
    case "status":
    case "error":
    case "verbatim":
      return r.v.length + 8;
    case "array":
    case "map":
    case "set":
    case "push":
    case "seq": {
      let n = 8;
      for (const x of r.v) n += replyBytes(x);
      return n;
    }
    case "json":
      return JSON.stringify(r.v)?.length ?? 4;
    default:
      return 8;
  }
}

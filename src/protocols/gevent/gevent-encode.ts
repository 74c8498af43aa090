// gevent reply encoding (spec §9.4): the original's writer never emits `+`, so statuses are
// bulk strings; doubles are bulk Python float text; JSON values map onto the wire types.

import type { JsonValue } from "../../engine/json-value.ts";
import type { Reply } from "../../engine/reply.ts";
import { pyFloatRepr } from "../python-json.ts";
import { sharedWriter as w } from "../resp/resp-writer.ts";
import { encodeOneReply, encodeReplies, writeSharedKind } from "../resp/shared-replies.ts";

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

function write(r: Reply): void {
  if (writeSharedKind(r, write, undefined)) return;
  switch (r.k) {
    case "status":
    case "verbatim":
      w.bulk("$", r.v);
      return;
    case "nil":
    case "nilarray":
      w.ascii("$-1\r\n");
      return;
    case "push":
    case "seq":
    case "set":
      w.header("*", r.v.length);
      for (const x of r.v) write(x);
      return;
    case "map":
      w.header("%", r.v.length >> 1);
      for (const x of r.v) write(x);
      return;
    case "double":
      w.bulk("$", pyFloatRepr(r.v));
      return;
    case "bool":
      w.ascii(r.v ? ":1\r\n" : ":0\r\n");
      return;
    case "json":
      writeJson(r.v);
      return;
  }
}

function writeJson(v: JsonValue): void {
  if (v === null) return w.ascii("$-1\r\n");
  switch (typeof v) {
    case "string":
      return w.bulk("$", v);
    case "bigint":
      if (v >= I64_MIN && v <= I64_MAX) return w.ascii(":" + v + "\r\n");
      return w.bulk("$", v.toString());
    case "number":
      return w.bulk("$", pyFloatRepr(v));
    case "boolean":
      return w.ascii(v ? ":1\r\n" : ":0\r\n");
  }
  if (Array.isArray(v)) {
    w.header("*", v.length);
    for (const x of v) writeJson(x);
    return;
  }
  w.header("%", v.size);
  for (const [k, x] of v) {
    w.bulk("$", k);
    writeJson(x);
  }
}

/** The gevent bytes of a run of replies, concatenated. */
export function encodeGevent(replies: readonly Reply[]): Uint8Array {
  return encodeReplies(write, replies, undefined);
}

/** The gevent bytes of one reply. */
export function encodeGeventReply(r: Reply): Uint8Array {
  return encodeOneReply(write, r, undefined);
}

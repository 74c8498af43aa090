// Upstash REST replies (spec §11.2): engine replies as `{"result":…}` / `{"error":…}` JSON,
// written by hand so integers keep every digit (also beyond 2^53), with the base64 encoding
// rules of `Upstash-Encoding: base64`. Compact JSON, non-ASCII as raw UTF-8.

import { isBinary, toBase64, toDisplayText } from "../../engine/bytes.ts";
import type { ErrorReply, Reply } from "../../engine/reply.ts";
import { formatScore, integerText } from "../resp/resp-encode.ts";
import { dumpsCanonical } from "../python-json.ts";

/** Lone surrogates (a byte string's binary marker mixed into a text), shown as U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const REPLACEMENT = "\uFFFD";

/** A JSON string literal of a text (escapes as JSON.stringify: `\"`, `\\`, controls; rest raw). */
function quote(text: string): string {
  return JSON.stringify(text);
}

/** Display text of a byte string: valid UTF-8 as is, anything else with U+FFFD replacements. */
function displayText(s: string): string {
  if (isBinary(s)) return toDisplayText(s);
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(s) ? s.replace(LONE_SURROGATE, REPLACEMENT) : s;
}

/** The JSON string of a bulk or status payload under the chosen encoding. */
function stringJson(s: string, base64: boolean): string {
  return quote(base64 ? toBase64(s) : displayText(s));
}

/** `{"error":"<text>"}` for an error text (never base64-encoded). */
export function errorJson(text: string): string {
  return `{"error":${quote(displayText(text))}}`;
}

/**
 * The JSON value of a reply (spec §11.2 table). Map, set, double and bool replies take their
 * RESP2 shape (flat array, array, score text, 0/1). `top` marks the top level of a `result`,
 * where a status exactly `OK` is never base64-encoded.
 */
export function replyJson(r: Reply, base64: boolean, top = false): string {
  switch (r.k) {
    case "status":
      return top && r.v === "OK" ? '"OK"' : stringJson(r.v, base64);
    case "bulk":
    case "verbatim":
      return stringJson(r.v, base64);
    case "int":
      return integerText(r.v);
    case "bool":
      return r.v ? "1" : "0";
    case "double":
      return stringJson(r.text ?? formatScore(r.v, 2), base64);
    case "nil":
    case "nilarray":
    case "none":
      return "null";
    case "error":
      return errorJson(r.v);
    case "json":
      // Not produced by the Redis dialect; shown as its canonical text (what GET shows).
      return stringJson(dumpsCanonical(r.v), base64);
    case "array":
    case "push":
    case "seq":
    case "map":
    case "set": {
      let out = "[";
      for (let i = 0; i < r.v.length; i++) {
        if (i > 0) out += ",";
        out += replyJson(r.v[i]!, base64);
      }
      return out + "]";
    }
  }
}

/** `{"result":…}` for a reply, or `{"error":…}` for an error reply. */
export function envelopeJson(r: Reply, base64: boolean): string {
  return r.k === "error" ? errorJson(r.v) : `{"result":${replyJson(r, base64, true)}}`;
}

/** The JSON array of envelopes of a pipeline or transaction (spec §11.4, §11.5). */
export function envelopesJson(replies: readonly Reply[], base64: boolean): string {
  let out = "[";
  for (let i = 0; i < replies.length; i++) {
    if (i > 0) out += ",";
    out += envelopeJson(replies[i]!, base64);
  }
  return out + "]";
}

/** HTTP status of a single command's reply: 400 for command errors (spec §11.3, §4.2). */
export function replyStatus(r: Reply): number {
  if (r.k !== "error") return 200;
  return errorStatus(r);
}

/** HTTP status of an error reply: 500 internal, 503 unavailable, otherwise 400 (spec §4.2). */
export function errorStatus(r: ErrorReply): number {
  if (r.code === "INTERNAL") return 500;
  if (r.code === "UNAVAILABLE") return 503;
  return 400;
}

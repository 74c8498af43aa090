// Strict RFC 8259 parser for the JSON input rules of spec §3.3.
//
// Hand-written because JSON.parse cannot keep integers beyond 2^53 or the integer/float
// distinction cheaply, accepts lone surrogate escapes, and has no depth limit. This runs on
// every Light-Redis and Upstash request body, so it scans with charCodeAt, slices whole runs of
// plain string characters, and recurses only per container level (bounded by maxDepth).

import { NESTING_MAX_DEPTH } from "../limits.ts";
import { JsonParseError } from "./json-parse-types.ts";
import type { JsonValueWithSource, ParseJsonOptions } from "./json-parse-types.ts";
import { Parser } from "./json-parser.ts";
import type { JsonValue } from "./json-value.ts";

export { JsonNumberSource, JsonParseError } from "./json-parse-types.ts";
export type { JsonValueWithSource, ParseJsonOptions } from "./json-parse-types.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Parses JSON text strictly per spec §3.3; throws JsonParseError on any invalid input. */
export function parseJson(
  text: string,
  opts: ParseJsonOptions & { numbersAsSource: true },
): JsonValueWithSource;
export function parseJson(
  text: string,
  opts?: ParseJsonOptions & { numbersAsSource?: false },
): JsonValue;
export function parseJson(text: string, opts?: ParseJsonOptions): JsonValueWithSource;
export function parseJson(text: string, opts?: ParseJsonOptions): JsonValueWithSource {
  const parser = new Parser(
    text,
    opts?.maxDepth ?? NESTING_MAX_DEPTH,
    opts?.numbersAsSource === true,
  );
  try {
    return parser.parseDocument();
  } catch (e) {
    // Only reachable with a caller-raised maxDepth beyond what the JS stack can recurse.
    if (e instanceof RangeError) throw new JsonParseError("nesting too deep", parser.pos);
    throw e;
  }
}

/** parseJson of UTF-8 bytes; invalid UTF-8 (and a byte order mark) is invalid JSON. */
export function parseJsonBytes(
  bytes: Uint8Array,
  opts: ParseJsonOptions & { numbersAsSource: true },
): JsonValueWithSource;
export function parseJsonBytes(
  bytes: Uint8Array,
  opts?: ParseJsonOptions & { numbersAsSource?: false },
): JsonValue;
export function parseJsonBytes(bytes: Uint8Array, opts?: ParseJsonOptions): JsonValueWithSource;
export function parseJsonBytes(bytes: Uint8Array, opts?: ParseJsonOptions): JsonValueWithSource {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new JsonParseError("invalid UTF-8", -1);
  }
  return parseJson(text, opts);
}

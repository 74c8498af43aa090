// Upstash REST requests (spec §11.1, §11.4, §11.5): the JSON body forms, the path form, and the
// response options carried by headers. Produces argument vectors of byte strings
// (src/engine/bytes.ts); never touches the engine.

import { fromBytes } from "../../engine/bytes.ts";
import { Errors } from "../../engine/errors.ts";
import { PIPELINE_MAX_COMMANDS } from "../../limits.ts";
import { JsonNumberSource, JsonParseError, parseJsonBytes } from "../python-json.ts";
import type { JsonValueWithSource } from "../python-json.ts";

/** Error texts of this surface's request validation (spec §11.1, §11.2, §11.4). */
export const UPSTASH_ERRORS = {
  invalidJson: "ERR invalid JSON body",
  badArgument: "ERR invalid argument: command arguments must be strings, numbers or booleans",
  emptyCommand: "ERR empty command",
  notPipeline: "ERR pipeline must be an array of command arrays",
  tooMany: Errors.tooManyCommands().message,
  badFormat: "ERR invalid Upstash-Response-Format",
  base64WithResp2:
    "ERR Upstash-Encoding base64 cannot be combined with Upstash-Response-Format resp2",
} as const;

/** A parse outcome: the value, or the error text of a 400 answer. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

/** One command as bytes: argv[0] is the name as sent. */
export type Argv = string[];

/** How replies are rendered (spec §11.2). */
export interface ResponseOptions {
  /** `Upstash-Encoding: base64`: bulk and status strings as base64. */
  base64: boolean;
  /** `Upstash-Response-Format: resp2`: the raw RESP2 bytes instead of JSON. */
  resp2: boolean;
}

/**
 * Response options from the request headers. At `/multi-exec` (`resp2Allowed` false) the format
 * is still validated but always JSON, so it cannot conflict with base64 there.
 */
export function responseOptions(
  encoding: string | null,
  format: string | null,
  resp2Allowed: boolean,
): Parsed<ResponseOptions> {
  const base64 = (encoding ?? "").trim().toLowerCase() === "base64";
  const f = (format ?? "json").trim().toLowerCase();
  if (f !== "json" && f !== "resp2") return fail(UPSTASH_ERRORS.badFormat);
  const resp2 = f === "resp2" && resp2Allowed;
  if (resp2 && base64) return fail(UPSTASH_ERRORS.base64WithResp2);
  return { ok: true, value: { base64, resp2 } };
}

function parseBody(bytes: Uint8Array): Parsed<JsonValueWithSource> {
  try {
    return { ok: true, value: parseJsonBytes(bytes, { numbersAsSource: true }) };
  } catch (e) {
    if (e instanceof JsonParseError) return fail(UPSTASH_ERRORS.invalidJson);
    throw e;
  }
}

/**
 * One parsed JSON command array as argv: strings as their UTF-8 bytes, numbers as source text,
 * booleans as `true`/`false`.
 */
export function commandFromJson(v: JsonValueWithSource): Parsed<Argv> {
  if (!Array.isArray(v)) return fail(UPSTASH_ERRORS.badArgument);
  if (v.length === 0) return fail(UPSTASH_ERRORS.emptyCommand);
  if (typeof v[0] !== "string") return fail(UPSTASH_ERRORS.badArgument);
  const argv: Argv = new Array<string>(v.length);
  for (let i = 0; i < v.length; i++) {
    const a = v[i];
    if (typeof a === "string") argv[i] = a;
    else if (a instanceof JsonNumberSource) argv[i] = a.text;
    // The SDK sends booleans as they are (`hset(k, { f: false })`); Upstash reads them as text.
    else if (typeof a === "boolean" && i > 0) argv[i] = a ? "true" : "false";
    else return fail(UPSTASH_ERRORS.badArgument);
  }
  return { ok: true, value: argv };
}

/** `POST B/` with a JSON array body: one command (spec §11.1). */
export function parseCommandBody(bytes: Uint8Array): Parsed<Argv> {
  const body = parseBody(bytes);
  return body.ok ? commandFromJson(body.value) : body;
}

/** `POST B/pipeline` and `POST B/multi-exec` bodies: an array of command arrays (spec §11.4). */
export function parsePipelineBody(bytes: Uint8Array): Parsed<Argv[]> {
  const body = parseBody(bytes);
  if (!body.ok) return body;
  const v = body.value;
  if (!Array.isArray(v)) return fail(UPSTASH_ERRORS.notPipeline);
  if (v.length > PIPELINE_MAX_COMMANDS) return fail(UPSTASH_ERRORS.tooMany);
  const out: Argv[] = [];
  for (const c of v) {
    if (!Array.isArray(c)) return fail(UPSTASH_ERRORS.notPipeline);
    const argv = commandFromJson(c);
    if (!argv.ok) return argv;
    out.push(argv.value);
  }
  return { ok: true, value: out };
}

const encoder = new TextEncoder();
const PERCENT = 0x25;
const PLUS = 0x2b;
const SPACE = 0x20;
const HEX_RADIX = 16;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/**
 * Percent-decodes a URL component to a byte string. `%XX` becomes that byte; a `%` not followed
 * by two hex digits stays as it is (WHATWG URL decoding); with `plusIsSpace`, `+` is a space
 * (form decoding). Other characters are taken as their UTF-8 bytes.
 */
export function percentDecode(s: string, plusIsSpace = false): string {
  const src = encoder.encode(s);
  const out = new Uint8Array(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === PERCENT && i + 2 < src.length) {
      const hi = hexValue(src[i + 1]!);
      const lo = hexValue(src[i + 2]!);
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * HEX_RADIX + lo;
        i += 2;
        continue;
      }
    }
    out[n++] = plusIsSpace && c === PLUS ? SPACE : c;
  }
  return fromBytes(out.subarray(0, n));
}

/** The query parameter that carries credentials; never a command argument (spec §5.2, §11.1). */
const TOKEN_PARAM = "_token";

/**
 * The path form (spec §11.1): `route` is the path after the namespace base, still
 * percent-encoded (e.g. `/set/foo/bar`); `search` the raw query (`?EX=100` or ""); `body` the
 * request body of a POST/PUT (appended when non-empty) or null.
 */
export function parsePathCommand(
  route: string,
  search: string,
  body: Uint8Array | null,
): Parsed<Argv> {
  let path = route.startsWith("/") ? route.slice(1) : route;
  if (path.endsWith("/")) path = path.slice(0, -1);
  if (path === "" && !route.startsWith("//")) return fail(UPSTASH_ERRORS.emptyCommand);
  const argv: Argv = path.split("/").map((seg) => percentDecode(seg));
  if (body && body.length > 0) argv.push(fromBytes(body));
  const query = search.startsWith("?") ? search.slice(1) : search;
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = percentDecode(eq < 0 ? part : part.slice(0, eq), true);
    if (name === TOKEN_PARAM) continue;
    argv.push(name);
    if (eq >= 0) argv.push(percentDecode(part.slice(eq + 1), true));
  }
  return { ok: true, value: argv };
}

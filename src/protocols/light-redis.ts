// Light-Redis's JSON protocol (spec §8): a request object in, one command out; a reply in,
// Flask JSON out. The original's truthiness and key-type rules are applied here (§8.3-8.4),
// so the engine's Light-Redis commands only see well-formed arguments.

import { isBinary } from "../engine/bytes.ts";
import type { BatchItem, Dialect } from "../engine/command.ts";
import { CommandError } from "../engine/errors.ts";
import type { JsonObject, JsonValue } from "../engine/json-value.ts";
import { isJsonObject } from "../engine/json-value.ts";
import { R } from "../engine/reply.ts";
import type { Reply } from "../engine/reply.ts";
import { dumpsCanonical, dumpsFlask, pyFloatRepr } from "./python-json.ts";
import { formatScore } from "./resp/resp-encode.ts";

/** The original's eight commands, matched case-sensitively (spec §8.1). */
const NATIVE = new Set(["set", "get", "info", "sadd", "save", "smembers", "sismember", "scard"]);
/** Redis commands the generic form refuses (spec §8.7). */
const GENERIC_EXCLUDED = new Set([
  "auth",
  "hello",
  "quit",
  "reset",
  "select",
  "client",
  "command",
  "multi",
  "exec",
  "discard",
  "watch",
  "unwatch",
]);

export const NOT_A_VALID_COMMAND = "NOT_A_VALID_COMMAND";

/** A Light-Redis request turned into one batch item, and how to render its reply. */
export interface LightRedisRequest {
  dialect: Dialect;
  item: BatchItem;
  /** The generic form (§8.7) renders replies and errors differently from the eight. */
  generic: boolean;
}

/** An HTTP answer of this door: status, body (with its trailing newline) and the canonical error text. */
export interface LightRedisResponse {
  status: number;
  body: string;
  error?: string;
}

const fail = (text: string): BatchItem => ({ reply: R.error(new CommandError("ERR", text)) });
const NOT_VALID: BatchItem = { reply: { k: "error", code: "ERR", v: NOT_A_VALID_COMMAND } };

/** Python truthiness of a JSON value (spec §8.3). */
export function truthy(v: JsonValue | undefined): boolean {
  if (v === undefined || v === null || v === false || v === "" || v === 0n || v === 0) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isJsonObject(v)) return v.size > 0;
  return true;
}

/** Python's JSON text of a scalar member (`5`, `1.5`, `true`). */
function scalarText(v: JsonValue): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return pyFloatRepr(v);
  if (v === true) return "true";
  return undefined;
}

/** Turns a request object into a batch item (spec §8.1, §8.4, §8.7). */
export function parseLightRedis(
  body: JsonObject,
  isRedisCommand: (name: string) => boolean,
): LightRedisRequest {
  const cmd = body.get("cmd");
  const key = body.get("key");
  const value = body.get("value");
  const native = (item: BatchItem): LightRedisRequest => ({
    dialect: "lightredis",
    item,
    generic: false,
  });
  if (typeof cmd !== "string") return native(NOT_VALID);
  if (!NATIVE.has(cmd)) return generic(cmd, body, isRedisCommand);
  if (cmd === "info" || cmd === "save") return native({ argv: [cmd] });
  if (!truthy(key) || (cmd === "set" || cmd === "sadd" ? !truthy(value) : false)) {
    return native(fail("ERR key and value must be non-empty"));
  }
  if (typeof key !== "string") return native(fail("ERR key must be a string"));
  switch (cmd) {
    case "set":
      if (typeof value === "string") return native({ argv: [cmd, key, value] });
      if (isJsonObject(value!)) {
        return native({
          argv: [cmd, key, ""],
          typed: [undefined, undefined, { type: "json", text: dumpsCanonical(value) }],
        });
      }
      return native(fail("ERR value must be a non-empty string or object"));
    case "sadd": {
      const member = scalarText(value!);
      return native(
        member === undefined
          ? fail("ERR set members must be strings, numbers or booleans")
          : { argv: [cmd, key, member] },
      );
    }
    case "sismember": {
      const member =
        value === undefined || value === null || value === false ? undefined : scalarText(value);
      return native({ argv: member === undefined ? [cmd, key] : [cmd, key, member] });
    }
    default:
      return native({ argv: [cmd, key] });
  }
}

function generic(
  cmd: string,
  body: JsonObject,
  isRedisCommand: (name: string) => boolean,
): LightRedisRequest {
  const lower = cmd.toLowerCase();
  const name = lower === "delete" ? "del" : lower;
  const out = (item: BatchItem): LightRedisRequest => ({ dialect: "redis", item, generic: true });
  if (NATIVE.has(lower) || GENERIC_EXCLUDED.has(name) || !isRedisCommand(name)) {
    return { dialect: "lightredis", item: NOT_VALID, generic: false };
  }
  const argv = [name];
  const badArgs = fail("ERR arguments must be strings or numbers");
  const key = body.get("key");
  const value = body.get("value");
  const args = body.get("args");
  if (key !== undefined) {
    if (typeof key !== "string") return out(badArgs);
    argv.push(key);
  }
  if (value !== undefined) {
    const v =
      typeof value === "string" || typeof value === "bigint" || typeof value === "number"
        ? scalarText(value)
        : undefined;
    if (v === undefined) return out(badArgs);
    argv.push(v);
  }
  if (args !== undefined) {
    if (!Array.isArray(args)) return out(badArgs);
    for (const a of args) {
      const v =
        typeof a === "string" || typeof a === "bigint" || typeof a === "number"
          ? scalarText(a)
          : undefined;
      if (v === undefined) return out(badArgs);
      argv.push(v);
    }
  }
  return out({ argv });
}

/** Flask's body: JSON with sorted keys, ASCII escapes and one trailing newline. */
export function flaskBody(v: JsonValue): string {
  return dumpsFlask(v) + "\n";
}

/** An error answer of this door (`"ERROR"` with the reason in a header, §4.2). */
export function lightRedisError(
  status: number,
  canonical: string,
  body = "ERROR",
): LightRedisResponse {
  return { status, body: flaskBody(body), error: canonical };
}

/** Renders the reply of a Light-Redis request (spec §8.2, §8.6, §8.7). */
export function encodeLightRedis(r: Reply, generic: boolean): LightRedisResponse {
  if (r.k === "error") {
    if (r.v === NOT_A_VALID_COMMAND) return lightRedisError(400, r.v, NOT_A_VALID_COMMAND);
    if (generic) return lightRedisError(400, r.v, r.v);
    return lightRedisError(400, r.v, r.code === "WRONGTYPE" ? r.v : "ERROR");
  }
  try {
    return { status: 200, body: flaskBody(toJson(r)) };
  } catch (e) {
    if (e instanceof CommandError) return lightRedisError(400, e.message);
    throw e;
  }
}

/** A reply as JSON (generic form mapping of §8.7; json replies pass through). */
function toJson(r: Reply): JsonValue {
  switch (r.k) {
    case "json":
      return r.v;
    case "status":
    case "verbatim":
      return r.v;
    case "bulk":
      if (isBinary(r.v)) throw new CommandError("ERR", "ERR value is not valid UTF-8");
      return r.v;
    case "int":
      return BigInt(r.v);
    case "bool":
      return r.v ? 1n : 0n;
    case "double":
      return r.text ?? formatScore(r.v, 2);
    case "nil":
    case "nilarray":
    case "none":
      return null;
    case "error":
      return r.v;
    case "array":
    case "push":
    case "seq":
    case "map":
    case "set":
      return r.v.map(toJson);
  }
}

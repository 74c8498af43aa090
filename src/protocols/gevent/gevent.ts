// gevent request handling (spec §9.2 steps 1-7, §9.3): one parsed request value becomes an
// engine Command, or the error reply of the first failing step. Scope and capacity (step 8)
// are the engine's.

import { byteLength, isBinary, toDisplayText } from "../../engine/bytes.ts";
import type { Command, TypedArg } from "../../engine/command.ts";
import { CommandError, Errors } from "../../engine/errors.ts";
import type { JsonObject, JsonValue } from "../../engine/json-value.ts";
import { R } from "../../engine/reply.ts";
import type { ErrorReply } from "../../engine/reply.ts";
import { KEY_MAX_BYTES, VALUE_MAX_BYTES } from "../../limits.ts";
import type { GeventValue } from "./gevent-wire.ts";
import { dumpsCanonical } from "../python-json.ts";
import { OVERFLOW } from "../resp/resp-scan.ts";

/** Error texts of spec §9.2 and §9.3. */
export const GeventErrors = {
  notListOrString: "Request must be list or simple string.",
  missingCommand: "Missing command",
  invalidUtf8Inline: "ERR invalid UTF-8 in inline request",
  nameNotString: "ERR invalid command name: must be a string",
  invalidKey: "ERR invalid key: must be a string or integer",
  nullValue: "ERR invalid value: null cannot be stored",
  errorValue: "ERR invalid value: errors cannot be stored",
  nestedUtf8: "ERR invalid value: nested strings must be valid UTF-8",
  dictKey: "ERR invalid value: dict keys must be strings or integers",
} as const;

/** Arguments after the name, per command; -1 = any number (spec §9.2 step 5). */
const ARITY: Readonly<Record<string, number>> = {
  GET: 1,
  SET: 2,
  DELETE: 1,
  FLUSH: 0,
  MGET: -1,
  MSET: -1,
};

/** Python `str.isspace()` characters: Unicode White_Space plus U+001C-U+001F. */
const PY_SPACE_RUN =
  /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** UTF-8 bytes per UTF-16 unit (or per char of a binary byte string), at most: a cheap size bound. */
const UTF8_MAX_PER_UNIT = 3;

function fail(text: string): never {
  throw Errors.custom(text);
}

function integer(v: bigint | typeof OVERFLOW): bigint {
  if (v === OVERFLOW) throw Errors.notInteger();
  return v;
}

// Step 1: the request's arguments.
function requestArgs(v: GeventValue): GeventValue[] {
  if (v.t === "arr") return v.v;
  if (v.t !== "str") fail(GeventErrors.notListOrString);
  if (isBinary(v.v)) fail(GeventErrors.invalidUtf8Inline);
  return v.v
    .split(PY_SPACE_RUN)
    .filter((s) => s.length > 0)
    .map((s) => ({ t: "str", v: s }));
}

// Step 3: the command name, upper-cased.
function commandName(v: GeventValue): string {
  if (v.t === "str") return toDisplayText(v.v).toUpperCase();
  if (v.t === "int") return integer(v.v).toString();
  return fail(GeventErrors.nameNotString);
}

// Step 6: a key's bytes.
function keyOf(v: GeventValue): string {
  let key: string;
  if (v.t === "str") key = v.v;
  else if (v.t === "int") key = integer(v.v).toString();
  else return fail(GeventErrors.invalidKey);
  if (key.length * UTF8_MAX_PER_UNIT > KEY_MAX_BYTES && byteLength(key) > KEY_MAX_BYTES)
    throw Errors.keyTooLarge();
  return key;
}

// Step 7: a top-level SET/MSET value (spec §9.3).
function valueOf(v: GeventValue, valueMax: number): TypedArg {
  switch (v.t) {
    case "str":
      if (v.v.length * UTF8_MAX_PER_UNIT > valueMax && byteLength(v.v) > valueMax)
        throw Errors.valueTooLarge(valueMax);
      return { type: "string", v: v.v };
    case "int":
      return { type: "int", v: integer(v.v) };
    case "null":
      return fail(GeventErrors.nullValue);
    case "err":
      return fail(GeventErrors.errorValue);
    default: {
      const text = dumpsCanonical(toJson(v));
      if (byteLength(text) > valueMax) throw Errors.valueTooLarge(valueMax);
      return { type: "json", text };
    }
  }
}

// A value nested in a `%`/`*` value, as JSON.
function toJson(v: GeventValue): JsonValue {
  switch (v.t) {
    case "str":
      if (isBinary(v.v)) fail(GeventErrors.nestedUtf8);
      return v.v;
    case "int":
      return integer(v.v);
    case "null":
      return null;
    case "err":
      return fail(GeventErrors.errorValue);
    case "arr":
      return v.v.map(toJson);
    case "dict": {
      // Map.set keeps a repeated key at its first position with the last value.
      const obj: JsonObject = new Map();
      for (const [k, x] of v.v) obj.set(dictKey(k), toJson(x));
      return obj;
    }
  }
}

function dictKey(k: GeventValue): string {
  if (k.t === "int") return integer(k.v).toString();
  if (k.t !== "str") return fail(GeventErrors.dictKey);
  if (isBinary(k.v)) fail(GeventErrors.nestedUtf8);
  return k.v;
}

function valueArg(t: TypedArg): string {
  return t.type === "string" ? t.v : t.type === "int" ? t.v.toString() : t.text;
}

function toCommand(req: GeventValue, valueMax: number): Command {
  const args = requestArgs(req);
  if (args.length === 0) fail(GeventErrors.missingCommand);
  const name = commandName(args[0]!);
  const arity = ARITY[name];
  if (arity === undefined) fail(`Unrecognized command: ${name.replace(/[\r\n]/g, " ")}`);
  let argc = args.length - 1;
  if (name === "MSET")
    argc -= argc % 2; // a trailing odd key is ignored
  else if (arity >= 0 && argc !== arity) throw Errors.arity(name.toLowerCase());
  const argv: string[] = [name];
  const pairs = name === "SET" || name === "MSET";
  // Keys are every argument, or every other one for SET/MSET; values get filled in below.
  for (let i = 1; i <= argc; i++) argv.push(!pairs || i % 2 === 1 ? keyOf(args[i]!) : "");
  if (!pairs) return { argv };
  const typed: (TypedArg | undefined)[] = new Array<TypedArg | undefined>(argv.length).fill(
    undefined,
  );
  for (let i = 2; i <= argc; i += 2) {
    const t = valueOf(args[i]!, valueMax);
    typed[i] = t;
    argv[i] = valueArg(t);
  }
  return { argv, typed };
}

/**
 * One gevent request as an engine Command (`argv[0]` the upper-cased name, keys as byte strings,
 * SET/MSET values typed), or the error reply of spec §9.2/§9.3. `valueMax` is the effective
 * VALUE_MAX_BYTES (it is configurable).
 */
export function geventToCommand(
  req: GeventValue,
  valueMax: number = VALUE_MAX_BYTES,
): Command | ErrorReply {
  try {
    return toCommand(req, valueMax);
  } catch (e) {
    if (e instanceof CommandError) return R.error(e);
    throw e;
  }
}

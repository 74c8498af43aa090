// A Light-Redis db.json snapshot (originals.md §2.6) as an import body (spec §13.5 table):
// `{key: {"cmd": "set" | "sadd", "val": …}}` validated into records, in object order.

import type { JsonValue } from "../../engine/json-value.ts";
import { NESTING_MAX_DEPTH } from "../../limits.ts";
import { RecordError, checkKey, checkValue, dedupeSet, jsonDepth } from "./export-format.ts";
import type { ImportLimits, ImportRecord, ImportValue } from "./export-format.ts";
import { isObject } from "./import-record.ts";
import type { ImportParse } from "./import-record.ts";
import { JsonParseError, dumpsCanonical, parseJsonBytes, pyFloatRepr } from "../python-json.ts";

const LF = 0x0a;

/** Validates a Light-Redis db.json snapshot (spec §13.5 table) into records, in object order. */
export function parseLightRedisImport(body: Uint8Array, limits: ImportLimits): ImportParse {
  let root: JsonValue;
  try {
    // db.json nests each value two levels down: {key: {"val": value}}.
    root = parseJsonBytes(body, { maxDepth: NESTING_MAX_DEPTH + 2 });
  } catch (e) {
    if (!(e instanceof JsonParseError)) throw e;
    if (e.position < 0) return { ok: false, error: `ERR import: ${e.message}` };
    return { ok: false, error: `ERR import line ${lineOf(body, e.position)}: ${e.message}` };
  }
  if (!isObject(root))
    return { ok: false, error: "ERR import: a Light-Redis db.json must be a JSON object" };
  const records: ImportRecord[] = [];
  for (const [key, rec] of root) {
    try {
      checkKey(key, limits);
      records.push({ key, expiresAt: 0, ...lightRedisValue(rec, limits) });
    } catch (e) {
      if (e instanceof RecordError)
        return { ok: false, error: `ERR import key '${key}': ${e.message}` };
      throw e;
    }
  }
  return { ok: true, records };
}

function lineOf(body: Uint8Array, utf16Pos: number): number {
  const text = new TextDecoder().decode(body);
  let line = 1;
  for (let i = 0; i < utf16Pos && i < text.length; i++) if (text.charCodeAt(i) === LF) line++;
  return line;
}

function lightRedisValue(rec: JsonValue, limits: ImportLimits): ImportValue & { size: number } {
  if (!isObject(rec)) throw new RecordError("record must be a JSON object");
  const cmd = rec.get("cmd");
  const val = rec.get("val");
  if (cmd === "set") {
    if (typeof val === "string")
      return { type: "string", value: val, size: checkValue(val, limits) };
    if (isObject(val)) {
      if (jsonDepth(val) > NESTING_MAX_DEPTH) throw new RecordError("nesting too deep");
      const text = dumpsCanonical(val);
      return { type: "json", value: text, size: checkValue(text, limits) };
    }
    throw new RecordError('"val" of a "set" record must be a string or an object');
  }
  if (cmd === "sadd") {
    if (!Array.isArray(val)) throw new RecordError('"val" of a "sadd" record must be an array');
    if (val.length === 0) throw new RecordError("empty set (collections never exist empty)");
    return { type: "set", ...dedupeSet(val.map(memberText), limits) };
  }
  if (cmd === undefined) throw new RecordError('missing "cmd"');
  throw new RecordError(
    `unsupported cmd ${typeof cmd === "string" ? `'${cmd}'` : "(not a string)"} (expected "set" or "sadd")`,
  );
}

/** A sadd member: strings as is, numbers and booleans as their Python JSON text. */
function memberText(v: JsonValue): string {
  if (typeof v === "string") return v;
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return pyFloatRepr(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  throw new RecordError('each member of a "sadd" val must be a string, a number or a boolean');
}

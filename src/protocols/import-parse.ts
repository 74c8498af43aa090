// Import bodies (spec §13.5) validated into engine-ready records: JSON lines as written by the
// export (§13.4), or a Light-Redis db.json (originals.md §2.6). Everything is checked here, before
// anything is applied; the first invalid record is the answer. Pure: no I/O.

import { fromBytes } from "../engine/bytes.ts";
import { jsonDepthOf, toJsonText } from "../engine/json-doc.ts";
import { JSON_DOC_MAX_DEPTH } from "../limits.ts";
import type { ValueType } from "../engine/entry.ts";
import type { JsonObject, JsonValue } from "../engine/json-value.ts";
import { DATABASES, NESTING_MAX_DEPTH } from "../limits.ts";
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  RecordError,
  checkKey,
  checkString,
  checkValue,
  dedupeSet,
  jsonDepth,
} from "./export-format.ts";
import type { ImportLimits, ImportRecord, ImportValue } from "./export-format.ts";
import {
  JsonParseError,
  dumpsCanonical,
  parseJson,
  parseJsonBytes,
  pyFloatRepr,
} from "./python-json.ts";

export type ImportParse = { ok: true; records: ImportRecord[] } | { ok: false; error: string };

const TYPES: readonly ValueType[] = [
  "string",
  "int",
  "json",
  "set",
  "hash",
  "list",
  "zset",
  "stream",
  "document",
];
const RECORD_MEMBERS = new Set([
  "db",
  "key",
  "key_encoding",
  "type",
  "encoding",
  "value",
  "expires_at",
]);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DECIMAL_RE = /^-?(0|[1-9][0-9]*)$/;
/**
 * Strict RFC 4648 base64 with padding (atob alone also takes whitespace and missing padding), with
 * the length a multiple of 4. No repeated group: one over a long value overflows V8's regexp stack.
 */
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const LF = 0x0a;

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v instanceof Map;
}

// ---- JSON lines -----------------------------------------------------------------------------

/** Validates a JSON-lines body (header and trailer optional) into records, in file order. */
export function parseJsonlImport(body: Uint8Array, limits: ImportLimits): ImportParse {
  let lines: string[];
  try {
    lines = fatalUtf8.decode(body).split("\n");
  } catch {
    return { ok: false, error: `ERR import line ${firstBadUtf8Line(body)}: invalid UTF-8` };
  }
  const records: ImportRecord[] = [];
  let headerKeys: number | null = null;
  let seenRecordOrHeader = false;
  let trailerLine = 0;
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const text = lines[i]!;
    if (text.trim() === "") continue;
    try {
      if (trailerLine) throw new RecordError(`line after the trailer (line ${trailerLine})`);
      let v: JsonValue;
      try {
        // One level more than NESTING_MAX_DEPTH: the record object wraps a json value.
        v = parseJson(text, { maxDepth: NESTING_MAX_DEPTH + 1 });
      } catch (e) {
        if (e instanceof JsonParseError) throw new RecordError(e.message);
        throw e;
      }
      if (!isObject(v)) throw new RecordError("expected a JSON object");
      if (v.has("format")) {
        if (seenRecordOrHeader) throw new RecordError("header after the first line");
        headerKeys = checkHeader(v);
      } else if (v.has("end")) {
        trailerLine = n;
        checkTrailer(v, headerKeys, records.length);
      } else records.push(parseRecord(v, limits));
      seenRecordOrHeader = true;
    } catch (e) {
      if (e instanceof RecordError)
        return { ok: false, error: `ERR import line ${n}: ${e.message}` };
      throw e;
    }
  }
  return { ok: true, records };
}

/** A record's database: absent or an integer 0..DATABASES-1. */
function dbOf(v: JsonValue | undefined): number {
  if (v === undefined) return 0;
  if (typeof v !== "bigint" || v < 0n || v >= BigInt(DATABASES))
    throw new RecordError(`"db" must be an integer from 0 to ${DATABASES - 1}`);
  return Number(v);
}

function firstBadUtf8Line(body: Uint8Array): number {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i === body.length || body[i] === LF) {
      try {
        fatalUtf8.decode(body.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return line;
}

function checkHeader(h: JsonObject): number | null {
  if (h.get("format") !== EXPORT_FORMAT)
    throw new RecordError(`unknown format (expected "${EXPORT_FORMAT}")`);
  const version = h.get("version");
  if (version !== BigInt(EXPORT_VERSION)) {
    throw new RecordError(
      `unsupported version ${JSON.stringify(String(version ?? null))} (expected ${EXPORT_VERSION})`,
    );
  }
  const keys = h.get("keys");
  return typeof keys === "bigint" ? Number(keys) : null;
}

function checkTrailer(t: JsonObject, headerKeys: number | null, records: number): void {
  if (t.get("end") !== true) throw new RecordError('invalid trailer ("end" must be true)');
  const keys = t.get("keys");
  if (typeof keys !== "bigint" || keys < 0n)
    throw new RecordError('invalid trailer ("keys" must be a count)');
  // With the header in the same body the file is whole: the counts must agree (a cut file fails).
  if (headerKeys !== null && (Number(keys) !== headerKeys || records !== headerKeys)) {
    throw new RecordError(
      `the file has ${records} records but its header says ${headerKeys} and its trailer ${keys}`,
    );
  }
}

function parseRecord(r: JsonObject, limits: ImportLimits): ImportRecord {
  for (const m of r.keys())
    if (!RECORD_MEMBERS.has(m)) throw new RecordError(`unknown member ${JSON.stringify(m)}`);
  const key = byteStringMember(r, "key", "key_encoding");
  checkKey(key, limits);
  const type = r.get("type");
  if (typeof type !== "string" || !TYPES.includes(type as ValueType)) {
    throw new RecordError(`"type" must be one of ${TYPES.map((t) => `"${t}"`).join(", ")}`);
  }
  const t = type as ValueType;
  const encoding = r.get("encoding") ?? defaultEncoding(t);
  const allowed =
    t === "int" ? ["decimal"] : t === "json" || t === "document" ? ["json"] : ["utf8", "base64"];
  if (typeof encoding !== "string" || !allowed.includes(encoding)) {
    throw new RecordError(
      `"encoding" of a ${t} must be ${allowed.map((a) => `"${a}"`).join(" or ")}`,
    );
  }
  if (!r.has("value")) throw new RecordError('missing "value"');
  const value = parseValue(t, r.get("value")!, encoding === "base64", limits);
  const db = dbOf(r.get("db"));
  return { key, ...(db ? { db } : {}), expiresAt: expiresAt(r.get("expires_at")), ...value };
}

function defaultEncoding(t: ValueType): string {
  return t === "int" ? "decimal" : t === "json" || t === "document" ? "json" : "utf8";
}

function expiresAt(v: JsonValue | undefined): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== "bigint" || v <= 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RecordError('"expires_at" must be null or a positive integer (Unix ms)');
  }
  return Number(v);
}

function byteStringMember(r: JsonObject, name: string, encName: string): string {
  const v = r.get(name);
  if (typeof v !== "string")
    throw new RecordError(v === undefined ? `missing "${name}"` : `"${name}" must be a string`);
  const enc = r.get(encName) ?? "utf8";
  if (enc !== "utf8" && enc !== "base64")
    throw new RecordError(`"${encName}" must be "utf8" or "base64"`);
  return enc === "base64" ? decodeBase64(v, name) : v;
}

function decodeBase64(s: string, what: string): string {
  if (s.length % 4 !== 0 || !BASE64_RE.test(s))
    throw new RecordError(`invalid base64 in "${what}"`);
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return fromBytes(out);
}

/** One byte string of a value: a JSON string, base64-decoded when the record says so. */
function bytesOf(v: JsonValue | undefined, base64: boolean, what: string): string {
  if (typeof v !== "string") throw new RecordError(`${what} must be a string`);
  return base64 ? decodeBase64(v, "value") : v;
}

function parseValue(
  t: ValueType,
  v: JsonValue,
  base64: boolean,
  limits: ImportLimits,
): ImportValue & { size: number } {
  switch (t) {
    case "string": {
      const s = bytesOf(v, base64, '"value" of a string');
      return { type: t, value: s, size: checkString(s, limits) };
    }
    case "int": {
      const n = parseInt64(v);
      return { type: t, value: n, size: n.toString().length };
    }
    case "json": {
      if (!Array.isArray(v) && !isObject(v))
        throw new RecordError('"value" of a json record must be an object or an array');
      const text = dumpsCanonical(v);
      return { type: t, value: text, size: checkValue(text, limits) };
    }
    case "document": {
      // Any JSON value; kept as RedisJSON's compact text.
      if (jsonDepthOf(v) > JSON_DOC_MAX_DEPTH) throw new RecordError("document nested too deep");
      const text = toJsonText(v);
      return { type: t, value: text, size: checkValue(text, limits) };
    }
    case "set":
    case "list": {
      const items = nonEmptyArray(v, t).map((x) => bytesOf(x, base64, `each element of a ${t}`));
      if (t === "set") return { type: t, ...dedupeSet(items, limits) };
      let size = 0;
      for (const x of items) size += checkValue(x, limits);
      return { type: t, value: items, size };
    }
    case "hash": {
      // A repeated field keeps its first position and its last value, as HSET would.
      const fields = new Map<string, string>();
      const ttls = new Map<string, number>();
      for (const p of nonEmptyArray(v, t)) {
        if (!Array.isArray(p) || p.length < 2 || p.length > 3)
          // A third member, the field's expires_at, is optional (hash field expiry).
          throw new RecordError("each element of a hash must be a [field, value] pair");
        const f = bytesOf(p[0], base64, "a hash field");
        fields.set(f, bytesOf(p[1], base64, "a hash value"));
        if (p.length === 3) ttls.set(f, fieldTtlOf(p[2]));
        else ttls.delete(f);
      }
      let size = 0;
      for (const [f, x] of fields) size += checkValue(f, limits) + checkValue(x, limits);
      if (ttls.size === 0) return { type: t, value: [...fields], size };
      return { type: t, value: [...fields], size, fieldTtls: [...ttls] };
    }
    case "stream": {
      const members = new Map<string, string>();
      if (!Array.isArray(v)) throw new RecordError('"value" of a stream must be an array');
      for (const p of v) {
        if (!Array.isArray(p) || p.length !== 2)
          throw new RecordError("each element of a stream must be a [member, value] pair");
        members.set(
          bytesOf(p[0], base64, "a stream member"),
          bytesOf(p[1], base64, "a stream value"),
        );
      }
      let size = 0;
      for (const [m, x] of members) size += checkValue(m, limits) + checkValue(x, limits);
      return { type: t, value: [...members], size };
    }
    case "zset": {
      const members = new Map<string, number>();
      for (const p of nonEmptyArray(v, t)) {
        if (!Array.isArray(p) || p.length !== 2)
          throw new RecordError("each element of a zset must be a [member, score] pair");
        members.set(bytesOf(p[0], base64, "a zset member"), parseScore(p[1]!));
      }
      let size = 0;
      for (const m of members.keys()) size += checkValue(m, limits);
      return { type: t, value: [...members], size };
    }
  }
}

function nonEmptyArray(v: JsonValue, t: ValueType): JsonValue[] {
  if (!Array.isArray(v)) throw new RecordError(`"value" of a ${t} must be an array`);
  if (v.length === 0) throw new RecordError(`empty ${t} (collections never exist empty)`);
  return v;
}

function parseInt64(v: JsonValue): bigint {
  let n: bigint;
  if (typeof v === "bigint") n = v;
  else if (typeof v === "string" && DECIMAL_RE.test(v) && v !== "-0") n = BigInt(v);
  else throw new RecordError('"value" of an int must be its decimal text');
  if (n < INT64_MIN || n > INT64_MAX) throw new RecordError("int out of the signed 64-bit range");
  return n;
}

function parseScore(v: JsonValue): number {
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  const x = typeof v === "bigint" ? Number(v) : v;
  if (typeof x !== "number" || !Number.isFinite(x))
    throw new RecordError('a zset score must be a number, "inf" or "-inf"');
  return x;
}

// ---- Light-Redis db.json --------------------------------------------------------------------

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

/** A hash field's expires_at in an import record: a positive integer of Unix ms. */
function fieldTtlOf(x: unknown): number {
  const n = typeof x === "bigint" ? Number(x) : x;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n <= 0)
    throw new RecordError("a hash field's expires_at must be a positive integer (Unix ms)");
  return n;
}

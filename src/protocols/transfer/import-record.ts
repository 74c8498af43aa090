// One record of a JSON-lines import (spec §13.5) validated into an engine-ready record: its key,
// type, encoding, value, database and expiry. Also what both import parsers share: the result
// type and the object test.

import { fromBytes } from "../../engine/bytes.ts";
import { jsonDepthOf, toJsonText } from "../../engine/json-doc.ts";
import type { ValueType } from "../../engine/entry.ts";
import type { JsonObject, JsonValue } from "../../engine/json-value.ts";
import { DATABASES, JSON_DOC_MAX_DEPTH } from "../../limits.ts";
import { RecordError, checkKey, checkString, checkValue, dedupeSet } from "./export-format.ts";
import type { ImportLimits, ImportRecord, ImportValue } from "./export-format.ts";
import { dumpsCanonical } from "../python-json.ts";

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

/** True for a JSON object (the parser gives objects as Maps). */
export function isObject(v: JsonValue | undefined): v is JsonObject {
  return v instanceof Map;
}

/** A JSON-lines record object validated: every member checked, the value sized against `limits`. */
export function parseRecord(r: JsonObject, limits: ImportLimits): ImportRecord {
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
      if (t === "set") return { type: t, ...dedupeSet(items, limits, checkString) };
      let size = 0;
      for (const x of items) size += checkString(x, limits);
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
      for (const [f, x] of fields) size += checkString(f, limits) + checkString(x, limits);
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
      for (const [m, x] of members) size += checkString(m, limits) + checkString(x, limits);
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
      for (const m of members.keys()) size += checkString(m, limits);
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

/** A record's database: absent or an integer 0..DATABASES-1. */
function dbOf(v: JsonValue | undefined): number {
  if (v === undefined) return 0;
  if (typeof v !== "bigint" || v < 0n || v >= BigInt(DATABASES))
    throw new RecordError(`"db" must be an integer from 0 to ${DATABASES - 1}`);
  return Number(v);
}

/** A hash field's expires_at in an import record: a positive integer of Unix ms. */
function fieldTtlOf(x: unknown): number {
  const n = typeof x === "bigint" ? Number(x) : x;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n <= 0)
    throw new RecordError("a hash field's expires_at must be a positive integer (Unix ms)");
  return n;
}

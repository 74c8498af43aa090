// The export file format (spec §13.4) and the import record model (§13.5): JSON lines written
// piece by piece (a collection record can span several export pages), and import bodies
// (JSON lines or a Light-Redis db.json) validated into records the engine applies in one turn.
// Pure: no I/O, no platform APIs.

import { byteLength, isBinary, toBase64 } from "../../engine/bytes.ts";
import type { ValueType } from "../../engine/entry.ts";
import type { JsonValue } from "../../engine/json-value.ts";
import { pyFloatRepr } from "../python-json.ts";

export const EXPORT_FORMAT = "blink-edge-export";
export const EXPORT_VERSION = 1;

/** A record ready for the engine: byte strings, deduplicated members, payload size (spec §3.7). */
export type ImportValue =
  | { type: "string"; value: string }
  | { type: "int"; value: bigint }
  /** Canonical JSON text (spec §3.3) of an object or array. */
  | { type: "json"; value: string }
  | { type: "set"; value: string[] }
  /** `fieldTtls`: Unix ms expiries of the fields that have one (hash field expiry). */
  | { type: "hash"; value: [string, string][]; fieldTtls?: [string, number][] }
  | { type: "list"; value: string[] }
  | { type: "zset"; value: [string, number][] }
  /** A stream as its storage members: [member, value] pairs (engine/stream.ts). */
  | { type: "stream"; value: [string, string][] }
  /** A RedisJSON document: its compact JSON text. */
  | { type: "document"; value: string };

export type ImportRecord = ImportValue & {
  key: string;
  /** Database (SELECT index); absent = 0. */
  db?: number;
  /** Unix ms; 0 = no expiry. */
  expiresAt: number;
  /** Payload bytes of the value (spec §3.7; zset: Σ member bytes). */
  size: number;
};

// ---- writing (spec §13.4) -------------------------------------------------------------------

/** Header line: `{"format":"blink-edge-export","version":1,…}` with its `\n`. */
export function headerLine(
  namespace: string,
  snapshotSeq: number,
  snapshotAt: number,
  keys: number,
): string {
  return (
    `{"format":"${EXPORT_FORMAT}","version":${EXPORT_VERSION},"namespace":${JSON.stringify(namespace)},` +
    `"snapshot_seq":${snapshotSeq},"snapshot_at":${snapshotAt},"keys":${keys}}\n`
  );
}

/** Trailer line: `{"end":true,"keys":<n>}` with its `\n`. */
export function trailerLine(keys: number): string {
  return `{"end":true,"keys":${keys}}\n`;
}

/** A byte string as a JSON string: its UTF-8 text, or base64 of its bytes. */
export function bytesJson(s: string, base64: boolean): string {
  return JSON.stringify(base64 ? toBase64(s) : s);
}

/** The `encoding` member of a record (spec §13.4; zset as the other byte-string collections). */
export function encodingOf(type: ValueType, base64: boolean): string {
  if (type === "int") return "decimal";
  if (type === "json" || type === "document") return "json";
  return base64 ? "base64" : "utf8";
}

/**
 * A record up to and including `"value":`; the value and `recordClose` follow. A key of database
 * n > 0 (SELECT) starts with `"db":n`; database 0 leaves it out, as files before databases did.
 */
export function recordOpen(key: string, type: ValueType, base64: boolean, db = 0): string {
  const kb = isBinary(key);
  return (
    `{${db > 0 ? `"db":${db},` : ""}"key":${bytesJson(key, kb)},"key_encoding":"${kb ? "base64" : "utf8"}","type":"${type}",` +
    `"encoding":"${encodingOf(type, base64)}","value":`
  );
}

/** The end of a record: `,"expires_at":…}` and `\n`. */
export function recordClose(expiresAt: number): string {
  return `,"expires_at":${expiresAt > 0 ? expiresAt : "null"}}\n`;
}

/** The value of a string, int or json record (json: its canonical text as is). */
export function scalarValueJson(
  type: "string" | "int" | "json" | "document",
  value: string | bigint,
): string {
  if (type === "int") return `"${(value as bigint).toString()}"`;
  if (type === "json" || type === "document") return value as string;
  return bytesJson(value as string, isBinary(value as string));
}

/** A zset score in an export record: a JSON number, `"inf"`/`"-inf"` (spec §10.12). */
export function scoreJson(score: number): string {
  if (score === Infinity) return '"inf"';
  if (score === -Infinity) return '"-inf"';
  return pyFloatRepr(score);
}

/**
 * One element of a collection record's value array; a hash field with a TTL (`fieldTtl` Unix
 * ms) is written as a triple `[field, value, expires_at]`.
 */
export function elementJson(
  type: "set" | "hash" | "list" | "zset" | "stream",
  a: string,
  b: string | number | null,
  base64: boolean,
  fieldTtl = 0,
): string {
  if (type === "hash" || type === "stream") {
    const ttl = fieldTtl > 0 ? `,${fieldTtl}` : "";
    return `[${bytesJson(a, base64)},${bytesJson(b as string, base64)}${ttl}]`;
  }
  if (type === "zset") return `[${bytesJson(a, base64)},${scoreJson(b as number)}]`;
  return bytesJson(a, base64);
}

// ---- shared by the import parsers (export-import-parse.ts) -----------------------------------

/** A validation failure of one record; the parser adds the line number or key. */
export class RecordError extends Error {}

/** Limits that apply to every imported record (spec §2). */
export interface ImportLimits {
  keyMax: number;
  valueMax: number;
  /** A string value's limit (proto-max-bulk-len); members and others keep `valueMax`. */
  stringMax?: number;
}

/** Checks a key's size. */
export function checkKey(key: string, limits: ImportLimits): void {
  if (byteLength(key) > limits.keyMax)
    throw new RecordError(`key too large (max ${limits.keyMax} bytes)`);
}

/** Checks one value byte string's size and returns its length. */
export function checkValue(v: string, limits: ImportLimits): number {
  const n = byteLength(v);
  if (n > limits.valueMax) throw new RecordError(`value too large (max ${limits.valueMax} bytes)`);
  return n;
}

/** Checks a string value's size (up to `stringMax`) and returns its length. */
export function checkString(v: string, limits: ImportLimits): number {
  const max = Math.max(limits.stringMax ?? 0, limits.valueMax);
  const n = byteLength(v);
  if (n > max) throw new RecordError(`value too large (max ${max} bytes)`);
  return n;
}

/** Depth of nested containers (`[]` is 1). */
export function jsonDepth(v: JsonValue): number {
  let max = 0;
  if (Array.isArray(v)) for (const x of v) max = Math.max(max, jsonDepth(x));
  else if (v instanceof Map) for (const x of v.values()) max = Math.max(max, jsonDepth(x));
  else return 0;
  return max + 1;
}

/** Builds a set record's members: first occurrence kept, as SADD would. */
export function dedupeSet(
  members: Iterable<string>,
  limits: ImportLimits,
  check: (m: string, limits: ImportLimits) => number = checkValue,
): { value: string[]; size: number } {
  const seen = new Set<string>();
  let size = 0;
  for (const m of members) {
    if (seen.has(m)) continue;
    size += check(m, limits);
    seen.add(m);
  }
  return { value: [...seen], size };
}

// Import bodies (spec §13.5) validated into engine-ready records: JSON lines as written by the
// export (§13.4), or a Light-Redis db.json (originals.md §2.6). Everything is checked here, before
// anything is applied; the first invalid record is the answer. Pure: no I/O.
// The Light-Redis form is import-light-redis.ts, one JSON-lines record import-record.ts.

import type { JsonObject, JsonValue } from "../../engine/json-value.ts";
import { NESTING_MAX_DEPTH } from "../../limits.ts";
import { EXPORT_FORMAT, EXPORT_VERSION, RecordError } from "./export-format.ts";
import type { ImportLimits, ImportRecord } from "./export-format.ts";
import { isObject, parseRecord } from "./import-record.ts";
import type { ImportParse } from "./import-record.ts";
import { JsonParseError, parseJson } from "../python-json.ts";

export type { ImportParse } from "./import-record.ts";
export { parseLightRedisImport } from "./import-light-redis.ts";

const LF = 0x0a;

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

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

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
  const p = new JsonlImport(limits);
  for (let i = 0; i < lines.length; i++) {
    const error = p.line(lines[i]!, i + 1);
    if (error) return { ok: false, error };
  }
  return p.end();
}

/**
 * A JSON-lines import fed one line at a time (a body streamed in: src/worker does not hold it
 * whole). `line` answers the error of a bad line; `end` the records.
 */
export class JsonlImport {
  private readonly limits: ImportLimits;
  private readonly records: ImportRecord[] = [];
  private headerKeys: number | null = null;
  private seenRecordOrHeader = false;
  private trailerLine = 0;

  constructor(limits: ImportLimits) {
    this.limits = limits;
  }

  /** Line `n` (without its LF): the import's error, or undefined. */
  line(text: string, n: number): string | undefined {
    if (text.trim() === "") return undefined;
    try {
      if (this.trailerLine)
        throw new RecordError(`line after the trailer (line ${this.trailerLine})`);
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
        if (this.seenRecordOrHeader) throw new RecordError("header after the first line");
        this.headerKeys = checkHeader(v);
      } else if (v.has("end")) {
        this.trailerLine = n;
        checkTrailer(v, this.headerKeys, this.records.length);
      } else this.records.push(parseRecord(v, this.limits));
      this.seenRecordOrHeader = true;
    } catch (e) {
      if (e instanceof RecordError) return `ERR import line ${n}: ${e.message}`;
      throw e;
    }
    return undefined;
  }

  /** The records, once every line was fed. */
  end(): ImportParse {
    return { ok: true, records: this.records };
  }
}

/**
 * Validates a JSON-lines body read from a stream, one line at a time: no line may pass `lineMax`
 * bytes (a record of a string of proto-max-bulk-len, encoded) nor the body `bodyMax`; past
 * either, `tooLarge` (the reader is cancelled).
 */
export async function readJsonlImport(
  body: ReadableStream<Uint8Array>,
  limits: ImportLimits,
  max: { lineMax: number; bodyMax: number },
): Promise<ImportParse | { ok: false; tooLarge: true; error: string }> {
  const p = new JsonlImport(limits);
  const reader = body.getReader();
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  let total = 0;
  let n = 0;
  const tooLarge = (what: string) => {
    void reader.cancel();
    return { ok: false as const, tooLarge: true as const, error: what };
  };
  /** The line made of the held pieces and `tail`. */
  const feed = (tail: Uint8Array): string | undefined => {
    const bytes = held.length ? join([...held, tail], heldBytes + tail.length) : tail;
    held = [];
    heldBytes = 0;
    n++;
    let text: string;
    try {
      text = fatalUtf8.decode(bytes);
    } catch {
      return `ERR import line ${n}: invalid UTF-8`;
    }
    return p.line(text.endsWith("\r") ? text.slice(0, -1) : text, n);
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max.bodyMax)
      return tooLarge(`ERR import body too large (max ${max.bodyMax} bytes)`);
    let start = 0;
    for (let lf = value.indexOf(LF); lf >= 0; lf = value.indexOf(LF, start)) {
      if (heldBytes + lf - start > max.lineMax) return tooLarge(lineTooLarge(n + 1, max.lineMax));
      const error = feed(value.subarray(start, lf));
      if (error) {
        void reader.cancel();
        return { ok: false, error };
      }
      start = lf + 1;
    }
    if (start < value.length) {
      heldBytes += value.length - start;
      if (heldBytes > max.lineMax) return tooLarge(lineTooLarge(n + 1, max.lineMax));
      held.push(value.slice(start));
    }
  }
  if (heldBytes > 0) {
    const error = feed(new Uint8Array(0));
    if (error) return { ok: false, error };
  }
  return p.end();
}

const lineTooLarge = (n: number, max: number) =>
  `ERR import line ${n}: record too large (max ${max} bytes a line)`;

function join(parts: Uint8Array[], bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
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

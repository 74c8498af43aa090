// The export line writer (spec §13.4) and the import parsers (§13.5) agree: any record written
// piece by piece parses back to itself; encodings follow the base64 rule; and the Light-Redis
// db.json mapping (sadd numbers and booleans as Python JSON text).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromBytes, isBinary } from "../../src/engine/bytes.ts";
import { KEY_MAX_BYTES, VALUE_MAX_BYTES } from "../../src/limits.ts";
import {
  elementJson,
  headerLine,
  recordClose,
  recordOpen,
  scalarValueJson,
  trailerLine,
} from "../../src/protocols/transfer/export-format.ts";
import type { ImportRecord } from "../../src/protocols/transfer/export-format.ts";
import {
  parseJsonlImport,
  parseLightRedisImport,
} from "../../src/protocols/transfer/import-parse.ts";
import { byteLength } from "../../src/engine/bytes.ts";
import { dumpsCanonical, parseJson } from "../../src/protocols/python-json.ts";

const limits = { keyMax: KEY_MAX_BYTES, valueMax: VALUE_MAX_BYTES };
const enc = new TextEncoder();

/** A record as the export writes it (snapshot-view.ts does the same, page by page). */
function line(r: ImportRecord): string {
  if (r.type === "string" || r.type === "int" || r.type === "json" || r.type === "document") {
    return (
      recordOpen(r.key, r.type, r.type === "string" && isBinary(r.value)) +
      scalarValueJson(r.type, r.value) +
      recordClose(r.expiresAt)
    );
  }
  const pairs: [string, string | number | null][] =
    r.type === "hash" || r.type === "zset"
      ? r.value
      : r.value.map((m) => [m, null] as [string, null]);
  const b64 = pairs.some(([a, b]) => isBinary(a) || (typeof b === "string" && isBinary(b)));
  return (
    recordOpen(r.key, r.type, b64) +
    "[" +
    pairs.map(([a, b]) => elementJson(r.type as "set", a, b, b64)).join(",") +
    "]" +
    recordClose(r.expiresAt)
  );
}

const bstr = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 8 }),
  fc.uint8Array({ maxLength: 8 }).map((b) => fromBytes(b)),
);
const size = (xs: string[]) => xs.reduce((n, x) => n + byteLength(x), 0);
const score = fc.oneof(
  fc.double({ noNaN: true }),
  fc.constantFrom(Infinity, -Infinity, 0, -0, 1.5),
);
const jsonText = fc
  .jsonValue({ maxDepth: 3 })
  .filter((v) => typeof v === "object" && v !== null)
  .map((v) => dumpsCanonical(parseJson(JSON.stringify(v))));

const record: fc.Arbitrary<ImportRecord> = fc
  .tuple(
    bstr,
    fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2 ** 45 })),
    fc.oneof(
      bstr.map((v) => ({ type: "string" as const, value: v, size: byteLength(v) })),
      fc
        .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
        .map((v) => ({ type: "int" as const, value: v, size: v.toString().length })),
      jsonText.map((v) => ({ type: "json" as const, value: v, size: byteLength(v) })),
      fc
        .uniqueArray(bstr, { minLength: 1, maxLength: 5 })
        .map((v) => ({ type: "set" as const, value: v, size: size(v) })),
      fc
        .array(bstr, { minLength: 1, maxLength: 5 })
        .map((v) => ({ type: "list" as const, value: v, size: size(v) })),
      fc
        .uniqueArray(fc.tuple(bstr, bstr), { minLength: 1, maxLength: 5, selector: (p) => p[0] })
        .map((v) => ({
          type: "hash" as const,
          value: v,
          size: v.reduce((n, [f, x]) => n + byteLength(f) + byteLength(x), 0),
        })),
      fc
        .uniqueArray(fc.tuple(bstr, score), { minLength: 1, maxLength: 5, selector: (p) => p[0] })
        .map((v) => ({ type: "zset" as const, value: v, size: size(v.map((p) => p[0])) })),
    ),
  )
  .map(([key, expiresAt, v]) => ({ key, expiresAt, ...v }) as ImportRecord);

describe("export lines ↔ import records", () => {
  it("every record written parses back to itself (with header and trailer)", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 6 }), (records) => {
        const text =
          headerLine("ns", 1, 2, records.length) +
          records.map(line).join("") +
          trailerLine(records.length);
        const parsed = parseJsonlImport(enc.encode(text), limits);
        expect(parsed).toEqual({ ok: true, records });
      }),
      { numRuns: 500 },
    );
  });

  it("base64 iff a byte string is not UTF-8, and then for all of the record's byte strings", () => {
    const bin = fromBytes(new Uint8Array([0xff]));
    expect(line({ key: bin, expiresAt: 0, type: "hash", value: [["f", bin]], size: 2 })).toBe(
      '{"key":"/w==","key_encoding":"base64","type":"hash","encoding":"base64","value":[["Zg==","/w=="]],"expires_at":null}\n',
    );
    expect(line({ key: "k", expiresAt: 5, type: "zset", value: [["m", Infinity]], size: 1 })).toBe(
      '{"key":"k","key_encoding":"utf8","type":"zset","encoding":"utf8","value":[["m","inf"]],"expires_at":5}\n',
    );
  });

  it("the import deduplicates members as the commands would", () => {
    const text = [
      '{"key":"s","type":"set","value":["a","b","a"]}',
      '{"key":"h","type":"hash","value":[["f","1"],["g","2"],["f","3"]]}',
      '{"key":"z","type":"zset","value":[["m",1],["n",2],["m",3]]}',
    ].join("\n");
    expect(parseJsonlImport(enc.encode(text), limits)).toEqual({
      ok: true,
      records: [
        { key: "s", expiresAt: 0, type: "set", value: ["a", "b"], size: 2 },
        {
          key: "h",
          expiresAt: 0,
          type: "hash",
          value: [
            ["f", "3"],
            ["g", "2"],
          ],
          size: 4,
        },
        {
          key: "z",
          expiresAt: 0,
          type: "zset",
          value: [
            ["m", 3],
            ["n", 2],
          ],
          size: 2,
        },
      ],
    });
  });

  it("maps db.json records: sadd numbers and booleans as their Python JSON text", () => {
    const body =
      '{"s": {"val": [1, 1.0, 1e16, 2.5e-7, true, false, "1"], "cmd": "sadd", "created": 1}, "o": {"val": {"a": 1.0}, "cmd": "set", "val_type": "dict"}}';
    expect(parseLightRedisImport(enc.encode(body), limits)).toEqual({
      ok: true,
      records: [
        {
          key: "s",
          expiresAt: 0,
          type: "set",
          value: ["1", "1.0", "1e+16", "2.5e-07", "true", "false"],
          size: 25,
        },
        { key: "o", expiresAt: 0, type: "json", value: '{"a":1.0}', size: 9 },
      ],
    });
  });
});

// A JSON-lines import read as a stream (readJsonlImport): lines cut anywhere across chunks (even
// inside a UTF-8 sequence) give the records the whole-body parser gives; a line or a body past
// its limit is `tooLarge`; a bad record names its line.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseJsonlImport, readJsonlImport } from "../../src/protocols/transfer/import-parse.ts";

const limits = { keyMax: 32768, valueMax: 1048576, stringMax: 33554432 };
const max = { lineMax: 1000, bodyMax: 10000 };
const enc = new TextEncoder();

/** `bytes` as a stream of chunks cut at `cuts`. */
function chunked(bytes: Uint8Array, cuts: number[]): ReadableStream<Uint8Array> {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    if (c > from) pieces.push(bytes.slice(from, c));
    from = Math.max(from, c);
  }
  return new ReadableStream({
    start(ctl) {
      for (const p of pieces) ctl.enqueue(p);
      ctl.close();
    },
  });
}

const body = enc.encode(
  [
    JSON.stringify({ format: "blink-edge-export", version: 1, keys: 3 }),
    JSON.stringify({ key: "a", type: "string", value: "été ☃ 𝄞" }),
    "",
    JSON.stringify({ key: "b", type: "set", value: ["x", "y"] }),
    JSON.stringify({ key: "c", type: "list", value: ["1"] }) + "\r",
    JSON.stringify({ end: true, keys: 3 }),
  ].join("\n"),
);

describe("readJsonlImport", () => {
  it("gives the whole-body parser's records however the body is cut", async () => {
    const whole = parseJsonlImport(body, limits);
    expect(whole.ok).toBe(true);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 12 }), async (cuts) => {
        expect(await readJsonlImport(chunked(body, cuts), limits, max)).toEqual(whole);
      }),
      { numRuns: 100 },
    );
  });

  it("names a bad record's line, and refuses a line or a body past its limit", async () => {
    const bad = enc.encode(`${JSON.stringify({ key: "a", type: "string", value: "v" })}\n[1]\n`);
    expect(await readJsonlImport(chunked(bad, [3]), limits, max)).toEqual({
      ok: false,
      error: "ERR import line 2: expected a JSON object",
    });
    const long = enc.encode(`{"key":"a","type":"string","value":"${"v".repeat(1000)}"}\n`);
    expect(await readJsonlImport(chunked(long, [100, 500]), limits, max)).toEqual({
      ok: false,
      tooLarge: true,
      error: "ERR import line 1: record too large (max 1000 bytes a line)",
    });
    const many = enc.encode(
      `${JSON.stringify({ key: "a", type: "string", value: "v" })}\n`.repeat(300),
    );
    expect(await readJsonlImport(chunked(many, [5000]), limits, max)).toEqual({
      ok: false,
      tooLarge: true,
      error: "ERR import body too large (max 10000 bytes)",
    });
  });
});

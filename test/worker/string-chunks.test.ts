// Strings past one SQLite row (src/worker/string-chunks.ts): stored in STRING_CHUNK_BYTES rows,
// exact across an object restart (binary bytes, and UTF-8 characters cut at a chunk boundary),
// rewritten by APPEND/SETRANGE, dropped by DEL/SET/FLUSHALL, kept as a snapshot pre-image for
// export, in database 0 and another database's slot.

import { exports } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, latin1 } from "./support/client.ts";
import { bulkBytes, redis, redisBytes, same, stub, tableRows } from "./support/resp-bytes.ts";
import { STRING_CHUNK_BYTES } from "../../src/limits.ts";

const enc = new TextEncoder();

/** Rows of a chunk table. */
const chunkRows = (ns: string, table = "chunks_kv") => tableRows(ns, table);

const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;

// Binary (not UTF-8: 0xff), with NUL bytes, two chunks and a bit.
const binary = new Uint8Array(2 * STRING_CHUNK_BYTES + 3);
for (let i = 0; i < binary.length; i++) binary[i] = (i * 7) % 256;
// UTF-8 text whose 2-byte characters straddle the chunk boundaries (an odd byte first).
const text = "a" + "é".repeat(STRING_CHUNK_BYTES / 2 + 10);
const textBytes = enc.encode(text);

describe("strings longer than a row", { timeout: 60000 }, () => {
  it("are stored in chunk rows and read back exactly after a restart", async () => {
    const ns = "chunks-restart";
    expect(await redis(ns, ["SET", "bin", binary], ["SET", "txt", text])).toEqual([
      "+OK\r\n",
      "+OK\r\n",
    ]);
    const binChunks = Math.ceil(binary.length / STRING_CHUNK_BYTES);
    const txtChunks = Math.ceil(textBytes.length / STRING_CHUNK_BYTES);
    expect(await chunkRows(ns)).toBe(binChunks + txtChunks);
    await evictDurableObject(stub(ns));
    const [bin, txt, len] = await redisBytes(ns, ["GET", "bin"], ["GET", "txt"], ["STRLEN", "bin"]);
    expect(same(bin!, bulkBytes(binary))).toBe(true);
    expect(same(txt!, bulkBytes(textBytes))).toBe(true);
    expect(latin1(len!)).toBe(`:${binary.length}\r\n`);
  });

  it("are rewritten by APPEND and SETRANGE, and their rows go with DEL, SET and FLUSHALL", async () => {
    const ns = "chunks-edit";
    await redis(ns, ["SET", "bin", binary], ["SET", "txt", text], ["SET", "small", "x"]);
    const n = binary.length;
    expect(await redis(ns, ["APPEND", "bin", "xyz"], ["SETRANGE", "bin", "1", "AB"])).toEqual([
      `:${n + 3}\r\n`,
      `:${n + 3}\r\n`,
    ]);
    await evictDurableObject(stub(ns));
    expect(
      await redis(ns, ["GETRANGE", "bin", "0", "3"], ["GETRANGE", "bin", String(n - 1), "-1"]),
    ).toEqual([bulk(latin1(Uint8Array.of(0, 65, 66, 21))), bulk(latin1(binary.slice(-1)) + "xyz")]);
    expect(await redis(ns, ["SET", "bin", "short"], ["DEL", "txt"])).toEqual(["+OK\r\n", ":1\r\n"]);
    expect(await chunkRows(ns)).toBe(0);
    await evictDurableObject(stub(ns));
    expect(await redis(ns, ["GET", "bin"], ["EXISTS", "txt"])).toEqual([bulk("short"), ":0\r\n"]);
    await redis(ns, ["SET", "txt", text]);
    expect(await chunkRows(ns)).toBeGreaterThan(0);
    await redis(ns, ["FLUSHALL"]);
    expect(await chunkRows(ns)).toBe(0);
  });

  it("live in the slot of their database (SELECT 1)", async () => {
    const ns = "chunks-db1";
    expect(await redis(ns, ["SELECT", "1"], ["SET", "bin", binary])).toEqual([
      "+OK\r\n",
      "+OK\r\n",
    ]);
    expect(await chunkRows(ns, "chunks_kv_db1")).toBe(3);
    await evictDurableObject(stub(ns));
    const [, got, none] = await redisBytes(ns, ["SELECT", "1"], ["GET", "bin"], ["GET", "bin"]);
    expect(same(got!, bulkBytes(binary))).toBe(true);
    expect(same(none!, bulkBytes(binary))).toBe(true);
  });

  it("are exported from the snapshot after being overwritten (pre-image chunks)", async () => {
    const ns = "chunks-snap";
    await redis(ns, ["SET", "bin", binary], ["SAVE"], ["SET", "bin", "new"]);
    expect(await chunkRows(ns, "chunks_snap_kv")).toBe(3);
    const res = await exports.default.fetch(`${BASE}/db/${ns}/_/export?snapshot=1`);
    const body = new TextDecoder().decode(await res.arrayBuffer());
    const rec = JSON.parse(body.split("\n")[1]!) as { key: string; value: string };
    expect(rec.key).toBe("bin");
    const back = Uint8Array.from(atob(rec.value), (c) => c.charCodeAt(0));
    expect(back.length).toBe(binary.length);
    expect(back.every((b, i) => b === binary[i])).toBe(true);
    // The current export has the new value; importing the snapshot brings the long one back.
    const imp = await exports.default.fetch(`${BASE}/db/chunks-imp/_/import`, {
      method: "POST",
      body,
    });
    expect(await imp.text()).toBe('{"result":{"imported":1,"skipped_expired":0}}');
    expect(await redis("chunks-imp", ["STRLEN", "bin"])).toEqual([`:${binary.length}\r\n`]);
    await evictDurableObject(stub("chunks-imp"));
    const [got] = await redisBytes("chunks-imp", ["GET", "bin"]);
    expect(same(got!, bulkBytes(binary))).toBe(true);
  });
});

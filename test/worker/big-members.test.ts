// Members, hash fields and values, list elements and stream values longer than one SQLite row
// holds (src/worker/cell-chunks.ts): written through the Redis door up to proto-max-bulk-len,
// read back byte for byte after an object restart, their chunk rows dropped by SREM, HDEL, LPOP,
// ZREM, overwrites, DEL and FLUSHALL, and kept as a snapshot pre-image for export.

import { exports } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, latin1 } from "./support/client.ts";
import {
  bulkBytes,
  concat,
  redis,
  redisBytes,
  same,
  stub,
  tableRows,
} from "./support/resp-bytes.ts";
import { STRING_CHUNK_BYTES } from "../../src/limits.ts";

const enc = new TextEncoder();

// Binary (not UTF-8: 0xff), with NUL bytes, three chunks and a bit.
const bin = new Uint8Array(3 * STRING_CHUNK_BYTES + 5);
for (let i = 0; i < bin.length; i++) bin[i] = (i * 7 + 3) % 256;
// UTF-8 text whose 2-byte characters straddle the chunk boundaries (an odd byte first).
const txt = "a" + "é".repeat((3 * STRING_CHUNK_BYTES) / 2 + 10);
const txtBytes = enc.encode(txt);
// Past CELL_MAX_BYTES, two chunks: for the tests whose point is not the size.
const mid = bin.subarray(0, STRING_CHUNK_BYTES + 5);
const chunksOf = (bytes: number) => Math.ceil(bytes / STRING_CHUNK_BYTES);
// A stream entry's stored value is the JSON text of its fields: ["f","<txt>"].
const streamValue = chunksOf(txtBytes.length + 8);

const members = (ns: string, db = "") => tableRows(ns, `chunks_members${db}`);
const items = (ns: string, db = "") => tableRows(ns, `chunks_list_items${db}`);
const array = (n: number) => enc.encode(`*${n}\r\n`);

/** Writes one big cell of every kind (and small ones beside them) in namespace `ns`. */
async function writeAll(ns: string): Promise<void> {
  expect(
    await redis(
      ns,
      ["SADD", "s", bin],
      ["HSET", "h", "f", txt, bin, "v"],
      ["RPUSH", "l", "a", bin, "b"],
      ["ZADD", "z", "1.5", bin, "2", "small"],
      ["XADD", "x", "1-1", "f", txt],
    ),
  ).toEqual([":1\r\n", ":2\r\n", ":3\r\n", ":2\r\n", "$3\r\n1-1\r\n"]);
}

// The first three tests run in order on one namespace (each 3 MiB write costs the local runtime a
// fraction of a second): written and read back, then dropped, then written again.
describe(
  "members, fields, elements and stream values longer than a row",
  { timeout: 60000 },
  () => {
    const ns = "cells";
    const one = chunksOf(bin.length);

    it("are stored in chunk rows and read back byte for byte after a restart", async () => {
      await writeAll(ns);
      // Set member, hash value and field name, zset member, stream value; one list element.
      expect(await members(ns)).toBe(3 * one + chunksOf(txtBytes.length) + streamValue);
      expect(await items(ns)).toBe(one);
      await evictDurableObject(stub(ns));
      const got = await redisBytes(
        ns,
        ["SMEMBERS", "s"],
        ["HGET", "h", "f"],
        ["HGET", "h", bin],
        ["LRANGE", "l", "0", "-1"],
        ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        ["XRANGE", "x", "-", "+"],
        ["HLEN", "h"],
      );
      const want = [
        concat([array(1), bulkBytes(bin)]),
        bulkBytes(txtBytes),
        bulkBytes("v"),
        concat([array(3), bulkBytes("a"), bulkBytes(bin), bulkBytes("b")]),
        concat([array(4), bulkBytes(bin), bulkBytes("1.5"), bulkBytes("small"), bulkBytes("2")]),
        concat([
          array(1),
          array(2),
          bulkBytes("1-1"),
          array(2),
          bulkBytes("f"),
          bulkBytes(txtBytes),
        ]),
        enc.encode(":2\r\n"),
      ];
      for (let i = 0; i < want.length; i++)
        expect(same(got[i]!, want[i]!), `reply ${i}`).toBe(true);
    });

    it("lose their rows with SREM, ZREM, HSET, HDEL, LPOP and DEL", async () => {
      const all = await members(ns);
      expect(await redis(ns, ["SREM", "s", bin], ["SADD", "s", "new"], ["ZREM", "z", bin])).toEqual(
        [":1\r\n", ":1\r\n", ":1\r\n"],
      );
      expect(await members(ns)).toBe(all - 2 * one);
      // An overwrite with a short value drops the long value's rows; HDEL of a long field its name's.
      expect(await redis(ns, ["HSET", "h", "f", "new"], ["HDEL", "h", bin])).toEqual([
        ":0\r\n",
        ":1\r\n",
      ]);
      expect(await members(ns)).toBe(streamValue);
      const [popped] = await redisBytes(ns, ["LPOP", "l", "2"]);
      expect(same(popped!, concat([array(2), bulkBytes("a"), bulkBytes(bin)]))).toBe(true);
      expect(await items(ns)).toBe(0);
      expect(await redis(ns, ["DEL", "x"])).toEqual([":1\r\n"]);
      expect(await members(ns)).toBe(0);
    });

    it("get ids after a restart that collide with none still stored; FLUSHALL drops every row", async () => {
      await redis(ns, ["HSET", "h", "g", mid], ["RPUSH", "l", mid]);
      await evictDurableObject(stub(ns));
      await redis(ns, ["HSET", "h", "k", mid], ["SADD", "s", mid]);
      await evictDurableObject(stub(ns));
      const got = await redisBytes(
        ns,
        ["HGET", "h", "g"],
        ["HGET", "h", "k"],
        ["LINDEX", "l", "-1"],
        ["SISMEMBER", "s", mid],
        ["HGET", "h", "f"],
      );
      for (let i = 0; i < 3; i++) expect(same(got[i]!, bulkBytes(mid)), `reply ${i}`).toBe(true);
      expect(latin1(got[3]!)).toBe(":1\r\n");
      expect(latin1(got[4]!)).toBe("$3\r\nnew\r\n");
      // LSET of a short element over a long one drops its rows; FLUSHALL drops every row.
      expect(await redis(ns, ["LSET", "l", "-1", "x"])).toEqual(["+OK\r\n"]);
      expect(await items(ns)).toBe(0);
      expect(await members(ns)).toBe(3 * chunksOf(mid.length));
      await redis(ns, ["FLUSHALL"]);
      expect(await members(ns)).toBe(0);
    });

    it("live in the slot of their database (SELECT 1)", async () => {
      const db1 = "cells-db1";
      expect(await redis(db1, ["SELECT", "1"], ["RPUSH", "l", mid], ["SADD", "s", mid])).toEqual([
        "+OK\r\n",
        ":1\r\n",
        ":1\r\n",
      ]);
      expect(await items(db1, "_db1")).toBe(2);
      expect(await members(db1, "_db1")).toBe(2);
      await evictDurableObject(stub(db1));
      const [, l] = await redisBytes(db1, ["SELECT", "1"], ["LINDEX", "l", "0"]);
      expect(same(l!, bulkBytes(mid))).toBe(true);
    });

    it("are exported from the snapshot after being changed (pre-image chunks)", async () => {
      let latin = "";
      for (let i = 0; i < mid.length; i += 8192) latin += latin1(mid.subarray(i, i + 8192));
      const midB64 = btoa(latin);
      const snap = "cells-snap";
      await redis(
        snap,
        ["SADD", "s", mid],
        ["HSET", "h", "f", mid],
        ["RPUSH", "l", "a", mid],
        ["ZADD", "z", "1.5", mid],
        ["SAVE"],
        ["SREM", "s", mid],
        ["SADD", "s", "new"],
        ["HSET", "h", "f", "new"],
        ["LSET", "l", "1", "new"],
        ["DEL", "z"],
      );
      expect(await members(snap)).toBe(0);
      expect(await items(snap)).toBe(0);
      expect(await tableRows(snap, "chunks_snap_members")).toBe(6);
      expect(await tableRows(snap, "chunks_snap_list_items")).toBe(2);
      await evictDurableObject(stub(snap));
      const res = await exports.default.fetch(`${BASE}/db/${snap}/_/export?snapshot=1`);
      const lines = new TextDecoder().decode(await res.arrayBuffer()).split("\n");
      type Rec = { key?: string; encoding: string; value: unknown };
      const recs = new Map(
        lines
          .filter((l) => l)
          .map((l) => JSON.parse(l) as Rec)
          .filter((r) => r.key !== undefined)
          .map((r) => [r.key!, r]),
      );
      expect(recs.get("s")).toMatchObject({ encoding: "base64", value: [midB64] });
      expect(recs.get("h")).toMatchObject({ encoding: "base64", value: [["Zg==", midB64]] });
      expect(recs.get("l")).toMatchObject({ encoding: "base64", value: ["YQ==", midB64] });
      expect(recs.get("z")).toMatchObject({ encoding: "base64", value: [[midB64, 1.5]] });
    });
  },
);

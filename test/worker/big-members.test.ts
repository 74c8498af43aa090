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

describe(
  "members, fields, elements and stream values longer than a row",
  { timeout: 60000 },
  () => {
    it("are stored in chunk rows and read back byte for byte after a restart", async () => {
      const ns = "cells-restart";
      await writeAll(ns);
      // Set member, hash value and field name, zset member, stream value; one list element.
      const one = chunksOf(bin.length);
      expect(await members(ns)).toBe(3 * one + chunksOf(txtBytes.length) + streamValue);
      expect(await items(ns)).toBe(chunksOf(bin.length));
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

    it("lose their rows with SREM, HDEL, LPOP, ZREM, overwrites, DEL and FLUSHALL", async () => {
      const ns = "cells-drop";
      await writeAll(ns);
      const all = await members(ns);
      const one = chunksOf(bin.length);
      expect(await redis(ns, ["SREM", "s", bin], ["ZREM", "z", bin])).toEqual([":1\r\n", ":1\r\n"]);
      expect(await members(ns)).toBe(all - 2 * one);
      // An overwrite with a short value drops the long value's rows; HDEL of a long field its name's.
      expect(await redis(ns, ["HSET", "h", "f", "short"], ["HDEL", "h", bin])).toEqual([
        ":0\r\n",
        ":1\r\n",
      ]);
      expect(await members(ns)).toBe(streamValue);
      const [popped] = await redisBytes(ns, ["LPOP", "l", "2"]);
      expect(same(popped!, concat([array(2), bulkBytes("a"), bulkBytes(bin)]))).toBe(true);
      expect(await items(ns)).toBe(0);
      expect(await redis(ns, ["DEL", "x"])).toEqual([":1\r\n"]);
      expect(await members(ns)).toBe(0);
      // Written again after a restart: new ids do not collide with those the rows still hold.
      await redis(ns, ["HSET", "h", "g", bin], ["LSET", "l", "0", txt], ["SADD", "s2", txt]);
      await evictDurableObject(stub(ns));
      await redis(ns, ["HSET", "h", "k", txt], ["SADD", "s2", bin]);
      await evictDurableObject(stub(ns));
      const got = await redisBytes(
        ns,
        ["HGET", "h", "g"],
        ["HGET", "h", "k"],
        ["LINDEX", "l", "0"],
        ["SISMEMBER", "s2", bin],
        ["HGET", "h", "f"],
      );
      expect(same(got[0]!, bulkBytes(bin))).toBe(true);
      expect(same(got[1]!, bulkBytes(txtBytes))).toBe(true);
      expect(same(got[2]!, bulkBytes(txtBytes))).toBe(true);
      expect(latin1(got[3]!)).toBe(":1\r\n");
      expect(latin1(got[4]!)).toBe("$5\r\nshort\r\n");
      // LSET of a short element over a long one drops its rows; FLUSHALL drops every row.
      expect(await redis(ns, ["LSET", "l", "0", "x"])).toEqual(["+OK\r\n"]);
      expect(await items(ns)).toBe(0);
      expect(await members(ns)).toBeGreaterThan(0);
      await redis(ns, ["FLUSHALL"]);
      expect(await members(ns)).toBe(0);
    });

    it("live in the slot of their database (SELECT 1)", async () => {
      const ns = "cells-db1";
      expect(await redis(ns, ["SELECT", "1"], ["RPUSH", "l", bin], ["SADD", "s", bin])).toEqual([
        "+OK\r\n",
        ":1\r\n",
        ":1\r\n",
      ]);
      expect(await items(ns, "_db1")).toBe(chunksOf(bin.length));
      expect(await members(ns, "_db1")).toBe(chunksOf(bin.length));
      await evictDurableObject(stub(ns));
      const [, l] = await redisBytes(ns, ["SELECT", "1"], ["LINDEX", "l", "0"]);
      expect(same(l!, bulkBytes(bin))).toBe(true);
    });

    it("are exported from the snapshot after being changed (pre-image chunks)", async () => {
      const ns = "cells-snap";
      await writeAll(ns);
      await redis(ns, ["SAVE"]);
      await redis(
        ns,
        ["SREM", "s", bin],
        ["SADD", "s", "new"],
        ["HSET", "h", "f", "new"],
        ["LSET", "l", "1", "new"],
        ["ZREM", "z", bin],
        ["DEL", "x"],
      );
      expect(await tableRows(ns, "chunks_snap_members")).toBeGreaterThan(0);
      expect(await tableRows(ns, "chunks_snap_list_items")).toBe(chunksOf(bin.length));
      await evictDurableObject(stub(ns));
      const res = await exports.default.fetch(`${BASE}/db/${ns}/_/export?snapshot=1`);
      const lines = new TextDecoder().decode(await res.arrayBuffer()).split("\n");
      type Rec = { key?: string; encoding: string; value: unknown };
      const recs = new Map(
        lines
          .filter((l) => l)
          .map((l) => JSON.parse(l) as Rec)
          .filter((r) => r.key !== undefined)
          .map((r) => [r.key!, r]),
      );
      const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
      expect(recs.get("s")!.encoding).toBe("base64");
      expect(same(b64((recs.get("s")!.value as string[])[0]!), bin)).toBe(true);
      const h = recs.get("h")!.value as string[][];
      expect(h.length).toBe(2);
      expect(same(b64(h[0]![1]!), txtBytes)).toBe(true);
      expect(same(b64(h[1]![0]!), bin)).toBe(true);
      const l = recs.get("l")!.value as string[];
      expect(same(b64(l[1]!), bin)).toBe(true);
      const z = recs.get("z")!.value as [string, number][];
      expect(same(b64(z[0]![0]), bin)).toBe(true);
      expect(z[0]![1]).toBe(1.5);
      // A stream's elements are its storage members; its entry's value holds the field's text.
      const x = recs.get("x")!;
      const text = (v: string) => (x.encoding === "base64" ? new TextDecoder().decode(b64(v)) : v);
      expect((x.value as string[][]).some(([, v]) => text(v!).includes(txt))).toBe(true);
    });
  },
);

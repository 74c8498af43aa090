// Key → slot → shard (src/worker/router/slots.ts, shard-map.ts): CRC16 vectors from the Redis
// Cluster specification, hash tag rules, CLUSTER KEYSLOT of redis-server 7.0.15 as the oracle,
// the shard ranges, the shard count settings and the memory limit split.

import { rmSync } from "node:fs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/engine/bytes.ts";
import {
  crc16,
  hashSlot,
  shardOfKey,
  shardOfSlot,
  SLOT_COUNT,
} from "../../src/worker/router/slots.ts";
import { limitShare, MAX_SHARDS, objectName, shardCount } from "../../src/worker/shard-map.ts";
import { oracleAvailable } from "./support/redis-oracle.ts";
import { RedisRaw } from "./support/redis-raw.ts";

const enc = new TextEncoder();

describe("CRC16 (Redis Cluster spec, CRC16/XMODEM)", () => {
  it('gives the specification\'s check value: "123456789" → 0x31C3', () => {
    expect(crc16(enc.encode("123456789"))).toBe(0x31c3);
  });

  it("matches the bit-by-bit CRC16/XMODEM definition", () => {
    const bitwise = (bytes: Uint8Array) => {
      let crc = 0;
      for (const b of bytes) {
        crc ^= b << 8;
        for (let i = 0; i < 8; i++)
          crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
      }
      return crc;
    };
    expect(crc16(new Uint8Array())).toBe(0);
    expect(crc16(enc.encode("A"))).toBe(0x58e5);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect(crc16(b)).toBe(bitwise(b));
      }),
    );
  });
});

describe("hash slots and hash tags", () => {
  it("hashes only the tag between the first { and the first } after it", () => {
    const tag = hashSlot("user1000");
    expect(hashSlot("{user1000}.following")).toBe(tag);
    expect(hashSlot("{user1000}.followers")).toBe(tag);
    // The spec's examples: "foo{}{bar}" hashes the whole key; "foo{{bar}}zap" hashes "{bar";
    // "foo{bar}{zap}" hashes "bar"; "{}" and unterminated tags hash the whole key.
    expect(hashSlot("foo{}{bar}")).toBe(crc16(enc.encode("foo{}{bar}")) & 16383);
    expect(hashSlot("foo{{bar}}zap")).toBe(crc16(enc.encode("{bar")) & 16383);
    expect(hashSlot("foo{bar}{zap}")).toBe(crc16(enc.encode("bar")) & 16383);
    expect(hashSlot("{}")).toBe(crc16(enc.encode("{}")) & 16383);
    expect(hashSlot("a{b")).toBe(crc16(enc.encode("a{b")) & 16383);
  });

  it("hashes UTF-8 and binary keys by their bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const key = fromBytes(bytes);
        let s = 0;
        let e = bytes.length;
        const open = bytes.indexOf(0x7b);
        if (open >= 0) {
          const close = bytes.indexOf(0x7d, open + 1);
          if (close > open + 1) [s, e] = [open + 1, close];
        }
        expect(hashSlot(key)).toBe(crc16(bytes.subarray(s, e)) & 16383);
        expect(toBytes(key)).toEqual(bytes);
      }),
      { numRuns: 2000 },
    );
    expect(hashSlot("é{ü}x")).toBe(crc16(enc.encode("ü")) & 16383);
  });

  it("splits the slots into contiguous ranges, one per shard", () => {
    for (const n of [1, 2, 3, 4, 16, 1024]) {
      expect(shardOfSlot(0, n)).toBe(0);
      expect(shardOfSlot(SLOT_COUNT - 1, n)).toBe(n - 1);
      let prev = 0;
      const sizes = new Array<number>(n).fill(0);
      for (let slot = 0; slot < SLOT_COUNT; slot++) {
        const s = shardOfSlot(slot, n);
        expect(s === prev || s === prev + 1).toBe(true);
        prev = s;
        sizes[s]!++;
      }
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    expect(shardOfKey("anything", 1)).toBe(0);
  });
});

describe.skipIf(!oracleAvailable())("CLUSTER KEYSLOT of redis-server 7.0.15", () => {
  let redis: RedisRaw;
  const confFile = `blink-edge-nodes-${process.pid}-${Date.now()}.conf`;
  beforeAll(async () => {
    redis = await RedisRaw.start(["--cluster-enabled", "yes", "--cluster-config-file", confFile]);
  });
  afterAll(() => {
    redis?.stop();
    rmSync(`/tmp/${confFile}`, { force: true });
  });

  it("agrees on text, binary and tagged keys", async () => {
    const keys: Uint8Array[] = [
      enc.encode("123456789"),
      enc.encode("foo"),
      enc.encode("{user1000}.following"),
      enc.encode("foo{}{bar}"),
      enc.encode("foo{{bar}}zap"),
      enc.encode("foo{bar}{zap}"),
      enc.encode("é{ü}x"),
      new Uint8Array([0xff, 0x7b, 0x80, 0x7d]),
      new Uint8Array(),
      ...fc.sample(
        fc.oneof(
          fc.uint8Array({ maxLength: 24 }),
          fc
            .string({ unit: fc.constantFrom("a", "b", "{", "}", "é", "😀", "\0") })
            .map((s) => enc.encode(s)),
        ),
        { numRuns: 1500, seed: 7 },
      ),
    ];
    const parts: Uint8Array[] = [];
    for (const k of keys)
      parts.push(
        enc.encode(`*3\r\n$7\r\nCLUSTER\r\n$7\r\nKEYSLOT\r\n$${k.length}\r\n`),
        k,
        enc.encode("\r\n"),
      );
    const all = Buffer.concat(parts);
    const got = (await redis.exchange(all, 500)).bytes.toString("latin1");
    const slots = got
      .split("\r\n")
      .filter((l) => l.startsWith(":"))
      .map((l) => Number(l.slice(1)));
    expect(slots.length).toBe(keys.length);
    keys.forEach((k, i) => expect([i, hashSlot(fromBytes(k))]).toEqual([i, slots[i]]));
  });
});

describe("shard settings", () => {
  it("reads SHARDS and NAMESPACE_SHARDS", () => {
    expect(shardCount({}, "a")).toBe(1);
    expect(shardCount({ SHARDS: "16" }, "a")).toBe(16);
    expect(shardCount({ SHARDS: "16", NAMESPACE_SHARDS: '{"big":4,"one":1}' }, "big")).toBe(4);
    expect(shardCount({ SHARDS: "16", NAMESPACE_SHARDS: '{"big":4,"one":1}' }, "one")).toBe(1);
    expect(shardCount({ SHARDS: "16", NAMESPACE_SHARDS: '{"big":4}' }, "other")).toBe(16);
  });

  it("refuses malformed settings", () => {
    for (const SHARDS of ["0", "-1", "1.5", "x", String(MAX_SHARDS + 1)])
      expect(() => shardCount({ SHARDS }, "a")).toThrow(/SHARDS/);
    for (const NAMESPACE_SHARDS of ["[]", "{", '{"a":0}', '{"a":"x"}', "null"]) {
      expect(() => shardCount({ NAMESPACE_SHARDS }, "a")).toThrow(/NAMESPACE_SHARDS/);
    }
  });

  it("names shard 0 after the namespace (a 1-shard namespace keeps its object)", () => {
    expect(objectName("ns", 0)).toBe("ns");
    expect(objectName("ns", 3)).toBe("ns#3");
  });

  it("splits a memory limit into parts that add up to it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 64 }),
        (total, n) => {
          const parts = Array.from({ length: n }, (_, i) => limitShare(total, i, n));
          if (total >= n || total === 0) expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          for (const p of parts) expect(total === 0 ? p === 0 : p >= 1).toBe(true);
          expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});

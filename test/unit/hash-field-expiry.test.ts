// Hash field expiry (Redis 7.4/8.0: HEXPIRE family, HTTL family, HPERSIST, HGETEX, HSETEX,
// HGETDEL). No Redis 8 binary is installed: the cases follow Redis's command docs and its
// tests/unit/type/hash-field-expire.tcl (the same inputs, replies asserted as that file does),
// with the clock under test control instead of `after`.

import { describe, expect, it } from "vitest";
import { plainHarness } from "./support/engine-harness.ts";

const harness = plainHarness;

describe("HEXPIRE family", () => {
  it("answers -2 per field for a missing key", () => {
    const h = harness();
    expect(h.r("HEXPIRE", "myhash", "1000", "FIELDS", "1", "a")).toEqual([-2]);
    expect(h.r("HPEXPIREAT", "myhash", "1000", "FIELDS", "2", "a", "b")).toEqual([-2, -2]);
    expect(h.r("EXISTS", "myhash")).toBe(0);
  });

  it("checks the time: negative, past 2^46 ms", () => {
    const h = harness();
    h.r("HSET", "myhash", "f1", "v1");
    expect(h.r("HEXPIRE", "myhash", "-1", "FIELDS", "1", "f1")).toBe(
      "!ERR invalid expire time, must be >= 0",
    );
    expect(h.r("HEXPIRE", "myhash", String(Math.floor(2 ** 48 / 1000)), "FIELDS", "1", "f1")).toBe(
      "!ERR invalid expire time in 'hexpire' command",
    );
    expect(h.r("HPEXPIRE", "myhash", String(2 ** 48), "FIELDS", "1", "f1")).toBe(
      "!ERR invalid expire time in 'hpexpire' command",
    );
    expect(h.r("HPEXPIRE", "myhash", String(2 ** 46 - h.now - 1000), "FIELDS", "1", "f1")).toEqual([
      1,
    ]);
    expect(h.r("HPEXPIRE", "myhash", String(2 ** 46 - h.now + 100), "FIELDS", "1", "f1")).toBe(
      "!ERR invalid expire time in 'hpexpire' command",
    );
    expect(h.r("HPEXPIRE", "myhash", "x", "FIELDS", "1", "f1")).toBe(
      "!ERR value is not an integer or out of range",
    );
  });

  it("checks FIELDS and its count, leaving the hash as it was", () => {
    const h = harness();
    h.r("HSET", "myhash", "f1", "v1");
    expect(h.r("HPEXPIRE", "myhash", "1000", "NX", "FIELDS", "0", "f1", "f2", "f3")).toBe(
      "!ERR Parameter `numFields` should be greater than 0",
    );
    expect(h.r("HPEXPIRE", "myhash", "1000", "NX", "FIELDS", "4", "f1", "f2", "f3")).toBe(
      "!ERR The `numfields` parameter must match the number of arguments",
    );
    expect(h.r("HPEXPIRE", "myhash", "1000", "NX", "FIELDS", "2", "f1", "f2", "f3")).toBe(
      "!ERR The `numfields` parameter must match the number of arguments",
    );
    expect(h.r("HPEXPIRE", "myhash", "1000", "NX", "FIELD", "1", "f1")).toBe(
      "!ERR Mandatory argument FIELDS is missing or not at the right position",
    );
    expect(h.r("HEXPIRE", "myhash", "1000", "FIELDS", "1")).toBe(
      "!ERR wrong number of arguments for 'hexpire' command",
    );
    expect(h.r("HTTL", "myhash", "FIELDS", "1", "f1")).toEqual([-1]);
    h.r("SET", "str", "x");
    expect(h.r("HEXPIRE", "str", "10", "FIELDS", "1", "a")).toMatch(/^!WRONGTYPE/);
  });

  it("NX, XX, GT, LT as Redis's tests", () => {
    const h = harness();
    h.r("HSET", "myhash", "field1", "value1", "field2", "value2", "field3", "value3");
    expect(h.r("HPEXPIRE", "myhash", "1000", "NX", "FIELDS", "1", "field1")).toEqual([1]);
    expect(h.r("HPEXPIRE", "myhash", "1000", "NX", "FIELDS", "2", "field1", "field2")).toEqual([
      0, 1,
    ]);
    h.r("DEL", "myhash");
    h.r("HSET", "myhash", "field1", "value1", "field2", "value2", "field3", "value3");
    expect(h.r("HPEXPIRE", "myhash", "1000", "NX", "FIELDS", "2", "field1", "field2")).toEqual([
      1, 1,
    ]);
    expect(h.r("HPEXPIRE", "myhash", "1000", "XX", "FIELDS", "2", "field1", "field3")).toEqual([
      1, 0,
    ]);
    h.r("DEL", "myhash");
    h.r("HSET", "myhash", "field1", "value1", "field2", "value2");
    h.r("HPEXPIRE", "myhash", "1000", "NX", "FIELDS", "1", "field1");
    h.r("HPEXPIRE", "myhash", "2000", "NX", "FIELDS", "1", "field2");
    expect(h.r("HPEXPIRE", "myhash", "1500", "GT", "FIELDS", "2", "field1", "field2")).toEqual([
      1, 0,
    ]);
    h.r("DEL", "myhash");
    h.r("HSET", "myhash", "field1", "value1", "field2", "value2", "field3", "value3");
    h.r("HPEXPIRE", "myhash", "1000", "NX", "FIELDS", "1", "field1");
    h.r("HPEXPIRE", "myhash", "2000", "NX", "FIELDS", "1", "field2");
    expect(
      h.r("HPEXPIRE", "myhash", "1500", "LT", "FIELDS", "3", "field1", "field2", "field3"),
    ).toEqual([0, 1, 1]);
  });

  it("a time in the past deletes the field (2); the last one deletes the key", () => {
    const h = harness();
    h.r("HSET", "myhash", "f1", "v1", "f2", "v2", "f4", "v4");
    h.r("HEXPIRE", "myhash", "1000", "NX", "FIELDS", "1", "f4");
    const past = String(Math.floor(h.now / 1000) - 1);
    expect(h.r("HEXPIREAT", "myhash", past, "NX", "FIELDS", "4", "f1", "f2", "f3", "f4")).toEqual([
      2, 2, -2, 0,
    ]);
    expect(h.r("HGETALL", "myhash")).toEqual(["f4", "v4"]);
    expect(h.r("HPEXPIRE", "myhash", "0", "FIELDS", "1", "f4")).toEqual([2]);
    expect(h.r("EXISTS", "myhash")).toBe(0);
  });
});

describe("HTTL family and HPERSIST", () => {
  it("TTL in s (rounded up) and ms, expiry times, -1 and -2", () => {
    const h = harness();
    h.r("HSET", "myhash", "field1", "value1", "field2", "value2");
    h.r("HPEXPIRE", "myhash", "1500", "NX", "FIELDS", "1", "field1");
    expect(h.r("HTTL", "myhash", "FIELDS", "3", "field1", "field2", "nope")).toEqual([2, -1, -2]);
    expect(h.r("HPTTL", "myhash", "FIELDS", "1", "field1")).toEqual([1500]);
    expect(h.r("HPEXPIRETIME", "myhash", "FIELDS", "1", "field1")).toEqual([h.now + 1500]);
    expect(h.r("HEXPIRETIME", "myhash", "FIELDS", "1", "field1")).toEqual([
      Math.ceil((h.now + 1500) / 1000),
    ]);
    expect(h.r("HTTL", "nokey", "FIELDS", "2", "a", "b")).toEqual([-2, -2]);
    expect(h.r("HPTTL", "myhash", "FIELDS", "1", "a", "b")).toBe(
      "!ERR The `numfields` parameter must match the number of arguments",
    );
    expect(h.r("HPTTL", "myhash", "FIELDS", "0", "a")).toBe(
      "!ERR Number of fields must be a positive integer",
    );
    h.now += 1499;
    expect(h.r("HPTTL", "myhash", "FIELDS", "1", "field1")).toEqual([1]);
    h.now += 1;
    expect(h.r("HPTTL", "myhash", "FIELDS", "1", "field1")).toEqual([-2]);
    expect(h.r("HGETALL", "myhash")).toEqual(["field2", "value2"]);
  });

  it("HPERSIST: 1, -1, -2; the field then outlives its old time", () => {
    const h = harness();
    expect(h.r("HPERSIST", "myhash", "FIELDS", "2", "a", "b")).toEqual([-2, -2]);
    h.r("HSET", "myhash", "f1", "v1", "f2", "v2");
    h.r("HEXPIRE", "myhash", "1000", "NX", "FIELDS", "1", "f1");
    expect(h.r("HPERSIST", "myhash", "FIELDS", "2", "f1", "not-exists-field")).toEqual([1, -2]);
    expect(h.r("HPERSIST", "myhash", "FIELDS", "1", "f2")).toEqual([-1]);
    expect(h.r("HPERSIST", "myhash", "FIELDS", "2", "f1", "f2", "f3")).toBe(
      "!ERR The `numfields` parameter must match the number of arguments",
    );
    h.now += 2_000_000;
    expect(h.r("HGET", "myhash", "f1")).toBe("v1");
  });

  it("HSET discards a field's TTL; HINCRBY and HINCRBYFLOAT keep it", () => {
    const h = harness();
    h.r("HSET", "h1", "f1", "10", "f2", "v2", "f3", "1.5");
    h.r("HPEXPIRE", "h1", "20", "FIELDS", "3", "f1", "f2", "f3");
    expect(h.r("HINCRBY", "h1", "f1", "2")).toBe(12);
    expect(h.r("HINCRBYFLOAT", "h1", "f3", "1")).toBe("2.5");
    h.r("HSET", "h1", "f2", "v22");
    expect(h.r("HPTTL", "h1", "FIELDS", "3", "f1", "f2", "f3")).toEqual([20, -1, 20]);
    h.now += 20;
    expect(h.r("HGETALL", "h1")).toEqual(["f2", "v22"]);
    expect(h.r("HINCRBY", "h1", "f1", "1")).toBe(1);
  });

  it("expired fields are gone from every read, HLEN and the key itself", () => {
    const h = harness();
    h.r("HSET", "myhash", "f1", "v1", "f2", "v2", "f3", "v3");
    h.r("HPEXPIRE", "myhash", "1", "NX", "FIELDS", "2", "f1", "f2");
    h.now += 5;
    expect(h.r("HLEN", "myhash")).toBe(1);
    expect(h.r("HMGET", "myhash", "f1", "f2", "f3")).toEqual([null, null, "v3"]);
    h.r("HPEXPIRE", "myhash", "1", "FIELDS", "1", "f3");
    expect(h.engine.store.nextExpiry()).toBe(h.now + 1);
    h.now += 1;
    expect(h.r("EXISTS", "myhash")).toBe(0);
    expect(h.engine.store.stats.expiredFields).toBe(3);
  });

  it("a rolled-back command leaves TTLs as they were (memory limit)", () => {
    const h = harness();
    h.r("HSET", "h", "a", "1");
    h.r("HPEXPIRE", "h", "100", "FIELDS", "1", "a");
    h.r("CONFIG", "SET", "maxmemory", "40");
    h.r("CONFIG", "SET", "maxmemory-policy", "noeviction");
    expect(h.r("HSETEX", "h", "PX", "5000", "FIELDS", "2", "a", "x".repeat(64), "b", "2")).toMatch(
      /^!OOM/,
    );
    expect(h.r("HPTTL", "h", "FIELDS", "2", "a", "b")).toEqual([100, -2]);
  });

  it("a value written over the hash drops its field TTLs", () => {
    const h = harness();
    h.r("HSET", "h", "f", "v");
    h.r("HPEXPIRE", "h", "10", "FIELDS", "1", "f");
    h.r("SET", "h", "x");
    h.now += 10;
    expect(h.r("GET", "h")).toBe("x");
    expect(h.engine.store.nextExpiry()).toBe(0);
  });

  it("RENAME carries field TTLs", () => {
    const h = harness();
    h.r("HSET", "a", "f", "1", "g", "2");
    h.r("HPEXPIRE", "a", "50", "FIELDS", "1", "f");
    h.r("RENAME", "a", "b");
    expect(h.r("HPTTL", "b", "FIELDS", "2", "f", "g")).toEqual([50, -1]);
    h.now += 50;
    expect(h.r("HGETALL", "b")).toEqual(["g", "2"]);
  });
});

describe("HGETEX HSETEX HGETDEL (Redis 8)", () => {
  it("HGETEX input validation", () => {
    const h = harness();
    const cases: [string[], string][] = [
      [["h1", "FIELDS", "1"], "wrong number of arguments"],
      [["h1", "XFIELDX", "1", "a"], "argument FIELDS is missing"],
      [["h1", "PXAT", "1", "1"], "argument FIELDS is missing"],
      [["h1", "PERSIST", "1", "FIELDS", "1", "a"], "argument FIELDS is missing"],
      [["h1", "FIELDS", "2", "a"], "must match the number of arguments"],
      [["h1", "FIELDS", "0", "a"], "Number of fields must be a positive integer"],
      [["h1", "FIELDS", "-1", "a"], "Number of fields must be a positive integer"],
      [["h1", "FIELDS", "9223372036854775808", "a"], "Number of fields must be a positive integer"],
      [["h1", "EX", "bla", "FIELDS", "1", "a"], "value is not an integer or out of range"],
      [["h1", "EXAT", "9223372036854775808", "FIELDS", "1", "a"], "not an integer"],
      [["h1", "PX", "-1", "FIELDS", "1", "a"], "invalid expire time, must be >= 0"],
      [["h1", "EX", String(2 ** 48), "FIELDS", "1", "a"], "invalid expire time in 'hgetex'"],
      [["h1", "PXAT", String(2 ** 46 + 100), "FIELDS", "1", "a"], "invalid expire time"],
    ];
    for (const [args, text] of cases)
      expect(h.r("HGETEX", ...args), args.join(" ")).toContain(text);
  });

  it("HGETEX gets, sets, persists and expires", () => {
    const h = harness();
    h.r("HSET", "h1", "a", "1", "b", "2", "c", "strval");
    expect(h.r("HGETEX", "h1", "fields", "3", "a", "b", "c")).toEqual(["1", "2", "strval"]);
    expect(h.r("HTTL", "h1", "FIELDS", "3", "a", "b", "c")).toEqual([-1, -1, -1]);
    expect(h.r("HGETEX", "h1", "EX", "10000", "fields", "2", "a", "zz")).toEqual(["1", null]);
    expect(h.r("HTTL", "h1", "FIELDS", "2", "a", "zz")).toEqual([10000, -2]);
    expect(h.r("HGETEX", "h1", "PXAT", String(h.now + 10000), "FIELDS", "1", "c")).toEqual([
      "strval",
    ]);
    expect(h.r("HPTTL", "h1", "FIELDS", "1", "c")).toEqual([10000]);
    expect(h.r("HGETEX", "h1", "PERSIST", "FIELDS", "2", "a", "c")).toEqual(["1", "strval"]);
    expect(h.r("HTTL", "h1", "FIELDS", "2", "a", "c")).toEqual([-1, -1]);
    expect(h.r("HGETEX", "h1", "PXAT", "1", "FIELDS", "3", "a", "b", "c")).toEqual([
      "1",
      "2",
      "strval",
    ]);
    expect(h.r("EXISTS", "h1")).toBe(0);
    expect(h.r("HGETEX", "nokey", "EX", "5", "FIELDS", "1", "a")).toEqual([null]);
    expect(h.r("EXISTS", "nokey")).toBe(0);
  });

  it("HSETEX input validation", () => {
    const h = harness();
    const cases: [string[], string][] = [
      [["myhash", "fields", "2", "a", "b"], "wrong number of arguments"],
      [["myhash", "fields", "2", "a", "b", "c"], "wrong number of arguments"],
      [["myhash", "fields", "1", "a", "b", "unknown"], "wrong number of arguments"],
      [["myhash", "nx", "fields", "1", "a", "b"], "unknown argument"],
      [["myhash", "1", "fields", "1", "a", "b"], "unknown argument"],
      [["myhash", "fxx", "fnx", "EX", "100", "fields", "1", "a", "b"], "Only one of FXX or FNX"],
      [["myhash", "fnx", "fnx", "EX", "100", "fields", "1", "a", "b"], "Only one of FXX or FNX"],
      [["myhash", "EX", "100", "PX", "1000", "fields", "1", "a", "b"], "Only one of EX, PX"],
      [["myhash", "KEEPTTL", "KEEPTTL", "fields", "1", "a", "b"], "or KEEPTTL arguments"],
      [["myhash", "ex", "fields", "1", "a", "b"], "not an integer or out of range"],
      [["myhash", "EXAT", String(2 ** 48), "1", "a", "b"], "invalid expire time"],
      [["myhash", "EXAT", "-1", "1", "a", "b"], "invalid expire time"],
      [["myhash", "fields", "x", "a", "b"], "invalid number of fields"],
      [["myhash", "fields", "0", "a", "b"], "invalid number of fields"],
      [["myhash", "fields", "-1", "a", "b"], "invalid number of fields"],
    ];
    for (const [args, text] of cases)
      expect(h.r("HSETEX", ...args), args.join(" ")).toContain(text);
    expect(h.r("EXISTS", "myhash")).toBe(0);
  });

  it("HSETEX FNX, FXX, KEEPTTL, EX and a time in the past", () => {
    const h = harness();
    expect(h.r("HSETEX", "myhash", "FXX", "FIELDS", "2", "f1", "v1", "f2", "v2")).toBe(0);
    expect(h.r("EXISTS", "myhash")).toBe(0);
    expect(h.r("HSETEX", "myhash", "FNX", "FIELDS", "1", "f1", "v1")).toBe(1);
    expect(h.r("HSETEX", "myhash", "FNX", "FIELDS", "2", "f1", "v1", "f2", "v2")).toBe(0);
    expect(h.r("HSETEX", "myhash", "FXX", "FIELDS", "2", "f1", "v1", "f2", "v2")).toBe(0);
    expect(h.r("HGETALL", "myhash")).toEqual(["f1", "v1"]);
    expect(h.r("HSETEX", "myhash", "PX", "5000", "FNX", "FIELDS", "1", "f2", "v2")).toBe(1);
    expect(h.r("HSETEX", "myhash", "FXX", "EX", "100", "FIELDS", "2", "f1", "a", "f2", "b")).toBe(
      1,
    );
    expect(h.r("HTTL", "myhash", "FIELDS", "2", "f1", "f2")).toEqual([100, 100]);
    expect(h.r("HSETEX", "myhash", "KEEPTTL", "FIELDS", "2", "f1", "c", "f3", "v3")).toBe(1);
    expect(h.r("HTTL", "myhash", "FIELDS", "3", "f1", "f2", "f3")).toEqual([100, 100, -1]);
    expect(h.r("HSETEX", "myhash", "FIELDS", "1", "f1", "d")).toBe(1);
    expect(h.r("HTTL", "myhash", "FIELDS", "1", "f1")).toEqual([-1]);
    expect(h.r("HSETEX", "myhash", "PXAT", "1", "FIELDS", "2", "f1", "x", "f9", "y")).toBe(1);
    expect(h.r("HGETALL", "myhash")).toEqual(["f2", "b", "f3", "v3"]);
    // Redis's doc example: EXAT then HTTL.
    const exat = Math.floor(h.now / 1000) + 55627;
    h.r("DEL", "mykey");
    h.r("HSETEX", "mykey", "EXAT", String(exat), "FIELDS", "2", "field1", "Hello", "field2", "W");
    expect(h.r("HTTL", "mykey", "FIELDS", "2", "field1", "field2")).toEqual([55627, 55627]);
  });

  it("HGETDEL returns values and deletes; the last field deletes the key", () => {
    const h = harness();
    h.r("HSET", "h1", "f1", "10", "f2", "20", "f3", "value3");
    h.r("HPEXPIRE", "h1", "5", "FIELDS", "1", "f2");
    h.now += 15;
    expect(h.r("HGETDEL", "h1", "fields", "2", "f2", "f3")).toEqual([null, "value3"]);
    expect(h.r("HGETALL", "h1")).toEqual(["f1", "10"]);
    expect(h.r("HGETDEL", "h1", "fields", "4", "f1", "f2", "f3", "f4")).toEqual([
      "10",
      null,
      null,
      null,
    ]);
    expect(h.r("EXISTS", "h1")).toBe(0);
    expect(h.r("HGETDEL", "h1", "fields", "2", "f1")).toContain("must match the number");
  });
});

describe("persistence", () => {
  it("field TTLs survive a restart of the object, and expire after it", () => {
    const h = harness(true);
    h.r("HSET", "h", "a", "1", "b", "2", "c", "3");
    h.r("HPEXPIRE", "h", "100", "FIELDS", "1", "a");
    h.r("HSETEX", "h", "PX", "200", "FIELDS", "1", "b", "22");
    h.r("HSET", "plain", "x", "y");
    h.restart();
    expect(h.r("HPTTL", "h", "FIELDS", "3", "a", "b", "c")).toEqual([100, 200, -1]);
    expect(h.engine.store.nextExpiry()).toBe(h.now + 100);
    h.r("HPERSIST", "h", "FIELDS", "1", "b");
    h.restart();
    expect(h.r("HPTTL", "h", "FIELDS", "3", "a", "b", "c")).toEqual([100, -1, -1]);
    h.now += 100;
    h.r("PING");
    h.restart();
    expect(h.r("HGETALL", "h")).toEqual(["b", "22", "c", "3"]);
    expect(h.r("HGETALL", "plain")).toEqual(["x", "y"]);
  });

  it("a database of schema 1 (members without expires_at) is migrated", () => {
    const h = harness(true);
    h.r("HSET", "h", "a", "1");
    const db = h.sql!;
    db.exec("ALTER TABLE members DROP COLUMN expires_at");
    db.exec("ALTER TABLE snap_members DROP COLUMN expires_at");
    db.exec("UPDATE meta SET value = 1 WHERE name = 'schema_version'");
    h.restart();
    expect(h.r("HPEXPIRE", "h", "100", "FIELDS", "1", "a")).toEqual([1]);
    h.restart();
    expect(h.r("HPTTL", "h", "FIELDS", "1", "a")).toEqual([100]);
  });
});

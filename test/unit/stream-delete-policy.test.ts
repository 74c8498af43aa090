// Redis 8.2's stream deletion policies: XDELEX, XACKDEL, and KEEPREF | DELREF | ACKED on XADD and
// XTRIM. No Redis 8 binary is installed, so the expected replies are written from Redis 8.2's
// t_stream.c (xdelexCommand, xackdelCommand, streamParseAckDelArgsOrReply, streamTrim,
// streamEntryIsReferenced, streamCleanupEntryCGroupRefs), its command JSON
// (src/commands/xdelex.json, xackdel.json) and the docs at https://redis.io/commands/xdelex and
// https://redis.io/commands/xackdel (whose ACKED example is reproduced below), and the cases of
// Redis 8.2's tests/unit/type/stream-cgroups.tcl. XADD/XTRIM's option parsing, which Redis 7
// already had, is compared with redis-server 7.0.15 itself.

import { describe, expect, it } from "vitest";
import { Harness, dump, expectSurvivesRestart } from "./support/engine-harness.ts";
import type { Reply } from "../../src/engine/reply.ts";
import {
  EngineSession,
  expectSameReplies,
  redisAvailable,
  useRedis,
} from "./support/engine-vs-redis.ts";
import type { Argv } from "./support/engine-vs-redis.ts";

/** Integer codes of an array reply (or the error text). */
function codes(r: Reply): number[] | string {
  if (r.k === "error") return r.v;
  if (r.k !== "array") throw new Error(`not an array: ${JSON.stringify(r)}`);
  return r.v.map((x) => Number((x as { v: number | bigint }).v));
}

/** Elements of an array reply (or a map's keys and values). */
function items(r: Reply): readonly Reply[] {
  if (r.k !== "array" && r.k !== "map") throw new Error(`not an array: ${r.k}`);
  return r.v;
}

/** A field of XINFO STREAM's reply. */
function streamInfo(h: Harness, field: string): Reply {
  const info = items(h.run("redis", "XINFO", "STREAM", "s"));
  return info[info.findIndex((x) => (x as { v: string }).v === field) + 1]!;
}

function int(r: Reply): number | string {
  if (r.k === "error") return r.v;
  return Number((r as { v: number | bigint }).v);
}

/** A harness with stream `s` holding entries 1-0 … n-0. */
function withEntries(n: number, opts: { persist?: boolean } = {}): Harness {
  const h = new Harness(opts);
  for (let i = 1; i <= n; i++) h.run("redis", "XADD", "s", `${i}-0`, "f", `v${i}`);
  return h;
}

/** Creates group `g` on `s` at 0 and delivers it entries as consumer c (`read`: COUNT/NOACK). */
function groupRead(h: Harness, g: string, ...read: string[]): void {
  h.run("redis", "XGROUP", "CREATE", "s", g, "0");
  h.run("redis", "XREADGROUP", "GROUP", g, "c", ...read, "STREAMS", "s", ">");
}

/** Pending count of a group (XPENDING summary). */
function pending(h: Harness, group: string): number {
  const r = h.run("redis", "XPENDING", "s", group);
  if (r.k !== "array") throw new Error(JSON.stringify(r));
  return Number((r.v[0] as { v: number }).v);
}

function ids(h: Harness): string[] {
  const r = h.run("redis", "XRANGE", "s", "-", "+");
  if (r.k !== "array") throw new Error(JSON.stringify(r));
  return r.v.map((e) => String((items(e)[0] as { v: string }).v));
}

describe("XDELEX", () => {
  it("reproduces the ACKED example of Redis's documentation", () => {
    const h = new Harness();
    const id = String((h.run("redis", "XADD", "s4", "*", "a", "1") as { v: string }).v);
    h.run("redis", "XGROUP", "CREATE", "s4", "grp", "0");
    h.run("redis", "XREADGROUP", "GROUP", "grp", "cons1", "COUNT", "10", "STREAMS", "s4", ">");
    expect(codes(h.run("redis", "XDELEX", "s4", "ACKED", "IDS", "1", id))).toEqual([2]);
    expect(int(h.run("redis", "XLEN", "s4"))).toBe(1);
    expect(int(h.run("redis", "XACK", "s4", "grp", id))).toBe(1);
    expect(codes(h.run("redis", "XDELEX", "s4", "ACKED", "IDS", "1", id))).toEqual([1]);
    expect(int(h.run("redis", "XLEN", "s4"))).toBe(0);
  });

  it("KEEPREF (the default) deletes and leaves pending entries; -1 for unknown ids", () => {
    const h = withEntries(3);
    groupRead(h, "g");
    expect(codes(h.run("redis", "XDELEX", "s", "IDS", "3", "1-0", "9-0", "1-0"))).toEqual([
      1, -1, -1,
    ]);
    expect(codes(h.run("redis", "XDELEX", "s", "keepref", "IDS", "1", "2"))).toEqual([1]);
    expect(ids(h)).toEqual(["3-0"]);
    expect(pending(h, "g")).toBe(3);
  });

  it("DELREF drops the pending entries of every group, even of an id already deleted", () => {
    const h = withEntries(3);
    for (const g of ["g1", "g2"]) groupRead(h, g);
    expect(codes(h.run("redis", "XDELEX", "s", "DELREF", "IDS", "1", "1-0"))).toEqual([1]);
    expect([pending(h, "g1"), pending(h, "g2")]).toEqual([2, 2]);
    h.run("redis", "XDEL", "s", "2-0");
    expect(codes(h.run("redis", "XDELEX", "s", "DELREF", "IDS", "1", "2-0"))).toEqual([-1]);
    expect([pending(h, "g1"), pending(h, "g2")]).toEqual([1, 1]);
  });

  it("ACKED keeps what a group has pending or has not been delivered yet", () => {
    const h = withEntries(4);
    groupRead(h, "g", "COUNT", "2");
    h.run("redis", "XACK", "s", "g", "1-0");
    // NOACK delivery leaves nothing pending: 3-0 is no longer needed once read that way.
    groupRead(h, "n", "NOACK");
    // 1-0 acked, 2-0 pending in g, 3-0 and 4-0 not delivered to g; 9-0 is above g's last id
    // (Redis answers 2 before looking for the entry), 0-5 below every last id and missing.
    expect(
      codes(h.run("redis", "XDELEX", "s", "ACKED", "IDS", "5", "1-0", "2-0", "3-0", "9-0", "0-5")),
    ).toEqual([1, 2, 2, 2, -1]);
    h.run("redis", "XREADGROUP", "GROUP", "g", "c", "NOACK", "STREAMS", "s", ">");
    expect(codes(h.run("redis", "XDELEX", "s", "ACKED", "IDS", "2", "3-0", "4-0"))).toEqual([1, 1]);
    expect(ids(h)).toEqual(["2-0"]);
  });

  it("ACKED on a stream without groups deletes like KEEPREF", () => {
    const h = withEntries(2);
    expect(codes(h.run("redis", "XDELEX", "s", "ACKED", "IDS", "2", "2-0", "3-0"))).toEqual([
      1, -1,
    ]);
  });

  it("updates max-deleted-entry-id like XDEL", () => {
    const h = withEntries(3);
    h.run("redis", "XDELEX", "s", "IDS", "1", "2-0");
    expect(streamInfo(h, "max-deleted-entry-id")).toMatchObject({ v: "2-0" });
  });

  it("answers -1 per id on a missing key without parsing the ids", () => {
    const h = new Harness();
    expect(codes(h.run("redis", "XDELEX", "nokey", "IDS", "2", "1-0", "junk"))).toEqual([-1, -1]);
    expect(int(h.run("redis", "EXISTS", "nokey"))).toBe(0);
  });

  it("takes the IDS block anywhere and the policy once; Redis's errors", () => {
    const h = withEntries(3);
    h.run("redis", "SET", "str", "x");
    const run = (...argv: string[]) => codes(h.run("redis", ...argv));
    expect(run("XDELEX", "s", "IDS", "1", "1-0", "DELREF")).toEqual([1]);
    expect(run("XDELEX", "str", "BOGUS", "IDS", "1", "1")).toMatch(/^WRONGTYPE/);
    expect(run("XDELEX", "s", "IDS", "0", "1-0")).toBe(
      "ERR Number of IDs must be a positive integer",
    );
    expect(run("XDELEX", "s", "IDS", "-1", "1-0")).toBe(
      "ERR Number of IDs must be a positive integer",
    );
    expect(run("XDELEX", "s", "IDS", "x", "1-0")).toBe(
      "ERR Number of IDs must be a positive integer",
    );
    expect(run("XDELEX", "s", "IDS", "3", "1-0", "2-0")).toBe(
      "ERR The `numids` parameter must match the number of arguments",
    );
    expect(run("XDELEX", "s", "IDS", "1", "2-0", "3-0")).toBe("ERR syntax error");
    expect(run("XDELEX", "s", "ACKED", "DELREF", "IDS", "1", "2-0")).toBe("ERR syntax error");
    expect(run("XDELEX", "s", "ACKED", "ACKED", "IDS", "1", "2-0")).toBe("ERR syntax error");
    expect(run("XDELEX", "s", "KEEPREF", "IDS", "1")).toBe(
      "ERR The `numids` parameter must match the number of arguments",
    );
    // Every id is checked before any is deleted.
    expect(run("XDELEX", "s", "IDS", "2", "2-0", "+")).toBe(
      "ERR Invalid stream ID specified as stream command argument",
    );
    expect(ids(h)).toEqual(["2-0", "3-0"]);
    expect(run("XDELEX", "s", "IDS", "1")).toMatch(/wrong number of arguments/);
  });
});

describe("XACKDEL", () => {
  it("acknowledges and deletes (the SDK's KEEPREF case)", () => {
    const h = withEntries(2);
    groupRead(h, "g");
    expect(codes(h.run("redis", "XACKDEL", "s", "g", "KEEPREF", "IDS", "2", "1-0", "2-0"))).toEqual(
      [1, 1],
    );
    expect(ids(h)).toEqual([]);
    expect(pending(h, "g")).toBe(0);
  });

  it("answers -1 for ids not pending in the group, a missing group or key", () => {
    const h = withEntries(2);
    groupRead(h, "g", "COUNT", "1");
    expect(codes(h.run("redis", "XACKDEL", "s", "g", "IDS", "2", "2-0", "9-0"))).toEqual([-1, -1]);
    expect(ids(h)).toEqual(["1-0", "2-0"]);
    expect(codes(h.run("redis", "XACKDEL", "s", "nog", "IDS", "1", "junk"))).toEqual([-1]);
    expect(codes(h.run("redis", "XACKDEL", "nokey", "g", "IDS", "1", "1-0"))).toEqual([-1]);
    expect(codes(h.run("redis", "XACKDEL", "s", "g", "IDS", "1", "junk"))).toBe(
      "ERR Invalid stream ID specified as stream command argument",
    );
    // A pending id whose entry is already gone is acknowledged and counts as deleted.
    h.run("redis", "XDEL", "s", "1-0");
    expect(codes(h.run("redis", "XACKDEL", "s", "g", "IDS", "1", "1-0"))).toEqual([1]);
    expect(pending(h, "g")).toBe(0);
  });

  it("with two groups: KEEPREF leaves the other's pending entry, ACKED waits for it, DELREF drops it", () => {
    const h = withEntries(3);
    for (const g of ["g1", "g2"]) groupRead(h, g);
    expect(codes(h.run("redis", "XACKDEL", "s", "g1", "IDS", "1", "1-0"))).toEqual([1]);
    expect([pending(h, "g1"), pending(h, "g2")]).toEqual([2, 3]);
    expect(codes(h.run("redis", "XACKDEL", "s", "g1", "ACKED", "IDS", "1", "2-0"))).toEqual([2]);
    expect(ids(h)).toEqual(["2-0", "3-0"]);
    expect([pending(h, "g1"), pending(h, "g2")]).toEqual([1, 3]);
    expect(codes(h.run("redis", "XACKDEL", "s", "g2", "ACKED", "IDS", "1", "2-0"))).toEqual([1]);
    expect(ids(h)).toEqual(["3-0"]);
    expect(codes(h.run("redis", "XACKDEL", "s", "g1", "DELREF", "IDS", "1", "3-0"))).toEqual([1]);
    expect(ids(h)).toEqual([]);
    // g2's own pending entries: 1-0 (dangling since KEEPREF) is left; 3-0 went with DELREF.
    expect([pending(h, "g1"), pending(h, "g2")]).toEqual([0, 1]);
  });

  it("ACKED keeps an entry another group has not been delivered yet", () => {
    const h = withEntries(1);
    h.run("redis", "XGROUP", "CREATE", "s", "g1", "0");
    h.run("redis", "XGROUP", "CREATE", "s", "g2", "0");
    h.run("redis", "XREADGROUP", "GROUP", "g1", "c", "STREAMS", "s", ">");
    expect(codes(h.run("redis", "XACKDEL", "s", "g1", "acked", "IDS", "1", "1-0"))).toEqual([2]);
    expect(pending(h, "g1")).toBe(0);
  });

  it("errors as Redis: type first, then arguments", () => {
    const h = withEntries(1);
    h.run("redis", "SET", "str", "x");
    const run = (...argv: string[]) => codes(h.run("redis", ...argv));
    expect(run("XACKDEL", "str", "g", "IDS", "0", "x")).toMatch(/^WRONGTYPE/);
    expect(run("XACKDEL", "s", "g", "IDS", "0", "1-0")).toBe(
      "ERR Number of IDs must be a positive integer",
    );
    expect(run("XACKDEL", "s", "g", "IDS", "2", "1-0")).toBe(
      "ERR The `numids` parameter must match the number of arguments",
    );
    expect(run("XACKDEL", "s", "g", "FOO", "IDS", "1", "1-0")).toBe("ERR syntax error");
    expect(run("XACKDEL", "s", "g", "IDS", "1")).toMatch(/wrong number of arguments/);
  });
});

describe("XTRIM and XADD with a deletion policy", () => {
  it("KEEPREF (default) trims and leaves pending entries; DELREF drops them", () => {
    const h = withEntries(4);
    groupRead(h, "g");
    expect(int(h.run("redis", "XTRIM", "s", "MAXLEN", "3"))).toBe(1);
    expect(pending(h, "g")).toBe(4);
    expect(int(h.run("redis", "XTRIM", "s", "DELREF", "MAXLEN", "1"))).toBe(2);
    expect(ids(h)).toEqual(["4-0"]);
    // 2-0 and 3-0 went with their references; 1-0's stays (trimmed under KEEPREF).
    expect(pending(h, "g")).toBe(2);
  });

  it("ACKED skips referenced entries, so MAXLEN may delete newer ones", () => {
    const h = withEntries(3);
    groupRead(h, "g");
    h.run("redis", "XACK", "s", "g", "2-0", "3-0");
    expect(int(h.run("redis", "XTRIM", "s", "MAXLEN", "1", "ACKED"))).toBe(2);
    expect(ids(h)).toEqual(["1-0"]);
    expect(int(h.run("redis", "XTRIM", "s", "MINID", "5", "ACKED"))).toBe(0);
    h.run("redis", "XACK", "s", "g", "1-0");
    expect(int(h.run("redis", "XTRIM", "s", "MINID", "5", "ACKED"))).toBe(1);
  });

  it("ACKED goes past a node only when that node could have gone whole", () => {
    // 200 entries in two nodes of 100; g has 1..100 pending and read 101..200 with NOACK.
    const h = withEntries(200);
    groupRead(h, "g", "COUNT", "100");
    h.run("redis", "XREADGROUP", "GROUP", "g", "c", "NOACK", "STREAMS", "s", ">");
    // MAXLEN 150: the first node could not go whole (200 - 100 < 150) and nothing in it may go,
    // so the trim stops there although 101..200 are free.
    expect(int(h.run("redis", "XTRIM", "s", "MAXLEN", "150", "ACKED"))).toBe(0);
    // MAXLEN 100: it could (200 - 100 >= 100): its entries are skipped, the next node is trimmed.
    expect(int(h.run("redis", "XTRIM", "s", "MAXLEN", "100", "ACKED"))).toBe(100);
    expect(ids(h).slice(-1)).toEqual(["100-0"]);
    // Redis 7's `~` with ACKED deletes within the partly deletable first node too.
    h.run("redis", "XACK", "s", "g", ...Array.from({ length: 30 }, (_, i) => `${i + 1}-0`));
    expect(int(h.run("redis", "XTRIM", "s", "MAXLEN", "~", "50", "ACKED"))).toBe(30);
  });

  it("`~` with DELREF or ACKED trims inside a node; only LIMIT bounds it", () => {
    const h = withEntries(150);
    expect(int(h.run("redis", "XTRIM", "s", "MAXLEN", "~", "120"))).toBe(0);
    expect(int(h.run("redis", "XTRIM", "s", "MAXLEN", "~", "120", "DELREF"))).toBe(30);
    expect(int(h.run("redis", "XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "50", "ACKED"))).toBe(0);
    expect(int(h.run("redis", "XTRIM", "s", "MINID", "~", "140", "ACKED"))).toBe(109);
    expect(ids(h)[0]).toBe("140-0");
  });

  it("a trim leaves max-deleted-entry-id as it was", () => {
    const h = withEntries(3);
    h.run("redis", "XTRIM", "s", "MAXLEN", "1", "DELREF");
    expect(streamInfo(h, "max-deleted-entry-id")).toMatchObject({ v: "0-0" });
  });

  it("XADD takes the policy among its options; the new entry is referenced by every group", () => {
    const h = new Harness();
    expect(h.run("redis", "XADD", "s", "ACKED", "MAXLEN", "0", "1-0", "f", "v")).toEqual({
      k: "bulk",
      v: "1-0",
    });
    expect(int(h.run("redis", "XLEN", "s"))).toBe(0);
    h.run("redis", "XGROUP", "CREATE", "s", "g", "$");
    h.run("redis", "XADD", "s", "MAXLEN", "0", "acked", "2-0", "f", "v");
    expect(ids(h)).toEqual(["2-0"]);
    h.run("redis", "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">");
    h.run("redis", "XADD", "s", "DELREF", "MAXLEN", "1", "3-0", "f", "v");
    expect(ids(h)).toEqual(["3-0"]);
    expect(pending(h, "g")).toBe(0);
    expect(h.run("redis", "XADD", "s", "ACKED", "DELREF", "f", "v")).toMatchObject({
      k: "error",
      v: "ERR Invalid stream ID specified as stream command argument",
    });
  });

  it("XTRIM's errors", () => {
    const h = withEntries(2);
    const run = (...argv: string[]) => int(h.run("redis", ...argv));
    expect(run("XTRIM", "s", "ACKED", "KEEPREF")).toBe("ERR syntax error");
    expect(run("XTRIM", "s", "MAXLEN", "1", "ACKED", "ACKED")).toBe("ERR syntax error");
    expect(run("XTRIM", "s", "ACKED", "DELREF")).toBe("ERR syntax error");
    expect(run("XTRIM", "s", "ACKED", "LIMIT")).toBe("ERR syntax error");
    expect(run("XTRIM", "s", "DELREF", "x", "y")).toBe("ERR syntax error");
    expect(run("XTRIM", "s", "ACKED", "MAXLEN")).toBe("ERR syntax error");
    expect(run("XTRIM", "s", "MAXLEN", "1", "FOO")).toBe("ERR syntax error");
    expect(run("XTRIM", "nokey", "MAXLEN", "1", "ACKED")).toBe(0);
  });
});

// Redis 8.2's own tests of these commands (tests/unit/type/stream-cgroups.tcl), as written there.
describe("Redis 8.2's stream-cgroups.tcl cases", () => {
  /** Runs a line; integers, arrays of them, or the error text. */
  const r = (h: Harness, ...argv: string[]): unknown => {
    const x = h.run("redis", ...argv);
    return x.k === "array" ? codes(x) : int(x);
  };
  const twoGroups = (): Harness => {
    const h = new Harness();
    h.run("redis", "XADD", "mystream", "1-0", "f", "v");
    h.run("redis", "XADD", "mystream", "2-0", "f", "v");
    h.run("redis", "XGROUP", "CREATE", "mystream", "group1", "0");
    h.run("redis", "XGROUP", "CREATE", "mystream", "group2", "0");
    h.run("redis", "XREADGROUP", "GROUP", "group1", "consumer1", "STREAMS", "mystream", ">");
    h.run("redis", "XREADGROUP", "GROUP", "group2", "consumer2", "STREAMS", "mystream", ">");
    return h;
  };
  const pel = (h: Harness, g: string) =>
    Number((items(h.run("redis", "XPENDING", "mystream", g))[0] as { v: number }).v);

  it("XACKDEL on a missing key or group; IDS and policy validation", () => {
    const h = new Harness();
    expect(r(h, "XACKDEL", "s", "g", "IDS", "2", "1-1", "2-2")).toEqual([-1, -1]);
    h.run("redis", "XADD", "s", "1-0", "f", "v");
    expect(r(h, "XACKDEL", "s", "g", "IDS", "2", "1-1", "2-2")).toEqual([-1, -1]);
    h.run("redis", "XGROUP", "CREATE", "s", "g", "0");
    for (const n of ["abc", "0", "-5"])
      expect(r(h, "XACKDEL", "s", "g", "IDS", n, "1-1")).toBe(
        "ERR Number of IDs must be a positive integer",
      );
    expect(r(h, "XACKDEL", "s", "g", "IDS", "3", "1-1", "2-2")).toBe(
      "ERR The `numids` parameter must match the number of arguments",
    );
    expect(r(h, "XACKDEL", "s", "g", "IDS", "1", "1-1", "2-2")).toBe("ERR syntax error");
    for (const [a, b] of [
      ["KEEPREF", "DELREF"],
      ["KEEPREF", "ACKED"],
      ["DELREF", "ACKED"],
    ])
      expect(r(h, "XACKDEL", "s", "g", a!, b!, "IDS", "1", "1-1")).toBe("ERR syntax error");
    for (const argv of [["XACKDEL"], ["XACKDEL", "s"], ["XACKDEL", "s", "g"]])
      expect(r(h, ...argv)).toMatch(/wrong number of arguments for 'xackdel' command/);
    const ids = Array.from({ length: 50 }, (_, i) => `${i}-1`);
    expect(r(h, "XACKDEL", "s", "g", "IDS", "50", ...ids)).toHaveLength(50);
  });

  it("XACKDEL with DELREF removes the entries from all PELs", () => {
    const h = twoGroups();
    expect(r(h, "XACKDEL", "mystream", "group1", "DELREF", "IDS", "2", "1-0", "2-0")).toEqual([
      1, 1,
    ]);
    expect(r(h, "XLEN", "mystream")).toBe(0);
    expect([pel(h, "group1"), pel(h, "group2")]).toEqual([0, 0]);
    expect(r(h, "XACKDEL", "mystream", "group2", "DELREF", "IDS", "2", "1-0", "2-0")).toEqual([
      -1, -1,
    ]);
  });

  it("XACKDEL with ACKED deletes only what every group acknowledged", () => {
    const h = twoGroups();
    expect(r(h, "XACKDEL", "mystream", "group1", "ACKED", "IDS", "2", "1-0", "2-0")).toEqual([
      2, 2,
    ]);
    expect(r(h, "XLEN", "mystream")).toBe(2);
    expect([pel(h, "group1"), pel(h, "group2")]).toEqual([0, 2]);
    expect(r(h, "XACKDEL", "mystream", "group2", "ACKED", "IDS", "2", "1-0", "2-0")).toEqual([
      1, 1,
    ]);
    expect(r(h, "XLEN", "mystream")).toBe(0);
  });

  it("XACKDEL with KEEPREF", () => {
    const h = twoGroups();
    expect(r(h, "XACKDEL", "mystream", "group1", "KEEPREF", "IDS", "2", "1-0", "2-0")).toEqual([
      1, 1,
    ]);
    expect(r(h, "XLEN", "mystream")).toBe(0);
    expect([pel(h, "group1"), pel(h, "group2")]).toEqual([0, 2]);
    expect(r(h, "XACKDEL", "mystream", "group2", "KEEPREF", "IDS", "2", "1-0", "2-0")).toEqual([
      1, 1,
    ]);
    expect([pel(h, "group1"), pel(h, "group2")]).toEqual([0, 0]);
  });

  it("XGROUP DESTROY removes all consumer group references", () => {
    const h = new Harness();
    const ids = Array.from({ length: 5 }, (_, j) => `${j}-1`);
    for (const id of ids) h.run("redis", "XADD", "mystream", id, "item", "x");
    h.run("redis", "XGROUP", "CREATE", "mystream", "mygroup", "0");
    h.run("redis", "XREADGROUP", "GROUP", "mygroup", "consumer1", "STREAMS", "mystream", ">");
    expect(r(h, "XDELEX", "mystream", "ACKED", "IDS", "5", ...ids)).toEqual([2, 2, 2, 2, 2]);
    h.run("redis", "XGROUP", "DESTROY", "mystream", "mygroup");
    expect(r(h, "XDELEX", "mystream", "ACKED", "IDS", "5", ...ids)).toEqual([1, 1, 1, 1, 1]);
    expect(r(h, "XLEN", "mystream")).toBe(0);
  });

  it("XGROUP DESTROY correctly manages the smallest last delivered id", () => {
    const h = new Harness();
    for (let i = 1; i <= 5; i++) h.run("redis", "XADD", "mystream", `${i}-0`, `f${i}`, `v${i}`);
    h.run("redis", "XGROUP", "CREATE", "mystream", "group1", "1-0");
    h.run("redis", "XGROUP", "CREATE", "mystream", "group2", "3-0");
    expect(r(h, "XDELEX", "mystream", "ACKED", "IDS", "1", "1-0")).toEqual([1]);
    expect(r(h, "XDELEX", "mystream", "ACKED", "IDS", "1", "2-0")).toEqual([2]);
    h.run("redis", "XGROUP", "DESTROY", "mystream", "group1");
    expect(r(h, "XDELEX", "mystream", "ACKED", "IDS", "1", "2-0")).toEqual([1]);
  });
});

describe("XDELEX and XACKDEL in COMMAND INFO", () => {
  // Redis 8.2's src/commands/xdelex.json and xackdel.json: arity, WRITE FAST, one key at 1 whose
  // key-spec flags are RW DELETE (XDELEX) and RW UPDATE DELETE (XACKDEL).
  it("has Redis 8.2's arity, flags and key spec", () => {
    const info = (name: string) =>
      new EngineSession().command(["COMMAND", "INFO", name]).toString("latin1");
    const head = (name: string, arity: number) =>
      `$${name.length}\r\n${name}\r\n:${arity}\r\n*2\r\n+write\r\n+fast\r\n:1\r\n:1\r\n:1\r\n` +
      "*3\r\n+@write\r\n+@stream\r\n+@fast\r\n";
    expect(info("xdelex")).toContain(head("xdelex", -5));
    expect(info("xdelex")).toContain("flags\r\n*2\r\n+RW\r\n+delete\r\n");
    expect(info("xackdel")).toContain(head("xackdel", -6));
    expect(info("xackdel")).toContain("flags\r\n*3\r\n+RW\r\n+update\r\n+delete\r\n");
  });
});

describe("deletion policies: restarts", () => {
  const STEPS: string[][] = [
    ["XADD", "s", "1-0", "a", "1"],
    ["XADD", "s", "2-0", "b", "2"],
    ["XADD", "s", "3-0", "c", "3"],
    ["XADD", "s", "4-0", "d", "4"],
    ["XGROUP", "CREATE", "s", "g1", "0"],
    ["XGROUP", "CREATE", "s", "g2", "0"],
    ["XREADGROUP", "GROUP", "g1", "alice", "STREAMS", "s", ">"],
    ["XREADGROUP", "GROUP", "g2", "bob", "COUNT", "3", "STREAMS", "s", ">"],
    ["XACKDEL", "s", "g1", "ACKED", "IDS", "1", "1-0"],
    ["XACKDEL", "s", "g2", "KEEPREF", "IDS", "1", "1-0"],
    ["XDELEX", "s", "DELREF", "IDS", "1", "2-0"],
    ["XDELEX", "s", "ACKED", "IDS", "2", "3-0", "4-0"],
    ["XADD", "s", "DELREF", "MAXLEN", "1", "5-0", "e", "5"],
    ["XTRIM", "s", "MAXLEN", "0", "ACKED"],
  ];

  it("PEL changes and deletions survive a restart, step by step and as one batch", () => {
    expectSurvivesRestart(STEPS, { eachStep: true });
  });

  it("an XADD refused for memory puts back what its DELREF trim took", () => {
    const h = new Harness({ persist: true, config: { maxmemory: 60, policy: "noeviction" } });
    h.run("redis", "XADD", "s", "1-1", "a", "1");
    groupRead(h, "g");
    const before = dump(h.engine);
    const big = "x".repeat(200);
    expect(h.run("redis", "XADD", "s", "DELREF", "MAXLEN", "1", "2-1", "f", big)).toMatchObject({
      k: "error",
      code: "OOM",
    });
    expect(dump(h.engine)).toEqual(before);
    h.restart();
    expect(dump(h.engine)).toEqual(before);
  });

  it("the state after the steps is the one Redis 8.2 reaches", () => {
    const h = new Harness({ persist: true });
    for (const argv of STEPS) h.run("redis", ...argv);
    h.restart();
    expect(ids(h)).toEqual(["5-0"]);
    // 3-0 and 4-0 were still pending (ACKED kept them); the DELREF trim of XADD took them with
    // their references, and 5-0 stays as no group has been delivered it.
    expect([pending(h, "g1"), pending(h, "g2")]).toEqual([0, 0]);
  });
});

describe.skipIf(!redisAvailable())("XADD/XTRIM options vs redis-server 7.0.15", () => {
  const oracle = useRedis();

  it("parses the options in any order with Redis's errors", async () => {
    const script: Argv[] = [
      ["XADD", "s", "1-0", "a", "1"],
      ["XADD", "s", "2-0", "a", "1"],
    ];
    const lines = [
      ["XTRIM", "s", "LIMIT", "5"],
      ["XTRIM", "s", "LIMIT", "0", "MAXLEN", "3"],
      ["XTRIM", "s", "LIMIT", "5", "MAXLEN", "~", "3"],
      ["XTRIM", "s", "MAXLEN", "3", "LIMIT", "5"],
      ["XTRIM", "s", "MAXLEN", "3", "MAXLEN", "4"],
      ["XTRIM", "s", "MAXLEN", "3", "MINID", "4"],
      ["XTRIM", "s", "MAXLEN", "~"],
      ["XTRIM", "s", "MAXLEN", "="],
      ["XTRIM", "s", "MAXLEN", "-1"],
      ["XTRIM", "s", "MAXLEN", "~", "1", "LIMIT", "-1"],
      ["XTRIM", "s", "MAXLEN", "~", "1", "LIMIT", "x"],
      ["XTRIM", "s", "MAXLEN", "1", "LIMIT"],
      ["XTRIM", "s", "MINID", "+"],
      ["XTRIM", "s", "MINID", "1-x"],
      ["XTRIM", "s", "NOMKSTREAM", "MAXLEN", "1"],
      ["XTRIM", "s", "MAXLEN", "99999999999999999999"],
      ["XADD", "s", "LIMIT", "5", "*", "a", "1"],
      ["XADD", "s", "MAXLEN", "5", "LIMIT", "5", "3-0", "a", "1"],
      ["XADD", "s", "MAXLEN", "~", "5", "MINID", "1", "3-0", "a", "1"],
      ["XADD", "s", "bad", "x"],
      ["XADD", "s", "MAXLEN"],
      ["XADD", "s", "MAXLEN", "5"],
      ["XADD", "s", "MAXLEN", "~", "1", "LIMIT", "0", "NOMKSTREAM", "4-0", "a", "1"],
      ["XADD", "s", "NOMKSTREAM", "MINID", "=", "3-0", "5-0", "a", "1"],
      ["XRANGE", "s", "-", "+"],
      ["XTRIM", "s", "MINID", "~", "4", "LIMIT", "0"],
      ["XLEN", "s"],
    ];
    for (const l of lines) script.push(l, ["XLEN", "s"]);
    await expectSameReplies(oracle.redis, script);
  });
});

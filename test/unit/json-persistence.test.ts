// JSON documents stored incrementally (issue 18, src/worker/json-persistence.ts): an edit of one
// field writes a small log row, not the document; whatever commands ran, in whatever batches, a
// restart loads exactly the documents that were in memory; snapshots, compaction, undo and the
// schema 2 -> 3 migration keep them whole.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readSnapshotPage } from "../../src/worker/snapshot-view.ts";
import type { Reply } from "../../src/engine/reply.ts";
import { Harness } from "./support/engine-harness.ts";

const DOC =
  '{"a":1,"n":2,"s":"x","t":true,"o":{"x":1,"y":[1,2],"n":3},"arr":[{"x":2,"n":1},3,"q"]}';
const KEYS = ["k1", "k2"];

const text = (r: Reply): string =>
  r.k === "bulk" || r.k === "status" || r.k === "error"
    ? String(r.v)
    : r.k === "int"
      ? String(r.v)
      : r.k;

/** Every key of databases 0 and 1: its type, its JSON text and its TTL. */
function state(h: Harness): string[] {
  const out: string[] = [];
  const saved = h.conn.db;
  for (const db of [0, 1]) {
    h.conn.db = db;
    for (const k of KEYS) {
      const t = text(h.run("redis", "TYPE", k));
      if (t === "none") continue;
      const ttl = Number(text(h.run("redis", "PTTL", k))) > 0 ? "ttl" : "-";
      out.push(`${db} ${k} ${t} ${text(h.run("redis", "JSON.GET", k, "$"))} ${ttl}`);
    }
  }
  h.conn.db = saved;
  return out;
}

const rows = (h: Harness, table: string): number =>
  Number(
    (h.sql!.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number | bigint }).n,
  );

const key = fc.constantFrom(...KEYS);
const path = fc.constantFrom(
  "$.a",
  "$.new",
  "$.o.x",
  "$.o.new",
  "$.o.y",
  "$.arr[0]",
  "$.arr[-1]",
  "$..x",
  "$..n",
  "$.arr[0].x",
  "$.o.y[1]",
);
const value = fc.constantFrom("1", "2.5", '"v"', '{"x":5,"n":1}', "[1,[2]]", "null", "true");

/** One command line of the model: JSON edits, whole-key changes and database moves. */
const command: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(key, path, value).map(([k, p, v]) => ["JSON.SET", k, p, v]) },
  { weight: 1, arbitrary: key.map((k) => ["JSON.SET", k, "$", DOC]) },
  { weight: 3, arbitrary: fc.tuple(key, path).map(([k, p]) => ["JSON.NUMINCRBY", k, p, "3"]) },
  { weight: 1, arbitrary: fc.tuple(key, path).map(([k, p]) => ["JSON.NUMMULTBY", k, p, "2"]) },
  { weight: 1, arbitrary: key.map((k) => ["JSON.STRAPPEND", k, "$..s", '"z"']) },
  { weight: 1, arbitrary: key.map((k) => ["JSON.TOGGLE", k, "$.t"]) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(key, fc.constantFrom("$.arr", "$..y", "$.o.y"), value)
      .map(([k, p, v]) => ["JSON.ARRAPPEND", k, p, v, "7"]),
  },
  { weight: 1, arbitrary: key.map((k) => ["JSON.ARRINSERT", k, "$.arr", "0", '"i"']) },
  { weight: 1, arbitrary: key.map((k) => ["JSON.ARRPOP", k, "$.arr", "0"]) },
  { weight: 1, arbitrary: key.map((k) => ["JSON.ARRTRIM", k, "$..y", "1", "2"]) },
  { weight: 2, arbitrary: fc.tuple(key, path).map(([k, p]) => ["JSON.DEL", k, p]) },
  { weight: 1, arbitrary: fc.tuple(key, path).map(([k, p]) => ["JSON.CLEAR", k, p]) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        key,
        fc.constantFrom("$", "$.o", "$.arr[0]", "$..o"),
        fc.constantFrom(
          '{"a":null,"x":null,"m":{"q":1},"n":9}',
          '{"o":{"x":null,"y":[9],"z":{"w":1}},"a":null,"new":{"o":{}}}',
          "[1]",
        ),
      )
      .map(([k, p, v]) => ["JSON.MERGE", k, p, v]),
  },
  { weight: 1, arbitrary: key.map((k) => ["EXPIRE", k, "1000"]) },
  { weight: 1, arbitrary: key.map((k) => ["PERSIST", k]) },
  { weight: 1, arbitrary: key.map((k) => ["DEL", k]) },
  { weight: 1, arbitrary: fc.constant<string[]>(["RENAME", "k1", "k2"]) },
  { weight: 1, arbitrary: fc.constant<string[]>(["COPY", "k2", "k1", "REPLACE"]) },
  { weight: 1, arbitrary: key.map((k) => ["MOVE", k, "1"]) },
  { weight: 1, arbitrary: fc.constant<string[]>(["SWAPDB", "0", "1"]) },
  { weight: 1, arbitrary: fc.constant<string[]>(["SET", "k2", "plain"]) },
);

describe("JSON documents are stored incrementally", () => {
  it("an edit of one field writes one small row, and the document survives a restart", () => {
    const items = Array.from({ length: 100 }, (_, i) => ({ id: i, name: `item ${i}`, n: i }));
    const doc = JSON.stringify({ counter: 0, items });
    const h = new Harness({ persist: true });
    h.run("redis", "JSON.SET", "doc", "$", doc);
    const rows0 = h.sql!.rowsWritten;
    for (let i = 0; i < 10; i++) h.run("redis", "JSON.NUMINCRBY", "doc", "$.items[7].n", "1");
    expect((h.sql!.rowsWritten - rows0) / 10).toBeLessThanOrEqual(1);
    expect(rows(h, "json_log")).toBe(10);
    // A merge of a few members writes those members.
    h.run("redis", "JSON.MERGE", "doc", "$", '{"counter":5,"items":null,"extra":{"a":1}}');
    h.run("redis", "JSON.MERGE", "doc", "$", '{"items":[1]}');
    expect(rows(h, "json_log")).toBe(14);
    const before = text(h.run("redis", "JSON.GET", "doc", "$"));
    h.restart();
    expect(text(h.run("redis", "JSON.GET", "doc", "$"))).toBe(before);
    expect(text(h.run("redis", "JSON.GET", "doc", "$.items"))).toBe("[[1]]");
  });

  it("folds the log into one rewrite once it outgrows the document", () => {
    const h = new Harness({ persist: true });
    h.run("redis", "JSON.SET", "doc", "$", '{"s":"","n":0}');
    let most = 0;
    for (let i = 0; i < 1000; i++) {
      h.run("redis", "JSON.NUMINCRBY", "doc", "$.n", "1");
      most = Math.max(most, rows(h, "json_log"));
    }
    const logged = rows(h, "json_log");
    // 4,096 bytes of log at least, never more than the document: rows come and go.
    expect(most).toBeGreaterThan(100);
    expect(logged).toBeLessThan(most);
    h.restart();
    expect(text(h.run("redis", "JSON.GET", "doc", "$"))).toBe('[{"s":"","n":1000}]');
  });

  it("loads what was in memory after any commands, batches and restarts", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            batch: fc.array(command, { minLength: 1, maxLength: 4 }),
            restart: fc.boolean(),
            snapshot: fc.boolean(),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        (steps) => {
          const h = new Harness({ persist: true });
          h.run("redis", "JSON.SET", "k1", "$", DOC);
          h.run("redis", "JSON.SET", "k2", "$", DOC);
          // The snapshot export, as read when it was taken (every key from memory), must read the
          // same later, when changed keys come from their pre-images.
          let snapshot: string | null = null;
          const exported = () =>
            readSnapshotPage(
              h.engine,
              h.sql as unknown as SqlStorage,
              { from: 0, index: 0 },
              1 << 22,
            ).text;
          for (const s of steps) {
            h.batch(
              "redis",
              s.batch.map((argv) => ({ argv })),
            );
            // SWAPDB moves unchanged keys to the other index in the export: not compared.
            if (s.batch.some((argv) => argv[0] === "SWAPDB")) snapshot = null;
            if (snapshot !== null) expect(exported()).toBe(snapshot);
            if (s.snapshot) {
              h.engine.takeSnapshot(h.now);
              snapshot = exported();
            }
            if (s.restart) {
              const before = state(h);
              h.restart();
              expect(state(h)).toEqual(before);
            }
          }
          const before = state(h);
          h.restart();
          expect(state(h)).toEqual(before);
        },
      ),
      { numRuns: 30, seed: 18 },
    );
    // About 2.5 s alone; more beside other test files on a loaded machine.
  }, 20_000);

  it("a command undone under the memory limit leaves the stored document as in memory", () => {
    const h = new Harness({ persist: true, config: { maxmemory: 2000 } });
    h.run("redis", "JSON.SET", "doc", "$", '{"a":{"b":1},"s":"x"}');
    h.run("redis", "JSON.NUMINCRBY", "doc", "$.a.b", "1");
    const big = JSON.stringify("y".repeat(4000));
    const r = h.batch("redis", [
      { argv: ["JSON.DEL", "doc", "$.a"] },
      { argv: ["JSON.SET", "doc", "$.a", big] },
    ]);
    expect(r[1]!.k).toBe("error");
    const before = text(h.run("redis", "JSON.GET", "doc", "$"));
    h.restart();
    expect(text(h.run("redis", "JSON.GET", "doc", "$"))).toBe(before);
  });

  it("a snapshot export holds a logged document as it was at the snapshot", () => {
    const h = new Harness({ persist: true });
    h.run("redis", "JSON.SET", "doc", "$", '{"n":1,"o":{"a":[1]}}');
    h.run("redis", "JSON.NUMINCRBY", "doc", "$.n", "1");
    h.run("redis", "JSON.ARRAPPEND", "doc", "$.o.a", "2");
    h.engine.takeSnapshot(h.now);
    h.run("redis", "JSON.NUMINCRBY", "doc", "$.n", "40");
    h.run("redis", "JSON.SET", "doc", "$.o.b", "true");
    const page = readSnapshotPage(
      h.engine,
      h.sql as unknown as SqlStorage,
      { from: 0, index: 0 },
      1 << 20,
    );
    expect(page.text).toContain('"value":{"n":2,"o":{"a":[1,2]}}');
    // Replaced by another type, or deleted, in the first write after the snapshot.
    h.run("redis", "JSON.SET", "d2", "$", '{"n":1}');
    h.run("redis", "JSON.SET", "d3", "$", '{"n":1}');
    h.engine.takeSnapshot(h.now);
    h.run("redis", "JSON.NUMINCRBY", "d2", "$.n", "1");
    h.run("redis", "JSON.NUMINCRBY", "d3", "$.n", "1");
    h.engine.takeSnapshot(h.now);
    h.run("redis", "SET", "d2", "plain");
    h.run("redis", "DEL", "d3");
    const replaced = readSnapshotPage(
      h.engine,
      h.sql as unknown as SqlStorage,
      { from: 0, index: 0 },
      1 << 20,
    );
    expect(replaced.text).toContain(
      '"key":"d2","key_encoding":"utf8","type":"document","encoding":"json","value":{"n":2}',
    );
    expect(replaced.text).toContain(
      '"key":"d3","key_encoding":"utf8","type":"document","encoding":"json","value":{"n":2}',
    );
    // A document of another database keeps its index.
    h.conn.db = 3;
    h.run("redis", "JSON.SET", "d4", "$", "[1]");
    h.engine.takeSnapshot(h.now);
    h.run("redis", "JSON.ARRAPPEND", "d4", "$", "2");
    h.run("redis", "JSON.SET", "d4", "$[0]", "5");
    expect(
      readSnapshotPage(h.engine, h.sql as unknown as SqlStorage, { from: 0, index: 0 }, 1 << 20)
        .text,
    ).toContain(
      '{"db":3,"key":"d4","key_encoding":"utf8","type":"document","encoding":"json","value":[1]',
    );
    h.conn.db = 0;
    h.run("redis", "FLUSHDB");
    const after = readSnapshotPage(
      h.engine,
      h.sql as unknown as SqlStorage,
      { from: 0, index: 0 },
      1 << 20,
    );
    expect(after.text).toContain('"value":{"n":42,"o":{"a":[1,2],"b":true}}');
  });

  it("opens a schema 2 database: its documents load, then take edits as log rows", () => {
    const h = new Harness({ persist: true });
    h.run("redis", "JSON.SET", "doc", "$", '{"n":1,"o":{"a":[1]}}');
    h.run("redis", "SELECT", "3");
    h.run("redis", "JSON.SET", "doc3", "$", '{"n":3}');
    // What a schema 2 build left: no log tables, version 2.
    h.sql!.db.exec(
      "DROP TABLE json_log; DROP TABLE json_log_db3; UPDATE meta SET value = 2 WHERE name = 'schema_version'",
    );
    h.restart();
    expect(text(h.run("redis", "JSON.GET", "doc3", "$.n"))).toBe("[3]");
    h.conn.db = 0;
    const version = h.sql!.db.prepare("SELECT value FROM meta WHERE name = 'schema_version'").get();
    expect(Number((version as { value: number }).value)).toBe(3);
    h.run("redis", "JSON.NUMINCRBY", "doc", "$.n", "1");
    h.conn.db = 3;
    h.run("redis", "JSON.NUMINCRBY", "doc3", "$.n", "1");
    expect(rows(h, "json_log")).toBe(1);
    expect(rows(h, "json_log_db3")).toBe(1);
    h.restart();
    expect(text(h.run("redis", "JSON.GET", "doc3", "$.n"))).toBe("[4]");
    h.conn.db = 0;
    expect(text(h.run("redis", "JSON.GET", "doc", "$"))).toBe('[{"n":2,"o":{"a":[1]}}]');
  });
});

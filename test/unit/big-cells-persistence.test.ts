// Members, fields, values and elements past CELL_MAX_BYTES in chunk rows (src/worker/cell-chunks.ts),
// against SQLite (node:sqlite): random commands that add, overwrite, move, renumber and drop them
// (with snapshots and restarts between) reload to the same state, and after every batch each chunk
// row belongs to a row that refers to it and each reference has its chunk rows (live and snapshot
// tables alike).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromBytes } from "../../src/engine/bytes.ts";
import { CELL_MAX_BYTES, STRING_CHUNK_BYTES } from "../../src/limits.ts";
import { encodeResp } from "../../src/protocols/resp/resp-encode.ts";
import { Harness, dump } from "./support/engine-harness.ts";

/** Values just past the cell limit (text, UTF-8 past it in bytes, binary) and short ones. */
const BIG = [
  "1" + "x".repeat(CELL_MAX_BYTES),
  "2" + "é".repeat(CELL_MAX_BYTES / 2),
  fromBytes(new Uint8Array(STRING_CHUNK_BYTES + 7).fill(0xff)),
];
/** A value by name ("B0".."B2": a big one), so a counterexample prints short. */
const value = fc.constantFrom("a", "B0", "B1", "B2", "B0");
const real = (a: string) => (/^B\d$/.test(a) ? BIG[Number(a[1])]! : a);

type Row = Record<string, unknown>;

/** Throws unless every chunk row of `table`'s cells is referred to, and every reference has rows. */
function checkCells(h: Harness, members: string, list: string): void {
  const all = (q: string) => h.sql!.db.prepare(q).all() as Row[];
  const refs = new Set<string>();
  for (const r of all(`SELECT key, member, value FROM ${members}`)) {
    // A zset's score is a number too, but never has chunk rows: only ids with rows must match.
    for (const c of [r.member, r.value]) if (typeof c === "number") refs.add(`${r.key}/${c}`);
  }
  const chunks = new Set(
    all(`SELECT DISTINCT key, id FROM chunks_${members}`).map((r) => `${r.key}/${r.id}`),
  );
  for (const c of chunks) if (!refs.has(c)) throw new Error(`${members}: orphan chunks ${c}`);
  for (const r of all(`SELECT key, member FROM ${members}`))
    if (typeof r.member === "number" && !chunks.has(`${r.key}/${r.member}`))
      throw new Error(`${members}: no chunks for ${r.key}/${r.member}`);
  const items = new Set(
    all(`SELECT key, pos FROM ${list} WHERE typeof(value) IN ('integer', 'real')`).map(
      (r) => `${r.key}/${r.pos}`,
    ),
  );
  const itemChunks = new Set(
    all(`SELECT DISTINCT key, id FROM chunks_${list}`).map((r) => `${r.key}/${r.id}`),
  );
  expect([...itemChunks].sort(), list).toEqual([...items].sort());
}

/** Chunk rows seen over all batches (the test's own check that it exercises them). */
let seen = 0;

describe("big cells in SQLite", () => {
  it(
    "random commands keep chunk rows exact and reload to the same state",
    { timeout: 30000 },
    () => {
      // Keys by type (s, h, l, z, x), so most commands apply; DEL, RENAME and COPY take any.
      const k = (t: string) =>
        t === "s" || t === "l" ? fc.constantFrom(`${t}1`, `${t}2`) : fc.constant(`${t}1`);
      const any = fc.constantFrom("s1", "h1", "l1", "z1", "x1", "s2", "l2");
      const cmd = fc.oneof(
        fc.tuple(fc.constant("SADD"), k("s"), value),
        fc.tuple(fc.constant("SREM"), k("s"), value),
        fc.tuple(fc.constant("SMOVE"), k("s"), k("s"), value),
        fc.tuple(fc.constant("HSET"), k("h"), value, value),
        fc.tuple(fc.constant("HDEL"), k("h"), value),
        fc.tuple(fc.constantFrom("RPUSH", "LPUSH"), k("l"), value),
        fc.tuple(fc.constantFrom("LPOP", "RPOP"), k("l")),
        fc.tuple(fc.constant("LSET"), k("l"), fc.constantFrom("0", "-1"), value),
        fc.tuple(fc.constant("LINSERT"), k("l"), fc.constant("BEFORE"), value, value),
        fc.tuple(fc.constant("LREM"), k("l"), fc.constant("1"), value),
        fc.tuple(fc.constant("LTRIM"), k("l"), fc.constant("1"), fc.constant("-1")),
        fc.tuple(fc.constant("LMOVE"), k("l"), k("l"), fc.constant("LEFT"), fc.constant("RIGHT")),
        fc.tuple(fc.constant("ZADD"), k("z"), fc.constantFrom("1", "2"), value),
        fc.tuple(fc.constant("ZREM"), k("z"), value),
        fc.tuple(fc.constant("XADD"), k("x"), fc.constant("*"), value, value),
        fc.tuple(fc.constant("XTRIM"), k("x"), fc.constant("MAXLEN"), fc.constant("1")),
        fc.tuple(fc.constant("DEL"), any),
        fc.tuple(fc.constant("RENAME"), any, any),
        fc.tuple(fc.constant("COPY"), any, any),
        fc.tuple(fc.constant("SAVE")),
        fc.tuple(fc.constant("FLUSHALL")),
        fc.tuple(fc.constant("restart")),
      );
      fc.assert(
        fc.property(
          fc.array(fc.array(cmd, { minLength: 1, maxLength: 3 }), { minLength: 6, maxLength: 14 }),
          (batches) => {
            const h = new Harness({ persist: true });
            for (const batch of batches) {
              const items = batch
                .filter((c) => c[0] !== "restart")
                .map((c) => ({ argv: c.map(real) }));
              h.batch("redis", items);
              checkCells(h, "members", "list_items");
              checkCells(h, "snap_members", "snap_list_items");
              seen += (h.sql!.db.prepare("SELECT count(*) AS n FROM chunks_members").get() as Row)
                .n as number;
              if (batch.some((c) => c[0] === "restart")) {
                const before = dump(h.engine);
                h.restart();
                expect(dump(h.engine)).toEqual(before);
              }
            }
            const before = dump(h.engine);
            h.restart();
            expect(dump(h.engine)).toEqual(before);
          },
        ),
        { numRuns: 15 },
      );
      expect(seen).toBeGreaterThan(20);
    },
  );

  it("keeps a long name an older version stored in its row there: no duplicate, no resurrection", () => {
    const h = new Harness({ persist: true });
    const run = (...argv: string[]) =>
      new TextDecoder().decode(encodeResp([h.run("redis", ...argv)], 2));
    run("SADD", "s", "a");
    run("HSET", "h", "f", "v");
    // Past CELL_MAX_BYTES, within VALUE_MAX_BYTES: before chunked cells such a name was inline.
    const long = "L" + "y".repeat(CELL_MAX_BYTES);
    h.sql!.exec("INSERT INTO members (key, member, value) VALUES (?, ?, NULL)", "s", long);
    h.sql!.exec("INSERT INTO members (key, member, value) VALUES (?, ?, ?)", "h", long, "old");
    h.restart();
    expect(run("SISMEMBER", "s", long)).toBe(":1\r\n");
    expect(run("HSET", "h", long, "new")).toBe(":0\r\n");
    h.restart();
    expect(run("HGET", "h", long)).toBe("$3\r\nnew\r\n");
    expect(run("HLEN", "h")).toBe(":2\r\n");
    expect(run("SREM", "s", long)).toBe(":1\r\n");
    expect(run("HDEL", "h", long)).toBe(":1\r\n");
    h.restart();
    expect(run("SCARD", "s")).toBe(":1\r\n");
    expect(run("HLEN", "h")).toBe(":1\r\n");
    expect(h.sql!.db.prepare("SELECT count(*) AS n FROM members").get()).toEqual({ n: 2 });
  });
});

// Issue 18: editing one field of a large JSON document does not rewrite the document. The
// command engine with its persistence on SQLite (node:sqlite, the stand-in for the Durable
// Object's) runs JSON.NUMINCRBY on one field of a ~10 KB and a ~1 MB document, one command per
// batch and one commit each, as a door does; printed side by side: NUMINCRBYs per second, SQLite
// rows written and bytes bound to write statements per NUMINCRBY (compactions included: they
// are averaged over the run), and the time to load the object back afterwards.
//
//   node bench/json-incr.ts [--ops 2000] [--big-ops 300]   (commands on the 10 KB / 1 MB document)

import { DatabaseSync } from "node:sqlite";
import { COMMANDS } from "../src/engine/commands/index.ts";
import { newConn } from "../src/engine/conn-state.ts";
import { Engine, NULL_HOST } from "../src/engine/engine.ts";
import { nodeSqlStorage } from "../src/node/node-sqlite.ts";
import { Persistence } from "../src/worker/persistence.ts";

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const OPS = Number(opt("ops", "2000"));
/** Fewer on the 1 MB document: before incremental storage each one rewrote a megabyte. */
const BIG_OPS = Number(opt("big-ops", "300"));

/** One item of the catalogue (about 100 bytes of JSON). */
const item = (i: number) =>
  JSON.stringify({
    id: i,
    name: `item ${i} with a name`,
    price: 10 + i / 4,
    tags: ["a", "b", "c"],
    stock: { warehouse: i * 3, shop: i },
  });

/** A document of about `bytes` (under the 1 MiB argument limit): a counter and a catalogue. */
function documentOf(bytes: number): string {
  const items: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes - 100; i++) {
    items.push(item(i));
    size += items[i]!.length + 1;
  }
  return `{"counter":0,"meta":{"owner":"bench","version":1},"items":[${items.join(",")}]}`;
}

/** Bytes of one bound SQL value. */
function bytesOf(v: unknown): number {
  if (typeof v === "string") return Buffer.byteLength(v);
  if (v instanceof ArrayBuffer) return v.byteLength;
  if (v === null || v === undefined) return 0;
  return 8;
}

function run(
  doc: string,
  ops: number,
): {
  perSecond: number;
  rows: number;
  bytes: number;
  loadMs: number;
  size: number;
} {
  const db = new DatabaseSync(":memory:");
  const sql = nodeSqlStorage(db);
  let bound = 0;
  const exec = sql.exec.bind(sql);
  sql.exec = (q, ...b) => {
    if (!/^\s*select/i.test(q)) for (const v of b) bound += bytesOf(v);
    return exec(q, ...b);
  };
  const p = new Persistence(sql as unknown as SqlStorage);
  const engine = new Engine(COMMANDS, "bench", {}, NULL_HOST);
  const conn = newConn(1, { authed: true, readonly: false });
  const now = Date.now();
  const [set] = engine.run("redis", conn, [{ argv: ["JSON.SET", "doc", "$", doc] }], now);
  if (set!.k === "error") throw new Error(String(set!.v));
  p.writeChanges(engine);
  const [mem] = engine.run("redis", conn, [{ argv: ["JSON.DEBUG", "MEMORY", "doc"] }], now);
  const rows0 = sql.rowsWritten;
  const bytes0 = bound;
  const t0 = performance.now();
  for (let i = 0; i < ops; i++) {
    const [r] = engine.run(
      "redis",
      conn,
      [{ argv: ["JSON.NUMINCRBY", "doc", "$.items[1].stock.shop", "1"] }],
      now,
    );
    if (r!.k === "error") throw new Error(String(r!.v));
    p.writeChanges(engine);
  }
  const ms = performance.now() - t0;
  const t1 = performance.now();
  const back = new Engine(COMMANDS, "bench", {}, NULL_HOST);
  new Persistence(sql as unknown as SqlStorage).load(back);
  const loadMs = performance.now() - t1;
  const [got] = back.run(
    "redis",
    conn,
    [{ argv: ["JSON.GET", "doc", "$.items[1].stock.shop"] }],
    now,
  );
  if (JSON.stringify(got) !== JSON.stringify({ k: "bulk", v: `[${1 + ops}]` }))
    throw new Error(`reloaded value ${JSON.stringify(got)}`);
  db.close();
  return {
    perSecond: Math.round((ops / ms) * 1000),
    rows: (sql.rowsWritten - rows0) / ops,
    bytes: (bound - bytes0) / ops,
    loadMs,
    size: mem!.k === "int" ? Number(mem!.v) : 0,
  };
}

const docs = [documentOf(10_000), documentOf(1_000_000)];
run(docs[0]!, OPS); // warm-up: the first run pays for compiling the engine's paths
console.log(`JSON.NUMINCRBY of one field, a commit each, ${OPS} / ${BIG_OPS} times (node:sqlite)`);
console.log("| document | NUMINCRBY/s | rows written per op | bytes bound per op | load after |");
console.log("|--:|--:|--:|--:|--:|");
for (const [i, d] of docs.entries()) {
  const r = run(d, i === 0 ? OPS : BIG_OPS);
  console.log(
    `| ${r.size.toLocaleString("en")} B | ${r.perSecond.toLocaleString("en")} | ${r.rows.toFixed(2)} | ${Math.round(r.bytes).toLocaleString("en")} | ${r.loadMs.toFixed(0)} ms |`,
  );
}

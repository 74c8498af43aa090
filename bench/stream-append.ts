// Issue 16: appending to a stream costs the same at 1k and 1M entries. The command engine with
// its persistence on SQLite (node:sqlite, the stand-in for the Durable Object's) appends to a
// stream of each size, one XADD per batch and one commit each, as a door does; printed side by
// side: XADDs per second and SQLite rows written per XADD (a stream's entries are member rows:
// an append writes its own, never the whole stream).
//
//   node bench/stream-append.ts [--sizes 1000,1000000] [--ops 5000]

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
const SIZES = opt("sizes", "1000,1000000").split(",").map(Number);
const OPS = Number(opt("ops", "5000"));
/** Entries appended per batch while filling a stream to its size. */
const FILL_BATCH = 1000;

/** XADDs per second and rows per XADD on a stream already holding `size` entries. */
function appendAt(size: number): { perSecond: number; rowsPerAdd: number; fillS: number } {
  const db = new DatabaseSync(":memory:");
  const sql = nodeSqlStorage(db);
  const p = new Persistence(sql as unknown as SqlStorage);
  const engine = new Engine(COMMANDS, "bench", {}, NULL_HOST);
  const conn = newConn(1, { authed: true, readonly: false });
  const now = Date.now();
  const t0 = performance.now();
  for (let i = 0; i < size; i += FILL_BATCH) {
    const n = Math.min(FILL_BATCH, size - i);
    const items = Array.from({ length: n }, (_, j) => ({
      argv: ["XADD", "s", "*", "field", `value-${i + j}`],
    }));
    engine.run("redis", conn, items, now);
    p.writeChanges(engine);
  }
  const fillS = (performance.now() - t0) / 1000;
  const rows0 = sql.rowsWritten;
  const t1 = performance.now();
  for (let i = 0; i < OPS; i++) {
    engine.run("redis", conn, [{ argv: ["XADD", "s", "*", "field", `more-${i}`] }], now);
    p.writeChanges(engine);
  }
  const ms = performance.now() - t1;
  db.close();
  return {
    perSecond: Math.round((OPS / ms) * 1000),
    rowsPerAdd: (sql.rowsWritten - rows0) / OPS,
    fillS,
  };
}

appendAt(SIZES[0]!); // warm-up: the first run pays for compiling the engine's paths
const results = SIZES.map((size) => ({ size, ...appendAt(size) }));
console.log(`XADD with a commit each, ${OPS} appends to a stream of each size (node:sqlite)`);
console.log("| entries in the stream | XADD/s | SQLite rows written per XADD | fill time |");
console.log("|--:|--:|--:|--:|");
for (const r of results)
  console.log(
    `| ${r.size.toLocaleString("en")} | ${r.perSecond.toLocaleString("en")} | ${r.rowsPerAdd.toFixed(2)} | ${r.fillS.toFixed(1)} s |`,
  );
const [a, b] = [results[0]!, results[results.length - 1]!];
console.log(
  `largest vs smallest: ${((b.perSecond / a.perSecond - 1) * 100).toFixed(1)} % XADD/s, rows per XADD ${a.rowsPerAdd.toFixed(2)} vs ${b.rowsPerAdd.toFixed(2)}`,
);

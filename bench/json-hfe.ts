// JSON documents and hash field expiry, short runs: operations per second of JSON.SET of a 10 KB
// document, JSON.NUMINCRBY of one field in it and JSON.GET $.path, beside SET/GET of the same
// document as a string; HSETEX/HGETEX beside HSET/HGET. Engine only (with and without SQLite
// persistence, node:sqlite standing in for the Durable Object's), then through one door: Upstash
// REST on a local Worker, sequential requests over keep-alive.
//
//   node bench/json-hfe.ts [--ops 20000] [--http 1500] [--no-http]

import { DatabaseSync } from "node:sqlite";
import { COMMANDS } from "../src/engine/commands/index.ts";
import { newConn } from "../src/engine/conn-state.ts";
import { Engine, NULL_HOST } from "../src/engine/engine.ts";
import { nodeSqlStorage } from "../src/node/node-sqlite.ts";
import { Persistence } from "../src/worker/persistence.ts";
import { benchWorker } from "./lib/bench-worker.ts";

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const OPS = opt("ops", 20_000);
const HTTP_OPS = opt("http", 1_500);

/** A ~10 KB document: 100 items of a catalogue, and one counter. */
function document(): string {
  const items = Array.from({ length: 100 }, (_, i) => ({
    id: i,
    name: `item ${i} with a name`,
    price: 10 + i / 4,
    tags: ["a", "b", "c"],
    stock: { warehouse: i * 3, shop: i },
  }));
  return JSON.stringify({ counter: 0, meta: { owner: "bench", version: 1 }, items });
}
const DOC = document();

type Case = [name: string, argv: (i: number) => string[]];

const CASES: Case[] = [
  ["SET doc as string", (i) => ["SET", `s:${i % 100}`, DOC]],
  ["GET doc as string", (i) => ["GET", `s:${i % 100}`]],
  ["JSON.SET $ (10 KB)", (i) => ["JSON.SET", `j:${i % 100}`, "$", DOC]],
  ["JSON.GET $.items[50].price", (i) => ["JSON.GET", `j:${i % 100}`, "$.items[50].price"]],
  ["JSON.NUMINCRBY $.counter", (i) => ["JSON.NUMINCRBY", `j:${i % 100}`, "$.counter", "1"]],
  ["HSET", (i) => ["HSET", `h:${i % 1000}`, `f${i % 10}`, "value"]],
  ["HGET", (i) => ["HGET", `h:${i % 1000}`, `f${i % 10}`]],
  [
    "HSETEX PX 60000",
    (i) => ["HSETEX", `x:${i % 1000}`, "PX", "60000", "FIELDS", "1", `f${i % 10}`, "value"],
  ],
  [
    "HGETEX PX 60000",
    (i) => ["HGETEX", `x:${i % 1000}`, "PX", "60000", "FIELDS", "1", `f${i % 10}`],
  ],
];

function rate(n: number, ms: number): number {
  return Math.round((n / ms) * 1000);
}

function engineRates(persist: boolean): Record<string, number> {
  const db = persist ? new DatabaseSync(":memory:") : null;
  const p = db ? new Persistence(nodeSqlStorage(db) as unknown as SqlStorage) : null;
  const engine = new Engine(COMMANDS, "bench", {}, NULL_HOST);
  const conn = newConn(1, { authed: true, readonly: false });
  const out: Record<string, number> = {};
  for (const [name, argv] of CASES) {
    const t0 = performance.now();
    for (let i = 0; i < OPS; i++) {
      const [r] = engine.run("redis", conn, [{ argv: argv(i) }], Date.now());
      if (r!.k === "error") throw new Error(`${name}: ${r!.v}`);
      p?.writeChanges(engine);
    }
    out[name] = rate(OPS, performance.now() - t0);
  }
  db?.close();
  return out;
}

async function httpRates(): Promise<Record<string, number>> {
  const w = await benchWorker();
  const out: Record<string, number> = {};
  try {
    for (const [name, argv] of CASES) {
      const t0 = performance.now();
      for (let i = 0; i < HTTP_OPS; i++) {
        const res = await fetch(w.url, { method: "POST", body: JSON.stringify(argv(i)) });
        const body = await res.text();
        if (!res.ok) throw new Error(`${name}: ${body}`);
      }
      out[name] = rate(HTTP_OPS, performance.now() - t0);
    }
  } finally {
    await w.dispose();
  }
  return out;
}

const engine = engineRates(false);
const persisted = engineRates(true);
const http = args.includes("--no-http") ? null : await httpRates();
console.log(`document: ${DOC.length} bytes; engine ops ${OPS}, REST ops ${HTTP_OPS} (sequential)`);
console.log(
  ["case".padEnd(30), "engine/s".padStart(10), "+sqlite/s".padStart(10), "REST/s".padStart(8)].join(
    " ",
  ),
);
for (const [name] of CASES) {
  console.log(
    [
      name.padEnd(30),
      String(engine[name]).padStart(10),
      String(persisted[name]).padStart(10),
      String(http?.[name] ?? "-").padStart(8),
    ].join(" "),
  );
}

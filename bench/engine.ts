// Engine benchmark: SET/GET operations per second of the command engine beside a bare Map doing
// the same work in the same run, the same with persistence to SQLite (node:sqlite, as a stand-in
// for the Durable Object's SQLite), and the time to load 100k keys from storage.
//
//   node bench/engine.ts [--keys 100000] [--ops 300000]

import { DatabaseSync } from "node:sqlite";
import { COMMANDS } from "../src/engine/commands/index.ts";
import { newConn } from "../src/engine/conn-state.ts";
import { Engine, NULL_HOST } from "../src/engine/engine.ts";
import { nodeSqlStorage } from "../src/node/node-sqlite.ts";
import { Persistence } from "../src/worker/persistence.ts";

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const KEYS = opt("keys", 100_000);
const OPS = opt("ops", 300_000);
const VALUE = "v".repeat(32);

function rate(n: number, ms: number): number {
  return Math.round((n / ms) * 1000);
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const keys = Array.from({ length: KEYS }, (_, i) => `key:${i}`);

function benchEngine(persist: boolean): {
  set: number;
  get: number;
  engine: Engine;
  db: DatabaseSync | null;
} {
  const db = persist ? new DatabaseSync(":memory:") : null;
  const p = db ? new Persistence(nodeSqlStorage(db) as unknown as SqlStorage) : null;
  const engine = new Engine(COMMANDS, "bench", {}, NULL_HOST);
  const conn = newConn(1, { authed: true, readonly: false });
  const now = Date.now();
  const one = (argv: string[]) => {
    engine.run("redis", conn, [{ argv }], now);
    p?.writeChanges(engine);
  };
  const setMs = time(() => {
    for (let i = 0; i < OPS; i++) one(["SET", keys[i % KEYS]!, VALUE]);
  });
  const getMs = time(() => {
    for (let i = 0; i < OPS; i++) one(["GET", keys[i % KEYS]!]);
  });
  return { set: rate(OPS, setMs), get: rate(OPS, getMs), engine, db };
}

function benchMap(): { set: number; get: number } {
  const m = new Map<string, string>();
  let sink = 0;
  const setMs = time(() => {
    for (let i = 0; i < OPS; i++) m.set(keys[i % KEYS]!, VALUE);
  });
  const getMs = time(() => {
    for (let i = 0; i < OPS; i++) sink += m.get(keys[i % KEYS]!)!.length;
  });
  if (sink < 0) console.log(sink);
  return { set: rate(OPS, setMs), get: rate(OPS, getMs) };
}

// Warm up the JIT on both paths first.
benchMap();
benchEngine(false);

const map = benchMap();
const mem = benchEngine(false);
const dur = benchEngine(true);

const loadEngine = new Engine(COMMANDS, "bench", {}, NULL_HOST);
const loadMs = time(() =>
  new Persistence(nodeSqlStorage(dur.db!) as unknown as SqlStorage).load(loadEngine),
);

const row = (name: string, r: { set: number; get: number }) =>
  `| ${name.padEnd(40)} | ${String(r.set).padStart(10)} | ${String(r.get).padStart(10)} | ${(r.set / map.set).toFixed(3).padStart(8)} | ${(r.get / map.get).toFixed(3).padStart(8)} |`;

console.log(
  `engine benchmark: ${OPS} ops over ${KEYS} keys, ${VALUE.length}-byte values, one command per batch (node ${process.version})`,
);
console.log(
  "| path                                     |    SET/s   |    GET/s   | SET/Map  | GET/Map  |",
);
console.log(
  "|------------------------------------------|-----------:|-----------:|---------:|---------:|",
);
console.log(row("bare Map (reference)", map));
console.log(row("engine (dispatch, LRU, usage, replies)", mem));
console.log(row("engine + SQLite write-through per batch", dur));
console.log(`cold load of ${loadEngine.dbsize} keys from SQLite: ${loadMs.toFixed(0)} ms`);

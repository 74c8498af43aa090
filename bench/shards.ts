// Throughput of one namespace at 1, 4 and 16 shards on the local runtime, in one run (issue 7):
// SET and GET as single commands and as 16-command requests (a WebSocket message, an Upstash
// /pipeline), over WebSocket and HTTP, plus MGET of 16 keys (one command fanned out to the
// shards that hold its keys). The Worker starts once per shard count with SHARDS=<n>.
//
// The local runtime runs the Worker and every object on the same few cores, so this measures
// what fan-out costs (more calls, more merging), not the speed-up of more machines; see
// docs/scaling.md for the model from these numbers to a deployment.
//
//   node bench/shards.ts [--seconds 3] [--conns 50] [--shards 1,4,16] [--only door/op/depth,…]
//                        [--out bench/results/shards.md]

import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname } from "node:path";
import { benchWorker } from "./lib/bench-worker.ts";
import { httpLoad, wsLoad } from "./lib/load.ts";
import type { LoadOptions, LoadResult } from "./lib/load.ts";

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const SECONDS = Number(opt("seconds", "3"));
const CONNS = Number(opt("conns", "50"));
const SHARD_COUNTS = opt("shards", "1,4,16").split(",").map(Number);
const KEYS = 1000;
const VALUE = "x".repeat(16);
const DEPTH = 16;

type Op = "SET" | "GET" | "MGET16";
interface Cell {
  door: "ws-redis" | "http-upstash";
  op: Op;
  /** Commands per request (MGET16: one command of 16 keys). */
  depth: number;
}

const ALL_CELLS: Cell[] = [];
for (const door of ["ws-redis", "http-upstash"] as const) {
  for (const depth of [1, DEPTH])
    for (const op of ["SET", "GET"] as Op[]) ALL_CELLS.push({ door, op, depth });
  ALL_CELLS.push({ door, op: "MGET16", depth: 1 });
}
const cellId = (c: Cell) => `${c.door}/${c.op}/${c.depth}`;
/** `--only ws-redis/GET/1,http-upstash/MGET16/1` runs just those cells. */
const ONLY = opt("only", "");
const CELLS = ONLY ? ALL_CELLS.filter((c) => ONLY.split(",").includes(cellId(c))) : ALL_CELLS;

const key = (c: number, n: number, i: number) => `key:${(c * 7919 + n * DEPTH + i) % KEYS}`;
const bulk = (a: string) => `$${a.length}\r\n${a}\r\n`;
const respOf = (argv: string[]) => `*${argv.length}\r\n${argv.map(bulk).join("")}`;

/** The argument vectors of request n of connection c. */
function commands(cell: Cell, c: number, n: number): string[][] {
  if (cell.op === "MGET16")
    return [["MGET", ...Array.from({ length: DEPTH }, (_, i) => key(c, n, i))]];
  return Array.from({ length: cell.depth }, (_, i) =>
    cell.op === "SET" ? ["SET", key(c, n, i), VALUE] : ["GET", key(c, n, i)],
  );
}

function check(reply: string): void {
  if (reply.startsWith("-") || reply.includes('"error"'))
    throw new Error(`error reply: ${reply.slice(0, 200)}`);
}

function run(base: URL, cell: Cell): Promise<LoadResult> {
  const load = (request: LoadOptions["request"]): LoadOptions => ({
    connections: CONNS,
    seconds: SECONDS,
    depth: cell.depth,
    request,
    check,
  });
  if (cell.door === "ws-redis") {
    return wsLoad(
      `ws://${base.host}/resp`,
      load((c, n) => commands(cell, c, n).map(respOf).join("")),
    );
  }
  const batch = cell.depth > 1;
  return httpLoad(new URL(batch ? "/pipeline" : "/", base).href, {
    ...load((c, n) => {
      const cmds = commands(cell, c, n);
      return JSON.stringify(batch ? cmds : cmds[0]);
    }),
    contentType: "application/json",
  });
}

async function main(): Promise<void> {
  const results = new Map<string, LoadResult>();
  const rows: string[] = [];
  for (const shards of SHARD_COUNTS) {
    // SHARD_WS_CALLS=0: a benchmark socket makes far more shard calls than the default budget.
    const worker = await benchWorker({
      vars: { SHARDS: String(shards), SHARD_WS_CALLS: "0" },
    });
    try {
      // Every key exists, so GET and MGET read values.
      const preload = await fetch(new URL("/pipeline", worker.url), {
        method: "POST",
        body: JSON.stringify(Array.from({ length: KEYS }, (_, i) => ["SET", `key:${i}`, VALUE])),
      });
      check(await preload.text());
      for (const cell of CELLS) {
        const r = await run(worker.url, cell);
        const id = cellId(cell);
        results.set(`${shards}/${id}`, r);
        const base = results.get(`${SHARD_COUNTS[0]}/${id}`)!;
        const label = cell.op === "MGET16" ? "MGET 16 keys" : cell.op;
        const row = `| ${shards} | ${cell.door} | ${cell.depth} | ${label} | ${r.rate} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${(r.rate / base.rate).toFixed(2)} |`;
        console.log(row);
        rows.push(row);
      }
    } finally {
      await worker.dispose();
    }
  }
  const header = [
    `Shards on the local runtime, ${SECONDS}s per cell, ${CONNS} connections, ${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, node ${process.version}.`,
    `Commands per second (MGET 16 keys: MGET commands per second). "vs ${SHARD_COUNTS[0]}": ratio to the same cell at ${SHARD_COUNTS[0]} shard(s).`,
    "",
    `| shards | door | cmds/request | op | cmd/s | p50 ms | p99 ms | vs ${SHARD_COUNTS[0]} |`,
    "|--:|---|--:|---|--:|--:|--:|--:|",
  ];
  console.log(["", ...header, ...rows].join("\n"));
  const out = opt("out", "");
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, [...header, ...rows].join("\n") + "\n");
  }
}

await main();

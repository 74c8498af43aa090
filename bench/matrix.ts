// The door matrix of issue 8: every door × 1/50 connections × 1/16 commands per request ×
// SET/GET, each beside the floor (bench/floor/worker.ts: a do-nothing Worker + Durable Object,
// Map only for GET, Map + one SQLite row per SET for SET) measured in the same run.
//
//   node bench/matrix.ts [--seconds 3] [--doors ws-blink,ws-redis,...] [--out bench/results/matrix.md]

import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname } from "node:path";
import { startLocalWorker, startWorkerScript } from "../src/node/local-worker.ts";
import { httpLoad, wsLoad } from "./lib/load.ts";
import type { LoadOptions, LoadResult } from "./lib/load.ts";

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const SECONDS = Number(opt("seconds", "3"));
const KEYS = 1000;
const VALUE = "x".repeat(16);

type Op = "SET" | "GET";
interface Door {
  name: string;
  /** The floor door it is compared with. */
  floor: "ws" | "http";
  depths: number[];
  run(base: URL, op: Op, conns: number, depth: number): Promise<LoadResult>;
}

const key = (c: number, n: number, i: number) => `key:${(c * 7919 + n * 16 + i) % KEYS}`;
const lines = (op: Op, c: number, n: number, depth: number) => {
  let s = "";
  for (let i = 0; i < depth; i++) s += op === "SET" ? `SET ${key(c, n, i)} ${VALUE}\n` : `GET ${key(c, n, i)}\n`;
  return s;
};
const bulk = (a: string) => `$${a.length}\r\n${a}\r\n`;
const respCmd = (op: Op, k: string) => (op === "SET" ? `*3\r\n${bulk("SET")}${bulk(k)}${bulk(VALUE)}` : `*2\r\n${bulk("GET")}${bulk(k)}`);

const ws = (u: URL, path: string) => `ws://${u.host}${path}`;
const load = (conns: number, depth: number, request: LoadOptions["request"]): LoadOptions => ({
  connections: conns,
  seconds: SECONDS,
  depth,
  request,
});

const DOORS: Door[] = [
  {
    name: "ws-blink",
    floor: "ws",
    depths: [1, 16],
    run: (b, op, conns, depth) => wsLoad(ws(b, "/blink"), load(conns, depth, (c, n) => lines(op, c, n, depth))),
  },
  {
    name: "ws-redis",
    floor: "ws",
    depths: [1, 16],
    run: (b, op, conns, depth) =>
      wsLoad(ws(b, "/resp"), load(conns, depth, (c, n) => Array.from({ length: depth }, (_, i) => respCmd(op, key(c, n, i))).join(""))),
  },
  {
    name: "http-blink",
    floor: "http",
    depths: [1, 16],
    run: (b, op, conns, depth) => httpLoad(new URL("/blink", b).href, load(conns, depth, (c, n) => lines(op, c, n, depth))),
  },
  {
    name: "http-upstash",
    floor: "http",
    depths: [1, 16],
    run: (b, op, conns, depth) =>
      httpLoad(new URL(depth === 1 ? "/" : "/pipeline", b).href, {
        ...load(conns, depth, (c, n) => {
          const cmds = Array.from({ length: depth }, (_, i) => (op === "SET" ? ["SET", key(c, n, i), VALUE] : ["GET", key(c, n, i)]));
          return JSON.stringify(depth === 1 ? cmds[0] : cmds);
        }),
        contentType: "application/json",
      }),
  },
  {
    name: "http-lightredis",
    floor: "http",
    depths: [1],
    run: (b, op, conns) =>
      httpLoad(b.href, {
        ...load(conns, 1, (c, n) => JSON.stringify(op === "SET" ? { cmd: "set", key: key(c, n, 0), value: VALUE } : { cmd: "get", key: key(c, n, 0) })),
        contentType: "application/json",
      }),
  },
];

async function floorRun(base: URL, kind: "ws" | "http", op: Op, conns: number, depth: number): Promise<LoadResult> {
  const mode = op === "SET" ? "sql" : "map";
  const o = load(conns, depth, (c, n) => lines(op, c, n, depth));
  return kind === "ws" ? wsLoad(ws(base, `/ws/${mode}`), o) : httpLoad(new URL(`/http/${mode}`, base).href, o);
}

async function main(): Promise<void> {
  const wanted = opt("doors", DOORS.map((d) => d.name).join(",")).split(",");
  const ours = await startLocalWorker({ port: 0, persistTo: false, vars: { ALLOW_ANONYMOUS: "true" } });
  const floor = await startWorkerScript(
    new URL("./floor/worker.ts", import.meta.url).pathname,
    { compatibilityDate: "2026-08-01", durableObjects: { FLOOR: { className: "FloorObject", useSQLite: true } } },
    { port: 0, persistTo: false },
  );
  const rows: string[] = [];
  const floorCache = new Map<string, LoadResult>();
  try {
    for (const door of DOORS.filter((d) => wanted.includes(d.name))) {
      for (const conns of [1, 50]) {
        for (const depth of door.depths) {
          for (const op of ["SET", "GET"] as Op[]) {
            const fk = `${door.floor}/${conns}/${depth}/${op}`;
            if (!floorCache.has(fk)) floorCache.set(fk, await floorRun(floor.url, door.floor, op, conns, depth));
            const f = floorCache.get(fk)!;
            const r = await door.run(ours.url, op, conns, depth);
            const row = `| ${door.name} | ${conns} | ${depth} | ${op} | ${r.rate} | ${f.rate} | ${(r.rate / f.rate).toFixed(2)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`;
            console.log(row);
            rows.push(row);
          }
        }
      }
    }
  } finally {
    await ours.dispose();
    await floor.dispose();
  }
  const header = [
    `Door matrix, ${SECONDS}s per cell, ${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, node ${process.version}.`,
    "Floor: a do-nothing Worker + Durable Object (Map for GET; Map + one SQLite row per SET), same runtime, same run.",
    "",
    "| door | conns | cmds/request | op | ours cmd/s | floor cmd/s | ratio | p50 ms | p99 ms |",
    "|---|--:|--:|---|--:|--:|--:|--:|--:|",
  ];
  const out = opt("out", "");
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, [...header, ...rows].join("\n") + "\n");
  }
}

await main();

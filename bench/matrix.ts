// The door matrix of issue 8: every door × 1/50 connections × 1/16 commands per request ×
// SET/GET, each beside the floor (bench/floor/worker.ts: a do-nothing Worker + Durable Object,
// Map only for GET, Map + one SQLite row per SET for SET) measured in the same run, plus the
// Upstash /pipeline with 100 commands per request (target ≥ 50k commands/s).
// bench/run.ts runs it as part of the whole benchmark; alone:
//
//   node bench/matrix.ts [--seconds 3] [--doors ws-blink,ws-redis,...] [--out bench/results/matrix.md]

import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startWorkerScript } from "../src/node/local-worker.ts";
import { httpLoad, wsLoad } from "./lib/load.ts";
import type { LoadOptions, LoadResult } from "./lib/load.ts";
import { benchWorker } from "./lib/bench-worker.ts";

const KEYS = 1000;
const VALUE_BYTES = 16;
/**
 * The value a SET writes: different on every write, so that both our store and the floor really
 * change a row (SQLite skips work when an upsert leaves a row as it was, which would flatter the
 * floor's "one SQLite row per SET").
 */
const value = (c: number, n: number, i: number) =>
  `${c}.${n}.${i}.`.padEnd(VALUE_BYTES, "x").slice(0, VALUE_BYTES);
/** Issue 8: every door at least this share of the floor with the same persistence work. */
export const FLOOR_RATIO_TARGET = 0.8;
/** Issue 8: Upstash /pipeline with 100 commands per request, commands per second. */
export const PIPELINE_100_TARGET = 50_000;
const PIPELINE_100_DEPTH = 100;
const MANY_CONNECTIONS = 50;
/** Rounds per cell: the floor and ours alternate, so drift on the shared machine hits both alike. */
const ROUNDS = 3;

export type Op = "SET" | "GET";
/** One cell's load shape. */
export interface Cell {
  conns: number;
  depth: number;
  seconds: number;
}
/** One door of the matrix: how to load it, and the floor door it is compared with. */
export interface Door {
  name: string;
  /** The floor door it is compared with. */
  floor: "ws" | "http";
  depths: number[];
  run(base: URL, op: Op, cell: Cell): Promise<LoadResult>;
}

const key = (c: number, n: number, i: number) => `key:${(c * 7919 + n * 16 + i) % KEYS}`;
const lines = (op: Op, c: number, n: number, depth: number) => {
  let s = "";
  for (let i = 0; i < depth; i++)
    s += op === "SET" ? `SET ${key(c, n, i)} ${value(c, n, i)}\n` : `GET ${key(c, n, i)}\n`;
  return s;
};
const bulk = (a: string) => `$${a.length}\r\n${a}\r\n`;
const respCmd = (op: Op, c: number, n: number, i: number) =>
  op === "SET"
    ? `*3\r\n${bulk("SET")}${bulk(key(c, n, i))}${bulk(value(c, n, i))}`
    : `*2\r\n${bulk("GET")}${bulk(key(c, n, i))}`;

const ws = (u: URL, path: string) => `ws://${u.host}${path}`;
const load = (cell: Cell, request: LoadOptions["request"]): LoadOptions => ({
  connections: cell.conns,
  seconds: cell.seconds,
  depth: cell.depth,
  request,
});

/** The doors of the matrix, in order. */
export const DOORS: Door[] = [
  {
    name: "ws-blink",
    floor: "ws",
    depths: [1, 16],
    run: (b, op, cell) =>
      wsLoad(
        ws(b, "/blink"),
        load(cell, (c, n) => lines(op, c, n, cell.depth)),
      ),
  },
  {
    name: "ws-redis",
    floor: "ws",
    depths: [1, 16],
    run: (b, op, cell) =>
      wsLoad(
        ws(b, "/resp"),
        load(cell, (c, n) =>
          Array.from({ length: cell.depth }, (_, i) => respCmd(op, c, n, i)).join(""),
        ),
      ),
  },
  {
    name: "http-blink",
    floor: "http",
    depths: [1, 16],
    run: (b, op, cell) =>
      httpLoad(
        new URL("/blink", b).href,
        load(cell, (c, n) => lines(op, c, n, cell.depth)),
      ),
  },
  {
    name: "http-upstash",
    floor: "http",
    depths: [1, 16],
    run: (b, op, cell) =>
      httpLoad(new URL(cell.depth === 1 ? "/" : "/pipeline", b).href, {
        ...load(cell, (c, n) => {
          const cmds = Array.from({ length: cell.depth }, (_, i) =>
            op === "SET" ? ["SET", key(c, n, i), value(c, n, i)] : ["GET", key(c, n, i)],
          );
          return JSON.stringify(cell.depth === 1 ? cmds[0] : cmds);
        }),
        contentType: "application/json",
      }),
  },
  {
    name: "http-lightredis",
    floor: "http",
    depths: [1],
    run: (b, op, cell) =>
      httpLoad(b.href, {
        ...load(cell, (c, n) =>
          JSON.stringify(
            op === "SET"
              ? { cmd: "set", key: key(c, n, 0), value: value(c, n, 0) }
              : { cmd: "get", key: key(c, n, 0) },
          ),
        ),
        contentType: "application/json",
      }),
  },
];

/** Every door's name, in matrix order. */
export const DOOR_NAMES = DOORS.map((d) => d.name);

/** Loads the floor Worker with the same cell (Blink-style lines). */
export function floorRun(base: URL, kind: "ws" | "http", op: Op, cell: Cell): Promise<LoadResult> {
  const mode = op === "SET" ? "sql" : "map";
  const o = load(cell, (c, n) => lines(op, c, n, cell.depth));
  return kind === "ws"
    ? wsLoad(ws(base, `/ws/${mode}`), o)
    : httpLoad(new URL(`/http/${mode}`, base).href, o);
}

export interface MatrixOptions {
  /** Seconds of load per cell. */
  seconds: number;
  /** Doors to run (all unless told). */
  doors?: readonly string[];
  /** Called with each row as it is measured. */
  progress?(row: string): void;
}

/** The cells of the matrix, in order: doors × connections × depths × SET/GET, then the /pipeline row. */
function cells(
  wanted: readonly string[],
  seconds: number,
): { door: Door; op: Op; cell: Cell; target?: number }[] {
  const out: { door: Door; op: Op; cell: Cell; target?: number }[] = [];
  for (const door of DOORS.filter((d) => wanted.includes(d.name)))
    for (const conns of [1, MANY_CONNECTIONS])
      for (const depth of door.depths)
        for (const op of ["SET", "GET"] as Op[])
          out.push({ door, op, cell: { conns, depth, seconds } });
  const upstash = DOORS.find((d) => d.name === "http-upstash")!;
  if (wanted.includes(upstash.name))
    for (const op of ["SET", "GET"] as Op[])
      out.push({
        door: upstash,
        op,
        cell: { conns: MANY_CONNECTIONS, depth: PIPELINE_100_DEPTH, seconds },
        target: PIPELINE_100_TARGET,
      });
  return out;
}

/** One measured cell of the matrix beside its floor. */
export interface MatrixRow {
  door: string;
  conns: number;
  depth: number;
  op: Op;
  ours: LoadResult;
  floor: LoadResult;
  /** Commands/s target of its own (the /pipeline rows); the others aim at FLOOR_RATIO_TARGET. */
  target?: number;
  ok: boolean;
}

/** Runs the door matrix against our Worker and the floor Worker (both started here): its rows and Markdown table. */
export async function runMatrix(
  opts: MatrixOptions,
): Promise<{ rows: MatrixRow[]; lines: string[] }> {
  const wanted = opts.doors ?? DOOR_NAMES;
  const ours = await benchWorker();
  const floor = await startWorkerScript(
    new URL("./floor/worker.ts", import.meta.url).pathname,
    {
      compatibilityDate: "2026-08-01",
      durableObjects: { FLOOR: { className: "FloorObject", useSQLite: true } },
    },
    { port: 0, persistTo: false },
  );
  const rows: MatrixRow[] = [];
  const lines: string[] = [];
  try {
    for (const { door, op, cell, target } of cells(wanted, opts.seconds)) {
      const round: Cell = { ...cell, seconds: cell.seconds / ROUNDS };
      const pairs: { f: LoadResult; r: LoadResult }[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const f = await floorRun(floor.url, door.floor, op, round);
        pairs.push({ f, r: await door.run(ours.url, op, round) });
      }
      // The round with the median ratio stands for the cell: both sides measured seconds apart.
      pairs.sort((a, b) => a.r.rate / a.f.rate - b.r.rate / b.f.rate);
      const { f, r } = pairs[ROUNDS >> 1]!;
      const share = r.rate / f.rate;
      const ok = target === undefined ? share >= FLOOR_RATIO_TARGET : r.rate >= target;
      const want =
        target === undefined ? `≥ ${FLOOR_RATIO_TARGET} of floor` : `≥ ${target / 1000}k cmd/s`;
      const name = cell.depth === PIPELINE_100_DEPTH ? `${door.name} /pipeline` : door.name;
      rows.push({
        door: name,
        conns: cell.conns,
        depth: cell.depth,
        op,
        ours: r,
        floor: f,
        target,
        ok,
      });
      const line = `| ${name} | ${cell.conns} | ${cell.depth} | ${op} | ${r.rate} | ${f.rate} | ${share.toFixed(2)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${want}: ${ok ? "yes" : "**no**"} |`;
      opts.progress?.(line);
      lines.push(line);
    }
  } finally {
    await ours.dispose();
    await floor.dispose();
  }
  return {
    rows,
    lines: [
      `Door matrix, ${opts.seconds} s per cell and side, in ${ROUNDS} rounds that alternate the floor and ours; each row is the round with the median ratio (the machine is shared, so a ratio measured seconds apart is steadier than either rate). Floor: a do-nothing Worker + Durable Object (Map for GET; Map + one SQLite row per SET), same runtime, same run. Latencies are per request.`,
      "",
      "| door | conns | cmds/request | op | ours cmd/s | floor cmd/s | ratio | p50 ms | p99 ms | target |",
      "|---|--:|--:|---|--:|--:|--:|--:|--:|---|",
      ...lines,
    ],
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string, def: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1]! : def;
  };
  const seconds = Number(opt("seconds", "3"));
  const { lines: table } = await runMatrix({
    seconds,
    doors: opt("doors", DOOR_NAMES.join(",")).split(","),
    progress: (r) => console.log(r),
  });
  const out = opt("out", "");
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, node ${process.version}, ${new Date().toISOString()}`;
    writeFileSync(out, [machine, "", ...table].join("\n") + "\n");
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();

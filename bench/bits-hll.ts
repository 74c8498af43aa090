// Bitmap and HyperLogLog rates (issue 17), in one run: SETBIT at random offsets of a 1 Mbit
// bitmap, BITCOUNT of that 125 KB string, PFADD of random elements to a dense HyperLogLog, and
// PFADD + PFCOUNT pairs (the count recomputed each time, its cache being stale): engine-only
// (the command engine in this process), then 50 TCP connections against redis-server and
// through the shim (multiplexed) in front of our Worker, with the ratio to redis-server.
//
//   node bench/bits-hll.ts [--seconds 1.5] [--conns 50] [--out bench/results/bits-hll.md]

import { mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { dirname } from "node:path";
import { COMMANDS } from "../src/engine/commands/index.ts";
import { newConn } from "../src/engine/conn-state.ts";
import { Engine } from "../src/engine/engine.ts";
import { benchWorker } from "./lib/bench-worker.ts";
import { linesDone, tcpLoad } from "./lib/load.ts";
import type { LoadResult } from "./lib/load.ts";
import { startRedisServer } from "./lib/references.ts";
import { machineLine, ms, rate, ratio, table } from "./lib/report.ts";
import { startShimProcess } from "./lib/shim-process.ts";

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const SECONDS = Number(opt("seconds", "1.5"));
const CONNS = Number(opt("conns", "50"));
const OUT = opt("out", "");
const ENGINE_SECONDS = 1;
/** Engine-only: run each op this long before measuring, so the JIT has compiled it. */
const ENGINE_WARMUP_SECONDS = 0.2;
/** Bits of the bitmap SETBIT writes (and BITCOUNT counts): 125 KB. */
const BITMAP_BITS = 1_000_000;
/** Elements added before measuring, so the HyperLogLog is dense as in real use. */
const HLL_PRELOAD = 5000;

interface Op {
  label: string;
  /** The commands of one request (each replies with one line). */
  commands(n: number): string[][];
}

let seq = 0;
const randomBit = () => String(Math.floor(Math.random() * BITMAP_BITS));
const OPS: Op[] = [
  // The door's own cost, for scale: a plain GET of a short string.
  { label: "GET (baseline, 3 bytes)", commands: () => [["GET", "short"]] },
  {
    label: "SETBIT (random offset, 1 Mbit)",
    commands: () => [["SETBIT", "bits", randomBit(), String(seq++ & 1)]],
  },
  { label: "BITCOUNT (125 KB)", commands: () => [["BITCOUNT", "bits"]] },
  { label: "PFADD (dense)", commands: () => [["PFADD", "hll", `e:${seq++}`]] },
  {
    label: "PFADD + PFCOUNT (count recomputed)",
    commands: () => [
      ["PFADD", "hll", `e:${seq++}`],
      ["PFCOUNT", "hll"],
    ],
  },
];

const PRELOAD: string[][] = [
  ["DEL", "bits", "hll"],
  ["SET", "short", "abc"],
  ["SETBIT", "bits", String(BITMAP_BITS - 1), "1"],
  ["PFADD", "hll", ...Array.from({ length: HLL_PRELOAD }, (_, i) => `pre:${i}`)],
];

const bulk = (a: string) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
const respOf = (argv: string[]) => `*${argv.length}\r\n${argv.map(bulk).join("")}`;

/** Commands per second of the engine alone, one command per batch as a door sends them. */
function engineRate(op: Op): number {
  const engine = new Engine(COMMANDS, "bench");
  const conn = newConn(1, { authed: true, readonly: false });
  const run = (argv: string[]) => engine.run("redis", conn, [{ argv }], Date.now());
  for (const argv of PRELOAD) run(argv);
  const loop = (seconds: number): number => {
    let commands = 0;
    const t0 = performance.now();
    const until = t0 + seconds * 1000;
    for (let n = 0; performance.now() < until; n++) {
      for (const argv of op.commands(n)) {
        const [r] = run(argv);
        if (r?.k === "error") throw new Error(`${argv.join(" ")}: ${r.v}`);
        commands++;
      }
    }
    return (commands / (performance.now() - t0)) * 1000;
  };
  loop(ENGINE_WARMUP_SECONDS);
  return loop(ENGINE_SECONDS);
}

/** Closed-loop load over TCP: CONNS connections, one request (an op's commands) at a time. */
async function tcpRate(port: number, op: Op): Promise<LoadResult> {
  const depth = op.commands(0).length;
  return tcpLoad("127.0.0.1", port, {
    connections: CONNS,
    seconds: SECONDS,
    depth,
    request: (_c, n) => op.commands(n).map(respOf).join(""),
    done: linesDone,
    check: (reply) => {
      if (reply.startsWith("-")) throw new Error(`error reply: ${reply.slice(0, 200)}`);
    },
  });
}

/** Sends the preload commands on one connection and waits for their replies. */
function preload(port: number): Promise<void> {
  const text = PRELOAD.map(respOf).join("");
  return new Promise((resolve, reject) => {
    const sock = connect(port, "127.0.0.1", () => sock.write(text));
    let buf = "";
    sock.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      if (!linesDone(buf, PRELOAD.length)) return;
      sock.destroy();
      if (buf.includes("\r\n-")) reject(new Error(`preload failed: ${buf}`));
      else resolve();
    });
    sock.once("error", reject);
  });
}

async function main(): Promise<void> {
  const progress = (s: string) => process.stderr.write(`bench: ${s}\n`);
  const engine = OPS.map((op) => {
    const r = engineRate(op);
    progress(`engine ${op.label}: ${rate(r)}/s`);
    return r;
  });

  const server = await startRedisServer();
  const reference: LoadResult[] = [];
  try {
    await preload(server.port);
    for (const op of OPS) {
      reference.push(await tcpRate(server.port, op));
      progress(`redis-server ${op.label}: ${rate(reference.at(-1)!.rate)}/s`);
    }
  } finally {
    await server.stop();
  }

  const worker = await benchWorker();
  const ours: LoadResult[] = [];
  try {
    const shim = await startShimProcess(worker.url.href, true, ["redis"]);
    try {
      await preload(shim.ports.redis!);
      for (const op of OPS) {
        ours.push(await tcpRate(shim.ports.redis!, op));
        progress(`shim ${op.label}: ${rate(ours.at(-1)!.rate)}/s`);
      }
    } finally {
      await shim.stop();
    }
  } finally {
    await worker.dispose();
  }

  const lines = [
    "# Bitmaps and HyperLogLog",
    "",
    machineLine(),
    "",
    `${CONNS} TCP connections, closed loop, ${SECONDS} s per cell; redis-server ${server.version} (loopback, no persistence) vs the shim (multiplexed) in front of our Worker (Miniflare, in-memory SQLite). Engine-only: the command engine in this process, one command per batch. Latencies are request round trips, p50 / p99 in ms.`,
    "",
    ...table(
      [
        "op",
        "engine-only cmd/s",
        "redis-server cmd/s",
        "p50 / p99",
        "shim cmd/s",
        "p50 / p99",
        "shim / redis-server",
      ],
      OPS.map((op, i) => [
        op.label,
        rate(engine[i]!),
        rate(reference[i]!.rate),
        `${ms(reference[i]!.p50)} / ${ms(reference[i]!.p99)}`,
        rate(ours[i]!.rate),
        `${ms(ours[i]!.p50)} / ${ms(ours[i]!.p99)}`,
        ratio(ours[i]!.rate, reference[i]!.rate),
      ]),
    ),
  ];
  console.log(lines.join("\n"));
  if (OUT) {
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${lines.join("\n")}\n`);
  }
}

await main();

// Section 3 of bench/run.ts: the Blink line protocol over TCP, 50 connections, SET then GET, one
// command at a time and 16 pipelined, through our shim's Blink port beside the original
// Blink-Store server started in the same run. Targets (issues 3 and 8): with 1 in flight at least
// 1/4 of the original's SET rate and 1/2 of its GET rate; with 16 in flight, ahead of it.

import { connect } from "node:net";
import { linesDone, tcpLoad } from "./load.ts";
import type { LoadResult } from "./load.ts";
import type { Started } from "./processes.ts";
import { blinkStoreProblem, startBlinkStore } from "./references.ts";
import { comparisonCells, met, rate, ratio, table, warmSeconds } from "./report.ts";
import type { SectionContext, SectionResult, Target } from "./report.ts";
import { startShimProcess } from "./shim-process.ts";

const CONNECTIONS = 50;
const KEYS = 1000;
const VALUE = "x".repeat(16);
/** A value different on every write (an unchanged row would let SQLite skip the write). */
const fresh = (c: number, n: number, i: number) =>
  `${c}.${n}.${i}.`.padEnd(VALUE.length, "x").slice(0, VALUE.length);
const DEPTHS = [1, 16] as const;
const OPS = ["SET", "GET"] as const;
/** Share of the original's rate to reach with one command in flight. */
const SHARE_TARGET: Record<string, number> = { SET: 0.25, GET: 0.5 };
type Op = (typeof OPS)[number];

function blinkLoad(port: number, op: Op, depth: number, seconds: number): Promise<LoadResult> {
  return tcpLoad("127.0.0.1", port, {
    connections: CONNECTIONS,
    seconds,
    depth,
    request: (c, n) => {
      let s = "";
      for (let i = 0; i < depth; i++) {
        const key = `key:${(c * 7919 + n * depth + i) % KEYS}`;
        s += op === "SET" ? `SET ${key} ${fresh(c, n, i)}\n` : `GET ${key}\n`;
      }
      return s;
    },
    done: linesDone,
    check: (reply) => {
      if (reply.includes("ERROR")) throw new Error(`Blink error reply: ${reply.slice(0, 80)}`);
    },
  });
}

/** Sets every key once over one connection (pipelined) so that GET always finds its key. */
async function fill(port: number): Promise<void> {
  let batch = "";
  for (let k = 0; k < KEYS; k++) batch += `SET key:${k} ${VALUE}\n`;
  await new Promise<void>((resolve, reject) => {
    let buf = "";
    const s = connect(port, "127.0.0.1", () => s.write(batch));
    s.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      if (linesDone(buf, KEYS)) {
        s.destroy();
        resolve();
      }
    });
    s.once("error", reject);
  });
}

/** Measures ours and the original cell by cell (alternating); `blinkStore` null = reference not available. */
export async function blinkSection(
  ctx: SectionContext,
  blinkStore: string | null,
): Promise<SectionResult> {
  const problem = blinkStoreProblem(blinkStore);
  if (problem) ctx.progress(`Blink-Store reference not available: ${problem}`);
  const shim = await startShimProcess(ctx.workerUrl.href, true, ["blink"]);
  const rows: string[][] = [];
  const targets: Target[] = [];
  let original: Started | null = null;
  try {
    original = problem ? null : await startBlinkStore(blinkStore!);
    await fill(shim.ports.blink!);
    if (original) await fill(original.port);
    // An unrecorded run first, so neither side's first cell pays for warm-up (JIT, connections).
    await blinkLoad(shim.ports.blink!, "SET", 1, warmSeconds(ctx));
    if (original) await blinkLoad(original.port, "SET", 1, warmSeconds(ctx));
    for (const depth of DEPTHS) {
      for (const op of OPS) {
        const ours = await blinkLoad(shim.ports.blink!, op, depth, ctx.seconds);
        const ref = original ? await blinkLoad(original.port, op, depth, ctx.seconds) : null;
        ctx.progress(
          `blink ${op} ×${depth}: ours ${rate(ours.rate)}/s, original ${ref ? `${rate(ref.rate)}/s` : "n/a"}`,
        );
        let verdict = "reference not available";
        if (ref) {
          const share = depth === 1 ? SHARE_TARGET[op]! : 1;
          const ok = depth === 1 ? ours.rate >= share * ref.rate : ours.rate > ref.rate;
          const want = depth === 1 ? `≥ ${share} × original` : "> original";
          verdict = `${want}: ${met(ok)}`;
          targets.push({
            name: `Blink ${op}, 50 connections, ${depth} in flight, vs Blink-Store`,
            measured: `${rate(ours.rate)}/s = ${ratio(ours.rate, ref.rate)} × ${rate(ref.rate)}/s`,
            target: want,
            ok,
          });
        }
        rows.push([op, String(depth), ...comparisonCells(ours, ref), verdict]);
      }
    }
  } finally {
    await shim.stop();
    await original?.stop();
  }
  return {
    lines: [
      `Blink lines over TCP, ${CONNECTIONS} connections, ${ctx.seconds} s per cell, ${KEYS} keys, ${VALUE.length}-byte values; each connection writes 1 or 16 commands and waits for their replies (bench/lib/load.ts tcpLoad, in the benchmark's process). Ours: the shim (own process, multiplexed) in front of our Worker; original: Blink-Store${original ? ` (${blinkStore}, --memory-limit 1 GiB)` : " — reference not available"}. Latencies per request (p50 / p99, ms). Blink-Store writes each reply line with its own write and leaves Nagle's algorithm on (no TCP_NODELAY in its src/server.rs), so with 16 in flight its 2nd-16th replies wait for the client's delayed ACK (about 40 ms on Linux): its 16-deep figures are bounded by that, not by its CPU.`,
      "",
      ...table(
        [
          "op",
          "in flight",
          "ours cmd/s",
          "p50 / p99",
          "Blink-Store cmd/s",
          "p50 / p99",
          "ours / original",
          "target",
        ],
        rows,
      ),
    ],
    targets,
  };
}

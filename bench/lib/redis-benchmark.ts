// Runs Debian's redis-benchmark against a port and reads its CSV figures.

import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
/** redis-benchmark has no time bound of its own; a stalled run is cut here. */
const RUN_TIMEOUT_MS = 600_000;

export interface RedisBenchFigure {
  /** Requests (commands) per second. */
  rps: number;
  p50: number;
  p99: number;
}

export interface RedisBenchOptions {
  tests: string;
  clients: number;
  requests: number;
  /** Commands in flight per client (-P); 1 = unpipelined. */
  pipeline: number;
}

/** `redis-benchmark -t tests -c clients -n requests -P pipeline --csv` against 127.0.0.1:port. */
export async function redisBenchmark(
  port: number,
  o: RedisBenchOptions,
): Promise<Record<string, RedisBenchFigure>> {
  const args = [
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    "-t",
    o.tests,
    "-c",
    String(o.clients),
    "-n",
    String(o.requests),
    "-P",
    String(o.pipeline),
    "--csv",
  ];
  const { stdout } = await run("redis-benchmark", args, {
    encoding: "utf8",
    timeout: RUN_TIMEOUT_MS,
  });
  const out: Record<string, RedisBenchFigure> = {};
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  for (const line of stdout.split(/\r?\n/)) {
    const cells = line.split(",").map((c) => c.replace(/"/g, ""));
    if (cells.length < 8 || cells[0] === "test") continue;
    out[cells[0]!] = {
      rps: Math.round(Number(cells[1])),
      p50: Number(cells[4]),
      p99: Number(cells[6]),
    };
  }
  return out;
}

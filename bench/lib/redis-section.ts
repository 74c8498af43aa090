// Section 2 of bench/run.ts: redis-benchmark SET/GET with 50 clients, unpipelined and -P 16,
// against Debian's redis-server and through our shim (multiplexed, and one WebSocket per
// connection), all in the same run. Targets (issue 8): ≥ 15k SET/s and ≥ 30k GET/s unpipelined
// through the shim.

import { redisBenchmark } from "./redis-benchmark.ts";
import type { RedisBenchFigure } from "./redis-benchmark.ts";
import { startRedisServer } from "./references.ts";
import { met, ms, rate, ratio, table } from "./report.ts";
import type { SectionContext, SectionResult, Target } from "./report.ts";
import { startShimProcess } from "./shim-process.ts";

const CLIENTS = 50;
const PIPELINES = [1, 16] as const;
const TESTS = ["SET", "GET"] as const;
/** Unpipelined targets through the shim, commands per second. */
const TARGETS: Record<string, number> = { SET: 15_000, GET: 30_000 };
/** Requests per redis-benchmark run, sized to a few seconds each at the rates this machine sees. */
const REQUESTS: Record<string, Record<number, number>> = {
  "redis-server": { 1: 300_000, 16: 3_000_000 },
  mux: { 1: 100_000, 16: 600_000 },
  "no-mux": { 1: 20_000, 16: 150_000 },
};
const QUICK_DIVISOR = 10;

type Figures = Record<number, Record<string, RedisBenchFigure>>;

async function measure(ctx: SectionContext, label: string, port: number): Promise<Figures> {
  const out: Figures = {};
  for (const p of PIPELINES) {
    const requests = Math.round(REQUESTS[label]![p]! / (ctx.quick ? QUICK_DIVISOR : 1));
    out[p] = await redisBenchmark(port, {
      tests: "set,get",
      clients: CLIENTS,
      requests,
      pipeline: p,
    });
    ctx.progress(
      `redis-benchmark ${label} -P ${p}: ${TESTS.map((t) => `${t} ${rate(out[p]![t]?.rps ?? 0)}/s`).join(", ")}`,
    );
  }
  return out;
}

/** Runs the three targets one after another; returns the comparison table. */
export async function redisSection(ctx: SectionContext): Promise<SectionResult> {
  const server = await startRedisServer();
  let reference: Figures;
  try {
    reference = await measure(ctx, "redis-server", server.port);
  } finally {
    await server.stop();
  }
  const ours: Record<string, Figures> = {};
  for (const mode of ["mux", "no-mux"]) {
    const shim = await startShimProcess(ctx.workerUrl.href, mode === "mux", ["redis"]);
    try {
      ours[mode] = await measure(ctx, mode, shim.ports.redis!);
    } finally {
      await shim.stop();
    }
  }
  const targets: Target[] = [];
  const rows: string[][] = [];
  const cell = (f: RedisBenchFigure | undefined) =>
    f ? [rate(f.rps), `${ms(f.p50)} / ${ms(f.p99)}`] : ["–", "–"];
  for (const p of PIPELINES) {
    for (const t of TESTS) {
      const mux = ours.mux![p]![t];
      const ref = reference[p]![t];
      let verdict = "";
      if (p === 1) {
        const ok = (mux?.rps ?? 0) >= TARGETS[t]!;
        verdict = `≥ ${TARGETS[t]! / 1000}k/s: ${met(ok)}`;
        targets.push({
          name: `redis-benchmark ${t}, 50 clients, unpipelined, through the shim`,
          measured: `${rate(mux?.rps ?? 0)}/s`,
          target: `≥ ${rate(TARGETS[t]!)}/s`,
          ok,
        });
      }
      rows.push([
        t,
        String(p),
        ...cell(ref),
        ...cell(mux),
        ...cell(ours["no-mux"]![p]![t]),
        ratio(mux?.rps ?? 0, ref?.rps ?? 0),
        verdict,
      ]);
    }
  }
  return {
    lines: [
      `\`redis-benchmark -t set,get -c ${CLIENTS} -n N [-P 16] --csv\` (3-byte values, one key), redis-server ${server.version} (loopback, no persistence) vs the shim in its own process (multiplexed: every connection over one WebSocket; no mux: one WebSocket per connection) in front of our Worker. Latencies are redis-benchmark's p50 / p99 in ms.`,
      "",
      ...table(
        [
          "test",
          "-P",
          "redis-server cmd/s",
          "p50 / p99",
          "shim (mux) cmd/s",
          "p50 / p99",
          "shim (no mux) cmd/s",
          "p50 / p99",
          "mux / redis-server",
          "target",
        ],
        rows,
      ),
    ],
    targets,
  };
}

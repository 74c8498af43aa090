// Section 4 of bench/run.ts: Light-Redis `set`/`get` (POST / with a JSON object) over HTTP with 50
// keep-alive connections, our Worker beside the original Flask server started in the same run.
// Target (issue 8): ours ≥ the original.

import { httpLoad } from "./load.ts";
import type { LoadResult } from "./load.ts";
import { lightRedisProblem, startLightRedis } from "./references.ts";
import { comparisonCells, met, rate, ratio, table, warmSeconds } from "./report.ts";
import type { SectionContext, SectionResult, Target } from "./report.ts";

const CONNECTIONS = 50;
const KEYS = 1000;
const VALUE = "x".repeat(16);
const OPS = ["set", "get"] as const;

function lightRedisLoad(
  url: string,
  op: (typeof OPS)[number],
  seconds: number,
): Promise<LoadResult> {
  return httpLoad(url, {
    connections: CONNECTIONS,
    seconds,
    depth: 1,
    contentType: "application/json",
    request: (c, n) => {
      const key = `key:${(c * 7919 + n) % KEYS}`;
      // A value different on every write (an unchanged row would let SQLite skip the write).
      const value = `${c}.${n}.`.padEnd(VALUE.length, "x").slice(0, VALUE.length);
      return JSON.stringify(op === "set" ? { cmd: "set", key, value } : { cmd: "get", key });
    },
    check: (reply) => {
      if (reply.startsWith('"ERROR"') || reply.startsWith("<"))
        throw new Error(`Light-Redis error reply: ${reply.slice(0, 80)}`);
    },
  });
}

/** Sets every key once (a few at a time) so that `get` always finds its key. */
async function fill(url: string): Promise<void> {
  const FILL_CONCURRENCY = 8;
  for (let i = 0; i < KEYS; i += FILL_CONCURRENCY) {
    await Promise.all(
      Array.from({ length: Math.min(FILL_CONCURRENCY, KEYS - i) }, async (_, j) => {
        const body = JSON.stringify({ cmd: "set", key: `key:${i + j}`, value: VALUE });
        const res = await fetch(url, {
          method: "POST",
          body,
          headers: { "Content-Type": "application/json" },
        });
        if (!res.ok) throw new Error(`fill of ${url} failed: ${res.status} ${await res.text()}`);
      }),
    );
  }
}

/** Measures ours and the original, op by op; `dir` null = reference not available. */
export async function lightRedisSection(
  ctx: SectionContext,
  dir: string | null,
): Promise<SectionResult> {
  const problem = lightRedisProblem(dir);
  if (problem) ctx.progress(`Light-Redis reference not available: ${problem}`);
  const original = problem ? null : await startLightRedis(dir!);
  const rows: string[][] = [];
  const targets: Target[] = [];
  const originalUrl = original ? `http://127.0.0.1:${original.port}/` : null;
  try {
    await fill(ctx.workerUrl.href);
    if (originalUrl) await fill(originalUrl);
    // An unrecorded run first, so neither side's first cell pays for warm-up (JIT, connections).
    await lightRedisLoad(ctx.workerUrl.href, "get", warmSeconds(ctx));
    if (originalUrl) await lightRedisLoad(originalUrl, "get", warmSeconds(ctx));
    for (const op of OPS) {
      const ours = await lightRedisLoad(ctx.workerUrl.href, op, ctx.seconds);
      const ref = originalUrl ? await lightRedisLoad(originalUrl, op, ctx.seconds) : null;
      ctx.progress(
        `light-redis ${op}: ours ${rate(ours.rate)}/s, original ${ref ? `${rate(ref.rate)}/s` : "n/a"}`,
      );
      let verdict = "reference not available";
      if (ref) {
        const ok = ours.rate >= ref.rate;
        verdict = `≥ original: ${met(ok)}`;
        targets.push({
          name: `Light-Redis ${op} over HTTP, 50 connections, vs the Flask original`,
          measured: `${rate(ours.rate)}/s = ${ratio(ours.rate, ref.rate)} × ${rate(ref.rate)}/s`,
          target: "≥ original",
          ok,
        });
      }
      rows.push([op, ...comparisonCells(ours, ref), verdict]);
    }
  } finally {
    await original?.stop();
  }
  return {
    lines: [
      `Light-Redis \`set\`/\`get\` as \`POST /\` JSON, ${CONNECTIONS} keep-alive connections, ${ctx.seconds} s per cell, ${KEYS} keys, ${VALUE.length}-byte string values (bench/lib/load.ts httpLoad). Ours: the Worker on Miniflare directly (as \`npm start\`); original: ${original ? `lightredis.py from ${dir} on waitress (Debian python3-flask/waitress, stand-in flask_apscheduler)` : "reference not available"}. Latencies per request (p50 / p99, ms).`,
      "",
      ...table(
        [
          "cmd",
          "ours req/s",
          "p50 / p99",
          "Light-Redis req/s",
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

// Lua scripting's cost (issue 15), one short run: redis-benchmark -c 50 of EVALSHA of a one-call
// script (`return redis.call('SET', KEYS[1], ARGV[1])`) beside plain SET, through the shim and
// against redis-server, each side's EVALSHA/SET ratio; then @upstash/ratelimit limit() calls per
// second over the REST door with 50 concurrent callers.
//
//   node bench/lua.ts [--requests N]

import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis as UpstashRedis } from "@upstash/redis";
import { benchWorker } from "./lib/bench-worker.ts";
import { startRedisServer } from "./lib/references.ts";
import { startShimProcess } from "./lib/shim-process.ts";

const run = promisify(execFile);
const SCRIPT = "return redis.call('SET', KEYS[1], ARGV[1])";
const CLIENTS = 50;
const argIndex = process.argv.indexOf("--requests");
const REQUESTS = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 20_000;
const RATELIMIT_CALLS = 2_000;

/** Requests per second of one redis-benchmark run (a named test, or a command line). */
async function rps(port: number, what: string[]): Promise<number> {
  const base = [
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    "-c",
    String(CLIENTS),
    "-n",
    String(REQUESTS),
    "--csv",
  ];
  const args = what[0] === "-t" ? [...base, ...what] : [...base, ...what];
  const { stdout } = await run("redis-benchmark", args, { encoding: "utf8", timeout: 600_000 });
  const line = stdout
    .split(/\r?\n/)
    .find((l) => /^"[^"]+","[0-9.]+"/.test(l) && !l.startsWith('"test"'));
  return Math.round(Number(line?.split(",")[1]?.replace(/"/g, "") ?? 0));
}

async function ratio(port: number): Promise<{ set: number; evalsha: number; ratio: number }> {
  const sha = execFileSync("redis-cli", ["-p", String(port), "SCRIPT", "LOAD", SCRIPT], {
    encoding: "utf8",
  }).trim();
  const set = await rps(port, ["-t", "set"]);
  const evalsha = await rps(port, ["evalsha", sha, "1", "key:__rand_int__", "xxx"]);
  return { set, evalsha, ratio: Math.round((evalsha / set) * 100) / 100 };
}

async function ratelimitRate(url: string): Promise<number> {
  const ratelimit = new Ratelimit({
    redis: new UpstashRedis({ url, token: "anonymous", enableTelemetry: false }),
    limiter: Ratelimit.slidingWindow(1_000_000, "60 s"),
    analytics: false,
    enableProtection: false,
  });
  await ratelimit.limit("warm-up");
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      while (next < RATELIMIT_CALLS) {
        next++;
        await ratelimit.limit(`user-${c}`);
      }
    }),
  );
  return Math.round(RATELIMIT_CALLS / ((performance.now() - t0) / 1000));
}

const worker = await benchWorker();
const server = await startRedisServer();
try {
  const theirs = await ratio(server.port);
  const shim = await startShimProcess(worker.url.href, true, ["redis"]);
  let ours;
  try {
    ours = await ratio(shim.ports.redis!);
  } finally {
    await shim.stop();
  }
  const limits = await ratelimitRate(new URL("/db/bench-ratelimit", worker.url).href);
  console.log(`| target | SET/s | EVALSHA/s | EVALSHA/SET |`);
  console.log(`| --- | --- | --- | --- |`);
  console.log(
    `| blink-edge through the shim (mux) | ${ours.set} | ${ours.evalsha} | ${ours.ratio} |`,
  );
  console.log(
    `| redis-server ${server.version} | ${theirs.set} | ${theirs.evalsha} | ${theirs.ratio} |`,
  );
  console.log(
    `\n@upstash/ratelimit slidingWindow limit() over the REST door, ${CLIENTS} callers: ${limits}/s`,
  );
} finally {
  await server.stop();
  await worker.dispose();
}

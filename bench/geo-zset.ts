// GEOSEARCH and ZUNIONSTORE of two 10k-member sorted sets: the engine alone, then our Worker
// through the shim beside redis-server 7.0.15 (same client, same commands, one connection, one
// command in flight), in one short run.
//
//   node bench/geo-zset.ts [--seconds 3]

import { connect } from "node:net";
import type { Socket } from "node:net";
import { COMMANDS } from "../src/engine/commands/index.ts";
import { newConn } from "../src/engine/conn-state.ts";
import { Engine, NULL_HOST } from "../src/engine/engine.ts";
import { benchWorker } from "./lib/bench-worker.ts";
import { tcpLoad } from "./lib/load.ts";
import { startRedisServer } from "./lib/references.ts";
import { ratio, rate, table } from "./lib/report.ts";
import { startShimProcess } from "./lib/shim-process.ts";

const args = process.argv.slice(2);
const at = args.indexOf("--seconds");
const SECONDS = at >= 0 ? Number(args[at + 1]) : 3;
/** Members of each sorted set and points of the geo set. */
const SIZE = 10_000;
/** Commands per setup request. */
const SETUP_CHUNK = 500;

/** Points spread over about 220 x 175 km around Palermo; a 10 km search finds about 80. */
function geoPoints(): string[][] {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  return Array.from({ length: SIZE }, (_, i) => [String(13 + rnd()), String(38 + rnd()), `p${i}`]);
}

/** The setup commands: the geo set, and sets a, b with half of their members shared. */
function setup(): string[][] {
  const out: string[][] = [];
  const pts = geoPoints();
  for (let i = 0; i < SIZE; i += SETUP_CHUNK)
    out.push(["GEOADD", "geo", ...pts.slice(i, i + SETUP_CHUNK).flat()]);
  for (const [key, offset] of [
    ["a", 0],
    ["b", SIZE / 2],
  ] as const) {
    for (let i = 0; i < SIZE; i += SETUP_CHUNK) {
      const argv = ["ZADD", key];
      for (let j = i; j < i + SETUP_CHUNK; j++) argv.push(String(j % 97), `m${j + offset}`);
      out.push(argv);
    }
  }
  return out;
}

const CASES: Record<string, string[]> = {
  GEOSEARCH: ["GEOSEARCH", "geo", "FROMLONLAT", "13", "38", "BYRADIUS", "10", "km", "ASC"],
  "ZUNIONSTORE 2x10k": ["ZUNIONSTORE", "dst", "2", "a", "b"],
};

function resp(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
}

/** End of the RESP2 reply starting at `i`, or -1 while incomplete. */
function replyEnd(buf: string, i: number): number {
  const nl = buf.indexOf("\r\n", i);
  if (nl < 0) return -1;
  const n = Number(buf.slice(i + 1, nl));
  if (buf[i] === "$") return n < 0 ? nl + 2 : buf.length >= nl + 4 + n ? nl + 4 + n : -1;
  if (buf[i] !== "*" || n < 0) return nl + 2;
  let p = nl + 2;
  for (let k = 0; k < n; k++) if ((p = replyEnd(buf, p)) < 0) return -1;
  return p;
}

function repliesDone(buf: string, n: number): boolean {
  let p = 0;
  for (let k = 0; k < n; k++) if ((p = replyEnd(buf, p)) < 0) return false;
  return true;
}

/** Sends the setup commands over one connection and waits for every reply. */
async function load(port: number, cmds: string[][]): Promise<void> {
  const s: Socket = await new Promise((resolve, reject) => {
    const c = connect(port, "127.0.0.1", () => resolve(c));
    c.once("error", reject);
  });
  let buf = "";
  await new Promise<void>((resolve) => {
    s.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      if (repliesDone(buf, cmds.length)) resolve();
    });
    s.write(cmds.map(resp).join(""));
  });
  s.destroy();
  if (buf.includes("\r\n-")) throw new Error(`setup failed: ${buf.slice(0, 200)}`);
}

async function overTcp(port: number): Promise<Record<string, number>> {
  await load(port, [["FLUSHALL"], ...setup()]);
  const out: Record<string, number> = {};
  for (const [name, argv] of Object.entries(CASES)) {
    const text = resp(argv);
    const r = await tcpLoad("127.0.0.1", port, {
      connections: 1,
      seconds: SECONDS,
      depth: 1,
      request: () => text,
      done: repliesDone,
    });
    out[name] = r.rate;
  }
  return out;
}

function engineOnly(): Record<string, number> {
  const engine = new Engine(COMMANDS, "bench", {}, NULL_HOST);
  const conn = newConn(1, { authed: true, readonly: false });
  const now = Date.now();
  for (const argv of setup()) engine.run("redis", conn, [{ argv }], now);
  const out: Record<string, number> = {};
  for (const [name, argv] of Object.entries(CASES)) {
    let n = 0;
    const t0 = performance.now();
    const end = t0 + SECONDS * 1000;
    while (performance.now() < end) {
      engine.run("redis", conn, [{ argv }], now);
      n++;
    }
    out[name] = Math.round((n / (performance.now() - t0)) * 1000);
  }
  return out;
}

const engine = engineOnly();
const redis = await startRedisServer();
const worker = await benchWorker();
const shim = await startShimProcess(worker.url.toString(), true, ["redis"]);
try {
  const theirs = await overTcp(redis.port);
  const ours = await overTcp(shim.ports.redis!);
  const rows = Object.keys(CASES).map((name) => [
    name,
    rate(engine[name]!),
    rate(ours[name]!),
    rate(theirs[name]!),
    ratio(ours[name]!, theirs[name]!),
  ]);
  console.log(
    `GEOSEARCH (10k points, ~80 found) and ZUNIONSTORE (two 10k-member sets), ops/s, ${SECONDS} s each, one connection`,
  );
  for (const line of table(
    ["command", "engine only", "shim -> Worker", `redis-server ${redis.version}`, "ours / redis"],
    rows,
  ))
    console.log(line);
} finally {
  await shim.stop();
  await worker.dispose();
  await redis.stop();
}

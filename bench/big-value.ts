// SET and GET of one big string (default 10 MB) through the shim (RESP over TCP → /mux in parts →
// Durable Object → chunk rows) beside redis-server 7.0.15 through the same minimal client, and the
// engine alone; a short run (a few rounds).
//
//   node bench/big-value.ts [--mb 10] [--rounds 5]

import { connect, type Socket } from "node:net";
import { COMMANDS } from "../src/engine/commands/index.ts";
import { newConn } from "../src/engine/conn-state.ts";
import { Engine, NULL_HOST } from "../src/engine/engine.ts";
import { benchWorker } from "./lib/bench-worker.ts";
import { startRedisServer } from "./lib/references.ts";
import { ratio, table } from "./lib/report.ts";
import { startShimProcess } from "./lib/shim-process.ts";

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const BYTES = opt("mb", 10) * 1_000_000;
const ROUNDS = opt("rounds", 5);
const value = Buffer.alloc(BYTES, "0123456789abcdef");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** A RESP command as one buffer (the value is copied once). */
function command(...argv: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = typeof a === "string" ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

/** One command at a time; a reply is a status, an error or one bulk (kept as chunks). */
class Client {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private wake: (() => void) | null = null;
  private readonly sock: Socket;
  private constructor(sock: Socket) {
    this.sock = sock;
    sock.on("data", (d: Buffer) => {
      this.chunks.push(d);
      this.bytes += d.length;
      this.wake?.();
    });
  }

  static open(port: number): Promise<Client> {
    return new Promise((resolve, reject) => {
      const s = connect(port, "127.0.0.1", () => resolve(new Client(s)));
      s.once("error", reject);
    });
  }

  /** Sends one command; resolves with the reply's length once it is all in. */
  async call(cmd: Buffer): Promise<number> {
    this.sock.write(cmd);
    for (;;) {
      const need = this.need();
      if (need >= 0 && this.bytes >= need) {
        const head = this.chunks[0]!;
        if (head[0] === 0x2d) throw new Error(head.toString("latin1", 0, head.indexOf("\r\n")));
        this.chunks = [];
        this.bytes = 0;
        return need;
      }
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
  }

  /** The reply's full length once its first line is in, else -1. */
  private need(): number {
    const head = this.chunks[0];
    if (!head) return -1;
    const nl = head.indexOf("\r\n");
    if (nl < 0) return -1;
    if (head[0] !== 0x24) return nl + 2;
    const n = Number(head.toString("latin1", 1, nl));
    return n < 0 ? nl + 2 : nl + 2 + n + 2;
  }

  close(): void {
    this.sock.destroy();
  }
}

/** Median ms of SET and of GET of the value over a RESP port. */
async function overTcp(port: number): Promise<[number, number]> {
  const c = await Client.open(port);
  try {
    const set = command("SET", "big", value);
    const get = command("GET", "big");
    const sets: number[] = [];
    const gets: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      let t0 = performance.now();
      await c.call(set);
      sets.push(performance.now() - t0);
      t0 = performance.now();
      const n = await c.call(get);
      gets.push(performance.now() - t0);
      if (n < BYTES) throw new Error(`GET answered ${n} bytes`);
    }
    await c.call(command("DEL", "big"));
    return [median(sets), median(gets)];
  } finally {
    c.close();
  }
}

function engineOnly(): [number, number] {
  const engine = new Engine(COMMANDS, "bench", {}, NULL_HOST);
  const conn = newConn(1, { authed: true, readonly: false });
  const v = value.toString("latin1");
  const sets: number[] = [];
  const gets: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t0 = performance.now();
    engine.run("redis", conn, [{ argv: ["SET", "big", v] }], Date.now());
    sets.push(performance.now() - t0);
    t0 = performance.now();
    engine.run("redis", conn, [{ argv: ["GET", "big"] }], Date.now());
    gets.push(performance.now() - t0);
  }
  return [median(sets), median(gets)];
}

const engine = engineOnly();
const worker = await benchWorker();
const shim = await startShimProcess(worker.url.href, true, ["redis"]);
const redis = await startRedisServer();
let ours: [number, number];
let theirs: [number, number];
try {
  ours = await overTcp(shim.ports.redis!);
  theirs = await overTcp(redis.port);
} finally {
  await shim.stop();
  await worker.dispose();
  await redis.stop();
}
const f = (x: number) => x.toFixed(1);
console.log(`SET and GET of one ${BYTES / 1e6} MB string, median of ${ROUNDS} rounds, ms each`);
for (const line of table(
  ["command", "engine only", "shim → Worker", `redis-server ${redis.version}`, "shim / redis"],
  (["SET", "GET"] as const).map((name, i) => [
    name,
    f(engine[i]!),
    f(ours[i]!),
    f(theirs[i]!),
    ratio(ours[i]!, theirs[i]!),
  ]),
))
  console.log(line);

// SORT of a 10k-element list: the engine alone, and through the shim (RESP over TCP → Worker →
// Durable Object) beside redis-server 7.0.15 through the same client, in one short run.
//
//   node bench/sort.ts [--n 10000] [--rounds 20]

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
const N = opt("n", 10_000);
const ROUNDS = opt("rounds", 20);
/** Elements per RPUSH/MSET while loading. */
const LOAD_CHUNK = 500;

/** The SORT forms measured, on list `l` with weights `w_<element>`. */
const FORMS: [string, string[]][] = [
  ["SORT l", ["SORT", "l"]],
  ["SORT l ALPHA", ["SORT", "l", "ALPHA"]],
  ["SORT l BY w_*", ["SORT", "l", "BY", "w_*"]],
  ["SORT l LIMIT 0 10", ["SORT", "l", "LIMIT", "0", "10"]],
  ["SORT l BY nosort GET #", ["SORT", "l", "BY", "nosort", "GET", "#"]],
];

/** The load: the list in chunks, and a weight key per element. */
function loadCommands(): string[][] {
  const els = Array.from({ length: N }, (_, i) => String((i * 7919) % 100_003));
  const out: string[][] = [];
  for (let i = 0; i < N; i += LOAD_CHUNK) {
    const part = els.slice(i, i + LOAD_CHUNK);
    out.push(["RPUSH", "l", ...part]);
    out.push(["MSET", ...part.flatMap((e) => [`w_${e}`, String((Number(e) * 31) % 997)])]);
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function engineOnly(): number[] {
  const engine = new Engine(COMMANDS, "bench", {}, NULL_HOST);
  const conn = newConn(1, { authed: true, readonly: false });
  const now = Date.now();
  engine.run(
    "redis",
    conn,
    loadCommands().map((argv) => ({ argv })),
    now,
  );
  return FORMS.map(([, argv]) => {
    const times: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      engine.run("redis", conn, [{ argv }], now);
      times.push(performance.now() - t0);
    }
    return median(times);
  });
}

/** A minimal RESP client: one command at a time, a reply is complete when its frame is. */
class Client {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private readonly sock: Socket;
  private constructor(sock: Socket) {
    this.sock = sock;
    sock.on("data", (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake?.();
    });
  }

  static open(port: number): Promise<Client> {
    return new Promise((resolve, reject) => {
      const s = connect(port, "127.0.0.1", () => resolve(new Client(s)));
      s.once("error", reject);
    });
  }

  async call(argv: string[]): Promise<void> {
    let out = `*${argv.length}\r\n`;
    for (const a of argv) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
    this.sock.write(out);
    for (;;) {
      const n = frameLength(this.buf, 0);
      if (n >= 0) {
        if (this.buf[0] === 0x2d) throw new Error(this.buf.toString("latin1", 0, n));
        this.buf = this.buf.subarray(n);
        return;
      }
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
  }

  close(): void {
    this.sock.destroy();
  }
}

/** Length of the first complete RESP2 reply, -1 if incomplete. */
function frameLength(buf: Buffer, at: number): number {
  const nl = buf.indexOf("\r\n", at);
  if (nl < 0) return -1;
  const head = Number(buf.toString("latin1", at + 1, nl));
  const after = nl + 2;
  switch (buf[at]) {
    case 0x24: // $
      if (head < 0) return after - at;
      return buf.length >= after + head + 2 ? after + head + 2 - at : -1;
    case 0x2a: {
      // *
      let p = after;
      for (let i = 0; i < head; i++) {
        const l = frameLength(buf, p);
        if (l < 0) return -1;
        p += l;
      }
      return p - at;
    }
    default:
      return after - at;
  }
}

async function overTcp(port: number): Promise<number[]> {
  const c = await Client.open(port);
  try {
    await c.call(["FLUSHALL"]);
    for (const argv of loadCommands()) await c.call(argv);
    const out: number[] = [];
    for (const [, argv] of FORMS) {
      const times: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const t0 = performance.now();
        await c.call(argv);
        times.push(performance.now() - t0);
      }
      out.push(median(times));
    }
    return out;
  } finally {
    c.close();
  }
}

const engine = engineOnly();
const worker = await benchWorker();
const shim = await startShimProcess(worker.url.href, true, ["redis"]);
const redis = await startRedisServer();
let ours: number[];
let theirs: number[];
try {
  ours = await overTcp(shim.ports.redis!);
  theirs = await overTcp(redis.port);
} finally {
  await shim.stop();
  await worker.dispose();
  await redis.stop();
}
const f = (x: number) => x.toFixed(2);
console.log(
  `SORT of a ${N}-element list (with ${N} weight keys), median of ${ROUNDS} runs, ms per SORT`,
);
for (const line of table(
  ["form", "engine only", "shim → Worker", `redis-server ${redis.version}`, "shim / redis"],
  FORMS.map(([name], i) => [
    name,
    f(engine[i]!),
    f(ours[i]!),
    f(theirs[i]!),
    ratio(ours[i]!, theirs[i]!),
  ]),
))
  console.log(line);

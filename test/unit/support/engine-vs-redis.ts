// Runs the same command scripts through our engine (encoded as RESP) and through a real
// redis-server 7.0.15, and returns both byte streams per command, for byte-for-byte comparison
// (spec §15: compare outputs instead of hand-writing expectations).

import type { ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import { COMMANDS } from "../../../src/engine/commands/index.ts";
import { newConn } from "../../../src/engine/conn-state.ts";
import type { ConnState } from "../../../src/engine/conn-state.ts";
import { Engine } from "../../../src/engine/engine.ts";
import { fromBytes } from "../../../src/engine/bytes.ts";
import { encodeResp } from "../../../src/protocols/resp-encode.ts";
import { startRedisServer } from "./redis-server.ts";

/** True when redis-server 7.0.15 is installed (the oracle of spec §15). */
export { oracleAvailable as redisAvailable } from "./redis-oracle.ts";

/** A command line as text (each argument UTF-8) or raw bytes. */
export type Argv = readonly (string | Uint8Array)[];

function multibulk(argv: Argv): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = typeof a === "string" ? Buffer.from(a, "utf8") : Buffer.from(a);
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

/** Length of the first complete RESP2/RESP3 reply in buf, or -1 if incomplete. */
export function replyLength(buf: Buffer, at = 0): number {
  if (at >= buf.length) return -1;
  const nl = buf.indexOf("\r\n", at);
  if (nl < 0) return -1;
  const type = String.fromCharCode(buf[at]!);
  const head = buf.toString("latin1", at + 1, nl);
  const after = nl + 2;
  switch (type) {
    case "+":
    case "-":
    case ":":
    case "_":
    case ",":
    case "#":
    case "(":
      return after - at;
    case "$":
    case "=":
    case "!": {
      const n = Number(head);
      if (n < 0) return after - at;
      return buf.length >= after + n + 2 ? after + n + 2 - at : -1;
    }
    case "*":
    case "~":
    case "%":
    case ">": {
      let n = Number(head);
      if (n < 0) return after - at;
      if (type === "%") n *= 2;
      let p = after;
      for (let i = 0; i < n; i++) {
        const l = replyLength(buf, p);
        if (l < 0) return -1;
        p += l;
      }
      return p - at;
    }
    default:
      throw new Error(`unexpected reply byte ${type}`);
  }
}

/** A private redis-server on a loopback port, spoken to with raw bytes. */
export class RawRedis {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private readonly proc: ChildProcess;
  private readonly sock: Socket;

  private constructor(proc: ChildProcess, sock: Socket) {
    this.proc = proc;
    this.sock = sock;
    sock.on("data", (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake?.();
    });
  }

  /** Starts redis-server on a random port in 20000-29999. */
  static async start(): Promise<RawRedis> {
    const { proc, sock } = await startRedisServer();
    return new RawRedis(proc, sock);
  }

  /** Sends one command and returns its raw reply. */
  async command(argv: Argv): Promise<Buffer> {
    this.sock.write(multibulk(argv));
    for (;;) {
      const n = replyLength(this.buf);
      if (n >= 0) {
        const out = this.buf.subarray(0, n);
        this.buf = this.buf.subarray(n);
        return Buffer.from(out);
      }
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
  }

  async stop(): Promise<void> {
    this.sock.destroy();
    this.proc.kill();
  }
}

/** Our engine with one RESP connection, answering with raw RESP bytes. */
export class EngineSession {
  readonly engine = new Engine(COMMANDS, "default");
  readonly conn: ConnState = newConn(1, { authed: true, readonly: false });
  now = Date.now();

  /** Runs one command and returns its raw reply. */
  command(argv: Argv): Buffer {
    const args = argv.map((a) => (typeof a === "string" ? a : fromBytes(a)));
    const replies = this.engine.run("redis", this.conn, [{ argv: args }], this.now);
    return Buffer.from(encodeResp(replies, this.conn.resp));
  }
}

/** Printable form of reply bytes for readable test diffs. */
export function show(b: Buffer): string {
  return JSON.stringify(b.toString("latin1"));
}

/**
 * Runs a script against both (fresh namespace on each side: FLUSHALL/new engine) and returns
 * [argv, ours, redis] for every command, as printable strings.
 */
export async function runBoth(
  redis: RawRedis,
  script: readonly Argv[],
  proto: 2 | 3 = 2,
): Promise<string[][]> {
  await redis.command(["FLUSHALL"]);
  await redis.command(["SELECT", "0"]);
  await redis.command(["HELLO", String(proto)]);
  const ours = new EngineSession();
  ours.command(["HELLO", String(proto)]);
  const rows: string[][] = [];
  for (const argv of script) {
    const a = ours.command(argv);
    const b = await redis.command(argv);
    rows.push([
      argv.map((x) => (typeof x === "string" ? x : Buffer.from(x).toString("hex"))).join(" "),
      show(a),
      show(b),
    ]);
  }
  return rows;
}

// Keyspace notifications seen by a subscriber to `__key*__:*`, on our engine and on a real
// redis-server 7.0.15 running the same command script (issue 16): both as lists of
// "channel message" lines, for comparison.

import type { ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import { connect } from "node:net";
import { fromBytes } from "../../../src/engine/bytes.ts";
import { COMMANDS } from "../../../src/engine/commands/index.ts";
import { newConn } from "../../../src/engine/conn-state.ts";
import { Engine } from "../../../src/engine/engine.ts";
import { encodeResp } from "../../../src/protocols/resp/resp-encode.ts";
import { replyLength } from "./resp-bytes.ts";
import { startRedisServer } from "./redis-server.ts";

/**
 * A script step: a command, or ["@sleep", ms]: the clock moves on and the engine runs an empty
 * batch (what the Durable Object's expiry alarm does); redis-server just waits.
 */
export type Step = readonly string[];

const PATTERN = "__key*__:*";
const MARK = "__keymark__:";

function multibulk(argv: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = Buffer.from(a, "latin1");
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

/** The bulk strings of a flat RESP2 array (a pub/sub frame). */
function frameStrings(buf: Buffer): string[] {
  const out: string[] = [];
  let p = buf.indexOf("\r\n") + 2;
  while (p < buf.length) {
    const nl = buf.indexOf("\r\n", p);
    const head = buf.toString("latin1", p, nl);
    if (head[0] === "$") {
      const n = Number(head.slice(1));
      out.push(buf.toString("latin1", nl + 2, nl + 2 + n));
      p = nl + 2 + n + 2;
    } else {
      out.push(head);
      p = nl + 2;
    }
  }
  return out;
}

/** "channel message" of each pmessage frame in a RESP2 byte stream. */
function messages(buf: Buffer): string[] {
  const out: string[] = [];
  for (let at = 0; at < buf.length;) {
    const n = replyLength(buf, at);
    if (n < 0) break;
    const f = frameStrings(buf.subarray(at, at + n));
    if (f[0] === "pmessage") out.push(`${f[2]} ${f[3]}`);
    at += n;
  }
  return out;
}

/** An argument as the engine holds bytes (each character of `a` is one byte). */
const binary = (a: string): string => fromBytes(Buffer.from(a, "latin1"));

/** Runs a script on a fresh engine; what a `__key*__:*` subscriber received. */
export function engineEvents(steps: readonly Step[], flags = "KEA", start = Date.now()): string[] {
  const engine = new Engine(COMMANDS, "ks");
  const sub = newConn(engine.nextClientId++, { authed: true, readonly: false });
  const chunks: Buffer[] = [];
  engine.attach(sub, { deliver: (rs) => chunks.push(Buffer.from(encodeResp(rs, 2))) });
  const c = newConn(engine.nextClientId++, { authed: true, readonly: false });
  let now = start;
  engine.run("redis", sub, [{ argv: ["PSUBSCRIBE", PATTERN] }], now);
  engine.run("redis", c, [{ argv: ["CONFIG", "SET", "notify-keyspace-events", flags] }], now);
  for (const s of steps) {
    // Time passes with nothing to run but the expiry alarm (an empty batch).
    if (s[0] === "@sleep") engine.run("redis", c, [], (now += Number(s[1])));
    else engine.run("redis", c, [{ argv: s.map(binary) }], now++);
  }
  return messages(Buffer.concat(chunks));
}

/** A connection to the oracle that answers commands in order. */
class Client {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  readonly sock: Socket;
  constructor(sock: Socket) {
    this.sock = sock;
    sock.on("data", (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake?.();
    });
  }
  /** Everything received so far. */
  take(): Buffer {
    const b = this.buf;
    this.buf = Buffer.alloc(0);
    return b;
  }
  async until(pred: (b: Buffer) => boolean): Promise<void> {
    while (!pred(this.buf)) {
      await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
    }
  }
  async command(argv: readonly string[]): Promise<Buffer> {
    this.sock.write(multibulk(argv));
    await this.until((b) => replyLength(b) >= 0);
    const n = replyLength(this.buf);
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return Buffer.from(out);
  }
}

/** A redis-server (maxmemory 256mb, as the engine's default guard) with a subscriber. */
export class KeyspaceOracle {
  private readonly proc: ChildProcess;
  private readonly cmd: Client;
  private readonly sub: Client;
  private constructor(proc: ChildProcess, cmd: Client, sub: Client) {
    this.proc = proc;
    this.cmd = cmd;
    this.sub = sub;
  }

  static async start(): Promise<KeyspaceOracle> {
    const { proc, port, sock } = await startRedisServer(["--maxmemory", "256mb"]);
    const subSock = await new Promise<Socket>((resolve, reject) => {
      const s = connect(port, "127.0.0.1", () => resolve(s));
      s.once("error", reject);
    });
    const o = new KeyspaceOracle(proc, new Client(sock), new Client(subSock));
    await o.sub.command(["PSUBSCRIBE", PATTERN]);
    return o;
  }

  /** Runs a script on an empty server; what the subscriber received. */
  async events(steps: readonly Step[], flags = "KEA"): Promise<string[]> {
    const c = this.cmd;
    await c.command(["CONFIG", "SET", "notify-keyspace-events", ""]);
    await c.command(["FLUSHALL"]);
    await c.command(["SELECT", "0"]);
    await c.command(["CONFIG", "SET", "notify-keyspace-events", flags]);
    await c.command(["PUBLISH", `${MARK}start`, "x"]);
    for (const s of steps) {
      if (s[0] === "@sleep") await new Promise((r) => setTimeout(r, Number(s[1])));
      else await c.command(s);
    }
    await c.command(["PUBLISH", `${MARK}end`, "x"]);
    await this.sub.until((b) => b.includes(`${MARK}end`));
    const all = messages(this.sub.take());
    return all.slice(all.indexOf(`${MARK}start x`) + 1, all.indexOf(`${MARK}end x`));
  }

  stop(): void {
    this.cmd.sock.destroy();
    this.sub.sock.destroy();
    this.proc.kill();
  }
}

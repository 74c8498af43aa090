// A throwaway redis-server 7.0.15 on loopback, used as the oracle by unit tests (spec §15).
// Tests that need it skip when no redis-server binary (or another version) is installed.

import { spawnSync, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import { startRedisServer } from "./redis-server.ts";

/** Version the oracle must report (spec: Redis 7.0.15). */
const ORACLE_VERSION = "7.0.15";

/** A RESP2 reply as parsed by the helper; bulk strings stay raw bytes, integers are bigints. */
export type RespValue = string | bigint | Buffer | null | RespError | RespValue[];

/** An error reply. */
export class RespError {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

/** True when a redis-server of the oracle version can be started. */
export function oracleAvailable(): boolean {
  const r = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  return r.status === 0 && r.stdout.includes(`v=${ORACLE_VERSION} `);
}

/** One connection to a private redis-server; commands are pipelined in batches. */
export class RedisOracle {
  private readonly proc: ChildProcess;
  private readonly sock: Socket;
  private buf: Buffer = Buffer.alloc(0);
  private waiters: Array<(v: RespValue) => void> = [];

  private constructor(proc: ChildProcess, sock: Socket) {
    this.proc = proc;
    this.sock = sock;
    sock.on("data", (chunk: Buffer) => {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.drain();
    });
  }

  /** Starts a server on a free loopback port and connects to it. */
  static async start(): Promise<RedisOracle> {
    const { proc, sock } = await startRedisServer();
    return new RedisOracle(proc, sock);
  }

  /** Sends the commands in one write and resolves with their replies in order. */
  async batch(commands: Array<Array<string | Uint8Array>>): Promise<RespValue[]> {
    const parts: Buffer[] = [];
    const replies: Array<Promise<RespValue>> = [];
    for (const args of commands) {
      parts.push(Buffer.from(`*${args.length}\r\n`));
      for (const a of args) {
        const b = typeof a === "string" ? Buffer.from(a, "utf8") : Buffer.from(a);
        parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n"));
      }
      replies.push(new Promise((resolve) => this.waiters.push(resolve)));
    }
    this.sock.write(Buffer.concat(parts));
    return Promise.all(replies);
  }

  /** Sends one command. */
  async call(...args: Array<string | Uint8Array>): Promise<RespValue> {
    return (await this.batch([args]))[0]!;
  }

  /** Closes the connection and stops the server (by its own PID). */
  stop(): void {
    this.sock.destroy();
    this.proc.kill();
  }

  private drain(): void {
    for (;;) {
      const parsed = parseReply(this.buf, 0);
      if (parsed === undefined) return;
      this.buf = this.buf.subarray(parsed.end);
      this.waiters.shift()!(parsed.value);
    }
  }
}

function parseReply(buf: Buffer, pos: number): { value: RespValue; end: number } | undefined {
  const eol = buf.indexOf("\r\n", pos);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buf[pos]!);
  const line = buf.toString("utf8", pos + 1, eol);
  const next = eol + 2;
  switch (type) {
    case "+":
      return { value: line, end: next };
    case "-":
      return { value: new RespError(line), end: next };
    case ":":
      return { value: BigInt(line), end: next };
    case "$": {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      if (buf.length < next + n + 2) return undefined;
      return { value: Buffer.from(buf.subarray(next, next + n)), end: next + n + 2 };
    }
    case "*": {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let at = next;
      for (let i = 0; i < n; i++) {
        const item = parseReply(buf, at);
        if (item === undefined) return undefined;
        items.push(item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
  }
}

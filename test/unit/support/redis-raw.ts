// Raw-byte exchanges with a throwaway redis-server 7.0.15 on loopback (spec §15): each exchange
// opens a fresh connection, writes the bytes, and collects the reply bytes until the server
// closes the connection or stays silent for a while. Used to compare protocol error handling.

import type { ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { startRedisServer } from "./redis-server.ts";

/** Silence after which a connection that is still open is taken to be waiting for input. */
const IDLE_MS = 250;

/** What the server sent, and whether it closed the connection. */
export interface RawExchange {
  bytes: Buffer;
  closed: boolean;
}

export class RedisRaw {
  private readonly proc: ChildProcess;
  readonly port: number;

  private constructor(proc: ChildProcess, port: number) {
    this.proc = proc;
    this.port = port;
  }

  /** Starts a server on a free loopback port (sorted sets always skiplist-encoded when asked). */
  static async start(extraArgs: string[] = []): Promise<RedisRaw> {
    const { proc, port, sock } = await startRedisServer(extraArgs);
    sock.destroy();
    return new RedisRaw(proc, port);
  }

  /** Sends bytes on a fresh connection and collects the reply. */
  exchange(data: Uint8Array, idleMs: number = IDLE_MS): Promise<RawExchange> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let timer: NodeJS.Timeout | undefined;
      let done = false;
      const finish = (closed: boolean) => {
        if (done) return;
        done = true;
        if (timer) clearTimeout(timer);
        sock.destroy();
        resolve({ bytes: Buffer.concat(chunks), closed });
      };
      const arm = () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => finish(false), idleMs);
      };
      const sock = connect(this.port, "127.0.0.1", () => {
        sock.write(data);
        arm();
      });
      sock.on("data", (c: Buffer) => {
        chunks.push(c);
        arm();
      });
      sock.on("end", () => finish(true));
      sock.on("close", () => finish(true));
      sock.on("error", (e) => (done ? undefined : reject(e)));
    });
  }

  /** Stops the server (by its own PID). */
  stop(): void {
    this.proc.kill();
  }
}

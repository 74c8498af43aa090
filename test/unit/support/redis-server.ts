// A throwaway redis-server on a free loopback port for the oracle helpers (spec §15): no
// persistence, stopped by its own PID.

import { spawn, type ChildProcess } from "node:child_process";
import { connect, type Socket } from "node:net";

/** Ports the helpers may pick from (the project reserves 20000-29999 for test servers). */
const PORT_MIN = 20000;
const PORT_SPAN = 10000;
const START_ATTEMPTS = 5;
const READY_TIMEOUT_MS = 5000;
const READY_POLL_MS = 50;

/** A started server and a first connection to it (the proof that it is ready). */
export interface StartedRedis {
  proc: ChildProcess;
  port: number;
  sock: Socket;
}

/** Starts redis-server with `extraArgs` on a random free port, retrying on a taken one. */
export async function startRedisServer(extraArgs: string[] = []): Promise<StartedRedis> {
  let lastError: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = PORT_MIN + Math.floor(Math.random() * PORT_SPAN);
    const proc = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        "/tmp",
        ...extraArgs,
      ],
      { stdio: "ignore" },
    );
    try {
      return { proc, port, sock: await connectWhenReady(port, proc) };
    } catch (e) {
      lastError = e;
      proc.kill();
    }
  }
  throw lastError;
}

async function connectWhenReady(port: number, proc: ChildProcess): Promise<Socket> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited (${proc.exitCode})`);
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const s = connect(port, "127.0.0.1", () => resolve(s));
        s.once("error", reject);
      });
    } catch {
      await new Promise((r) => setTimeout(r, READY_POLL_MS));
    }
  }
  throw new Error("redis-server did not become ready");
}

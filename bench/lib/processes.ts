// Child processes of the benchmark (reference servers, the shim): loopback ports picked in
// 20000-29999, readiness by TCP connect, and stop by PID — also when the benchmark itself exits
// early, so no server outlives the run.

import { spawn } from "node:child_process";
import type { ChildProcess, SpawnOptions } from "node:child_process";
import { connect, createServer } from "node:net";

const PORT_LOW = 20000;
const PORT_HIGH = 29999;
/** bench/memory.ts opens the workerd inspector here; never hand it out. */
const RESERVED_PORTS = new Set([29229]);
const READY_TIMEOUT_MS = 15_000;
const READY_POLL_MS = 50;
const STOP_GRACE_MS = 3000;
/** Bytes of a child's stderr kept for the error message when it fails to start. */
const STDERR_TAIL = 4000;

const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of live)
    if (c.pid)
      try {
        process.kill(c.pid, "SIGKILL");
      } catch {
        /* gone */
      }
});

/** A free loopback TCP port in 20000-29999. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = PORT_LOW + Math.floor(Math.random() * (PORT_HIGH - PORT_LOW + 1));
    if (RESERVED_PORTS.has(port)) continue;
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once("error", () => resolve(false));
      s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
}

export interface Started {
  readonly pid: number;
  readonly port: number;
  /** Stops the process by its PID (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
}

/** Stops one child by PID; resolves once it has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    live.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(child.pid!, "SIGTERM");
  const timer = setTimeout(() => child.pid && process.kill(child.pid, "SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
  live.delete(child);
}

/** Spawns a server and waits until `port` accepts connections on loopback. */
export async function startServer(
  cmd: string,
  args: string[],
  port: number,
  opts: SpawnOptions = {},
): Promise<Started> {
  const child = spawn(cmd, args, { ...opts, stdio: ["ignore", "ignore", "pipe"] });
  live.add(child);
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-STDERR_TAIL);
  });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  try {
    await spawned;
    await waitForPort(port, child);
  } catch (e) {
    await stopChild(child);
    throw new Error(`${cmd} did not start: ${(e as Error).message}\n${stderr}`);
  }
  return { pid: child.pid!, port, stop: () => stopChild(child) };
}

/** Registers a child started elsewhere (fork) for the exit-time cleanup. */
export function track(child: ChildProcess): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`exited (${child.exitCode ?? child.signalCode})`);
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
  throw new Error(`port ${port} not open after ${READY_TIMEOUT_MS} ms`);
}

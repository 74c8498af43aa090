// Starts the shim in a child process (bench/lib/shim-child.ts) and stops it by PID.

import { fork } from "node:child_process";
import { join } from "node:path";
import type { DialectName } from "../../src/node/shim/index.ts";
import { stopChild, track } from "./processes.ts";

export interface ShimProcess {
  readonly pid: number;
  /** Bound loopback port per dialect. */
  readonly ports: Partial<Record<DialectName, number>>;
  stop(): Promise<void>;
}

/** Forks a shim towards `url` listening for `dialects`, multiplexed or one WebSocket per connection. */
export async function startShimProcess(
  url: string,
  mux: boolean,
  dialects: DialectName[],
): Promise<ShimProcess> {
  const child = fork(
    join(import.meta.dirname, "shim-child.ts"),
    [url, mux ? "mux" : "no-mux", dialects.join(",")],
    {
      execArgv: ["--no-warnings"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    },
  );
  track(child);
  const ports = await new Promise<ShimProcess["ports"]>((resolve, reject) => {
    child.once("message", (m: { kind: string; ports: ShimProcess["ports"] }) => resolve(m.ports));
    child.once("exit", (code) => reject(new Error(`shim exited (${code}) before listening`)));
  });
  return { pid: child.pid!, ports, stop: () => stopChild(child) };
}

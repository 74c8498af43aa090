// The fault test's rig (issue 5): a Worker on a fixed port that can be restarted, the Worker with
// fault routes, and shims that can be killed and started again on the same ports.

import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { startWorkerScript } from "../../../src/node/local-worker.ts";
import type { LocalWorker } from "../../../src/node/local-worker.ts";
import { startShim } from "../../../src/node/shim/index.ts";
import type { Shim } from "../../../src/node/shim/index.ts";
import { sleep } from "./shim-harness.ts";

const ROOT = join(import.meta.dirname, "../../..");
const LOOPBACK = "127.0.0.1";
/** Start attempts while a disposed Worker still holds the port. */
const START_ATTEMPTS = 20;
const START_RETRY_MS = 250;

/** A loopback port free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, LOOPBACK, () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Starts a Worker on a fixed port, retrying while the previous one still holds it. */
export async function startOn(start: () => Promise<LocalWorker>): Promise<LocalWorker> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await start();
    } catch (e) {
      if (attempt >= START_ATTEMPTS) throw e;
      await sleep(START_RETRY_MS);
    }
  }
}

/** The blink-edge Worker with the fault routes of support/fault-worker.ts. */
export function startFaultWorker(
  port: number,
  persistTo: string,
  vars: Record<string, string>,
): Promise<LocalWorker> {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"));
  const options = workerOptions as Record<string, unknown>;
  const flags = [...((options.compatibilityFlags as string[] | undefined) ?? []), "unsafe_module"];
  return startWorkerScript(
    join(ROOT, "test/node/support/fault-worker.ts"),
    { ...options, compatibilityFlags: flags },
    { port, persistTo, vars, expectedLog: FAULT_NOISE },
  );
}

/** What workerd logs about the faults this rig injects (issue 13: expected, not failures). */
export const FAULT_NOISE =
  /abortAllDurableObjects|evictAllDurableObjects|Durable Object (?:was )?(?:reset|aborted)|broken\.|Network connection lost/i;

/** One shim per namespace (its URL carries the namespace), Blink and Redis listeners. */
export class Shims {
  private shims = new Map<string, Shim>();
  private ports = new Map<string, { blink: number; redis: number }>();
  private readonly origin: string;
  restarts = 0;

  constructor(origin: string) {
    this.origin = origin;
  }

  /** Starts the namespace's shim, on its earlier ports if it had some. */
  async start(namespace: string): Promise<void> {
    const p = this.ports.get(namespace);
    const shim = await startShim({
      url: `${this.origin}/db/${namespace}`,
      listen: {
        blink: { host: LOOPBACK, port: p?.blink ?? 0 },
        redis: { host: LOOPBACK, port: p?.redis ?? 0 },
      },
      log: () => {},
    });
    const port = (d: string) => shim.listeners.find((l) => l.dialect === d)!.address.port;
    this.ports.set(namespace, { blink: port("blink"), redis: port("redis") });
    this.shims.set(namespace, shim);
  }

  /** The TCP port of a namespace's listener. */
  port(namespace: string, dialect: "blink" | "redis"): number {
    return this.ports.get(namespace)![dialect];
  }

  /** Kills and restarts every shim on the same ports. */
  async restartAll(pauseMs: number): Promise<void> {
    const names = [...this.shims.keys()];
    await Promise.all(names.map((n) => this.shims.get(n)!.close()));
    await sleep(pauseMs);
    for (const n of names) await this.start(n);
    this.restarts++;
  }

  /** Closes every shim (end of test). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.shims.values()].map((s) => s.close()));
    this.shims.clear();
  }
}

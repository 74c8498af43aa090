// The fault tests' rig (issue 5): a Worker on a fixed port that can be restarted, the Worker with
// fault routes, shims that can be killed and started again on the same ports, and `faultRig()`,
// which starts them for a test file and removes them and their state folders after it.

import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { startLocalWorker, startWorkerScript } from "../../../src/node/local-worker.ts";
import type { LocalWorker } from "../../../src/node/local-worker.ts";
import { startShim } from "../../../src/node/shim/index.ts";
import type { Shim } from "../../../src/node/shim/index.ts";
import { freshNamespace, sleep } from "./shim-harness.ts";

const ROOT = join(import.meta.dirname, "../../..");
const LOOPBACK = "127.0.0.1";
const ANON = { ALLOW_ANONYMOUS: "true" };
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

/** A started Worker with shims for fresh namespaces of it. */
export interface RigWorker {
  /** http://127.0.0.1:<port>: the same across restarts. */
  readonly origin: string;
  readonly namespaces: string[];
  readonly shims: Shims;
}

/** A Worker on a fixed port and state folder that can be stopped and started again. */
export interface RestartableWorker extends RigWorker {
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** What a fault test file starts; everything is stopped and removed after the file's tests. */
export interface FaultRig {
  /** A fresh state folder. */
  stateDir(): string;
  /** Runs `f` after the file's tests (last registered, first run). */
  defer(f: () => Promise<void>): void;
  /** The Worker with fault routes on a free port, persisted, and `shimmed` shimmed namespaces. */
  faultWorker(prefix: string, shimmed?: number): Promise<RigWorker>;
  /** The plain Worker on a free port, persisted, restartable, with shimmed namespaces. */
  restartableWorker(prefix: string, shimmed?: number): Promise<RestartableWorker>;
  /** The plain Worker on port 0 (state on disk or in memory), with shimmed namespaces. */
  worker(prefix: string, shimmed?: number, persist?: boolean): Promise<RigWorker>;
}

/** The rig of one test file (registers its afterAll). */
export function faultRig(): FaultRig {
  const dirs: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const f of cleanups.reverse()) await f().catch(() => {});
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const stateDir = () => {
    const d = mkdtempSync(join(tmpdir(), "blink-edge-faults-"));
    dirs.push(d);
    return d;
  };
  const defer = (f: () => Promise<void>) => void cleanups.push(f);
  const shimmed = async (origin: string, prefix: string, n: number) => {
    const namespaces = Array.from({ length: n }, () => freshNamespace(prefix));
    const shims = new Shims(origin);
    defer(() => shims.closeAll());
    for (const ns of namespaces) await shims.start(ns);
    return { origin, namespaces, shims };
  };
  return {
    stateDir,
    defer,
    async faultWorker(prefix, n = 1) {
      const port = await freePort();
      const worker = await startOn(() => startFaultWorker(port, stateDir(), ANON));
      defer(() => worker.dispose());
      return shimmed(`http://${LOOPBACK}:${port}`, prefix, n);
    },
    async restartableWorker(prefix, n = 1) {
      const port = await freePort();
      const persistTo = stateDir();
      const start = () => startLocalWorker({ port, persistTo, vars: ANON });
      let worker = await startOn(start);
      defer(() => worker.dispose());
      return {
        ...(await shimmed(`http://${LOOPBACK}:${port}`, prefix, n)),
        stop: () => worker.dispose(),
        start: async () => void (worker = await startOn(start)),
      };
    },
    async worker(prefix, n = 1, persist = true) {
      const worker = await startLocalWorker({
        port: 0,
        persistTo: persist ? stateDir() : false,
        vars: ANON,
      });
      defer(() => worker.dispose());
      return shimmed(worker.url.origin, prefix, n);
    },
  };
}

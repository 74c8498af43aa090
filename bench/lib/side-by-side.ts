// The real-time benchmarks' frame (issue 16): one measurement run through the shim (mux) on our
// Worker and against redis-server in the same run, in alternating rounds (--rounds, default 3),
// each with fresh ioredis clients; every process stopped by PID at the end.

import { Redis } from "ioredis";
import { benchWorker } from "./bench-worker.ts";
import { startRedisServer } from "./references.ts";
import { startShimProcess } from "./shim-process.ts";

/** A measurement against one Redis port: opens its clients with `client()`, closes them itself. */
export type Measure<T> = (client: () => Redis) => Promise<T>;

/** `--name N` from the command line, or `fallback`. */
export function numArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const n = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} wants a positive number`);
  return n;
}

/** The value at quantile `q` (0..1) of `xs` (sorted in place). */
export function quantile(xs: Float64Array, q: number): number {
  if (xs.length === 0) return NaN;
  xs.sort();
  return xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
}

/** Rejects after `ms` with `what` in the message, so that no run waits forever. */
export function deadline(ms: number, what: string): { promise: Promise<never>; clear(): void } {
  let timer: NodeJS.Timeout;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no end after ${ms} ms`)), ms);
  });
  return { promise, clear: () => clearTimeout(timer) };
}

/**
 * Runs `measure` ROUNDS times on each side, alternating redis-server and the shim (mux) so that
 * both see the same background load; every round's result per side, and the server's version.
 */
export async function sideBySide<T>(
  measure: Measure<T>,
): Promise<{ ours: T[]; theirs: T[]; version: string }> {
  const rounds = numArg("rounds", 3);
  const server = await startRedisServer();
  const worker = await benchWorker();
  const shim = await startShimProcess(worker.url.href, true, ["redis"]).catch(async (e) => {
    await server.stop();
    await worker.dispose();
    throw e;
  });
  try {
    const ours: T[] = [];
    const theirs: T[] = [];
    for (let r = 0; r < rounds; r++) {
      theirs.push(await withClients(server.port, measure));
      ours.push(await withClients(shim.ports.redis!, measure));
    }
    return { ours, theirs, version: server.version };
  } finally {
    await shim.stop();
    await server.stop();
    await worker.dispose();
  }
}

/** The round whose `key` is the median of all rounds'. */
export function medianBy<T>(rounds: readonly T[], key: (t: T) => number): T {
  const sorted = [...rounds].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

async function withClients<T>(port: number, measure: Measure<T>): Promise<T> {
  const opened: Redis[] = [];
  const client = () => {
    const r = new Redis(port, "127.0.0.1", { maxRetriesPerRequest: 0, enableOfflineQueue: true });
    opened.push(r);
    return r;
  };
  try {
    return await measure(client);
  } finally {
    for (const r of opened) r.disconnect();
  }
}

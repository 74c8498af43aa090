// The shim under soak (bench/soak.ts), alone in its own process so that its memory is measured
// alone. Started with the Worker URL; answers "sample" messages over IPC with its memory (after
// a full GC when --expose-gc is on), its open file descriptors and its connections per listener.
//
//   node --expose-gc bench/lib/soak-shim.ts <worker-url>     (spawned by bench/soak.ts)

import { readdirSync } from "node:fs";
import { startShim } from "../../src/node/shim/index.ts";

/** What the parent receives for each "sample" request. */
export interface ShimSample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** Entries of /proc/self/fd: sockets, pipes, files. */
  fds: number;
  /** Open connections per listener, from the shim's own registry. */
  connections: Record<string, number>;
}

export type ShimMessage =
  { kind: "ready"; ports: Record<string, number> } | { kind: "sample"; sample: ShimSample };

const url = process.argv[2];
if (!url || !process.send) {
  process.stderr.write("usage: spawned by bench/soak.ts with an IPC channel and a Worker URL\n");
  process.exit(2);
}
const send = (m: ShimMessage) => process.send!(m);
const gc = (globalThis as { gc?: () => void }).gc;

const shim = await startShim({
  url,
  listen: { blink: { host: "127.0.0.1", port: 0 }, redis: { host: "127.0.0.1", port: 0 } },
  log: () => {}, // the soak counts failures on the client side
});

function sample(): ShimSample {
  gc?.();
  const m = process.memoryUsage();
  const connections: Record<string, number> = {};
  for (const l of shim.listeners) connections[l.dialect] = 0;
  for (const s of shim.stats()) connections[s.dialect] = (connections[s.dialect] ?? 0) + 1;
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    fds: readdirSync("/proc/self/fd").length,
    connections,
  };
}

process.on("message", (m: { kind: string }) => {
  if (m.kind === "sample") send({ kind: "sample", sample: sample() });
  else if (m.kind === "stop") void shim.close().then(() => process.exit(0));
});
process.on("disconnect", () => process.exit(0));

send({
  kind: "ready",
  ports: Object.fromEntries(shim.listeners.map((l) => [l.dialect, l.address.port])),
});

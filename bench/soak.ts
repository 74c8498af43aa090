// Soak of issue 5 (loopback only, bounded): hundreds of TCP connections through the shim (Blink
// and Redis) and hundreds of WebSockets straight to the Worker, each doing SET+GET batches with
// a pause between them, for a minute. The shim runs in its own process (bench/lib/soak-shim.ts)
// so that its memory is measured alone; every few seconds it reports RSS and heap (after a full
// GC), its open file descriptors and its connections per listener. After the clients close, its
// connections must be 0 and its descriptors back to the baseline; its heap must stay flat.
//
//   node bench/soak.ts [--seconds 60] [--tcp 200] [--ws 200] [--sample 5] [--think-ms 100]
//
// --tcp is per shim listener (Blink and Redis), --ws is split between /blink and /resp.
// Exit status 1 when a socket leaked or the heap grew by more than HEAP_GROWTH_MAX_MB.

import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { newCounters, openClient } from "./lib/soak-clients.ts";
import type { ClientKind, SoakClient } from "./lib/soak-clients.ts";
import type { ShimMessage, ShimSample } from "./lib/soak-shim.ts";
import { benchWorker } from "./lib/bench-worker.ts";

const { values: opt } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    tcp: { type: "string", default: "200" },
    ws: { type: "string", default: "200" },
    sample: { type: "string", default: "5" },
    "think-ms": { type: "string", default: "100" },
  },
});
const SECONDS = Number(opt.seconds);
const TCP_PER_DIALECT = Number(opt.tcp);
const WS_TOTAL = Number(opt.ws);
const SAMPLE_MS = Number(opt.sample) * 1000;
const THINK_MS = Number(opt["think-ms"]);
/** Distinct keys per client kind: the store stays bounded however long the soak runs. */
const KEYS = 1000;
/** Clients connect in groups of this many, so the accept queues never overflow. */
const CONNECT_GROUP = 50;
/** Allowed heap growth (after GC) between the first and the last sample under load. */
const HEAP_GROWTH_MAX_MB = 10;
/** How long after the clients closed the leak check looks. */
const SETTLE_MS = 3000;
const MB = 1024 * 1024;

interface Row {
  t: number;
  phase: string;
  s: ShimSample;
  clients: number;
  batches: number;
  tcpBatches: number;
  errors: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function startShimProcess(
  url: string,
): Promise<{ child: ChildProcess; ports: Record<string, number> }> {
  const child = fork(join(import.meta.dirname, "lib/soak-shim.ts"), [url], {
    execArgv: ["--expose-gc"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", (m: ShimMessage) => {
      if (m.kind === "ready") resolve({ child, ports: m.ports });
    });
    child.once("exit", (code) => reject(new Error(`shim process exited ${code}`)));
  });
}

function sampleShim(child: ChildProcess): Promise<ShimSample> {
  return new Promise((resolve) => {
    const on = (m: ShimMessage) => {
      if (m.kind !== "sample") return;
      child.off("message", on);
      resolve(m.sample);
    };
    child.on("message", on);
    child.send({ kind: "sample" });
  });
}

const mb = (n: number) => (n / MB).toFixed(1);

function table(rows: Row[]): string {
  const head =
    "| t (s) | phase | shim RSS MB | heap MB (after GC) | external MB | fds | TCP conns blink/redis | clients open | SET+GET batches/s via shim | via WebSocket | errors |";
  const lines = [head, "|" + "---|".repeat(11)];
  let prev: Row | undefined;
  for (const r of rows) {
    const dt = prev ? r.t - prev.t : 0;
    const per = (now: number, before: number) => (dt > 0 ? Math.round((now - before) / dt) : 0);
    const tcp = prev ? per(r.tcpBatches, prev.tcpBatches) : 0;
    const ws = prev ? per(r.batches - r.tcpBatches, prev.batches - prev.tcpBatches) : 0;
    const c = r.s.connections;
    lines.push(
      `| ${r.t.toFixed(0)} | ${r.phase} | ${mb(r.s.rss)} | ${mb(r.s.heapUsed)} | ${mb(r.s.external)} | ${r.s.fds} | ${c.blink ?? 0}/${c.redis ?? 0} | ${r.clients} | ${tcp} | ${ws} | ${r.errors} |`,
    );
    prev = r;
  }
  return lines.join("\n");
}

async function main(): Promise<number> {
  const worker = await benchWorker();
  const origin = worker.url.origin;
  const { child, ports } = await startShimProcess(`${origin}/db/soak-tcp`);
  const counters = newCounters();
  const rows: Row[] = [];
  const t0 = performance.now();
  const openCount = () => Object.values(counters.open).reduce((a, b) => a + b, 0);
  const record = async (phase: string) => {
    const s = await sampleShim(child);
    rows.push({
      t: (performance.now() - t0) / 1000,
      phase,
      s,
      clients: openCount(),
      batches: counters.batches,
      tcpBatches: counters.tcpBatches,
      errors: counters.errors,
    });
    process.stderr.write(
      `soak: ${phase} t=${rows.at(-1)!.t.toFixed(0)}s rss=${mb(s.rss)}MB heap=${mb(s.heapUsed)}MB fds=${s.fds} clients=${openCount()} batches=${counters.batches} errors=${counters.errors}\n`,
    );
  };

  await sleep(1000);
  await record("baseline");

  const plan: [ClientKind, number | string, number][] = [
    ["tcp-blink", ports.blink!, TCP_PER_DIALECT],
    ["tcp-redis", ports.redis!, TCP_PER_DIALECT],
    ["ws-blink", `${origin.replace("http", "ws")}/db/soak-ws/blink`, Math.ceil(WS_TOTAL / 2)],
    [
      "ws-redis",
      `${origin.replace("http", "ws")}/db/soak-ws/resp?dialect=redis`,
      Math.floor(WS_TOTAL / 2),
    ],
  ];
  let stop = false;
  const running: Promise<void>[] = [];
  for (const [kind, target, n] of plan) {
    for (let i = 0; i < n; i += CONNECT_GROUP) {
      const group = await Promise.all(
        Array.from({ length: Math.min(CONNECT_GROUP, n - i) }, (_, j) =>
          openClient(kind, target, (k) => `soak:${kind}:${(i + j + k) % KEYS}`, THINK_MS, counters),
        ),
      );
      running.push(...group.map((c: SoakClient) => c.run(() => stop)));
    }
  }
  await record("connected");

  const loadStart = performance.now();
  while (performance.now() - loadStart < SECONDS * 1000) {
    await sleep(Math.min(SAMPLE_MS, SECONDS * 1000 - (performance.now() - loadStart)));
    await record("load");
  }
  stop = true;
  await Promise.all(running);
  await record("closed");
  await sleep(SETTLE_MS);
  await record(`closed +${SETTLE_MS / 1000}s`);

  child.send({ kind: "stop" });
  await new Promise((r) => child.once("exit", r));
  await worker.dispose();

  console.log(
    `\nsoak: ${SECONDS} s, ${TCP_PER_DIALECT} Blink + ${TCP_PER_DIALECT} Redis TCP connections through the shim, ${WS_TOTAL} WebSockets to the Worker, ${THINK_MS} ms think time\n`,
  );
  console.log(table(rows));
  const base = rows[0]!.s;
  const loads = rows.filter((r) => r.phase === "load");
  const first = loads[0]!.s;
  const last = loads.at(-1)!.s;
  const end = rows.at(-1)!.s;
  const heapGrowth = (last.heapUsed - first.heapUsed) / MB;
  const leakedConns = Object.values(end.connections).reduce((a, b) => a + b, 0);
  const leakedFds = end.fds - base.fds;
  const peak = Math.max(...rows.map((r) => r.s.fds));
  console.log(
    `\nsoak: ${counters.batches} SET+GET batches (${counters.batches * 2} commands), ${counters.errors} errors`,
  );
  console.log(
    `soak: heap after GC ${mb(first.heapUsed)} MB at the first load sample, ${mb(last.heapUsed)} MB at the last (${heapGrowth >= 0 ? "+" : ""}${heapGrowth.toFixed(1)} MB); RSS ${mb(first.rss)} → ${mb(last.rss)} MB`,
  );
  console.log(
    `soak: file descriptors ${base.fds} before, ${peak} at peak, ${end.fds} after the clients closed; shim connections after: ${leakedConns}`,
  );
  const ok =
    leakedConns === 0 &&
    leakedFds <= 0 &&
    heapGrowth <= HEAP_GROWTH_MAX_MB &&
    counters.errors === 0;
  console.log(`soak: ${ok ? "PASS: memory flat, no socket leaks, no errors" : "FAIL"}`);
  return ok ? 0 : 1;
}

process.exit(await main());

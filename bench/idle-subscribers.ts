// Idle subscribers and a subscriber that never reads, on the local runtime (issue 16; bounded):
//  1. --count idle SSE subscriptions (`POST /db/<ns>/subscribe/<ch>`), nothing published: workerd
//     RSS before/after and workerd CPU over --idle-seconds;
//  2. the same count of idle WebSocket /resp subscribers (hibernatable), the same figures;
//  3. one WebSocket /resp subscriber whose TCP socket is paused (it never reads) while --mb
//     messages of 1 MiB are published: workerd RSS before/peak/after, and whether the object
//     closed it (CONFIG's client-output-buffer-limit pubsub, src/worker/output-limit.ts).
//
//   node bench/idle-subscribers.ts [--count 100] [--idle-seconds 10] [--mb 60]

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import WebSocket from "ws";
import { benchWorker } from "./lib/bench-worker.ts";
import { workerdPids, workerdRss } from "./lib/workerd-memory.ts";

const { values: opt } = parseArgs({
  options: {
    count: { type: "string", default: "100" },
    "idle-seconds": { type: "string", default: "10" },
    mb: { type: "string", default: "60" },
  },
});
const COUNT = Number(opt.count);
const IDLE_MS = Number(opt["idle-seconds"]) * 1000;
const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (n: number) => `${(n / MiB).toFixed(1)} MB`;

/** CPU time (user + system, ms) of the workerd processes. */
function workerdCpuMs(pids: number[]): number {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  let total = 0;
  for (const pid of pids) {
    try {
      const s = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
      total += (Number(f[11]) + Number(f[12])) * tick;
    } catch {
      // exited
    }
  }
  return total;
}

const resp = (...argv: string[]) =>
  `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;

function openWs(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

function request(ws: WebSocket, msg: string): Promise<Buffer> {
  return new Promise((resolve) => {
    ws.once("message", (d) => resolve(d as Buffer));
    ws.send(msg);
  });
}

const worker = await benchWorker();
const base = worker.url.href.replace(/\/$/, "");
const wsBase = base.replace(/^http/, "ws");
const pids = workerdPids();
try {
  // Warm the object up so its start is not counted.
  await fetch(`${base}/db/idle/`, { method: "POST", body: JSON.stringify(["PING"]) });
  await fetch(`${base}/db/idlews/`, { method: "POST", body: JSON.stringify(["PING"]) });
  await sleep(1000);

  // 1. idle SSE subscribers
  const rss0 = workerdRss(pids);
  const ctl = new AbortController();
  const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
  for (let i = 0; i < COUNT; i++) {
    const res = await fetch(`${base}/db/idle/subscribe/ch${i}`, {
      method: "POST",
      signal: ctl.signal,
    });
    const reader = res.body!.getReader();
    await reader.read(); // the subscribe confirmation
    readers.push(reader);
  }
  await sleep(2000);
  const rss1 = workerdRss(pids);
  const cpu0 = workerdCpuMs(pids);
  await sleep(IDLE_MS);
  const cpu1 = workerdCpuMs(pids);
  const rss1b = workerdRss(pids);
  console.log(
    `${COUNT} idle SSE subscribers: workerd RSS ${mb(rss0)} before, ${mb(rss1)} after opening ` +
      `(+${mb(rss1 - rss0)}, ${((rss1 - rss0) / COUNT / 1024).toFixed(0)} KB each), ${mb(rss1b)} ` +
      `after ${IDLE_MS / 1000} s idle; workerd CPU over the idle ${IDLE_MS / 1000} s: ${(cpu1 - cpu0).toFixed(0)} ms`,
  );
  ctl.abort();
  for (const r of readers) r.cancel().catch(() => {});
  await sleep(2000);

  // 2. idle WebSocket subscribers
  const rss2 = workerdRss(pids);
  const sockets: WebSocket[] = [];
  for (let i = 0; i < COUNT; i++) {
    const ws = await openWs(`${wsBase}/db/idlews/resp`);
    await request(ws, resp("SUBSCRIBE", `ch${i}`));
    sockets.push(ws);
  }
  await sleep(2000);
  const rss3 = workerdRss(pids);
  const cpu2 = workerdCpuMs(pids);
  await sleep(IDLE_MS);
  const cpu3 = workerdCpuMs(pids);
  console.log(
    `${COUNT} idle WebSocket /resp subscribers: workerd RSS ${mb(rss2)} before, ${mb(rss3)} after ` +
      `(+${mb(rss3 - rss2)}, ${((rss3 - rss2) / COUNT / 1024).toFixed(0)} KB each); workerd CPU ` +
      `over the idle ${IDLE_MS / 1000} s: ${(cpu3 - cpu2).toFixed(0)} ms`,
  );
  for (const ws of sockets) ws.close();
  await sleep(1000);

  // 3. a subscriber that never reads
  const slow = await openWs(`${wsBase}/db/slowws/resp`);
  await request(slow, resp("SUBSCRIBE", "big"));
  let closeCode = 0;
  slow.on("close", (code) => (closeCode = code));
  // Stop reading: the kernel buffers fill, then workerd's queue grows.
  (slow as unknown as { _socket: { pause(): void } })._socket.pause();
  const pub = await openWs(`${wsBase}/db/slowws/resp`);
  const rss4 = workerdRss(pids);
  let peak = rss4;
  let delivered = 0;
  const payload = "x".repeat(MiB);
  for (let i = 0; i < Number(opt.mb); i++) {
    const r = (await request(pub, resp("PUBLISH", "big", payload))).toString();
    delivered += Number(r.slice(1));
    peak = Math.max(peak, workerdRss(pids));
  }
  await sleep(3000);
  const rss5 = workerdRss(pids);
  (slow as unknown as { _socket: { resume(): void } })._socket.resume();
  for (let i = 0; i < 100 && !closeCode; i++) await sleep(100);
  console.log(
    `paused WebSocket subscriber, ${opt.mb} × 1 MiB published: delivered to it ${delivered} ` +
      `(PUBLISH counts); workerd RSS ${mb(rss4)} before, ${mb(peak)} peak, ${mb(rss5)} 3 s after; ` +
      `once it reads again, it sees the close: ${closeCode || "none within 10 s"}`,
  );
  pub.close();
  slow.terminate();
} finally {
  await worker.dispose();
}

// The slow-reader probe of issue 13 item 1: through the shim, one client pipelines GETs of a
// large value and never reads a byte; meanwhile another client PINGs. Reports workerd's resident
// memory (peak over its start) and the PINGs' latency. Bounded: a fixed number of GETs, a fixed
// duration, and every socket closed at the end.

import { connect } from "node:net";
import type { Socket } from "node:net";
import type { Shim } from "../../src/node/shim/index.ts";
import { workerdPids, workerdRss } from "./workerd-memory.ts";

export interface SlowReaderOptions {
  /** The shim's Redis port, connected to a Worker started by this process. */
  port: number;
  shim: Shim;
  gets: number;
  valueBytes: number;
  durationMs: number;
  /** Between PINGs and between memory samples. */
  intervalMs?: number;
  /** workerd RSS at which the probe stops at once (the slow client closed): a machine guard. */
  rssStopBytes?: number;
}

export interface SlowReaderReport {
  gets: number;
  valueBytes: number;
  /** workerd RSS before the slow client started, and its peak during the probe. */
  rssBefore: number;
  rssPeak: number;
  /** A PING's latency before the slow client started. */
  pingBeforeMs: number;
  pings: number;
  pingMaxMs: number;
  pingP50Ms: number;
  /** The slow client's connection: closed by the shim's output limit? */
  slowClosed: boolean;
  /** Peak unread reply bytes the shim held for the slow client. */
  shimOutputPeak: number;
  /** The probe was stopped early because workerd's RSS passed rssStopBytes. */
  stoppedAtRss: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port }, () => resolve(s));
    s.once("error", reject);
  });
}

/** One RESP command and its whole reply, on a client that reads. */
async function roundTrip(s: Socket, cmd: string, expected: string): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    let got = "";
    const onData = (d: Buffer) => {
      got += d.toString("latin1");
      if (got.length < expected.length) return;
      s.off("data", onData);
      if (got === expected) resolve();
      else reject(new Error(`unexpected reply ${JSON.stringify(got.slice(0, 80))}`));
    };
    s.on("data", onData);
    s.write(cmd);
  });
  return performance.now() - t0;
}

/** Runs the probe; the value is stored under a key of its own first. */
export async function slowReaderProbe(o: SlowReaderOptions): Promise<SlowReaderReport> {
  const interval = o.intervalMs ?? 100;
  const key = `slow-reader-${process.pid}`;
  const setter = await open(o.port);
  const value = "x".repeat(o.valueBytes);
  await roundTrip(
    setter,
    `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`,
    "+OK\r\n",
  );
  setter.destroy();

  const pids = workerdPids();
  const rssBefore = workerdRss(pids);
  const pinger = await open(o.port);
  await roundTrip(pinger, "PING\r\n", "+PONG\r\n");
  const pingBeforeMs = await roundTrip(pinger, "PING\r\n", "+PONG\r\n");

  // The slow client: sends everything, reads nothing (a paused socket leaves the kernel's
  // buffers full, so the shim sees a client that does not read).
  const slow = await open(o.port);
  slow.pause();
  let slowClosed = false;
  slow.on("close", () => (slowClosed = true));
  slow.on("error", () => {});
  slow.write(`GET ${key}\r\n`.repeat(o.gets));

  let rssPeak = rssBefore;
  let shimOutputPeak = 0;
  const latencies: number[] = [];
  const t0 = Date.now();
  let stoppedAtRss = false;
  // Sampled on a timer of its own too: a PING that waits must not hide the memory's growth.
  const guard = setInterval(() => {
    rssPeak = Math.max(rssPeak, workerdRss(pids));
    if (o.rssStopBytes && rssPeak > o.rssStopBytes && !stoppedAtRss) {
      stoppedAtRss = true;
      slow.destroy();
    }
  }, interval);
  while (Date.now() - t0 < o.durationMs && !stoppedAtRss) {
    latencies.push(await roundTrip(pinger, "PING\r\n", "+PONG\r\n"));
    rssPeak = Math.max(rssPeak, workerdRss(pids));
    for (const st of o.shim.stats())
      if (st.writeBuffered > 0) shimOutputPeak = Math.max(shimOutputPeak, st.writeBuffered);
    await sleep(interval);
  }
  clearInterval(guard);
  slow.destroy();
  pinger.destroy();
  latencies.sort((a, b) => a - b);
  return {
    gets: o.gets,
    valueBytes: o.valueBytes,
    rssBefore,
    rssPeak,
    pingBeforeMs,
    pings: latencies.length,
    pingMaxMs: latencies.at(-1) ?? 0,
    pingP50Ms: latencies[Math.floor(latencies.length / 2)] ?? 0,
    slowClosed,
    shimOutputPeak,
    stoppedAtRss,
  };
}

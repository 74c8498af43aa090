// BullMQ through the shim beside redis-server (issue 15), one short run: a wide scenario of
// BullMQ's API whose outcomes must be the same on both, the commands an idle Worker sends, and
// jobs processed per second (JOBS jobs added in bulk, a Worker of concurrency 10).
//
//   node bench/queue-libraries.ts [--jobs N]

import { isDeepStrictEqual } from "node:util";
import { DelayedError, Queue, QueueEvents, Worker } from "bullmq";
import { Redis } from "ioredis";
import { benchWorker } from "./lib/bench-worker.ts";
import { startRedisServer } from "./lib/references.ts";
import { startShimProcess } from "./lib/shim-process.ts";

const argIndex = process.argv.indexOf("--jobs");
const JOBS = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 2_000;
const IDLE_MS = 3_000;
const WAIT_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const connectionTo = (port: number) => ({ host: "127.0.0.1", port, maxRetriesPerRequest: null });

/** Runs BullMQ's features once; returns what each gave (timing-free, comparable across servers). */
async function scenario(port: number): Promise<Record<string, unknown>> {
  const connection = connectionTo(port);
  const name = "wide";
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  await events.waitUntilReady();
  const out: Record<string, unknown> = {};
  const errors: string[] = [];
  const worker = new Worker(
    name,
    async (job, token) => {
      await job.updateProgress(50);
      await job.log("hello");
      if (job.name === "move" && !job.data.moved) {
        await job.updateData({ moved: true });
        await job.moveToDelayed(Date.now() + 200, token);
        throw new DelayedError();
      }
      // longer than lockDuration: the Worker must extend its lock, or the job stalls
      if (job.name === "long") await sleep(1500);
      return job.name;
    },
    { connection, concurrency: 4, lockDuration: 1000, stalledInterval: 500 },
  );
  worker.on("error", (e) => errors.push(e.message));
  try {
    const jobs = await Promise.all(["plain", "move", "long"].map((n) => queue.add(n, {})));
    const promoted = await queue.add("promote", {}, { delay: 60_000 });
    await promoted.promote();
    const changed = await queue.add("change", {}, { delay: 60_000 });
    await changed.changeDelay(100);
    for (const j of [...jobs, promoted, changed])
      out[j.name] = await j.waitUntilFinished(events, WAIT_MS).catch((e: Error) => e.message);
    out.logs = (await queue.getJobLogs(jobs[0]!.id!)).logs;
    out.progress = (await queue.getJob(jobs[0]!.id!))!.progress;
    out.completed = (await queue.getJobs(["completed"])).length;
    out.counts = await queue.getJobCounts();
    const first = await queue.add("dedup", {}, { deduplication: { id: "x" }, delay: 5000 });
    const second = await queue.add("dedup", {}, { deduplication: { id: "x" }, delay: 5000 });
    out.deduplicated = first.id === second.id;
    await queue.pause();
    out.paused = await queue.isPaused();
    await queue.resume();
    await queue.upsertJobScheduler("every", { every: 300 }, { name: "repeat" });
    await sleep(1000);
    await queue.removeJobScheduler("every");
    out.schedulers = (await queue.getJobSchedulers()).length;
    await queue.drain(true);
    out.cleaned = (await queue.clean(0, 1000, "completed")).length > 0;
    out.workers = (await queue.getWorkers()).length;
    await queue.setGlobalConcurrency(2);
    out.globalConcurrency = await queue.getGlobalConcurrency();
    await queue.rateLimit(10_000);
    out.rateLimited = (await queue.getRateLimitTtl()) > 0;
    out.errors = errors;
  } finally {
    await worker.close();
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
  return out;
}

/** Commands the server counts while a Worker waits on an empty queue. */
async function idleCommands(port: number): Promise<number> {
  const connection = connectionTo(port);
  const probe = new Redis(connection);
  const processed = async () =>
    Number(/total_commands_processed:(\d+)/.exec(await probe.info("stats"))?.[1]);
  const queue = new Queue("idle", { connection });
  const worker = new Worker("idle", async () => 1, { connection });
  try {
    await worker.waitUntilReady();
    await sleep(300);
    const before = await processed();
    await sleep(IDLE_MS);
    return (await processed()) - before - 1;
  } finally {
    await worker.close();
    await queue.close();
    probe.disconnect();
  }
}

/** Jobs per second: JOBS added in bulk, then processed by one Worker of concurrency 10. */
async function jobsPerSecond(port: number): Promise<{ add: number; process: number }> {
  const connection = connectionTo(port);
  const queue = new Queue("rate", { connection });
  const t0 = performance.now();
  for (let i = 0; i < JOBS; i += 100)
    await queue.addBulk(Array.from({ length: 100 }, (_, j) => ({ name: "j", data: { i: i + j } })));
  const added = performance.now();
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    const worker = new Worker("rate", async () => ++done, { connection, concurrency: 10 });
    worker.on("completed", () => {
      if (done >= JOBS) void worker.close().then(resolve);
    });
  });
  await finished;
  const end = performance.now();
  await queue.obliterate({ force: true });
  await queue.close();
  return {
    add: Math.round(JOBS / ((added - t0) / 1000)),
    process: Math.round(JOBS / ((end - added) / 1000)),
  };
}

const worker = await benchWorker();
const server = await startRedisServer();
try {
  const shim = await startShimProcess(worker.url.href, true, ["redis"]);
  try {
    const targets = [
      { label: `redis-server ${server.version}`, port: server.port },
      { label: "blink-edge through the shim (mux)", port: shim.ports.redis! },
    ];
    const results = [];
    for (const t of targets)
      results.push({
        ...t,
        outcome: await scenario(t.port),
        idle: await idleCommands(t.port),
        rate: await jobsPerSecond(t.port),
      });
    for (const r of results) console.log(`${r.label}: ${JSON.stringify(r.outcome)}`);
    const same = isDeepStrictEqual(results[0]!.outcome, results[1]!.outcome);
    console.log(`\nsame outcome on both: ${same}\n`);
    console.log(
      `| target | idle Worker: commands in ${IDLE_MS / 1000} s | add jobs/s | process jobs/s |`,
    );
    console.log(`| --- | --- | --- | --- |`);
    for (const r of results)
      console.log(`| ${r.label} | ${r.idle} | ${r.rate.add} | ${r.rate.process} |`);
  } finally {
    await shim.stop();
  }
} finally {
  await server.stop();
  await worker.dispose();
}

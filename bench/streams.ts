// Streams (issue 16): XADD throughput (CLIENTS parallel ioredis clients, each pipelining PIPELINE
// XADDs at a time, N entries in all), then XREADGROUP throughput (CLIENTS consumers of one group
// reading COUNT entries per call until the stream is drained), through the shim (mux) and against
// redis-server in one run, with the ratios.
//
//   node bench/streams.ts [--entries N] [--clients C] [--rounds R]

import { rate, ratio, table } from "./lib/report.ts";
import { deadline, medianBy, numArg, sideBySide } from "./lib/side-by-side.ts";
import type { Measure } from "./lib/side-by-side.ts";

const ENTRIES = numArg("entries", 20_000);
const CLIENTS = numArg("clients", 10);
const PIPELINE = 50;
const COUNT = 10;
const RUN_LIMIT_MS = 120_000;
const STREAM = "bench:stream";
const GROUP = "g";

interface StreamRates {
  xadd: number;
  xreadgroup: number;
}

/** Runs `work` on every client at once; seconds taken, bounded by RUN_LIMIT_MS. */
async function timed(what: string, work: () => Promise<void>): Promise<number> {
  const limit = deadline(RUN_LIMIT_MS, what);
  const t0 = performance.now();
  try {
    await Promise.race([Promise.all(Array.from({ length: CLIENTS }, work)), limit.promise]);
  } finally {
    limit.clear();
  }
  return (performance.now() - t0) / 1000;
}

const streams: Measure<StreamRates> = async (client) => {
  const clients = Array.from({ length: CLIENTS }, client);
  await clients[0]!.del(STREAM);
  let added = 0;
  let next = 0;
  const addSeconds = await timed("XADD", async () => {
    const c = clients[next++ % CLIENTS]!;
    while (added < ENTRIES) {
      const p = c.pipeline();
      for (let i = 0; i < PIPELINE && added < ENTRIES; i++, added++)
        p.xadd(STREAM, "*", "n", String(added), "payload", "x".repeat(32));
      await p.exec();
    }
  });
  const length = await clients[0]!.xlen(STREAM);
  if (length !== ENTRIES) throw new Error(`XLEN ${length}, not ${ENTRIES}`);
  await clients[0]!.xgroup("CREATE", STREAM, GROUP, "0");
  let read = 0;
  next = 0;
  const readSeconds = await timed("XREADGROUP", async () => {
    const i = next++;
    const c = clients[i % CLIENTS]!;
    for (;;) {
      const got = (await c.xreadgroup(
        "GROUP",
        GROUP,
        `c${i}`,
        "COUNT",
        COUNT,
        "STREAMS",
        STREAM,
        ">",
      )) as [string, unknown[]][] | null;
      const n = got?.[0]?.[1].length ?? 0;
      if (n === 0) return;
      read += n;
    }
  });
  if (read !== ENTRIES) throw new Error(`XREADGROUP read ${read}, not ${ENTRIES}`);
  return { xadd: ENTRIES / addSeconds, xreadgroup: ENTRIES / readSeconds };
};

const all = await sideBySide(streams);
/** Each figure's median over the rounds. */
const median = (xs: StreamRates[]): StreamRates => ({
  xadd: medianBy(xs, (x) => x.xadd).xadd,
  xreadgroup: medianBy(xs, (x) => x.xreadgroup).xreadgroup,
});
const [ours, theirs, version] = [median(all.ours), median(all.theirs), all.version];
console.log(
  `${ENTRIES} entries; XADD: ${CLIENTS} clients × pipelines of ${PIPELINE}; XREADGROUP: ${CLIENTS} consumers, COUNT ${COUNT}; median of ${all.ours.length} alternating rounds\n`,
);
for (const line of table(
  ["target", "XADD entries/s", "XREADGROUP entries/s"],
  [
    ["blink-edge through the shim (mux)", rate(ours.xadd), rate(ours.xreadgroup)],
    [`redis-server ${version}`, rate(theirs.xadd), rate(theirs.xreadgroup)],
    ["ratio", ratio(ours.xadd, theirs.xadd), ratio(ours.xreadgroup, theirs.xreadgroup)],
  ],
))
  console.log(line);

// Blocking pops (issue 16): two ioredis clients bounce one item — A: RPUSH ping, BLPOP pong;
// B: BLPOP ping, RPUSH pong — for N round trips or SECONDS; round trips per second through the
// shim (mux) and against redis-server in one run, with the ratio.
//
//   node bench/blocking.ts [--trips N] [--seconds S] [--rounds R]

import { rate, ratio, table } from "./lib/report.ts";
import { deadline, medianBy, numArg, sideBySide } from "./lib/side-by-side.ts";
import type { Measure } from "./lib/side-by-side.ts";

const TRIPS = numArg("trips", 5_000);
const SECONDS = numArg("seconds", 5);
/** BLPOP's own timeout (s): a lost item fails the run instead of hanging it. */
const POP_TIMEOUT = 5;
const PING = "bench:ping";
const PONG = "bench:pong";
const STOP = "stop";

const pingPong: Measure<number> = async (client) => {
  const a = client();
  const b = client();
  await a.del(PING, PONG);
  const bouncer = (async () => {
    for (;;) {
      const got = await b.blpop(PING, POP_TIMEOUT);
      if (!got) throw new Error("B: BLPOP timed out");
      if (got[1] === STOP) return;
      await b.rpush(PONG, got[1]);
    }
  })();
  const limit = deadline((SECONDS + 2 * POP_TIMEOUT) * 1000, "ping-pong");
  const t0 = performance.now();
  const end = t0 + SECONDS * 1000;
  let trips = 0;
  const serve = async () => {
    while (trips < TRIPS && performance.now() < end) {
      await a.rpush(PING, "ball");
      if (!(await a.blpop(PONG, POP_TIMEOUT))) throw new Error("A: BLPOP timed out");
      trips++;
    }
    return (trips / (performance.now() - t0)) * 1000;
  };
  try {
    const perSecond = await Promise.race([serve(), limit.promise]);
    await a.rpush(PING, STOP);
    await Promise.race([bouncer, limit.promise]);
    return perSecond;
  } finally {
    limit.clear();
  }
};

const all = await sideBySide(pingPong);
const [ours, theirs] = [medianBy(all.ours, Number), medianBy(all.theirs, Number)];
const version = all.version;
console.log(
  `BLPOP/RPUSH ping-pong, up to ${TRIPS} round trips or ${SECONDS} s; median of ${all.ours.length} alternating rounds (ours ${all.ours.map(rate).join(", ")}; redis-server ${all.theirs.map(rate).join(", ")})\n`,
);
for (const line of table(
  ["target", "round trips/s", "ratio"],
  [
    ["blink-edge through the shim (mux)", rate(ours), ratio(ours, theirs)],
    [`redis-server ${version}`, rate(theirs), "1.00"],
  ],
))
  console.log(line);

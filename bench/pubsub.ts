// Pub/sub fan-out (issue 16): 1 publisher, 50 ioredis subscribers of one channel, N messages with
// at most WINDOW PUBLISHes unanswered; delivered messages/s and p99 publish→receive latency through
// the shim (mux) and against redis-server in one run, with the ratio (target ≥ 0.3).
//
//   node bench/pubsub.ts [--messages N] [--subscribers S] [--rounds R]

import { rate, ms, ratio, table } from "./lib/report.ts";
import { deadline, medianBy, numArg, quantile, sideBySide } from "./lib/side-by-side.ts";
import type { Measure } from "./lib/side-by-side.ts";

const MESSAGES = numArg("messages", 2_000);
const SUBSCRIBERS = numArg("subscribers", 50);
const WINDOW = 20;
const RUN_LIMIT_MS = 120_000;
const TARGET = 0.3;
/** A channel per round: the last round's subscribers may not be gone yet. */
let round = 0;

interface FanOut {
  delivered: number;
  p50: number;
  p99: number;
}

const fanOut: Measure<FanOut> = async (client) => {
  const CHANNEL = `bench:fanout:${round++}`;
  const total = MESSAGES * SUBSCRIBERS;
  const latency = new Float64Array(total);
  let got = 0;
  let allIn!: () => void;
  const arrived = new Promise<void>((resolve) => (allIn = resolve));
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const sub = client();
    sub.on("message", (_ch: string, sent: string) => {
      latency[got++] = performance.now() - Number(sent);
      if (got === total) allIn();
    });
    await sub.subscribe(CHANNEL);
  }
  const pub = client();
  const receivers = await pub.publish(CHANNEL, String(performance.now()));
  if (receivers !== SUBSCRIBERS)
    throw new Error(`PUBLISH reached ${receivers}, not ${SUBSCRIBERS}`);
  while (got < SUBSCRIBERS) await new Promise((r) => setTimeout(r, 10));
  got = 0;
  const limit = deadline(RUN_LIMIT_MS, "fan-out");
  const t0 = performance.now();
  let sent = 0;
  const publishers = Array.from({ length: WINDOW }, async () => {
    while (sent < MESSAGES) {
      sent++;
      await pub.publish(CHANNEL, String(performance.now()));
    }
  });
  try {
    await Promise.race([Promise.all([...publishers, arrived]), limit.promise]);
  } finally {
    limit.clear();
  }
  const seconds = (performance.now() - t0) / 1000;
  const seen = latency.subarray(0, got);
  return { delivered: got / seconds, p50: quantile(seen, 0.5), p99: quantile(seen, 0.99) };
};

const all = await sideBySide(fanOut);
const ours = medianBy(all.ours, (x) => x.delivered);
const theirs = medianBy(all.theirs, (x) => x.delivered);
const version = all.version;
const r = ours.delivered / theirs.delivered;
const rounds = (xs: FanOut[]) => xs.map((x) => rate(x.delivered)).join(", ");
console.log(
  `${SUBSCRIBERS} subscribers, ${MESSAGES} messages, ${WINDOW} PUBLISHes in flight; median of ${all.ours.length} alternating rounds (ours ${rounds(all.ours)}; redis-server ${rounds(all.theirs)} delivered/s)\n`,
);
for (const line of table(
  ["target", "delivered/s", "p50 ms", "p99 ms"],
  [
    ["blink-edge through the shim (mux)", rate(ours.delivered), ms(ours.p50), ms(ours.p99)],
    [`redis-server ${version}`, rate(theirs.delivered), ms(theirs.p50), ms(theirs.p99)],
  ],
))
  console.log(line);
console.log(
  `\ndelivered/s ratio ${ratio(ours.delivered, theirs.delivered)} (target ≥ ${TARGET}: ${r >= TARGET ? "met" : "NOT met"})`,
);

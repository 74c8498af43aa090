// Slow-reader load probe (issue 13 item 1), bounded: through the shim, a client pipelines
// --gets GETs of a --value-bytes value and never reads; another client PINGs throughout. Reports
// workerd's RSS (before and peak) and the PING latency. Pass: RSS peak under --rss-max-mb (1.5 GB
// by default, "well under" is the aim) and every PING within 2 s.
//
//   node bench/slow-reader.ts [--gets 3000] [--value-bytes 1048576] [--seconds 15] [--no-mux]

import { parseArgs } from "node:util";
import { startShim } from "../src/node/shim/index.ts";
import { benchWorker } from "./lib/bench-worker.ts";
import { slowReaderProbe } from "./lib/slow-reader-probe.ts";

const { values: opt } = parseArgs({
  options: {
    gets: { type: "string", default: "3000" },
    "value-bytes": { type: "string", default: "1048576" },
    seconds: { type: "string", default: "15" },
    "rss-max-mb": { type: "string", default: "1536" },
    "no-mux": { type: "boolean", default: false },
  },
});

const MB = 1024 * 1024;
const PING_MAX_MS = 2000;

const worker = await benchWorker();
const shim = await startShim({
  url: worker.url.href,
  listen: { redis: { host: "127.0.0.1", port: 0 } },
  mux: !opt["no-mux"],
  log: (l) => console.error(`shim: ${l}`),
});
try {
  const r = await slowReaderProbe({
    port: shim.listeners[0]!.address.port,
    shim,
    gets: Number(opt.gets),
    valueBytes: Number(opt["value-bytes"]),
    durationMs: Number(opt.seconds) * 1000,
    rssStopBytes: Number(opt["rss-max-mb"]) * MB,
  });
  const ok =
    !r.stoppedAtRss && r.rssPeak < Number(opt["rss-max-mb"]) * MB && r.pingMaxMs < PING_MAX_MS;
  console.log(
    [
      `slow reader: ${r.gets} GETs of ${r.valueBytes} bytes, never read (${opt["no-mux"] ? "no mux" : "mux"})`,
      `workerd RSS: ${(r.rssBefore / MB).toFixed(0)} MB before, ${(r.rssPeak / MB).toFixed(0)} MB peak`,
      `other client's PING: ${r.pingBeforeMs.toFixed(1)} ms before; during: ${r.pings} answered, p50 ${r.pingP50Ms.toFixed(1)} ms, max ${r.pingMaxMs.toFixed(1)} ms`,
      `shim: peak ${(r.shimOutputPeak / MB).toFixed(1)} MB of replies unread; slow client ${r.slowClosed ? "closed by the output limit" : "still open"}`,
      ...(r.stoppedAtRss ? [`stopped: workerd RSS passed ${opt["rss-max-mb"]} MB`] : []),
      ok ? "PASS" : "FAIL",
    ].join("\n"),
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  await shim.close();
  await worker.dispose();
}

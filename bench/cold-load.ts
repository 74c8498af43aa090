// Cold load (issue 8 item 5, issue 2): an object with N keys is restarted (the local runtime is
// stopped and started on the same state folder, as after an eviction or redeploy), and the first
// request's latency — which includes the object's load from SQLite in blockConcurrencyWhile — is
// compared with the next request's.
//
//   node bench/cold-load.ts [--keys 100000]

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { startLocalWorker } from "../src/node/local-worker.ts";

const args = process.argv.slice(2);
const KEYS = Number(args[args.indexOf("--keys") + 1] || 100_000);
const state = mkdtempSync(join(tmpdir(), "blink-edge-cold-"));
const vars = { ALLOW_ANONYMOUS: "true" };
const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;

async function fill(url: URL): Promise<void> {
  const ws = new WebSocket(`ws://${url.host}/db/cold/resp`);
  await new Promise((r) => ws.once("open", r));
  const send = (msg: string) =>
    new Promise<void>((resolve) => {
      ws.once("message", () => resolve());
      ws.send(msg);
    });
  // A mix of types: strings, counters, hashes, sets and lists (one fifth each).
  for (let i = 0; i < KEYS; i += 1000) {
    let msg = "";
    for (let j = i; j < Math.min(KEYS, i + 1000); j++) {
      const k = `k:${j}`;
      const kind = j % 5;
      const argv =
        kind === 0
          ? ["SET", k, `value-${j}`]
          : kind === 1
            ? ["INCRBY", k, String(j)]
            : kind === 2
              ? ["HSET", k, "f", "v", "g", "w"]
              : kind === 3
                ? ["SADD", k, "a", "b", "c"]
                : ["RPUSH", k, "x", "y"];
      msg += `*${argv.length}\r\n${argv.map(bulk).join("")}`;
    }
    await send(msg);
  }
  ws.close();
}

async function timeGet(url: URL): Promise<number> {
  const t0 = performance.now();
  const r = await fetch(new URL("/db/cold/blink", url), { method: "POST", body: "GET k:0" });
  const text = await r.text();
  if (text !== "VALUE dmFsdWUtMA==\n") throw new Error(`unexpected reply ${JSON.stringify(text)}`);
  return performance.now() - t0;
}

try {
  let w = await startLocalWorker({ port: 0, persistTo: state, vars });
  const t0 = performance.now();
  await fill(w.url);
  console.log(
    `filled ${KEYS} keys (mixed types) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  await w.dispose();
  const rows: string[] = [];
  for (let run = 1; run <= 3; run++) {
    w = await startLocalWorker({ port: 0, persistTo: state, vars });
    const cold = await timeGet(w.url);
    const warm = await timeGet(w.url);
    rows.push(`| ${run} | ${cold.toFixed(0)} | ${warm.toFixed(1)} | ${(cold - warm).toFixed(0)} |`);
    await w.dispose();
  }
  console.log(`cold load of ${KEYS} keys after a restart (first request vs the next, ms)`);
  console.log("| run | first request | next request | load ≈ |");
  console.log("|--:|--:|--:|--:|");
  for (const r of rows) console.log(r);
} finally {
  rmSync(state, { recursive: true, force: true });
}

// CPU profile of the Worker's isolate (V8 inspector) while SETs (or GETs) of one big string go
// through the shim: where bench/big-value.ts's time goes inside workerd (self time by function).
//
//   node bench/big-value-profile.ts [--mb 10] [--rounds 3] [--op SET|GET]

import { connect } from "node:net";
import WebSocket from "ws";
import { benchWorker } from "./lib/bench-worker.ts";
import { startShimProcess } from "./lib/shim-process.ts";

const args = process.argv.slice(2);
const opt = (name: string, def: string) =>
  args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : def;
const BYTES = Number(opt("mb", "10")) * 1_000_000;
const ROUNDS = Number(opt("rounds", "3"));
const OP = opt("op", "SET");
const INSPECTOR_PORT = 29231;
const TOP = 30;

const value = Buffer.alloc(BYTES, "0123456789abcdef");
const set = Buffer.concat([
  Buffer.from(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${BYTES}\r\n`),
  value,
  Buffer.from("\r\n"),
]);
const get = Buffer.from("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n");

/** Sends `cmd` and resolves once `n` reply bytes came. */
function call(port: number, cmd: Buffer, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => s.write(cmd));
    let got = 0;
    s.on("data", (d) => {
      got += d.length;
      if (got >= n) {
        s.destroy();
        resolve();
      }
    });
    s.once("error", reject);
  });
}

const w = await benchWorker({ inspectorPort: INSPECTOR_PORT });
const shim = await startShimProcess(w.url.href, true, ["redis"]);
try {
  const port = shim.ports.redis!;
  const getBytes = `$${BYTES}\r\n`.length + BYTES + 2;
  await call(port, set, 5);
  const insp = new WebSocket(`ws://127.0.0.1:${INSPECTOR_PORT}/core:user:blink-edge`);
  await new Promise((r) => insp.once("open", r));
  let id = 0;
  const rpc = (method: string, params = {}) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const my = ++id;
      const onMessage = (d: Buffer) => {
        const m = JSON.parse(String(d));
        if (m.id !== my) return;
        insp.off("message", onMessage);
        resolve(m.result);
      };
      insp.on("message", onMessage);
      insp.send(JSON.stringify({ id: my, method, params }));
    });
  await rpc("Profiler.enable");
  await rpc("Profiler.setSamplingInterval", { interval: 100 });
  await rpc("Profiler.start");
  const t0 = performance.now();
  for (let r = 0; r < ROUNDS; r++)
    await (OP === "SET" ? call(port, set, 5) : call(port, get, getBytes));
  const ms = (performance.now() - t0) / ROUNDS;
  const { profile } = (await rpc("Profiler.stop")) as {
    profile: {
      nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
      samples: number[];
      timeDeltas: number[];
    };
  };
  insp.close();
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((s, i) => {
    const f = nodes.get(s)!.callFrame;
    const name = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop()}:${f.lineNumber}`;
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  console.log(
    `${OP} of ${BYTES / 1e6} MB through the shim: ${ms.toFixed(0)} ms each; isolate self time (ms per round):`,
  );
  for (const [name, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, TOP))
    console.log(`${(t / ROUNDS).toFixed(1).padStart(8)}  ${name}`);
} finally {
  await shim.stop();
  await w.dispose();
}

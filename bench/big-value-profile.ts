// CPU profile of the Worker's isolate (V8 inspector) while SETs (or GETs) of one big string go
// through the shim: where bench/big-value.ts's time goes inside workerd (self time by function).
//
//   node bench/big-value-profile.ts [--mb 10] [--rounds 3] [--op SET|GET]

import { connect } from "node:net";
import { benchWorker } from "./lib/bench-worker.ts";
import { profileIsolate } from "./lib/isolate-profile.ts";
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
  const { result: ms, self } = await profileIsolate(INSPECTOR_PORT, 100, async () => {
    const t0 = performance.now();
    for (let r = 0; r < ROUNDS; r++)
      await (OP === "SET" ? call(port, set, 5) : call(port, get, getBytes));
    return (performance.now() - t0) / ROUNDS;
  });
  console.log(
    `${OP} of ${BYTES / 1e6} MB through the shim: ${ms.toFixed(0)} ms each; isolate self time (ms per round):`,
  );
  for (const [name, t] of [...self].sort((a, b) => b[1].ms - a[1].ms).slice(0, TOP))
    console.log(`${(t.ms / ROUNDS).toFixed(1).padStart(8)}  ${name}`);
} finally {
  await shim.stop();
  await w.dispose();
}

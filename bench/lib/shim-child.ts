// The shim under benchmark, alone in its own process as `blink-edge shim` runs in use (so the
// load generator does not share its event loop). Listens on free loopback ports, reports them
// over IPC, and closes on "stop" or when the parent goes away.
//
//   node bench/lib/shim-child.ts <worker-url> mux|no-mux <dialect,...>   (forked by shim-process.ts)

import { startShim } from "../../src/node/shim/index.ts";
import type { DialectName, ListenAddr } from "../../src/node/shim/index.ts";

const [url, mode, dialects] = process.argv.slice(2);
if (!url || !mode || !dialects || !process.send) {
  process.stderr.write("usage: forked by bench/lib/shim-process.ts with an IPC channel\n");
  process.exit(2);
}
const listen: Partial<Record<DialectName, ListenAddr>> = {};
for (const d of dialects.split(",")) listen[d as DialectName] = { host: "127.0.0.1", port: 0 };

const shim = await startShim({ url, listen, mux: mode === "mux" });
process.on("message", (m: { kind: string }) => {
  if (m.kind === "stop") void shim.close().then(() => process.exit(0));
});
process.on("disconnect", () => process.exit(0));
process.send({
  kind: "ready",
  ports: Object.fromEntries(shim.listeners.map((l) => [l.dialect, l.address.port])),
});

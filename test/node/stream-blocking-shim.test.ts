// Blocking stream reads as a user meets them: several TCP clients on the shim's Redis port, the
// Worker behind it (issue 16). Each scenario's transcript must be the engine's own (which the unit
// tests compare with redis-server 7.0.15): late replies travel as the doors' pushes.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOnEngine, runOnRedis } from "../unit/support/multi-client.ts";
import { SCENARIOS } from "../unit/support/stream-scenarios.ts";
import { freshNamespace, startTestShim, sharedTestWorker } from "./support/shim-harness.ts";
import type { TestWorker } from "./support/shim-harness.ts";
import type { TestShim } from "./support/shim-harness.ts";

for (const mux of [true, false]) {
  describe(`blocking stream reads through the shim (${mux ? "mux" : "a WebSocket per client"})`, () => {
    let worker: TestWorker;
    let shim: TestShim;
    beforeAll(async () => {
      worker = await sharedTestWorker();
      shim = await startTestShim(worker.url.href, {
        namespace: freshNamespace("xblock"),
        dialects: ["redis"],
        mux,
      });
    });
    afterAll(async () => {
      await shim?.close();
      await worker?.dispose();
    });
    for (const [name, steps] of Object.entries(SCENARIOS)) {
      it(name, async () => {
        const ours = runOnEngine(steps, 2);
        const got = await runOnRedis(shim.port("redis"), steps, 2, ours.receivers);
        expect(got).toEqual(ours.lines);
      });
    }
  });
}

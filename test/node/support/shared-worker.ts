// The node project's globalSetup: one Worker (anonymous, state in memory) started once for all
// of the project's test files instead of one per file. Each file that can share it (its own
// namespaces, no restarts, no workerd measurements) gets it from `sharedTestWorker()` in
// shim-harness.ts; starting a Worker costs a bundle, loading wrangler and a workerd start.

import type { TestProject } from "vitest/node";
import { startLocalWorker } from "../../../src/node/local-worker.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The shared Worker's URL (http://127.0.0.1:<port>/). */
    sharedWorkerUrl: string;
  }
}

/** Starts the shared Worker; the returned function stops it after the run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const worker = await startLocalWorker({
    port: 0,
    persistTo: false,
    // "bullmq-sharded": scripting-libraries.test.ts runs BullMQ on a namespace of 4 objects.
    vars: { ALLOW_ANONYMOUS: "true", NAMESPACE_SHARDS: JSON.stringify({ "bullmq-sharded": 4 }) },
  });
  project.provide("sharedWorkerUrl", worker.url.href);
  return () => worker.dispose();
}

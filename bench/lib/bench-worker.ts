// Our Worker as every benchmark starts it: Miniflare directly (as `npm start`), an ephemeral
// loopback port, state in memory, anonymous access.

import { startLocalWorker } from "../../src/node/local-worker.ts";
import type { LocalWorker } from "../../src/node/local-worker.ts";

/** Starts the Worker for a benchmark; `inspectorPort` opens the V8 inspector for profiles. */
export function benchWorker(
  opts: { inspectorPort?: number; vars?: Record<string, string> } = {},
): Promise<LocalWorker> {
  return startLocalWorker({
    port: 0,
    persistTo: false,
    vars: { ALLOW_ANONYMOUS: "true", ...opts.vars },
    ...(opts.inspectorPort ? { inspectorPort: opts.inspectorPort } : {}),
  });
}

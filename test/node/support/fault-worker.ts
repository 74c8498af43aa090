// The blink-edge Worker plus two fault routes for the fault test (issue 5): abort every Durable
// Object (a crash: in-flight work fails, WebSockets close) or evict them all (WebSockets
// hibernate). Runs only under Miniflare with the `unsafe_module` compatibility flag.

import worker from "../../../src/worker/index.ts";
import type { Env } from "../../../src/worker/env.ts";
import { FAULT_ROUTES } from "./fault-routes.ts";

export { NamespaceObject } from "../../../src/worker/index.ts";

/** workerd's test-only module; named through a variable so the bundler leaves the import alone. */
const UNSAFE_MODULE = "workerd:unsafe";

interface WorkerdUnsafe {
  abortAllDurableObjects(): Promise<void>;
  evictAllDurableObjects(options?: { webSockets?: "hibernate" | "close" }): Promise<void>;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === FAULT_ROUTES.abort || path === FAULT_ROUTES.evict) {
      const unsafe = ((await import(UNSAFE_MODULE)) as { default: WorkerdUnsafe }).default;
      if (path === FAULT_ROUTES.abort) await unsafe.abortAllDurableObjects();
      else {
        // Hibernatable sockets survive an eviction; the shim's multiplexed socket is not
        // hibernatable (it pins its object), so an object holding one is evicted as a restart
        // would: its sockets close.
        // An object pinned by the shim's multiplexed socket (not hibernatable) is never evicted
        // while it is connected; the runtime only drops it by restarting it: abort instead.
        const EVICT_WAIT_MS = 500;
        const evicted = await Promise.race([
          unsafe.evictAllDurableObjects({ webSockets: "hibernate" }).then(() => true),
          new Promise<boolean>((r) => setTimeout(() => r(false), EVICT_WAIT_MS)),
        ]);
        if (!evicted) await unsafe.abortAllDurableObjects();
      }
      return new Response("ok\n");
    }
    return worker.fetch(request, env);
  },
};

// An Upstash `B/subscribe/…` or `B/psubscribe/…` request reaching the namespace object: its path
// parsed into a command, then its messages as Server-Sent Events (sse-subscriber.ts).

import type { ConnState } from "../engine/conn-state.ts";
import type { Engine } from "../engine/engine.ts";
import { errorJson, parsePathCommand } from "../protocols/upstash/upstash.ts";
import { SYNC_TOKEN } from "./doors/upstash-http.ts";
import type { GroupCommit } from "./group-commit.ts";
import { openSseSubscription } from "./sse-subscriber.ts";

/** The SSE response for a subscribe request's `route`, or a 400 for a malformed path. */
export function subscribeSse(
  engine: Engine,
  group: GroupCommit,
  sseConns: Set<ConnState>,
  request: Request,
  route: string,
  readonly: boolean,
): Promise<Response> {
  const argv = parsePathCommand(route, new URL(request.url).search, null);
  if (!argv.ok)
    return Promise.resolve(
      new Response(errorJson(argv.error), {
        status: 400,
        headers: { "Content-Type": "application/json" },
      }),
    );
  return openSseSubscription(
    engine,
    (work) => group.runOrQueue(work),
    sseConns,
    argv.value,
    readonly,
    { [SYNC_TOKEN]: String(engine.store.writeSeq) },
  );
}

// The Worker's half of the Upstash REST door's subscriptions (`GET|POST B/subscribe/<channel>…`,
// `B/psubscribe/<pattern>…`; docs/protocols.md): the request, authenticated, goes to the
// namespace object, whose response streams the messages as Server-Sent Events
// (src/worker/sse-subscriber.ts). The request body (the SDK sends `[]`) is ignored.

import type { Env } from "../env.ts";
import { SSE_ROUTE_HEADER, WS_HEADERS } from "../namespace-api.ts";
import { objectFor, shardCount } from "../shard-map.ts";
import { mergeSse, sseShards } from "./sse-merge.ts";
import { SYNC_TOKEN } from "./upstash-http.ts";

/** The route's first segments that open a subscription stream. */
export const SUBSCRIBE_SEGMENTS: ReadonlySet<string> = new Set(["subscribe", "psubscribe"]);
/** Methods of the subscription routes (GET for a browser's EventSource, POST for the SDK). */
export const SUBSCRIBE_ALLOW = "GET, POST, OPTIONS";
/** Opens a subscription stream on the namespace's object for an authenticated request. */
export async function subscribeResponse(
  env: Env,
  request: Request,
  namespace: string,
  rest: string,
  scope: string,
  origin: string,
): Promise<Response> {
  const headers = new Headers({
    [WS_HEADERS.namespace]: namespace,
    [WS_HEADERS.scope]: scope,
    [SSE_ROUTE_HEADER]: rest,
  });
  // Sharded: the channels' shards (every shard for patterns), their streams merged (sse-merge.ts).
  const shards = shardCount(env, namespace);
  const targets = shards > 1 ? sseShards(rest, new URL(request.url).search, shards) : [0];
  const responses = await Promise.all(
    targets.map((shard) =>
      objectFor(env, namespace, shard).fetch(
        new Request(request.url, { headers, signal: request.signal }),
      ),
    ),
  );
  // A refusal (400) is the same on every shard: the first one answers, the other streams end.
  const failed = responses.find((r) => r.status !== 200 || !r.body);
  if (failed) for (const r of responses) if (r !== failed) void r.body?.cancel();
  const first = failed ?? responses[0]!;
  const res =
    responses.length === 1 || failed
      ? first
      : new Response(mergeSse(responses.map((r) => r.body!)), {
          status: first.status,
          headers: first.headers,
        });
  if (!origin) return res;
  const out = new Headers(res.headers);
  out.set("Access-Control-Allow-Origin", origin);
  out.set("Access-Control-Expose-Headers", SYNC_TOKEN);
  return new Response(res.body, { status: res.status, headers: out });
}

// The Worker's half of the Upstash REST door's subscriptions (`GET|POST B/subscribe/<channel>…`,
// `B/psubscribe/<pattern>…`; docs/protocols.md): the request, authenticated, goes to the
// namespace object, whose response streams the messages as Server-Sent Events
// (src/worker/sse-subscriber.ts). The request body (the SDK sends `[]`) is ignored.

import type { Env } from "../env.ts";
import { SSE_ROUTE_HEADER, WS_HEADERS } from "../namespace-api.ts";
import { objectFor } from "../shard-map.ts";
import { SYNC_TOKEN } from "./upstash-http.ts";

/** The route's first segments that open a subscription stream. */
export const SUBSCRIBE_SEGMENTS: ReadonlySet<string> = new Set(["subscribe", "psubscribe"]);
/** Methods of the subscription routes (GET for a browser's EventSource, POST for the SDK). */
export const SUBSCRIBE_ALLOW = "GET, POST, OPTIONS";
/**
 * The shard a subscription lives on in a sharded namespace: PUBLISH runs on every shard
 * (engine/commands/pubsub.ts), so any one shard hears every message and matches every pattern.
 */
const SUBSCRIBE_SHARD = 0;

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
  const res = await objectFor(env, namespace, SUBSCRIBE_SHARD).fetch(
    new Request(request.url, { headers, signal: request.signal }),
  );
  if (!origin) return res;
  const out = new Headers(res.headers);
  out.set("Access-Control-Allow-Origin", origin);
  out.set("Access-Control-Expose-Headers", SYNC_TOKEN);
  return new Response(res.body, { status: res.status, headers: out });
}

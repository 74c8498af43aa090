// The Worker: a route table (spec §6) in front of the door handlers of route-handlers.ts.

import type { Env } from "./env.ts";
import { ObjectUnavailable } from "./object-failure.ts";
import { BodyTooLarge, corsOrigin, jsonError, preflight, respond } from "./http.ts";
import { splitNamespace } from "./url-layout.ts";
import { SUBSCRIBE_SEGMENTS } from "./doors/upstash-subscribe.ts";
import { Errors } from "../engine/errors.ts";
import type { Routed } from "./route-handlers.ts";
import {
  blinkPost,
  consoleRoute,
  expectUpgrade,
  isUpgrade,
  muxUpgrade,
  operation,
  root,
  rootPost,
  socketMethodNotAllowed,
  subscribe,
  subscribeNotAllowed,
  upgrade,
  upstash,
} from "./route-handlers.ts";

export { NamespaceObject } from "./namespace-object.ts";

type Handler = (r: Routed) => Response | Promise<Response>;

/**
 * One row of the route table: methods ("*": any; "WS": any with `Upgrade: websocket`) and first
 * path segments after the namespace ("*": any).
 */
interface Route {
  methods: ReadonlySet<string> | null;
  segments: ReadonlySet<string> | null;
  run: Handler;
}

/** A row from a space-separated method list and a segment (or a set of them). */
function route(methods: string, segments: string | Iterable<string>, run: Handler): Route {
  return {
    methods: methods === "*" ? null : new Set(methods.split(" ")),
    segments:
      segments === "*" ? null : new Set(typeof segments === "string" ? [segments] : segments),
    run,
  };
}

/**
 * The routes after the namespace (spec §6), first match wins: a method list and the first path
 * segment, as hono's `app.on(methods, path, handler)`. "WS" is any method with `Upgrade: websocket`.
 */
const ROUTES: readonly Route[] = [
  route("*", "mux", muxUpgrade),
  route("WS", ["blink", "resp"], upgrade),
  route("POST", "blink", blinkPost),
  route("GET HEAD", ["blink", "resp"], expectUpgrade),
  route("*", ["blink", "resp"], socketMethodNotAllowed),
  route("GET HEAD", "", root),
  route("POST", "", rootPost),
  route("GET POST", SUBSCRIBE_SEGMENTS, subscribe),
  route("*", SUBSCRIBE_SEGMENTS, subscribeNotAllowed),
  route("*", "_console", consoleRoute),
  route("*", "_", operation),
  route("*", "*", upstash),
];

async function handle(request: Request, env: Env, exec?: ExecutionContext): Promise<Response> {
  const url = new URL(request.url);
  const origin = corsOrigin(env);
  if (request.method === "OPTIONS") return preflight(request, origin);
  if (url.pathname === "/_/health")
    return respond('{"result":"ok"}', 200, { "Content-Type": "application/json" }, origin);
  const split = splitNamespace(url.pathname);
  if (!split.ok) return jsonError(split.status, split.text, origin);
  const { namespace, base, rest } = split;
  const segment = rest === "/" || rest === "" ? "" : rest.slice(1).split("/")[0]!;
  const method = request.method;
  const ws = isUpgrade(request);
  const r: Routed = { env, request, exec, url, origin, namespace, base, rest, segment };
  for (const { methods, segments, run } of ROUTES) {
    if (segments && !segments.has(segment)) continue;
    if (methods && !methods.has(method) && !(ws && methods.has("WS"))) continue;
    return run(r);
  }
  throw new Error("unreachable: the route table ends with a catch-all");
}

export default {
  async fetch(request: Request, env: Env, exec?: ExecutionContext): Promise<Response> {
    try {
      return await handle(request, env, exec);
    } catch (e) {
      const origin = corsOrigin(env);
      if (e instanceof BodyTooLarge) return jsonError(413, Errors.bodyTooLarge().message, origin);
      if (e instanceof ObjectUnavailable) {
        return e.status === 503
          ? jsonError(503, Errors.unavailable().message, origin, { "Retry-After": "1" })
          : jsonError(500, Errors.internal().message, origin);
      }
      console.error("blink-edge: request failed", e);
      return jsonError(500, Errors.internal().message, origin);
    }
  },
} satisfies ExportedHandler<Env>;

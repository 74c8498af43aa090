// The Worker: routes (spec §6), auth (§5.2), content negotiation (§6.2). A door's request then
// runs whole in the namespace object (src/worker/doors/plan.ts), or here around the shard router.

import { authConfig, authenticateRequest, UNCONFIGURED_TEXT } from "./auth.ts";
import type { AuthOutcome } from "./auth.ts";
import { blinkErrorResponse } from "./doors/blink-http.ts";
import { answerResponse } from "./doors/door.ts";
import type { DoorName } from "./doors/door.ts";
import { ObjectUnavailable } from "./object-failure.ts";
import { operationRoute } from "./doors/export-import-http.ts";
import { lightRedisResponse } from "./doors/light-redis-http.ts";
import { runDoor } from "./doors/plan.ts";
import { serveConsole } from "./console/serve.ts";
import { SYNC_TOKEN, UPSTASH_BATCH_ALLOW, withoutBody } from "./doors/upstash-http.ts";
import {
  SUBSCRIBE_ALLOW,
  SUBSCRIBE_SEGMENTS,
  subscribeResponse,
} from "./doors/upstash-subscribe.ts";
import type { Env } from "./env.ts";
import { engineSettings } from "./env.ts";
import {
  ALLOW_METHODS,
  BodyTooLarge,
  ERROR_HEADER,
  corsOrigin,
  jsonError,
  preflight,
  readBody,
  respond,
} from "./http.ts";
import { lightRedisError } from "../protocols/light-redis.ts";
import { rootPointer } from "./root-pointer.ts";
import { splitNamespace } from "./url-layout.ts";
import { WS_HEADERS } from "./namespace-api.ts";
import { objectFor, shardCount } from "./shard-map.ts";
import { shardedSocket } from "./sharded-ws.ts";
import type { Dialect } from "../engine/command.ts";
import { Errors } from "../engine/errors.ts";
import { CLOSE_POLICY } from "../limits.ts";

export { NamespaceObject } from "./namespace-object.ts";

/** The surface whose error format a route uses (spec §6.4). */
type Surface = "blink" | "lightredis" | "json";

const WRONGPASS = Errors.badToken().message;
const BEARER_CHALLENGE = { "WWW-Authenticate": 'Bearer realm="blink-edge"' };

function errorFor(
  surface: Surface,
  status: number,
  text: string,
  origin: string,
  extra: Record<string, string> = {},
): Response {
  if (surface === "blink")
    return blinkErrorResponse(status, text, origin, { [ERROR_HEADER]: text, ...extra });
  if (surface === "lightredis")
    return lightRedisResponse(lightRedisError(status, text), origin, extra);
  return jsonError(status, text, origin, extra);
}

function authError(
  surface: Surface,
  outcome: Exclude<AuthOutcome, { ok: true }>,
  origin: string,
): Response {
  const extra: Record<string, string> = { ...BEARER_CHALLENGE };
  if (outcome.reason === "unconfigured") extra[ERROR_HEADER] = UNCONFIGURED_TEXT;
  return errorFor(surface, 401, WRONGPASS, origin, extra);
}

/**
 * A WebSocket request without valid credentials: accepted and closed at once with code 1008 and
 * the reason (issue 5: "a close with a reason"), which a browser can read where a refused upgrade
 * only shows an error event. The shim turns it into the dialect's WRONGPASS line (spec §12.2).
 */
function refusedSocket(outcome: Exclude<AuthOutcome, { ok: true }>): Response {
  const pair = new WebSocketPair();
  pair[1].accept();
  pair[1].close(CLOSE_POLICY, outcome.reason === "unconfigured" ? UNCONFIGURED_TEXT : WRONGPASS);
  return new Response(null, { status: 101, webSocket: pair[0] });
}

/** First byte of a body that is not JSON whitespace (spec §6.2). */
function firstSignificantByte(body: Uint8Array): number {
  for (const b of body) if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return b;
  return -1;
}

function isTextPlain(request: Request): boolean {
  return (
    (request.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase() === "text/plain"
  );
}

/** The JSON surface of a `POST B/` body from its first chunk only (array = Upstash). */
async function peekSurface(request: Request): Promise<Surface> {
  if (!request.body) return "lightredis";
  const reader = request.body.getReader();
  const { value } = await reader.read();
  void reader.cancel();
  return value && firstSignificantByte(value) === 0x5b ? "json" : "lightredis";
}

async function handle(request: Request, env: Env, exec?: ExecutionContext): Promise<Response> {
  const url = new URL(request.url);
  const origin = corsOrigin(env);
  if (request.method === "OPTIONS") return preflight(request, origin);
  if (url.pathname === "/_/health")
    return respond('{"result":"ok"}', 200, { "Content-Type": "application/json" }, origin);
  const route = splitNamespace(url.pathname);
  if (!route.ok) return jsonError(route.status, route.text, origin);
  const { namespace, rest } = route;
  const auth = authConfig(env);
  const method = request.method;
  const segment = rest === "/" || rest === "" ? "" : rest.slice(1).split("/")[0]!;

  if (segment === "mux") return muxUpgrade(request, env, url, namespace, origin);
  if (segment === "blink" || segment === "resp") {
    const surface: Surface = segment === "blink" ? "blink" : "json";
    if (request.headers.get("Upgrade")?.toLowerCase() === "websocket") {
      return upgrade(request, env, url, namespace, segment, origin, exec);
    }
    if (segment === "blink" && method === "POST") {
      const outcome = authenticateRequest(auth, request, url, namespace);
      if (!outcome.ok) return authError("blink", outcome, origin);
      const body = await readBody(request);
      return door({ env, request, namespace, origin }, "blink", body, outcome.scope === "readonly");
    }
    if (method === "GET" || method === "HEAD") {
      return errorFor(surface, 426, "ERR expected WebSocket upgrade", origin, {
        Upgrade: "websocket",
      });
    }
    return errorFor(surface, 405, "ERR method not allowed", origin, {
      Allow: segment === "blink" ? "GET, POST, OPTIONS" : "GET, OPTIONS",
    });
  }

  if (segment === "") {
    if (method === "GET" || method === "HEAD") return rootPointer(url, route.base, method, origin);
    if (method !== "POST") return upstash(request, env, url, namespace, rest, segment, origin);
    const textPlain = isTextPlain(request);
    // Credentials first: an anonymous body is never read whole (one chunk picks the 401's format).
    const outcome = authenticateRequest(auth, request, url, namespace);
    if (!outcome.ok)
      return authError(textPlain ? "blink" : await peekSurface(request), outcome, origin);
    let body: Uint8Array;
    try {
      body = await readBody(request);
    } catch (e) {
      if (!(e instanceof BodyTooLarge)) throw e;
      return errorFor(
        textPlain ? "blink" : "lightredis",
        413,
        Errors.bodyTooLarge().message,
        origin,
      );
    }
    const surface: Surface = textPlain
      ? "blink"
      : firstSignificantByte(body) === 0x5b
        ? "json"
        : "lightredis";
    const name: DoorName =
      surface === "blink" ? "blink" : surface === "lightredis" ? "lightredis" : "upstash-command";
    return door({ env, request, namespace, origin }, name, body, outcome.scope === "readonly");
  }

  if (SUBSCRIBE_SEGMENTS.has(segment)) {
    if (method !== "GET" && method !== "POST")
      return jsonError(405, "ERR method not allowed", origin, { Allow: SUBSCRIBE_ALLOW });
    const outcome = authenticateRequest(auth, request, url, namespace);
    if (!outcome.ok) return authError("json", outcome, origin);
    return subscribeResponse(env, request, namespace, rest, outcome.scope, origin);
  }
  if (segment === "_console") return serveConsole(request, env, url, namespace, rest, origin);
  if (segment === "_") return operationRoute(request, env, url, namespace, rest, origin);
  return upstash(request, env, url, namespace, rest, segment, origin);
}

/** Upstash routes (spec §11): `B/pipeline`, `B/multi-exec`, and the path form `B/<command>/…`. */
async function upstash(
  request: Request,
  env: Env,
  url: URL,
  namespace: string,
  rest: string,
  segment: string,
  origin: string,
): Promise<Response> {
  const method = request.method;
  const batch = segment === "pipeline" || segment === "multi-exec";
  if (batch && rest !== `/${segment}` && rest !== `/${segment}/`)
    return jsonError(404, "ERR no such route", origin);
  const allowed = batch
    ? method === "POST"
    : method === "GET" || method === "HEAD" || method === "POST" || method === "PUT";
  if (!allowed)
    return jsonError(405, "ERR method not allowed", origin, {
      Allow: batch ? UPSTASH_BATCH_ALLOW : ALLOW_METHODS,
    });
  const outcome = authenticateRequest(authConfig(env), request, url, namespace);
  if (!outcome.ok) {
    const refused = authError("json", outcome, origin);
    return method === "HEAD" ? withoutBody(refused) : refused;
  }
  const ctx = { env, request, namespace, origin };
  const readonly = outcome.scope === "readonly";
  if (batch) {
    const name = segment === "pipeline" ? "upstash-pipeline" : "upstash-transaction";
    return door(ctx, name, await readBody(request), readonly);
  }
  const body = method === "POST" || method === "PUT" ? await readBody(request) : null;
  const res = await door(ctx, "upstash-path", body, readonly, rest, url.search);
  return method === "HEAD" ? withoutBody(res) : res;
}

/** A routed, authenticated request, as the door helpers need it. */
interface Routed {
  env: Env;
  request: Request;
  namespace: string;
  origin: string;
}

/** Runs a door's request on the namespace (src/worker/doors/plan.ts) and renders its answer. */
async function door(
  { env, request, namespace, origin }: Routed,
  name: DoorName,
  body: Uint8Array | null,
  readonly: boolean,
  route = "",
  search = "",
): Promise<Response> {
  const h = request.headers;
  const answer = await runDoor(env, namespace, {
    door: name,
    body,
    contentType: h.get("Content-Type"),
    encoding: h.get("Upstash-Encoding"),
    format: h.get("Upstash-Response-Format"),
    syncToken: h.get(SYNC_TOKEN),
    route,
    search,
    readonly,
    valueMax: engineSettings(env).valueMax,
  });
  return answerResponse(answer, origin);
}

async function upgrade(
  request: Request,
  env: Env,
  url: URL,
  namespace: string,
  segment: string,
  origin: string,
  exec?: ExecutionContext,
): Promise<Response> {
  let dialect = "blink";
  if (segment === "resp") {
    dialect = url.searchParams.get("dialect") ?? "redis";
    if (dialect !== "redis" && dialect !== "gevent")
      return jsonError(400, `ERR unknown dialect '${dialect}'`, origin);
  }
  const outcome = authenticateRequest(authConfig(env), request, url, namespace);
  let scope = "none";
  if (outcome.ok) scope = outcome.scope;
  else if (!(dialect === "redis" && outcome.reason === "missing")) {
    return refusedSocket(outcome);
  }
  // A sharded namespace's sockets end in the Worker (no one object owns the connection).
  const shards = shardCount(env, namespace);
  if (shards > 1)
    return shardedSocket(env, request, namespace, dialect as Dialect, scope, shards, exec);
  const headers = new Headers(request.headers);
  headers.set(WS_HEADERS.namespace, namespace);
  headers.set(WS_HEADERS.kind, dialect);
  headers.set(WS_HEADERS.scope, scope);
  return objectFor(env, namespace).fetch(new Request(request.url, { headers }));
}

/**
 * `B/mux`: the shim's multiplexed socket (src/protocols/mux.ts). It carries up to
 * MUX_MAX_CONTEXTS connection contexts, so with auth enabled it needs a token before any is
 * stored: without one the upgrade is refused 401 (a shim without a token then opens a WebSocket
 * per connection, whose clients may AUTH). Sharded namespaces have no single object to multiplex
 * onto: 404, and the shim falls back the same way.
 */
async function muxUpgrade(
  request: Request,
  env: Env,
  url: URL,
  namespace: string,
  origin: string,
): Promise<Response> {
  if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
    return jsonError(426, "ERR expected WebSocket upgrade", origin, { Upgrade: "websocket" });
  }
  if (shardCount(env, namespace) > 1) return jsonError(404, "ERR no such route", origin);
  const outcome = authenticateRequest(authConfig(env), request, url, namespace);
  if (!outcome.ok && outcome.reason === "missing") return authError("json", outcome, origin);
  if (!outcome.ok) return refusedSocket(outcome);
  const headers = new Headers(request.headers);
  headers.set(WS_HEADERS.namespace, namespace);
  headers.set(WS_HEADERS.kind, "mux");
  headers.set(WS_HEADERS.scope, outcome.scope);
  return objectFor(env, namespace).fetch(new Request(request.url, { headers }));
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

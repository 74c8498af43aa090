// The handlers of the Worker's route table (index.ts): auth (spec §5.2), content negotiation
// (§6.2) and each door's answer. A door's request then runs whole in the namespace object
// (src/worker/doors/plan.ts), or here around the shard router.

import { authConfig, authenticateRequest, UNCONFIGURED_TEXT } from "./auth.ts";
import type { AuthOutcome } from "./auth.ts";
import { blinkErrorResponse } from "./doors/blink-http.ts";
import { answerResponse } from "./doors/door.ts";
import type { DoorName } from "./doors/door.ts";
import { operationRoute } from "./doors/export-import-http.ts";
import { lightRedisResponse } from "./doors/light-redis-http.ts";
import { runDoor } from "./doors/plan.ts";
import { serveConsole } from "./console/serve.ts";
import { SYNC_TOKEN, UPSTASH_BATCH_ALLOW, withoutBody } from "./doors/upstash-http.ts";
import { SUBSCRIBE_ALLOW, subscribeResponse } from "./doors/upstash-subscribe.ts";
import type { Env } from "./env.ts";
import { engineSettings } from "./env.ts";
import { ALLOW_METHODS, BodyTooLarge, ERROR_HEADER, jsonError, readBody } from "./http.ts";
import { lightRedisError } from "../protocols/light-redis.ts";
import { rootPointer } from "./root-pointer.ts";
import { WS_HEADERS } from "./namespace-api.ts";
import { objectFor, shardCount } from "./shard-map.ts";
import { shardedSocket } from "./sharded-ws.ts";
import type { Dialect } from "../engine/command.ts";
import { Errors } from "../engine/errors.ts";
import { CLOSE_POLICY } from "../limits.ts";

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

/** A request routed to a namespace: what every route handler gets. */
export interface Routed {
  env: Env;
  request: Request;
  exec?: ExecutionContext;
  url: URL;
  origin: string;
  namespace: string;
  /** The namespace's base path ("" or "/db/<name>"). */
  base: string;
  /** The path after the base ("/", "/blink", "/get/k", …). */
  rest: string;
  /** The first segment of `rest` ("" for the namespace root). */
  segment: string;
}

export const isUpgrade = (request: Request) =>
  request.headers.get("Upgrade")?.toLowerCase() === "websocket";

/** The error format of `B/blink` and `B/resp` answers that are not an upgrade. */
const socketSurface = (r: Routed): Surface => (r.segment === "blink" ? "blink" : "json");

/** `GET B/blink`, `GET B/resp` without an upgrade. */
export function expectUpgrade(r: Routed): Response {
  return errorFor(socketSurface(r), 426, "ERR expected WebSocket upgrade", r.origin, {
    Upgrade: "websocket",
  });
}

/** `B/blink`, `B/resp` with another method. */
export function socketMethodNotAllowed(r: Routed): Response {
  return errorFor(socketSurface(r), 405, "ERR method not allowed", r.origin, {
    Allow: r.segment === "blink" ? "GET, POST, OPTIONS" : "GET, OPTIONS",
  });
}

/** `GET B/`: a text pointer to the doors and the console. */
export function root(r: Routed): Response {
  return rootPointer(r.url, r.base, r.request.method, r.origin);
}

/** Upstash's subscribe routes with another method than GET or POST. */
export function subscribeNotAllowed(r: Routed): Response {
  return jsonError(405, "ERR method not allowed", r.origin, { Allow: SUBSCRIBE_ALLOW });
}

/** `B/_console`: the web console. */
export function consoleRoute(r: Routed): Response {
  return serveConsole(r.request, r.env, r.url, r.namespace, r.rest, r.origin);
}

/** `B/_/…`: export and import (spec §13.4-13.5). */
export function operation(r: Routed): Promise<Response> {
  return operationRoute(r.request, r.env, r.url, r.namespace, r.rest, r.origin);
}

/** `POST B/blink`: Blink lines over HTTP. */
export async function blinkPost(r: Routed): Promise<Response> {
  const outcome = authenticateRequest(authConfig(r.env), r.request, r.url, r.namespace);
  if (!outcome.ok) return authError("blink", outcome, r.origin);
  const body = await readBody(r.request);
  return door(r, "blink", body, outcome.scope === "readonly");
}

/** `POST B/`: Blink, Light-Redis or an Upstash command, by content type and body (spec §6.2). */
export async function rootPost(r: Routed): Promise<Response> {
  const { request, origin } = r;
  const textPlain = isTextPlain(request);
  // Credentials first: an anonymous body is never read whole (one chunk picks the 401's format).
  const outcome = authenticateRequest(authConfig(r.env), request, r.url, r.namespace);
  if (!outcome.ok)
    return authError(textPlain ? "blink" : await peekSurface(request), outcome, origin);
  let body: Uint8Array;
  try {
    body = await readBody(request);
  } catch (e) {
    if (!(e instanceof BodyTooLarge)) throw e;
    return errorFor(textPlain ? "blink" : "lightredis", 413, Errors.bodyTooLarge().message, origin);
  }
  const surface: Surface = textPlain
    ? "blink"
    : firstSignificantByte(body) === 0x5b
      ? "json"
      : "lightredis";
  const name: DoorName =
    surface === "blink" ? "blink" : surface === "lightredis" ? "lightredis" : "upstash-command";
  return door(r, name, body, outcome.scope === "readonly");
}

/** Upstash's subscribe routes (SSE). */
export function subscribe(r: Routed): Promise<Response> | Response {
  const outcome = authenticateRequest(authConfig(r.env), r.request, r.url, r.namespace);
  if (!outcome.ok) return authError("json", outcome, r.origin);
  return subscribeResponse(r.env, r.request, r.namespace, r.rest, outcome.scope, r.origin);
}

/** Upstash routes (spec §11): `B/pipeline`, `B/multi-exec`, and the path form `B/<command>/…`. */
export async function upstash(r: Routed): Promise<Response> {
  const { request, env, url, namespace, rest, segment, origin } = r;
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
  const readonly = outcome.scope === "readonly";
  if (batch) {
    const name = segment === "pipeline" ? "upstash-pipeline" : "upstash-transaction";
    return door(r, name, await readBody(request), readonly);
  }
  const body = method === "POST" || method === "PUT" ? await readBody(request) : null;
  const res = await door(r, "upstash-path", body, readonly, rest, url.search);
  return method === "HEAD" ? withoutBody(res) : res;
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

/** `B/blink` and `B/resp` upgrades: a socket of the namespace object, or of the Worker if sharded. */
export async function upgrade(r: Routed): Promise<Response> {
  const { request, env, url, namespace, segment, origin, exec } = r;
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
export async function muxUpgrade(r: Routed): Promise<Response> {
  const { request, env, url, namespace, origin } = r;
  if (!isUpgrade(request)) {
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

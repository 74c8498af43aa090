// Upstash-compatible REST (spec §11): `POST B/` with a JSON array, the path form
// `GET|HEAD|POST|PUT B/<command>/<args>…`, `POST B/pipeline` and `POST B/multi-exec`.
// Every request is a fresh connection context on the namespace's object, and one batch: a
// pipeline is one round trip and one turn, a transaction runs wrapped in MULTI … EXEC.

import type { BatchItem } from "../../engine/command.ts";
import { Errors } from "../../engine/errors.ts";
import { COMMANDS } from "../../engine/commands/index.ts";
import type { Reply } from "../../engine/reply.ts";
import { encodeResp } from "../../protocols/resp-encode.ts";
import {
  envelopeJson,
  envelopesJson,
  errorJson,
  errorStatus,
  parseCommandBody,
  parsePathCommand,
  parsePipelineBody,
  replyStatus,
  responseOptions,
  transactionError,
} from "../../protocols/upstash.ts";
import type { Argv, Parsed, ResponseOptions } from "../../protocols/upstash.ts";
import type { Env } from "../env.ts";
import { engineSettings } from "../env.ts";
import { readBody, respond } from "../http.ts";
import { runOnObject } from "./call.ts";

const JSON_TYPE = { "Content-Type": "application/json" };
const RESP_TYPE = { "Content-Type": "application/octet-stream" };
/** Methods of `B/pipeline` and `B/multi-exec` (405 `Allow` header). */
export const UPSTASH_BATCH_ALLOW = "POST, OPTIONS";
/** Seconds a client should wait after a 503 (spec §6.4). */
const RETRY_AFTER_SECONDS = "1";
/** Answer to commands a QUIT in the same request kept from running. */
const AFTER_QUIT = "ERR connection closed by QUIT";

/** What a door needs to know about the request. */
export interface UpstashRequest {
  env: Env;
  namespace: string;
  request: Request;
  readonly: boolean;
  origin: string;
}

function json(body: string, status: number, origin: string): Response {
  return respond(
    body,
    status,
    status === 503 ? { ...JSON_TYPE, "Retry-After": RETRY_AFTER_SECONDS } : JSON_TYPE,
    origin,
  );
}

function badRequest(text: string, origin: string): Response {
  return json(errorJson(text), 400, origin);
}

function options(req: UpstashRequest, resp2Allowed: boolean): Parsed<ResponseOptions> {
  const h = req.request.headers;
  return responseOptions(h.get("Upstash-Encoding"), h.get("Upstash-Response-Format"), resp2Allowed);
}

/** Runs one command and renders its reply (spec §11.2, §11.3). */
async function single(req: UpstashRequest, opts: ResponseOptions, argv: Argv): Promise<Response> {
  const [reply] = await runOnObject(req.env, req.namespace, "redis", [{ argv }], req.readonly);
  const r = reply!;
  const status = replyStatus(r);
  if (opts.resp2) {
    const headers =
      status === 503 ? { ...RESP_TYPE, "Retry-After": RETRY_AFTER_SECONDS } : RESP_TYPE;
    return respond(encodeResp([r], 2), status, headers, req.origin);
  }
  return json(envelopeJson(r, opts.base64), status, req.origin);
}

/** `POST B/` whose body starts with `[` (spec §6.2, §11.1). */
export async function upstashBodyCommand(req: UpstashRequest, body: Uint8Array): Promise<Response> {
  const opts = options(req, true);
  if (!opts.ok) return badRequest(opts.error, req.origin);
  const argv = parseCommandBody(body);
  if (!argv.ok) return badRequest(argv.error, req.origin);
  return single(req, opts.value, argv.value);
}

/**
 * The path form `B/<command>/<args>…` (spec §11.1); `route` is the path after the namespace
 * base, still percent-encoded. POST and PUT bodies are appended raw.
 */
export async function upstashPathCommand(
  req: UpstashRequest,
  url: URL,
  route: string,
): Promise<Response> {
  const opts = options(req, true);
  if (!opts.ok) return badRequest(opts.error, req.origin);
  const method = req.request.method;
  const body = method === "POST" || method === "PUT" ? await readBody(req.request) : null;
  const argv = parsePathCommand(route, url.search, body);
  if (!argv.ok) return badRequest(argv.error, req.origin);
  return single(req, opts.value, argv.value);
}

/** `POST B/pipeline` (spec §11.4): one batch, one envelope per command, in order. */
export async function upstashPipeline(req: UpstashRequest): Promise<Response> {
  const opts = options(req, true);
  if (!opts.ok) return badRequest(opts.error, req.origin);
  const commands = parsePipelineBody(await readBody(req.request));
  if (!commands.ok) return badRequest(commands.error, req.origin);
  const argvs = commands.value;
  let replies: Reply[] = [];
  if (argvs.length > 0) {
    replies = await runOnObject(
      req.env,
      req.namespace,
      "redis",
      argvs.map((argv): BatchItem => ({ argv })),
      req.readonly,
    );
  }
  // The engine stops after QUIT; the commands behind it never ran.
  const afterQuit: Reply = { k: "error", code: "ERR", v: AFTER_QUIT };
  while (replies.length < argvs.length) replies.push(afterQuit);
  if (opts.value.resp2) return respond(encodeResp(replies, 2), 200, RESP_TYPE, req.origin);
  return json(envelopesJson(replies, opts.value.base64), 200, req.origin);
}

/**
 * `POST B/multi-exec` (spec §11.5): every command is checked first and nothing runs if one
 * fails; then all run as MULTI … EXEC in one batch, so they are atomic, isolated and durable
 * together. Always JSON.
 */
export async function upstashTransaction(req: UpstashRequest): Promise<Response> {
  const opts = options(req, false);
  if (!opts.ok) return badRequest(opts.error, req.origin);
  const commands = parsePipelineBody(await readBody(req.request));
  if (!commands.ok) return badRequest(commands.error, req.origin);
  const argvs = commands.value;
  if (argvs.length === 0) return json("[]", 200, req.origin);
  const failure = transactionError(COMMANDS, argvs, {
    readonly: req.readonly,
    valueMax: engineSettings(req.env).valueMax,
  });
  if (failure !== null) return badRequest(failure, req.origin);
  const items: BatchItem[] = [
    { argv: ["multi"] },
    ...argvs.map((argv): BatchItem => ({ argv })),
    { argv: ["exec"] },
  ];
  const replies = await runOnObject(req.env, req.namespace, "redis", items, req.readonly);
  const exec = replies[replies.length - 1]!;
  if (exec.k === "array") return json(envelopesJson(exec.v, opts.value.base64), 200, req.origin);
  // Only reachable if the object refused what the checks above let through: nothing ran.
  const refusal = replies.find((r) => r.k === "error") ?? exec;
  if (refusal.k === "error") return json(errorJson(refusal.v), errorStatus(refusal), req.origin);
  return json(errorJson(Errors.internal().message), 500, req.origin);
}

/** The same response without a body (HEAD). */
export function withoutBody(res: Response): Response {
  return new Response(null, { status: res.status, headers: res.headers });
}

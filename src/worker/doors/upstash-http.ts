// Upstash-compatible REST (spec §11): `POST B/` with a JSON array, the path form
// `GET|HEAD|POST|PUT B/<command>/<args>…`, `POST B/pipeline` and `POST B/multi-exec`.
// Every request is a fresh connection context on the namespace's object, and one batch: a
// pipeline is one round trip and one turn, a transaction runs wrapped in MULTI … EXEC.

import type { BatchItem } from "../../engine/command.ts";
import { Errors } from "../../engine/errors.ts";
import { COMMANDS } from "../../engine/commands/index.ts";
import type { Reply } from "../../engine/reply.ts";
import { encodeResp } from "../../protocols/resp/resp-encode.ts";
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
} from "../../protocols/upstash/upstash.ts";
import type { Argv, Parsed, ResponseOptions } from "../../protocols/upstash/upstash.ts";
import type { DoorAnswer, DoorPlan, DoorRequest } from "./door.ts";
import { SYNC_TOKEN_MAX_SHARDS } from "../../limits.ts";

const JSON_TYPE = { "Content-Type": "application/json" };
const RESP_TYPE = { "Content-Type": "application/octet-stream" };
/** Methods of `B/pipeline` and `B/multi-exec` (405 `Allow` header). */
export const UPSTASH_BATCH_ALLOW = "POST, OPTIONS";
/** Seconds a client should wait after a 503 (spec §6.4). */
const RETRY_AFTER_SECONDS = "1";
/** Answer to commands a QUIT in the same request kept from running. */
const AFTER_QUIT = "ERR connection closed by QUIT";
const EMPTY = new Uint8Array(0);

function withRetryAfter(status: number, headers: Record<string, string>): Record<string, string> {
  return status === 503 ? { ...headers, "Retry-After": RETRY_AFTER_SECONDS } : headers;
}

function json(body: string, status: number): DoorAnswer {
  return { status, body, headers: withRetryAfter(status, JSON_TYPE) };
}

function badRequest(text: string): DoorAnswer {
  return json(errorJson(text), 400);
}

function options(req: DoorRequest, resp2Allowed: boolean): Parsed<ResponseOptions> {
  return responseOptions(req.encoding, req.format, resp2Allowed);
}

/** One command, its reply rendered as an envelope or as RESP2 (spec §11.2, §11.3). */
function single(opts: ResponseOptions, argv: Argv): DoorPlan {
  return {
    dialect: "redis",
    items: [{ argv }],
    finish: ([reply]) => {
      const status = replyStatus(reply!);
      if (opts.resp2)
        return {
          status,
          body: encodeResp([reply!], 2),
          headers: withRetryAfter(status, RESP_TYPE),
        };
      return json(envelopeJson(reply!, opts.base64), status);
    },
  };
}

/** `POST B/` whose body starts with `[` (spec §6.2, §11.1). */
export function planUpstashCommand(req: DoorRequest): DoorAnswer | DoorPlan {
  const opts = options(req, true);
  if (!opts.ok) return badRequest(opts.error);
  const argv = parseCommandBody(req.body ?? EMPTY);
  if (!argv.ok) return badRequest(argv.error);
  return single(opts.value, argv.value);
}

/** The path form `B/<command>/<args>…` (spec §11.1); POST and PUT bodies are appended raw. */
export function planUpstashPath(req: DoorRequest): DoorAnswer | DoorPlan {
  const opts = options(req, true);
  if (!opts.ok) return badRequest(opts.error);
  const argv = parsePathCommand(req.route, req.search, req.body);
  if (!argv.ok) return badRequest(argv.error);
  return single(opts.value, argv.value);
}

/** `POST B/pipeline` (spec §11.4): one batch, one envelope per command, in order. */
export function planUpstashPipeline(req: DoorRequest): DoorAnswer | DoorPlan {
  const opts = options(req, true);
  if (!opts.ok) return badRequest(opts.error);
  const commands = parsePipelineBody(req.body ?? EMPTY);
  if (!commands.ok) return badRequest(commands.error);
  const argvs = commands.value;
  const { resp2, base64 } = opts.value;
  return {
    dialect: "redis",
    items: argvs.map((argv): BatchItem => ({ argv })),
    finish: (ran) => {
      // The engine stops after QUIT; the commands behind it never ran.
      const afterQuit: Reply = { k: "error", code: "ERR", v: AFTER_QUIT };
      const replies = ran.slice();
      while (replies.length < argvs.length) replies.push(afterQuit);
      if (resp2) return { status: 200, body: encodeResp(replies, 2), headers: RESP_TYPE };
      return json(envelopesJson(replies, base64), 200);
    },
  };
}

/**
 * `POST B/multi-exec` (spec §11.5): every command is checked first and nothing runs if one
 * fails; then all run as MULTI … EXEC in one batch, so they are atomic, isolated and durable
 * together. Always JSON.
 */
export function planUpstashTransaction(req: DoorRequest): DoorAnswer | DoorPlan {
  const opts = options(req, false);
  if (!opts.ok) return badRequest(opts.error);
  const commands = parsePipelineBody(req.body ?? EMPTY);
  if (!commands.ok) return badRequest(commands.error);
  const argvs = commands.value;
  if (argvs.length === 0) return json("[]", 200);
  const failure = transactionError(COMMANDS, argvs, {
    readonly: req.readonly,
    valueMax: req.valueMax,
  });
  if (failure !== null) return badRequest(failure);
  const { base64 } = opts.value;
  return {
    dialect: "redis",
    items: [{ argv: ["multi"] }, ...argvs.map((argv): BatchItem => ({ argv })), { argv: ["exec"] }],
    finish: (replies) => {
      const exec = replies[replies.length - 1]!;
      if (exec.k === "array") return json(envelopesJson(exec.v, base64), 200);
      // Only reachable if the object refused what the checks above let through: nothing ran.
      const refusal = replies.find((r) => r.k === "error") ?? exec;
      if (refusal.k === "error") return json(errorJson(refusal.v), errorStatus(refusal));
      return json(errorJson(Errors.internal().message), 500);
    },
  };
}

/**
 * Upstash read-your-writes: every Upstash answer carries `upstash-sync-token`, the namespace's
 * write count after the request, which the SDK sends back on its next request. One object
 * serves the whole namespace and answers only after its writes are durable, so a request always
 * sees every write acknowledged before it; the token it brings back needs no wait here. A
 * sharded namespace's token is shardedSyncToken's.
 */
export function withSyncToken(req: DoorRequest, a: DoorAnswer, token: number | string): DoorAnswer {
  if (!req.door.startsWith("upstash")) return a;
  const headers: Record<string, string> = { ...a.headers, [SYNC_TOKEN]: String(token) };
  // Browsers let the SDK read it only when exposed.
  headers["Access-Control-Expose-Headers"] = SYNC_TOKEN;
  return { ...a, headers };
}

/** The read-your-writes header of the Upstash SDK. */
export const SYNC_TOKEN = "upstash-sync-token";

/**
 * The sync token of a sharded namespace: `shard:writeCount` pairs, the shards this request
 * called first, then those of the token the client sent (`sent`), at most SYNC_TOKEN_MAX_SHARDS.
 * It moves with every write the client makes, as the SDK expects. Each shard is one object that
 * answers only after its writes are durable, and a request reaches the same object from any
 * location, so a read after an acknowledged write sees it on every shard: the token a client
 * brings back needs no wait here either.
 */
export function shardedSyncToken(
  sent: string | null | undefined,
  called: ReadonlyMap<number, number>,
  shards: number,
): string {
  const out = new Map(called);
  for (const part of (sent ?? "").split(",")) {
    const m = /^(\d+):(\d+)$/.exec(part);
    if (!m) continue;
    const shard = Number(m[1]);
    if (shard < shards && !out.has(shard)) out.set(shard, Number(m[2]));
  }
  const pairs = [...out].slice(0, SYNC_TOKEN_MAX_SHARDS).map(([shard, seq]) => `${shard}:${seq}`);
  return pairs.join(",");
}

/** The same response without a body (HEAD). */
export function withoutBody(res: Response): Response {
  return new Response(null, { status: res.status, headers: res.headers });
}

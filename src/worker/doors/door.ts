// An HTTP door's work, split at the round trip to the namespace object: `plan` parses a request
// into a batch (or answers it at once), `finish` encodes the batch's replies. Requests and answers
// are plain data, so the whole exchange can run inside the object and cross RPC as one body each
// way (the direct path), or in the Worker around the shard router (sharded namespaces).

import type { BatchItem, Dialect } from "../../engine/command.ts";
import { Errors } from "../../engine/errors.ts";
import { R, replyBytes } from "../../engine/reply.ts";
import type { Reply } from "../../engine/reply.ts";
import {
  HTTP_ANSWER_MAX_BYTES,
  HTTP_REPLY_MAX_BYTES,
  RPC_INLINE_MAX_BYTES,
  RPC_STREAM_PIECE_BYTES,
} from "../../limits.ts";
import { respond } from "../http.ts";

/** The HTTP doors whose exchange is planned this way. */
export type DoorName =
  | "blink"
  | "lightredis"
  | "upstash-command"
  | "upstash-path"
  | "upstash-pipeline"
  | "upstash-transaction";

/** What a door reads of an HTTP request: authenticated and routed by the Worker already. */
export interface DoorRequest {
  door: DoorName;
  /** The body as read (bounded by HTTP_BODY_MAX_BYTES); null for a path-form GET or HEAD. */
  body: Uint8Array | null;
  contentType: string | null;
  /** Upstash-Encoding and Upstash-Response-Format (spec §11.3). */
  encoding: string | null;
  format: string | null;
  /** Path form (spec §11.1): the route after the namespace base, still percent-encoded, and the query. */
  route: string;
  search: string;
  readonly: boolean;
  /** The configured VALUE_MAX_BYTES. */
  valueMax: number;
  /** The `upstash-sync-token` the client sent back (read-your-writes), if any. */
  syncToken?: string | null;
}

/** A door's answer, without CORS (the Worker adds it). */
export interface DoorAnswer {
  status: number;
  /** A stream only on its way out of the object (`forRpc`). */
  body: string | Uint8Array | ReadableStream<Uint8Array>;
  headers: Record<string, string>;
}

/** A parsed request: the batch to run, and how its replies become the answer. */
export interface DoorPlan {
  dialect: Dialect;
  items: BatchItem[];
  finish(replies: Reply[]): DoorAnswer;
}

/** True when `plan` produced a batch rather than an immediate answer. */
export function isPlan(p: DoorAnswer | DoorPlan): p is DoorPlan {
  return "items" in p;
}

/** Bytes an answer's body takes in the object (a string: 1 or 2 per unit, as V8 stores it). */
function answerBytes(body: string | Uint8Array): number {
  if (typeof body !== "string") return body.byteLength;
  const n = body.length;
  return n > RPC_INLINE_MAX_BYTES / 2 && /[^\x00-\xff]/.test(body) ? 2 * n : n;
}

/**
 * The plan's answer to its replies, unless it is over HTTP_ANSWER_MAX_BYTES: then every reply
 * becomes the reply-too-large error, in the door's own form.
 */
export function finishBounded(plan: DoorPlan, replies: Reply[]): DoorAnswer {
  const answer = plan.finish(replies);
  if (typeof answer.body === "object" && !(answer.body instanceof Uint8Array)) return answer;
  if (answerBytes(answer.body) <= HTTP_ANSWER_MAX_BYTES) return answer;
  const refused = R.error(Errors.replyTooLarge());
  return plan.finish(replies.map(() => refused));
}

/**
 * An answer as it leaves the object: a body past RPC_INLINE_MAX_BYTES becomes a stream of
 * RPC_STREAM_PIECE_BYTES pieces (workerd caps one RPC value at 32 MiB, not a stream).
 */
export function forRpc(a: DoorAnswer): DoorAnswer {
  const body = a.body;
  if (typeof body === "object" && !(body instanceof Uint8Array)) return a;
  if (answerBytes(body) <= RPC_INLINE_MAX_BYTES) return a;
  return { ...a, body: pieces(body) };
}

const encoder = new TextEncoder();

/** A body as a stream, encoded (UTF-8) one piece at a time as the reader pulls. */
function pieces(body: string | Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= body.length) return c.close();
      let end = Math.min(body.length, at + RPC_STREAM_PIECE_BYTES);
      if (typeof body !== "string") c.enqueue(body.slice(at, end));
      else {
        // A surrogate pair is never cut (each half alone would encode as U+FFFD).
        const last = body.charCodeAt(end - 1);
        if (end < body.length && last >= 0xd800 && last <= 0xdbff) end--;
        c.enqueue(encoder.encode(body.slice(at, end)));
      }
      at = end;
    },
  });
}

/**
 * A shard's replies for the Worker (RPC, which workerd caps at 32 MiB), unless they pass
 * HTTP_REPLY_MAX_BYTES: then every reply becomes the reply-too-large error (the commands ran).
 */
export function rpcBounded(replies: Reply[]): Reply[] {
  let n = 0;
  for (const r of replies) n += replyBytes(r);
  if (n <= HTTP_REPLY_MAX_BYTES) return replies;
  const refused = R.error(Errors.replyTooLarge(HTTP_REPLY_MAX_BYTES));
  return replies.map(() => refused);
}

/** The HTTP response of an answer. */
export function answerResponse(a: DoorAnswer, origin: string): Response {
  return respond(a.body, a.status, a.headers, origin);
}

// One socket message, bytes in and bytes out, for every WebSocket door: the namespace object's
// own sockets, the connections on a shim's mux socket, and the Worker's sockets of a sharded
// namespace. Parse the message with the connection's door, run its items, encode the replies,
// pick the close code (`messageStep`); then hand the result to the connection's output
// (`deliver`), after the batch's writes were issued, so the output gate holds it until durable.
//
// A connection's output is an interface, not a socket: replies to a message and, later, replies
// nobody asked for in that message (pub/sub pushes, a blocked client woken by another's write)
// leave through the same ConnOutput, in order, whichever transport carries the connection.

import type { BatchItem } from "../engine/command.ts";
import type { ConnState } from "../engine/conn-state.ts";
import { subscriptionCount } from "../engine/conn-state.ts";
import type { Deferral } from "../engine/batch-loop.ts";
import type { Engine } from "../engine/engine.ts";
import type { Reply } from "../engine/reply.ts";
import { CLOSE_INTERNAL, CLOSE_NORMAL } from "../limits.ts";
import { MuxProtocolError } from "../protocols/mux.ts";
import type { MessageLimits, ParsedMessage, WsDoor } from "./ws-dialects.ts";

/** What one message produced: bytes for the client, and the close code (0: the connection stays). */
export interface StepResult {
  bytes: Uint8Array;
  close: number;
  /**
   * The batch stopped at its reply budget (REPLY_MAX_BYTES): `bytes` are the replies so far, and
   * this runs the rest (in a following turn, before the connection's later messages).
   */
  more?: () => StepResult;
}

/** Where one connection's bytes go. */
export interface ConnOutput {
  /** Bytes for the client; the connection stays open. */
  send(bytes: Uint8Array): void;
  /** The last bytes (possibly none), then the connection ends with `code`. */
  end(code: number, bytes: Uint8Array): void;
}

/**
 * Runs items on the engine. A synchronous runner may stop at the reply budget and leave the rest
 * in `deferral.rest` (Engine.run); the shard router's (a promise) answers every item at once.
 */
export type StepRun = (items: BatchItem[], deferral: Deferral) => Reply[];

/**
 * Parses one message, runs its items with `run` (synchronous in an object, a promise through the
 * shard router), encodes the replies and picks the close code.
 */
export function messageStep(
  door: WsDoor,
  conn: ConnState,
  msg: Uint8Array,
  valueMax: number,
  run: StepRun,
  limits?: MessageLimits,
): StepResult;
export function messageStep(
  door: WsDoor,
  conn: ConnState,
  msg: Uint8Array,
  valueMax: number,
  run: (items: BatchItem[]) => Promise<Reply[]>,
  limits?: MessageLimits,
): Promise<StepResult>;
export function messageStep(
  door: WsDoor,
  conn: ConnState,
  msg: Uint8Array,
  valueMax: number,
  run: (items: BatchItem[], deferral: Deferral) => Reply[] | Promise<Reply[]>,
  limits?: MessageLimits,
): StepResult | Promise<StepResult> {
  const parsed = door.parse(msg, conn, valueMax, limits);
  if (parsed.items.length === 0) return finalStep(door, conn, parsed, []);
  const deferral: Deferral = { rest: [] };
  const replies = run(parsed.items, deferral);
  if (replies instanceof Promise) return replies.then((r) => finalStep(door, conn, parsed, r));
  return stepOf(door, conn, parsed, replies, deferral, run as StepRun);
}

/** A batch's step: final, or its replies so far and a continuation for the items left. */
function stepOf(
  door: WsDoor,
  conn: ConnState,
  parsed: ParsedMessage,
  replies: readonly Reply[],
  deferral: Deferral,
  run: StepRun,
): StepResult {
  const rest = deferral.rest;
  if (rest.length === 0) return finalStep(door, conn, parsed, replies);
  const more = () => {
    const next: Deferral = { rest: [] };
    return stepOf(door, conn, parsed, run([...rest], next), next, run);
  };
  return { bytes: door.encode(replies, conn), close: 0, more };
}

/** The last step of a message: its parse error, if any, follows the replies. */
function finalStep(
  door: WsDoor,
  conn: ConnState,
  parsed: ParsedMessage,
  replies: readonly Reply[],
): StepResult {
  return {
    bytes: door.encode(replies, conn, parsed.errorText),
    close: parsed.close ?? (conn.closing ? CLOSE_NORMAL : 0),
  };
}

/** Sends a step's result: its bytes, and the close when the connection ends. */
export function deliver(out: ConnOutput, r: StepResult): void {
  if (r.close) out.end(r.close, r.bytes);
  else out.send(r.bytes);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A WebSocket message as bytes (a text frame's UTF-8). */
export function messageBytes(data: string | ArrayBuffer): Uint8Array {
  return typeof data === "string" ? encoder.encode(data) : new Uint8Array(data);
}

/**
 * The first byte of every message to a tagged socket (the shim's per-connection links ask with
 * TAGGED_PARAM): whether it answers the client's last message or is one the object sent on its
 * own (pushes, a woken client's late replies), which the shim must not count as an answer;
 * TAG.part carries the replies so far of a batch that stopped at its reply budget: the shim
 * writes them to its client and, once they were read, asks for the rest with an empty message.
 */
export const TAG = { answer: 0, unsolicited: 1, waiting: 2, resume: 3, part: 4 } as const;

/**
 * Whether a connection now waits for bytes it asked for in no message: blocked, or subscribed.
 * Redis's idle timeout spares such clients; the shim's learns it from MUX_OP.WAITING frames or
 * TAG.waiting messages (one byte: 1 or 0), sent when it changes.
 */
export function waitsForPushes(engine: Engine, conn: ConnState): boolean {
  return engine.blocking.of(conn.id) !== undefined || subscriptionCount(conn) > 0;
}

/** A TAG.waiting message for a tagged socket. */
export function waitingMessage(waiting: boolean): Uint8Array {
  return Uint8Array.of(TAG.waiting, waiting ? 1 : 0);
}
/** A TAG.resume message: the token a new socket resumes the connection with (socket-resume.ts). */
export function resumeMessage(token: string): Uint8Array {
  return tagged(TAG.resume, new TextEncoder().encode(token));
}
/** The upgrade's query parameter asking for tagged messages (`?tagged=1`). */
export const TAGGED_PARAM = "tagged";

function tagged(tag: number, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length + 1);
  out[0] = tag;
  out.set(b, 1);
  return out;
}

/**
 * A connection that is a WebSocket of its own; `text` sends text frames (WsDoor.text), `tag`
 * prefixes every message with TAG.answer or TAG.unsolicited (binary sockets only).
 */
export function socketOutput(ws: WebSocket, text: boolean, tag?: number): ConnOutput {
  const send = (b: Uint8Array) =>
    ws.send(text ? decoder.decode(b) : tag === undefined ? b : tagged(tag, b));
  return {
    send,
    end(code, bytes) {
      if (bytes.length > 0) send(bytes);
      ws.close(code, "");
    },
  };
}

/** The code to close our side with when the peer closed: 1005/1006 are not codes one may send. */
export function answerClose(peerCode: number): number {
  return peerCode === 1005 || peerCode === 1006 ? CLOSE_NORMAL : peerCode;
}

/**
 * Closes a socket whose message failed: a peer that broke the framing or a rule is told why
 * (MuxProtocolError's code) without a stack trace; anything else is ours, logged, 1011.
 */
export function closeOnError(ws: WebSocket, err: unknown, what: string): void {
  try {
    if (err instanceof MuxProtocolError) return ws.close(err.code, err.message);
    console.error(`blink-edge: ${what} failed`, err);
    ws.close(CLOSE_INTERNAL, "internal error");
  } catch {
    // already closed
  }
}

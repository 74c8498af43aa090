// The shim's multiplexing protocol (issue 8): many TCP connections over one WebSocket to the
// namespace object, so that commands from 50 clients waiting at the same instant reach the object
// in one message and are answered in one turn.
//
// A message is a run of frames: [connection id: u32 LE][op: u8][length: u32 LE][payload].
// Shim -> object: OPEN (payload: one dialect byte), DATA (whole commands, framed by the shim),
// CLOSE (the client went away). Object -> shim: REPLY (the replies to one DATA frame, possibly
// empty), END (final bytes, then the connection ends; payload starts with the u16 LE close code),
// REFUSED (the dialect needs credentials the shim did not present; payload = the error line),
// PUSH (bytes for the connection that answer no DATA frame: pub/sub messages, a blocked client's
// late replies), WAITING (payload one byte: 1 when the connection now waits for pushes — blocked
// or subscribed — 0 when it stopped; Redis's idle timeout spares such clients, so the shim's
// does). Frames of one connection keep their order; every DATA frame gets exactly one
// REPLY or END, possibly empty (a command that blocks answers later, in PUSH frames).
// Every shim message gets one answer message; a message the object sends on its own (pushes
// between answers) starts with an empty PUSH frame for connection 0 (UNSOLICITED_CONN), so the
// shim does not count it as an answer.
// A DATA payload longer than MUX_PART_BYTES (one command holding a big value) crosses as
// DATA_PART frames and a last DATA frame, back to back (no other frame between them, so a socket
// has at most one such command in flight); the object runs their concatenation as one DATA frame
// and answers the parts with nothing. A REPLY payload past MUX_PART_BYTES (a big GET) goes back
// the same way, REPLY_PART frames then the REPLY; once the message being built passes
// WS_MESSAGE_MAX_BYTES, what it holds leaves as an unsolicited message. WebSocket messages stay
// under the platform's 32 MiB both ways.
// A DATA frame whose replies pass REPLY_MAX_BYTES stops there: its replies so far come as a
// REPLY_MORE frame (after REPLY_PART frames if long), and the rest of its commands run when the
// shim asks with a MORE frame for the connection, which it sends once its client has read what
// came (back-pressure: the object runs no more than the client can take). The DATA frame's REPLY
// comes after the last MORE; the connection's later DATA frames wait behind it in the object.

import type { Dialect } from "../engine/command.ts";
import { CLOSE_PROTOCOL } from "../limits.ts";

export const MUX_OP = {
  OPEN: 1,
  DATA: 2,
  CLOSE: 3,
  REPLY: 4,
  END: 5,
  REFUSED: 6,
  PUSH: 7,
  WAITING: 8,
  DATA_PART: 9,
  REPLY_PART: 10,
  MORE: 11,
  REPLY_MORE: 12,
} as const;

/** The connection id of the empty PUSH frame that opens an unsolicited message (shim ids start at 1). */
export const UNSOLICITED_CONN = 0;

/** True when a message is one the object sent on its own, not an answer. */
export function isUnsolicited(msg: Uint8Array): boolean {
  if (msg.length < MUX_HEADER_BYTES) return false;
  const v = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  return v.getUint32(0, true) === UNSOLICITED_CONN && msg[4] === MUX_OP.PUSH;
}
export type MuxOp = (typeof MUX_OP)[keyof typeof MUX_OP];

export const MUX_HEADER_BYTES = 9;

/** Dialects by their byte in OPEN frames. */
export const MUX_DIALECTS: readonly Dialect[] = ["blink", "redis", "gevent"];

export interface MuxFrame {
  conn: number;
  op: MuxOp;
  payload: Uint8Array;
}

/** A payload up to this many bytes is copied in beside its header (no allocation per frame). */
const INLINE_PAYLOAD_MAX = 1024;
/** Headers and small payloads are written into chunks of this size, reused after `take`. */
const CHUNK_BYTES = 16384;

/**
 * Builds one message from frames. Headers and small payloads (a fan-out's thousands of pushes)
 * are written into a reused chunk; a larger payload is kept by reference and copied once, into
 * the message, by `take` (a reply payload can be megabytes: no growing buffer copies it again);
 * a caller must not change a payload after framing it.
 */
export class MuxWriter {
  /** The message so far: runs of chunk bytes and large payloads, in order. */
  private parts: Uint8Array[] = [];
  private size = 0;
  private chunk = new Uint8Array(CHUNK_BYTES);
  private view = new DataView(this.chunk.buffer);
  /** Bytes of `chunk` written; from `runStart` on they are not yet in `parts`. */
  private used = 0;
  private runStart = 0;

  get length(): number {
    return this.size;
  }

  /** Appends a frame. */
  frame(conn: number, op: MuxOp, payload: Uint8Array = EMPTY, prefix?: number): void {
    const extra = prefix === undefined ? 0 : 2;
    const inline = payload.length <= INLINE_PAYLOAD_MAX ? payload.length : 0;
    const need = MUX_HEADER_BYTES + extra + inline;
    if (this.used + need > this.chunk.length) this.newChunk();
    const at = this.used;
    this.view.setUint32(at, conn, true);
    this.chunk[at + 4] = op;
    this.view.setUint32(at + 5, payload.length + extra, true);
    if (prefix !== undefined) this.view.setUint16(at + MUX_HEADER_BYTES, prefix, true);
    if (inline > 0) this.chunk.set(payload, at + MUX_HEADER_BYTES + extra);
    this.used += need;
    if (inline === 0 && payload.length > 0) {
      this.endRun();
      this.parts.push(payload);
    }
    this.size += MUX_HEADER_BYTES + extra + payload.length;
  }

  /** The message so far, and a fresh start. */
  take(): Uint8Array {
    this.endRun();
    const out = new Uint8Array(this.size);
    let p = 0;
    for (const part of this.parts) {
      out.set(part, p);
      p += part.length;
    }
    // Every byte was copied out: the current chunk is written over from its start.
    this.parts = [];
    this.size = 0;
    this.used = this.runStart = 0;
    return out;
  }

  /** Moves the chunk bytes not yet in `parts` there, as one run. */
  private endRun(): void {
    if (this.used === this.runStart) return;
    this.parts.push(this.chunk.subarray(this.runStart, this.used));
    this.runStart = this.used;
  }

  private newChunk(): void {
    this.endRun();
    this.chunk = new Uint8Array(CHUNK_BYTES);
    this.view = new DataView(this.chunk.buffer);
    this.used = this.runStart = 0;
  }
}

const EMPTY = new Uint8Array(0);

/** A message that breaks the framing rules: the peer is closed with a protocol close code. */
export class MuxProtocolError extends Error {
  /** CLOSE_PROTOCOL for broken framing, CLOSE_POLICY for a rule the peer broke. */
  readonly code: number;
  constructor(message: string, code: number = CLOSE_PROTOCOL) {
    super(message);
    this.code = code;
  }
}

/** Splits a message into frames; throws MuxProtocolError on a truncated or malformed message. */
export function readMuxFrames(msg: Uint8Array): MuxFrame[] {
  const frames: MuxFrame[] = [];
  const v = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  let p = 0;
  while (p < msg.length) {
    if (p + MUX_HEADER_BYTES > msg.length) throw new MuxProtocolError("truncated mux frame header");
    const conn = v.getUint32(p, true);
    const op = msg[p + 4] as MuxOp;
    const len = v.getUint32(p + 5, true);
    p += MUX_HEADER_BYTES;
    if (p + len > msg.length) throw new MuxProtocolError("truncated mux frame");
    if (op < MUX_OP.OPEN || op > MUX_OP.REPLY_MORE)
      throw new MuxProtocolError(`unknown mux op ${op}`);
    frames.push({ conn, op, payload: msg.subarray(p, p + len) });
    p += len;
  }
  return frames;
}

/** The close code and bytes of an END frame. */
export function readEnd(payload: Uint8Array): { code: number; bytes: Uint8Array } {
  const code = payload.length >= 2 ? payload[0]! | (payload[1]! << 8) : 1000;
  return { code, bytes: payload.subarray(2) };
}
